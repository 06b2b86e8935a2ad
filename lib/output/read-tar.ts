import { Readable } from "node:stream";
import tar from "tar-stream";
import { InvalidReportFileError } from "../errors.ts";

/**
 * What one kind of tar this tool writes may hold: each file named once, at the places the writer
 * puts it. Anything else (another name, a folder, a link) is a tar this tool did not write.
 */
export interface TarLayout {
  /** "report" or "estate", as messages name it. */
  readonly kind: string;
  /** The file that tells this kind of tar from another (response.json, estate.json). */
  readonly marker: string;
  /** Every name the tar may hold at its top level. */
  readonly files: readonly string[];
  /** Names inside folders, e.g. environments/<name>/response.json: each a pattern and how to say it. */
  readonly nested?: ReadonlyArray<{
    readonly pattern: { readonly test: (name: string) => boolean };
    readonly shown: string;
  }>;
}

/** A tar read strictly: its layout, and each file's bytes by its name, in archive order. */
export interface TarFiles {
  readonly layout: TarLayout;
  readonly files: ReadonlyMap<string, Buffer>;
}

interface RawEntry {
  readonly name: string;
  readonly type: string | null;
  readonly content: Buffer;
}

export function isTar(bytes: Buffer): boolean {
  return bytes.length >= 512 && bytes.subarray(257, 262).toString("latin1") === "ustar";
}

/**
 * Reads a tar exactly as `tar -x` would see it and refuses (exit 2) any archive whose extraction
 * could differ from what is checked: a name given twice (extraction keeps the last, a reader may take
 * the first), `./`, `..`, an absolute path or a backslash (the same file under another spelling, or a
 * file outside the folder), a link, folder or device, or a file the layout does not hold. Every
 * problem is named in one message. The layout is the first of `layouts` whose marker file is there.
 */
export async function readTarFiles(
  bytes: Buffer,
  source: string,
  layouts: readonly TarLayout[],
): Promise<TarFiles> {
  const entries = await readRawEntries(bytes, source);
  const problems: string[] = [];
  const counts = new Map<string, number>();
  for (const entry of entries) counts.set(entry.name, (counts.get(entry.name) ?? 0) + 1);
  for (const [name, count] of counts) {
    if (count > 1)
      problems.push(`${JSON.stringify(name)} appears ${count} times (tar -x keeps the last one)`);
  }
  const plain = entries.filter((entry) => {
    const problem =
      entry.type !== "file"
        ? `is ${entry.type === null ? "an entry of an unknown type" : `a ${entry.type}`}, not a file`
        : describeUnsafeName(entry.name);
    if (problem !== undefined) problems.push(`${JSON.stringify(entry.name)} ${problem}`);
    return problem === undefined;
  });
  const layout = layouts.find((candidate) => plain.some((entry) => entry.name === candidate.marker));
  if (layout === undefined) {
    const markers = layouts.map((candidate) => candidate.marker).join(" or ");
    throw new InvalidReportFileError(
      `${source} is a tar without ${markers}${problems.length === 0 ? "" : ` (and ${problems.join("; ")})`}: it is not a report or an estate this tool writes.`,
    );
  }
  const unexpected = plain.filter((entry) => !isAllowed(entry.name, layout)).map((entry) => entry.name);
  if (unexpected.length > 0) {
    problems.push(
      `${unexpected.map((name) => JSON.stringify(name)).join(", ")} ${unexpected.length === 1 ? "is not a file" : "are not files"} of ${withArticle(layout.kind)} tar (it holds ${describeLayout(layout)})`,
    );
  }
  if (problems.length > 0) {
    throw new InvalidReportFileError(
      `${source} is not ${withArticle(layout.kind)} tar as this tool writes it, so nothing in it was checked: ${problems.join("; ")}.`,
    );
  }
  return { layout, files: new Map(plain.map((entry) => [entry.name, entry.content])) };
}

/** Why a name could extract elsewhere than it reads, or undefined for a plain relative path. */
function describeUnsafeName(name: string): string | undefined {
  if (name === "") return "is an empty name";
  if (name.includes("\\")) return "holds a backslash (a folder separator on Windows)";
  if (name.startsWith("/") || /^[A-Za-z]:/.test(name)) return "is an absolute path";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused.
  if (/[\u0000-\u001f\u007f]/.test(name)) return "holds a control character";
  if (name.startsWith("./")) return "starts with ./ (the same file as without it)";
  const segments = name.split("/");
  if (segments.includes("..")) return "climbs out of the folder with ..";
  if (segments.includes(".")) return "holds a . folder (the same file as without it)";
  if (segments.includes("")) return "holds an empty folder name (//, or a trailing /)";
  return undefined;
}

function withArticle(word: string): string {
  return `${/^[aeiou]/.test(word) ? "an" : "a"} ${word}`;
}

function isAllowed(name: string, layout: TarLayout): boolean {
  return layout.files.includes(name) || (layout.nested ?? []).some(({ pattern }) => pattern.test(name));
}

function describeLayout(layout: TarLayout): string {
  return [...layout.files, ...(layout.nested ?? []).map(({ shown }) => shown)].join(", ");
}

async function readRawEntries(bytes: Buffer, source: string): Promise<RawEntry[]> {
  const entries: RawEntry[] = [];
  const extract = tar.extract();
  const done = new Promise<void>((resolve, reject) => {
    extract.on("entry", (header, stream, next) => {
      const chunks: Buffer[] = [];
      // A tar cut inside an entry fails on the entry's stream; unheard, it would crash the process.
      stream.on("error", reject);
      stream.on("data", (chunk: unknown) => {
        chunks.push(chunk as Buffer);
      });
      stream.on("end", () => {
        entries.push({ name: header.name, type: header.type ?? null, content: Buffer.concat(chunks) });
        next();
      });
    });
    extract.on("finish", resolve);
    extract.on("error", reject);
  });
  Readable.from([bytes]).pipe(extract);
  try {
    await done;
  } catch (error) {
    const truncated = /unexpected end/i.test((error as Error).message);
    throw new InvalidReportFileError(
      truncated
        ? `${source} is a truncated tar archive (it ends after ${bytes.length} bytes, inside an entry): it was probably cut short while downloading. Download it again.`
        : `${source} is not a readable tar archive (${(error as Error).message}).`,
      { cause: error },
    );
  }
  return entries;
}
