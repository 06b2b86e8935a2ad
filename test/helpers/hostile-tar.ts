import { createHash } from "node:crypto";
import tar from "tar-stream";
import { canonicalJson } from "#lib/estate/estate-digest.ts";

/** One entry of a hand-made tar: a file by default, or a link, a folder, a device. */
export interface TarEntrySpec {
  readonly name: string;
  readonly content?: Buffer | string;
  readonly type?: "file" | "directory" | "symlink" | "link" | "character-device" | "fifo";
  readonly linkname?: string;
}

/** Packs entries exactly as given (names, order, duplicates, types): what a forger can write. */
export async function packTar(entries: readonly TarEntrySpec[]): Promise<Buffer> {
  const pack = tar.pack();
  for (const entry of entries) {
    const content = entry.content === undefined ? undefined : Buffer.from(entry.content);
    const header = {
      name: entry.name,
      type: entry.type ?? "file",
      mode: 0o644,
      mtime: new Date(0),
      ...(entry.linkname === undefined ? {} : { linkname: entry.linkname }),
    };
    if (content === undefined) pack.entry(header);
    else pack.entry(header, content);
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/**
 * manifest.json as README.md documents it, written here from the documentation (not by the
 * product's code): every file's name, size and SHA-256, the document's checksum, and the SHA-256 of
 * the RFC 8785 canonical JSON of the manifest without `digest`. A forger who knows the format can
 * recompute it: what verify must still catch is what the manifest cannot (a report's own checksum,
 * details of another report, totals that contradict the reports).
 */
export function forgeManifest(
  files: ReadonlyArray<readonly [string, Buffer]>,
  kind: "report" | "estate",
  checksum: string,
): Buffer {
  const unsigned = {
    manifest_version: 1,
    kind,
    checksum,
    files: files.map(([name, content]) => ({
      name,
      bytes: content.length,
      sha256: createHash("sha256").update(content).digest("hex"),
    })),
  };
  const digest = createHash("sha256").update(canonicalJson(unsigned), "utf8").digest("hex");
  return Buffer.from(`${JSON.stringify({ ...unsigned, digest }, null, 2)}\n`);
}
