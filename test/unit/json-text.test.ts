import { describe, expect, it } from "vitest";
import { InvalidReportFileError } from "#lib/errors.ts";
import { parseReportJson } from "#lib/report/verify-report.ts";
import {
  DEFAULT_MAX_FILE_BYTES,
  findJsonDepthProblem,
  MAX_JSON_DEPTH,
  parseJsonText,
  readMaxFileBytes,
} from "#lib/shared/json-text.ts";

const refuse = (reason: string) => new Error(reason);
const messageOf = (act: () => unknown) => {
  try {
    act();
  } catch (error) {
    return (error as Error).message;
  }
  return "(no error)";
};

describe("Function: parseJsonText", () => {
  it("accepts a UTF-8 byte-order mark, as Windows editors write it", () => {
    expect(parseJsonText('\uFEFF{"a": 1}', refuse)).toEqual({ a: 1 });
  });

  it("accepts 64 levels of nesting and refuses 65, without a stack overflow at 100,000", () => {
    const nest = (levels: number) => `${"[".repeat(levels)}1${"]".repeat(levels)}`;
    expect(MAX_JSON_DEPTH).toBe(64);
    expect(parseJsonText(nest(64), refuse)).toBeDefined();
    expect(messageOf(() => parseJsonText(nest(65), refuse))).toBe(
      "nests arrays and objects more than 64 levels deep",
    );
    expect(messageOf(() => parseJsonText(nest(100_000), refuse))).toBe(
      "nests arrays and objects more than 64 levels deep",
    );
  });

  it("counts no bracket inside a string, escaped quotes included", () => {
    const text = JSON.stringify({ name: `${"[{".repeat(100)}\\"${"]}".repeat(100)}` });
    expect(findJsonDepthProblem(text)).toBeUndefined();
    expect(parseJsonText(text, refuse)).toEqual(JSON.parse(text));
  });

  it("never quotes the file's text in a syntax error (a file can hold a password)", () => {
    const message = messageOf(() => parseJsonText('{"password": s3cret-Pa55 }', refuse));
    expect(message).toBe("is not valid JSON (Unexpected token 's')");
    expect(messageOf(() => parseJsonText("\u001b[32mOK", refuse))).toBe(
      "is not valid JSON (Unexpected token '?')",
    );
  });
});

describe("Function: parseReportJson", () => {
  it("names the file and the depth, exit 2 (InvalidReportFileError)", () => {
    const act = () => parseReportJson(`${"[".repeat(2500)}${"]".repeat(2500)}`, "deep.json");
    expect(act).toThrow(InvalidReportFileError);
    expect(messageOf(act)).toBe("deep.json nests arrays and objects more than 64 levels deep.");
  });
});

describe("Function: readMaxFileBytes", () => {
  it("is 256 MiB by default and KONG_LICENSE_REPORT_MAX_FILE_MB otherwise", () => {
    expect(readMaxFileBytes({})).toBe(DEFAULT_MAX_FILE_BYTES);
    expect(DEFAULT_MAX_FILE_BYTES).toBe(268_435_456);
    expect(readMaxFileBytes({ KONG_LICENSE_REPORT_MAX_FILE_MB: " 3 " })).toBe(3_145_728);
    for (const bad of ["0", "4097", "1.5", "-1", "lots"]) {
      expect(messageOf(() => readMaxFileBytes({ KONG_LICENSE_REPORT_MAX_FILE_MB: bad }))).toBe(
        `KONG_LICENSE_REPORT_MAX_FILE_MB "${bad}" is invalid: expected whole MiB from 1 to 4096 (default 256).`,
      );
    }
  });
});
