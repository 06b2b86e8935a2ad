import { readFile } from "node:fs/promises";
import { Readable } from "node:stream";
import tar from "tar-stream";
import { InvalidReportFileError } from "../errors.ts";
import { parseReportJson } from "../report/verify-report.ts";
import { type ReportDocument, toReportDocument } from "./report-document.ts";

export type ReadFile = (path: string) => Promise<string | Uint8Array>;

/**
 * Reads a report from a `.json` file (with its details when generated with them) or from a report
 * tar (`response.json`, and `details.json` when present).
 */
export async function readReportDocument(path: string, read: ReadFile = readFile): Promise<ReportDocument> {
  let data: string | Uint8Array;
  try {
    data = await read(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a folder" : (code ?? "unreadable");
    throw new InvalidReportFileError(`Cannot read ${path}: ${why}.`, { cause: error });
  }
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : Buffer.from(data);
  if (!isTar(bytes)) {
    if (looksLikeTar(bytes, path)) {
      throw new InvalidReportFileError(
        `${path} is not a complete tar archive (${bytes.length} bytes, less than one tar header): it was probably cut short while downloading. Download it again.`,
      );
    }
    return toReportDocument(parseReportJson(bytes.toString("utf8"), path), path);
  }

  const entries = await readTarEntries(bytes, path);
  const response = entries.get("response.json");
  if (response === undefined) throw new InvalidReportFileError(`${path} is a tar without response.json.`);
  const details = entries.get("details.json");
  return toReportDocument(
    parseReportJson(response, `${path} (response.json)`),
    path,
    details === undefined ? undefined : parseReportJson(details, `${path} (details.json)`),
  );
}

export function isTar(bytes: Buffer): boolean {
  return bytes.length >= 512 && bytes.subarray(257, 262).toString("latin1") === "ustar";
}

/** A `.tar` name, or a header cut before its 512 bytes: not JSON, so no JSON parse error. */
function looksLikeTar(bytes: Buffer, path: string): boolean {
  if (path.toLowerCase().endsWith(".tar")) return true;
  return bytes.length > 262 && bytes.subarray(257, 262).toString("latin1") === "ustar";
}

/** The text of the tar's JSON entries, by base name (or by path inside the archive). */
export async function readTarEntries(
  bytes: Buffer,
  path: string,
  keyBy: "base" | "path" = "base",
): Promise<Map<string, string>> {
  const entries = new Map<string, string>();
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
        const name = keyBy === "path" ? header.name : (header.name.split("/").pop() ?? header.name);
        if (name.endsWith(".json")) entries.set(name, Buffer.concat(chunks).toString("utf8"));
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
        ? `${path} is a truncated tar archive (it ends after ${bytes.length} bytes, inside an entry): it was probably cut short while downloading. Download it again.`
        : `${path} is not a readable tar archive (${(error as Error).message}).`,
      { cause: error },
    );
  }
  return entries;
}
