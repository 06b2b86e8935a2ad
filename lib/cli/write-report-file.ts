import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { constants, createWriteStream } from "node:fs";
import { copyFile, link, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, extname, join, resolve } from "node:path";
import { pipeline } from "node:stream/promises";
import { ReportUploadError } from "../errors.ts";
import { formatReportFileName, type ReportFormat } from "../output/file-name.ts";
import type { CliIo } from "./io.ts";

/** Where `generate` sends a report: `--out`'s checked path (undefined: none, or `-`), the format and zone naming a file. */
export interface ReportDestination {
  readonly target: string | undefined;
  readonly out: string | undefined;
  readonly format: ReportFormat;
  readonly timeZone: string;
}

/**
 * Streams a report to stdout (`--out -`), else to `--out`'s file (replaced, as curl -o does) or to an
 * auto-named one, which never replaces another: two clusters reported in the same minute get
 * report-…_PM.tar and report-…_PM-2.tar. Undefined when it went to stdout.
 */
export async function deliverReport(
  stream: NodeJS.ReadableStream,
  destination: ReportDestination,
  now: Date,
  io: CliIo,
): Promise<{ path: string; bytes: number } | undefined> {
  const { target, out, format, timeZone } = destination;
  if (target === undefined && out === "-") {
    for await (const chunk of stream) io.stdout(chunk as Buffer);
    await io.flush?.();
    return undefined;
  }
  return target === undefined
    ? writeReportFile(resolve(formatReportFileName(format, now, timeZone)), stream, { overwrite: false })
    : writeReportFile(target, stream, { overwrite: true });
}

/**
 * Writes next to the target then moves it in place, so a failure never leaves a half-written
 * report. Without `overwrite` the move is a hard link, which fails on an existing name instead of
 * replacing it (no check-then-write race): the next free `-N` suffix is taken.
 */
export async function writeReportFile(
  path: string,
  stream: NodeJS.ReadableStream,
  { overwrite }: { overwrite: boolean },
): Promise<{ path: string; bytes: number }> {
  // A device or pipe (`--out /dev/null`, a FIFO) is written into: renaming over it would replace
  // the device with a plain file, and as root that breaks /dev/null for the whole machine.
  if (overwrite && (await isSpecialFile(path))) return writeInto(path, stream);
  const temporary = join(
    dirname(path),
    `.${basename(path)}.${process.pid}-${randomBytes(4).toString("hex")}.partial`,
  );
  const file = createWriteStream(temporary, { flags: "wx" });
  try {
    await once(file, "open");
    await pipeline(stream, file);
    const bytes = (await stat(temporary)).size;
    if (overwrite) {
      await rename(temporary, path);
      return { path, bytes };
    }
    const final = await linkToFreeName(temporary, path);
    await rm(temporary, { force: true });
    return { path: final, bytes };
  } catch (error) {
    await rm(temporary, { force: true });
    throw new ReportUploadError(`Could not write ${path}: ${(error as Error).message}`, { cause: error });
  }
}

async function isSpecialFile(path: string): Promise<boolean> {
  const found = await stat(path).catch(() => undefined);
  return found !== undefined && !found.isFile() && !found.isDirectory();
}

async function writeInto(
  path: string,
  stream: NodeJS.ReadableStream,
): Promise<{ path: string; bytes: number }> {
  let bytes = 0;
  const counted = async function* () {
    for await (const chunk of stream) {
      bytes += (chunk as Buffer).length;
      yield chunk;
    }
  };
  try {
    await pipeline(counted, createWriteStream(path, { flags: "w" }));
    return { path, bytes };
  } catch (error) {
    throw new ReportUploadError(`Could not write ${path}: ${(error as Error).message}`, { cause: error });
  }
}

const MAX_NAME_SUFFIX = 1000;

/** Links `temporary` to `path`, or to `name-2.ext`, `name-3.ext`… when taken; returns the name used. */
async function linkToFreeName(temporary: string, path: string): Promise<string> {
  const extension = extname(path);
  const stem = path.slice(0, path.length - extension.length);
  for (let suffix = 1; suffix <= MAX_NAME_SUFFIX; suffix += 1) {
    const candidate = suffix === 1 ? path : `${stem}-${suffix}${extension}`;
    try {
      await link(temporary, candidate).catch(async (error: NodeJS.ErrnoException) => {
        // File systems without hard links (FAT, some network mounts): an exclusive copy.
        if (error.code === "EEXIST") throw error;
        await copyFile(temporary, candidate, constants.COPYFILE_EXCL);
      });
      return candidate;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
  throw new Error(`${MAX_NAME_SUFFIX} files named like it already exist; use --out to name the report`);
}
