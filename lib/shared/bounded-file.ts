import { open } from "node:fs/promises";

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const CHUNK_BYTES = MiB;

/**
 * Reads a whole file a person gives (a report, an estate, an environments file), refusing one larger
 * than `maxBytes`: its size is checked before anything is read, and a file that grows while read, or
 * a device or pipe whose size the file system does not know, is cut off at `maxBytes` and refused.
 * `refuse(reason)` makes the error; the reason completes "Cannot read FILE: …".
 */
export async function readBoundedFile(
  path: string,
  maxBytes: number,
  refuse: (reason: string, cause?: unknown) => Error,
): Promise<Buffer> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, "r");
  } catch (error) {
    throw refuse(describeOpenError(error), error);
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw refuse("it is a folder");
    if (info.size > maxBytes) throw refuse(describeTooLarge(info.size, maxBytes));
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(Math.min(CHUNK_BYTES, maxBytes + 1 - total));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
      if (total > maxBytes) throw refuse(describeTooLarge(undefined, maxBytes));
    }
    return Buffer.concat(chunks, total);
  } finally {
    await handle.close();
  }
}

/**
 * "it is 5.0 GiB, more than the 256 MiB a file may have (…)"; without a size (a device or a pipe
 * cut off while read), "it holds more than the 256 MiB …".
 */
export function describeTooLarge(bytes: number | undefined, maxBytes: number): string {
  const limit = `${formatSize(maxBytes)} a file may have (KONG_LICENSE_REPORT_MAX_FILE_MB raises the limit)`;
  return bytes === undefined
    ? `it holds more than the ${limit}`
    : `it is ${formatSize(bytes)}, more than the ${limit}`;
}

function formatSize(bytes: number): string {
  if (bytes >= GiB) return `${(bytes / GiB).toFixed(1)} GiB`;
  if (bytes % MiB === 0) return `${bytes / MiB} MiB`;
  if (bytes >= MiB) return `${(bytes / MiB).toFixed(1)} MiB`;
  return `${bytes} bytes`;
}

/** Why a file could not be opened, in words; another error's code as it is. */
const OPEN_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: "no such file",
  EISDIR: "it is a folder",
  EACCES: "permission denied",
  EPERM: "permission denied",
};

function describeOpenError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
  return OPEN_ERRORS[code] ?? code;
}
