import { readFile } from "node:fs/promises";
import { Readable } from "node:stream";
import tar from "tar-stream";
import { InvalidReportFileError } from "../errors.ts";
import { parseReportJson } from "../report/verify-report.ts";

/** Reads a report from a `.json` file, or the `response.json` inside a report tar. */
export async function readReportFile(path: string): Promise<unknown> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a folder" : (code ?? "unreadable");
    throw new InvalidReportFileError(`Cannot read ${path}: ${why}.`, { cause: error });
  }
  if (isTar(bytes)) {
    const json = await extractEntry(bytes, "response.json", path);
    return parseReportJson(json.toString("utf8"), `${path} (response.json)`);
  }
  return parseReportJson(bytes.toString("utf8"), path);
}

function isTar(bytes: Buffer): boolean {
  return bytes.length >= 512 && bytes.subarray(257, 262).toString("latin1") === "ustar";
}

async function extractEntry(bytes: Buffer, name: string, path: string): Promise<Buffer> {
  const extract = tar.extract();
  let found: Buffer | undefined;
  const done = new Promise<void>((resolve, reject) => {
    extract.on("entry", (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: unknown) => {
        if (header.name === name || header.name.endsWith(`/${name}`)) chunks.push(chunk as Buffer);
      });
      stream.on("end", () => {
        if (chunks.length > 0) found = Buffer.concat(chunks);
        next();
      });
      stream.resume();
    });
    extract.on("finish", resolve);
    extract.on("error", reject);
  });
  Readable.from([bytes]).pipe(extract);
  try {
    await done;
  } catch (error) {
    throw new InvalidReportFileError(`${path} is not a readable tar archive.`, { cause: error });
  }
  if (found === undefined) throw new InvalidReportFileError(`${path} holds no ${name}.`);
  return found;
}
