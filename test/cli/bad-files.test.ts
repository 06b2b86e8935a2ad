import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buffer } from "node:stream/consumers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildReportFiles, openReportStream } from "#lib/output/report-files.ts";
import { runCliCapturing } from "../helpers/run-cli.ts";
import { sampleMarch } from "../helpers/sample-report.ts";

// Every reader of a user's file turns a damaged file into exit 2 and one line naming the file:
// an interrupted download, a hand-edited rules file, a license pasted half-way.
function cli(...argv: string[]) {
  return runCliCapturing({}, argv);
}

let folder: string;
let full: Buffer;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "klr-bad-files-"));
  const collected = sampleMarch();
  full = await buffer(openReportStream(buildReportFiles(collected, { format: "tar" }), "tar", new Date()));
  await writeFile(join(folder, "full.tar"), full);
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

function expectOneLineNaming(run: { code: number; stdout: string; stderr: string }, file: string) {
  expect(run.code).toBe(2);
  expect(run.stdout).toBe("");
  expect(run.stderr).toContain(file);
  expect(run.stderr.trim().split("\n")).toHaveLength(1);
  expect(run.stderr).not.toMatch(/\n\s+at |Error:/);
}

describe("A report tar cut short (an interrupted download)", () => {
  it("is longer than every cut below, so each cut loses part of an entry", () => {
    expect(full.length).toBeGreaterThan(15_000);
    expect((full.length - 1024) % 512).toBe(0);
  });

  it.each([100, 512, 10_000, 15_000])(
    "verify on a tar cut at %i bytes exits 2 naming the file",
    async (bytes) => {
      const file = join(folder, `cut-${bytes}.tar`);
      await writeFile(file, full.subarray(0, bytes));
      const run = await cli("verify", file);
      expectOneLineNaming(run, file);
      expect(run.stderr).toMatch(/cut short while downloading\. Download it again\./);
    },
  );

  it.each([512, 10_000, 15_000])("diff with a tar cut at %i bytes exits 2 naming the file", async (bytes) => {
    const file = join(folder, `diff-cut-${bytes}.tar`);
    await writeFile(file, full.subarray(0, bytes));
    const run = await cli("diff", join(folder, "full.tar"), file);
    expectOneLineNaming(run, file);
    expect(run.stderr).toContain(
      `is a truncated tar archive (it ends after ${bytes} bytes, inside an entry)`,
    );
  });

  it("still verifies the whole tar", async () => {
    const run = await cli("verify", join(folder, "full.tar"));
    expect(run.code).toBe(0);
  });
});

describe("Other user files that are damaged", () => {
  it("a report JSON cut in the middle exits 2 naming the file", async () => {
    const file = join(folder, "cut.json");
    await writeFile(file, JSON.stringify(sampleMarch().report).slice(0, 200));
    const run = await cli("verify", file);
    expectOneLineNaming(run, file);
    expect(run.stderr).toMatch(/is not valid JSON/);
  });

  it.each([
    ["a cut rules file", '[{"find": ', /is not valid JSON/],
    [
      "a rule whose find is not a regex",
      '[{"find": "(", "replace_with": "x"}]',
      /rule #1: "find" "\(" is not a valid regular expression/,
    ],
  ])("--discrete-rules with %s exits 2 naming the file", async (_case, content, message) => {
    const file = join(folder, `rules-${content.length}.json`);
    await writeFile(file, content);
    const run = await cli("generate", "--demo", "--discrete-rules", file);
    expectOneLineNaming(run, file);
    expect(run.stderr).toMatch(message);
  });

  it("--license with a file that is not a license exits 2 naming the file", async () => {
    const file = join(folder, "license.json");
    await writeFile(file, '{"license": {"payload": ');
    const run = await cli("generate", "--demo", "--license", file);
    expectOneLineNaming(run, file);
    expect(run.stderr).toMatch(/is not a Kong license/);
  });
});
