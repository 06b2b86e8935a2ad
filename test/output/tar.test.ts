import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buffer } from "node:stream/consumers";
import { promisify } from "node:util";
import tar from "tar-stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTarStream, type ReportFile } from "#lib/output/tar.ts";

const run = promisify(execFile);

const FILES: ReportFile[] = [
  { name: "response.json", content: Buffer.from('{\n  "a": 1\n}\n') },
  { name: "details.json", content: Buffer.alloc(1_000, "d") },
  // Exactly one block: no padding after it.
  { name: "summary.html", content: Buffer.alloc(512, "h") },
  { name: "report.csv", content: Buffer.from("") },
];

describe("Function: createTarStream", () => {
  let folder: string;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), "tar-test-"));
  });

  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it("writes a POSIX tar that GNU tar lists and extracts with the same names, modes and bytes", async () => {
    // Prepare
    const mtime = new Date("2026-10-05T15:27:00Z");

    // Act
    const archive = await buffer(createTarStream(FILES, { mtime }));
    const path = join(folder, "report.tar");
    await writeFile(path, archive);
    const listing = await run("tar", ["--list", "--verbose", "--utc", "--file", path]);
    await run("tar", ["--extract", "--file", path, "--directory", folder]);

    // Assess
    const lines = listing.stdout.trim().split("\n");
    expect(lines.map((line) => line.split(/\s+/).at(-1))).toEqual(FILES.map((file) => file.name));
    for (const line of lines) expect(line).toMatch(/^-rw-r--r-- .* 2026-10-05 15:27 /);
    for (const file of FILES) expect(await readFile(join(folder, file.name))).toEqual(file.content);
    // 512-byte headers, data padded to 512, and the two zero blocks of the end.
    expect(archive.byteLength).toBe(4 * 512 + 512 + 1024 + 512 + 0 + 1024);
    expect(archive.subarray(-1024).every((byte) => byte === 0)).toBe(true);
    expect(archive.subarray(257, 262).toString("latin1")).toBe("ustar");
  });

  it("round-trips through tar-stream's extractor, headers included", async () => {
    // Act
    const entries: Array<{
      name: string;
      size: number | undefined;
      type: string | null | undefined;
      body: Buffer;
    }> = [];
    const extract = tar.extract();
    const done = (async () => {
      for await (const entry of extract) {
        entries.push({
          name: entry.header.name,
          size: entry.header.size,
          type: entry.header.type,
          body: await buffer(entry),
        });
      }
    })();
    createTarStream(FILES).pipe(extract);
    await done;

    // Assess
    expect(entries).toEqual(
      FILES.map((file) => ({
        name: file.name,
        size: file.content.byteLength,
        type: "file",
        body: file.content,
      })),
    );
  });

  it("keeps a long entry name intact (ustar prefix field)", async () => {
    // Prepare
    const name = `${"nested-folder/".repeat(8)}response.json`;

    // Act
    const archive = await buffer(createTarStream([{ name, content: Buffer.from("{}") }]));
    const path = join(folder, "long.tar");
    await writeFile(path, archive);
    const listing = await run("tar", ["--list", "--file", path]);

    // Assess
    expect(name.length).toBeGreaterThan(100);
    expect(listing.stdout.trim()).toBe(name);
  });

  it("stops cleanly when the reader goes away mid-archive", async () => {
    // Prepare
    const big = Array.from({ length: 8 }, (_, i) => ({
      name: `part-${i}.bin`,
      content: Buffer.alloc(256 * 1024, i),
    }));
    const stream = createTarStream(big);

    // Act: read one chunk, then destroy the stream as a failed upload does.
    const first = await new Promise<Buffer>((resolve) => stream.once("data", resolve));
    stream.destroy();
    await new Promise((resolve) => setTimeout(resolve, 20));

    // Assess: no uncaught error (the test would fail), and the stream reports itself destroyed.
    expect(first.byteLength).toBeGreaterThan(0);
    expect(stream.destroyed).toBe(true);
  });
});
