import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeInvisible, showInvisible, stringifyJson } from "#lib/shared/visible-text.ts";
import { runCliCapturing } from "../helpers/run-cli.ts";
import { sampleApril, sampleMarch, signReport } from "../helpers/sample-report.ts";

// Names from a database or a file are data in a terminal too: ESC (a colour, a cursor move), CR
// (back to the start of the line) and U+202E (reverse what follows) are shown, never obeyed.
const ESC = "\u001b";
const RLO = "\u202e";
/** Anything that would act in a terminal, left raw (everything of Unicode's Cc but LF and tab, and the bidi controls). */
const ACTING = /(?![\n\t])[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "klr-terminal-"));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe("Function: showInvisible", () => {
  it("shows every control and bidi character as its escape, and keeps line breaks and tabs", () => {
    expect(showInvisible(`a${ESC}[31mb\rc${RLO}d\u0000e\u009bf\u2066g\n\th`)).toBe(
      "a\\x1b[31mb\\x0dc\\u202ed\\x00e\\x9bf\\u2066g\n\th",
    );
    expect(describeInvisible("\u2029")).toBe("\\u2029");
  });

  it("writes JSON with the same characters as \\u escapes: the same value when parsed", () => {
    const value = { name: `x${ESC}y${RLO}z\u0085` };
    const text = stringifyJson(value, 2);
    expect(text).not.toMatch(ACTING);
    expect(text).toContain("\\u001b");
    expect(text).toContain("\\u202e");
    expect(JSON.parse(text)).toEqual(value);
  });
});

describe("Every command shows what a forged file or a hostile name holds, never obeys it", () => {
  it("verify: a forged checksum cannot repaint MISMATCH as a green OK", async () => {
    // Prepare: a report whose claimed checksum erases the line and prints a green OK.
    const forged = { ...sampleMarch().report, checksum: `${ESC}[2K\r${ESC}[32mOK ${RLO}` };
    const file = join(folder, "forged.json");
    await writeFile(file, JSON.stringify(forged));

    // Act
    const run = await runCliCapturing({}, ["verify", file]);

    // Assess
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^MISMATCH /);
    expect(run.stdout).toContain("it claims checksum \\x1b[2K\\x0d\\x1b[32mOK \\u202e");
    expect(run.stdout + run.stderr).not.toMatch(ACTING);
  });

  it("diff: workspace and plugin names with ESC and U+202E, in text and in JSON", async () => {
    // Prepare
    const hostile = `team${ESC}[31m-red${RLO}gnp.exe`;
    const older = sampleMarch();
    const newer = sampleApril();
    const { checksum: _c, ...unsigned } = newer.report;
    unsigned.plugins_count.tiers.custom = { ...unsigned.plugins_count.tiers.custom, [hostile]: 1 };
    const files = [older.report, signReport(unsigned)].map((report, index) => {
      const path = join(folder, `diff-${index}.json`);
      return { path, text: JSON.stringify(report) };
    });
    for (const file of files) await writeFile(file.path, file.text);

    // Act
    const text = await runCliCapturing({}, ["diff", files[0]?.path ?? "", files[1]?.path ?? ""]);
    const json = await runCliCapturing({}, ["diff", "--json", files[0]?.path ?? "", files[1]?.path ?? ""]);

    // Assess
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("team\\x1b[31m-red\\u202egnp.exe");
    expect(text.stdout + text.stderr).not.toMatch(ACTING);
    expect(json.stdout).not.toMatch(ACTING);
    const added = (JSON.parse(json.stdout) as { plugins: { added: Array<{ name: string }> } }).plugins.added;
    expect(added.map((plugin) => plugin.name)).toContain(hostile);
  });

  it("errors: a file name given on the command line is shown, not obeyed", async () => {
    const name = join(folder, `${ESC}[8mhidden${RLO}.json`);
    const run = await runCliCapturing({}, ["verify", name]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("\\x1b[8mhidden\\u202e.json");
    expect(run.stderr).not.toMatch(ACTING);
  });
});
