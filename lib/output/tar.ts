import { Readable } from "node:stream";
import tar from "tar-stream";

/** One file of a report: its name inside the archive and its bytes. */
export interface ReportFile {
  readonly name: string;
  readonly content: Buffer;
}

export interface TarOptions {
  /** Modification time written into every header (the report's generation time). */
  readonly mtime?: Date;
}

/**
 * Streams a POSIX (ustar) tar of `files`, in order, as a Node Readable. Entries are written one after
 * the other as the consumer reads, so the archive is never held whole in memory twice.
 */
export function createTarStream(files: readonly ReportFile[], options: TarOptions = {}): Readable {
  const pack = tar.pack();
  const mtime = options.mtime ?? new Date();
  for (const file of files) {
    const entry = pack.entry(
      { name: file.name, size: file.content.byteLength, mode: 0o644, mtime },
      file.content,
    );
    // An entry's error (e.g. a size mismatch) is emitted on the entry, not the pack: without a listener
    // it would crash the process. Fail the archive instead, so the reader (the upload) sees it.
    entry.on("error", (error: Error) => pack.destroy(error));
  }
  pack.finalize();
  // tar-stream's pack is a streamx stream; lib-storage and pipeline need a Node Readable.
  return Readable.from(pack);
}
