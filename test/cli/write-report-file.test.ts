import { execFileSync } from "node:child_process";
import { createReadStream } from "node:fs";
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeReportFile } from "#lib/cli/write-report-file.ts";

let folder: string;

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), "klr-write-"));
});

afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

const streamOf = (text: string) => Readable.from([Buffer.from(text)]);

describe("writeReportFile", () => {
  it("never overwrites an auto-named file: two reports in one minute keep both", async () => {
    const path = join(folder, "report-2026_11_29_06_23_PM.tar");
    const [first, second, third] = await Promise.all([
      writeReportFile(path, streamOf("cluster A"), { overwrite: false }),
      writeReportFile(path, streamOf("cluster B"), { overwrite: false }),
      writeReportFile(path, streamOf("cluster C"), { overwrite: false }),
    ]);
    const names = [first, second, third].map((written) => written?.path).sort();
    expect(names).toEqual(
      [
        path,
        join(folder, "report-2026_11_29_06_23_PM-2.tar"),
        join(folder, "report-2026_11_29_06_23_PM-3.tar"),
      ].sort(),
    );
    const contents = await Promise.all(names.map((name) => readFile(name as string, "utf8")));
    expect(contents.sort()).toEqual(["cluster A", "cluster B", "cluster C"]);
    expect((await readdir(folder)).sort()).toEqual(
      names.map((name) => (name as string).slice(folder.length + 1)),
    );
  });

  it("keeps a file that was there before, whatever wrote it", async () => {
    const path = join(folder, "report-2026_11_29_06_23_PM.json");
    await writeFile(path, "kept");
    const written = await writeReportFile(path, streamOf("new"), { overwrite: false });
    expect(written).toEqual({ path: join(folder, "report-2026_11_29_06_23_PM-2.json"), bytes: 3 });
    expect(await readFile(path, "utf8")).toBe("kept");
  });

  it("replaces the file named by an explicit --out, as curl -o does", async () => {
    const path = join(folder, "mine.json");
    await writeFile(path, "old content");
    const written = await writeReportFile(path, streamOf("new"), { overwrite: true });
    expect(written).toEqual({ path, bytes: 3 });
    expect(await readFile(path, "utf8")).toBe("new");
    expect(await readdir(folder)).toEqual(["mine.json"]);
  });

  it("writes into a named pipe given as --out instead of replacing it with a plain file", async () => {
    // Stands in for /dev/null and other devices: a rename over them would replace the device.
    const path = join(folder, "pipe");
    execFileSync("mkfifo", [path]);
    const received: Buffer[] = [];
    const reader = createReadStream(path);
    const drained = new Promise<void>((resolve, reject) => {
      reader.on("data", (chunk) => received.push(chunk as Buffer));
      reader.on("end", resolve);
      reader.on("error", reject);
    });
    const written = await writeReportFile(path, streamOf("through the pipe"), { overwrite: true });
    await drained;
    expect(written).toEqual({ path, bytes: 16 });
    expect(Buffer.concat(received).toString("utf8")).toBe("through the pipe");
    expect((await stat(path)).isFIFO()).toBe(true);
    expect(await readdir(folder)).toEqual(["pipe"]);
  });
});
