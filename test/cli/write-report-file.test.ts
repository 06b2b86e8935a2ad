import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
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
});
