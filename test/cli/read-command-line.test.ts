import { describe, expect, it } from "vitest";
import { defineCommand, toParseArgsOptions } from "#lib/cli/command-table.ts";
import { formatHelp, formatProgramHelp } from "#lib/cli/format-help.ts";
import { readCommandLine } from "#lib/cli/read-command-line.ts";
import { BadParameterError } from "#lib/errors.ts";

/** A command with one option of each kind: a value with a fallback, a short alias, a flag. */
const SAMPLE = defineCommand({
  name: "sample",
  summary: "a command for these tests",
  usage: "sample [options]",
  description: ["Does nothing; its table has one option of each kind."],
  options: {
    bucket: {
      type: "string",
      value: "NAME",
      env: "SAMPLE_BUCKET",
      section: "Where",
      help: ["the bucket"],
    },
    out: { type: "string", short: "o", value: "FILE|-", help: ["where to write", "(default: stdout)"] },
    json: { type: "boolean", section: "How", help: ["print JSON"] },
  },
  notes: ["Credentials come from the environment."],
  exitCodes: ["Exit codes: 0 ok, 2 bad option."],
});

/** The same, taking two files. */
const PAIR = defineCommand({
  name: "pair",
  summary: "compares two files",
  usage: "pair OLD NEW",
  description: ["Compares OLD and NEW."],
  positionals: { count: 2, what: "two files, OLD and NEW" },
  options: {},
  exitCodes: ["Exit codes: 0 compared, 2 bad option."],
});

function refusalOf(read: () => unknown): { parameter: string; message: string } | undefined {
  try {
    read();
    return undefined;
  } catch (error) {
    if (!(error instanceof BadParameterError)) throw error;
    return { parameter: error.parameter, message: error.message };
  }
}

describe("Function: defineCommand", () => {
  it("adds -h, --help last and gives parseArgs the types and aliases of the table", () => {
    expect(Object.keys(SAMPLE.options)).toEqual(["bucket", "out", "json", "help"]);
    expect(toParseArgsOptions(SAMPLE)).toEqual({
      bucket: { type: "string" },
      out: { type: "string", short: "o" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    });
  });
});

describe("Function: formatHelp", () => {
  it("lays out usage, description, sections in one aligned column, the environment fallback, notes and exit codes", () => {
    expect(formatHelp(SAMPLE)).toBe(
      [
        "Usage: kong-license-report sample [options]",
        "",
        "Does nothing; its table has one option of each kind.",
        "",
        "Where:",
        "      --bucket NAME   the bucket",
        "                      (or the environment variable SAMPLE_BUCKET)",
        "  -o, --out FILE|-    where to write",
        "                      (default: stdout)",
        "",
        "How:",
        "      --json          print JSON",
        "  -h, --help          this help",
        "",
        "Credentials come from the environment.",
        "",
        "Exit codes: 0 ok, 2 bad option.",
        "",
      ].join("\n"),
    );
  });

  it("lists options without a section under no heading", () => {
    expect(formatHelp(PAIR)).toBe(
      [
        "Usage: kong-license-report pair OLD NEW",
        "",
        "Compares OLD and NEW.",
        "",
        "  -h, --help   this help",
        "",
        "Exit codes: 0 compared, 2 bad option.",
        "",
      ].join("\n"),
    );
  });

  it("lists the commands with their summaries in one aligned column", () => {
    expect(formatProgramHelp([SAMPLE, PAIR])).toBe(
      [
        "Usage: kong-license-report <command> [options]",
        "",
        "Kong Gateway's License Report straight from the Kong PostgreSQL database.",
        "",
        "Commands:",
        "  sample   a command for these tests",
        "  pair     compares two files",
        "",
        'Run "kong-license-report <command> --help" for a command\'s options.',
        "",
      ].join("\n"),
    );
  });
});

describe("Function: readCommandLine", () => {
  it("reads values, a short alias, a value after = and a lone dash as a value", () => {
    expect(readCommandLine(SAMPLE, ["--bucket=-b", "-o", "-", "--json"])).toEqual({
      help: false,
      values: { bucket: "-b", out: "-", json: true },
      positionals: [],
    });
    expect(readCommandLine(PAIR, ["a.json", "b.json"])).toEqual({
      help: false,
      values: {},
      positionals: ["a.json", "b.json"],
    });
  });

  it("lets --help win over stray arguments, but not over a wrong option", () => {
    expect(readCommandLine(SAMPLE, ["--help", "extra"])).toMatchObject({ help: true });
    expect(readCommandLine(PAIR, ["-h"])).toMatchObject({ help: true, positionals: [] });
    expect(refusalOf(() => readCommandLine(SAMPLE, ["--help", "--zzz"]))).toEqual({
      parameter: "--zzz",
      message: "unknown option '--zzz' for sample. See kong-license-report sample --help.",
    });
  });

  it.each([
    [["--zzz"], "--zzz", "unknown option '--zzz' for sample. See kong-license-report sample --help."],
    [["-x"], "-x", "unknown option '-x' for sample. See kong-license-report sample --help."],
    [
      ["--bukket", "b"],
      "--bukket",
      "unknown option '--bukket' for sample: did you mean --bucket? See kong-license-report sample --help.",
    ],
    [
      ["--jsn"],
      "--jsn",
      "unknown option '--jsn' for sample: did you mean --json? See kong-license-report sample --help.",
    ],
    // Two edits from "json", half of it: too far to guess.
    [["--js"], "--js", "unknown option '--js' for sample. See kong-license-report sample --help."],
    [
      ["--bucket"],
      "--bucket",
      "--bucket needs a value: --bucket NAME. See kong-license-report sample --help.",
    ],
    [["-o"], "-o", "-o needs a value: -o FILE|-. See kong-license-report sample --help."],
    [
      ["--bucket", "--json"],
      "--bucket",
      '--bucket needs a value, not the option "--json": --bucket NAME (write --bucket=--json for a value that starts with "-"). See kong-license-report sample --help.',
    ],
    [
      ["-o", "-x"],
      "-o",
      '-o needs a value, not the option "-x": -o FILE|- (write --out=-x for a value that starts with "-"). See kong-license-report sample --help.',
    ],
    [
      ["--json=yes"],
      "--json",
      "--json takes no value: give --json alone, not --json=yes. See kong-license-report sample --help.",
    ],
    // The first faulty argument is named, whatever comes before or after it.
    [
      ["-o", "a", "--bucket"],
      "--bucket",
      "--bucket needs a value: --bucket NAME. See kong-license-report sample --help.",
    ],
    [["-ho"], "-o", "-o needs a value: -o FILE|-. See kong-license-report sample --help."],
    [
      ["--json", "--zzz", "--bucket"],
      "--zzz",
      "unknown option '--zzz' for sample. See kong-license-report sample --help.",
    ],
    [
      ["--bucket", "--zzz"],
      "--bucket",
      '--bucket needs a value, not the option "--zzz": --bucket NAME (write --bucket=--zzz for a value that starts with "-"). See kong-license-report sample --help.',
    ],
    [
      ["--json", "--json"],
      "--json",
      "--json is given more than once: give it once (the last value would otherwise win silently).",
    ],
    [
      ["-o", "a", "--out", "b"],
      "--out",
      "--out is given more than once: give it once (the last value would otherwise win silently).",
    ],
    [["x", "y"], "x", 'Unexpected argument "x": sample takes options only. See --help.'],
    [["--json", "--", "x"], "x", 'Unexpected argument "x": sample takes options only. See --help.'],
  ])("refuses %j naming %s", (args, parameter, message) => {
    expect(refusalOf(() => readCommandLine(SAMPLE, args))).toEqual({ parameter, message });
  });

  it.each([
    [[], "arguments"],
    [["a.json"], "arguments"],
    [["a.json", "b.json", "c.json"], "c.json"],
  ])("refuses %j when the command takes two files", (args, parameter) => {
    expect(refusalOf(() => readCommandLine(PAIR, args))).toEqual({
      parameter,
      message: "pair takes exactly two files, OLD and NEW. See: kong-license-report pair --help",
    });
  });

  it("keeps a faulty table's error as it is: it is not the user's fault", () => {
    const faulty = defineCommand({
      ...PAIR,
      options: { out: { type: "string", short: "oo", value: "FILE", help: ["two-letter alias"] } },
    });
    let thrown: unknown;
    try {
      readCommandLine(faulty, ["--out", "x"]);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).not.toBeInstanceOf(BadParameterError);
    expect(thrown).toMatchObject({ code: "ERR_INVALID_ARG_VALUE" });
  });
});
