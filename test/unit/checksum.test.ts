import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { InvalidReportFileError } from "#lib/errors.ts";
import { computeChecksum, formatLuaNumber, type JsonValue, serializeInspect } from "#lib/report/checksum.ts";
import { describeAlgorithm, parseReportJson, verifyReport } from "#lib/report/verify-report.ts";
import vectors from "../fixtures/checksum-vectors.json" with { type: "json" };

interface Vector {
  name: string;
  report: Record<string, JsonValue>;
  inspect_text: string;
  sha1: string;
}

const all = (vectors as { vectors: Vector[] }).vectors;

describe("Function: computeChecksum", () => {
  it.each(all.map((v) => [v.name, v] as const))("reproduces vector %s byte for byte", (_name, vector) => {
    // Act
    const { checksum: _ignored, ...content } = vector.report;
    const text = serializeInspect(content);

    // Assess
    expect(text).toBe(vector.inspect_text);
    expect(computeChecksum(vector.report)).toBe(vector.sha1);
  });

  it.each(all.map((v) => [v.name, v] as const))(
    "computes SHA-256 over the same serialisation for vector %s",
    (_name, vector) => {
      const expected = createHash("sha256").update(vector.inspect_text, "utf8").digest("hex");
      expect(computeChecksum(vector.report, "sha256")).toBe(expected);
    },
  );

  it("needs system_info.hostname to reproduce the real 3.9.0.0 report's checksum", () => {
    // Kong's own checksum (V12), and the value without hostname from the reference notes (§4.3).
    const real = all.find((v) => v.name === "V12") as Vector;
    const systemInfo = real.report.system_info as Record<string, JsonValue>;
    const { hostname: _hostname, ...withoutHostname } = systemInfo;
    expect(computeChecksum(real.report)).toBe("6477ca2cc4a70e84595197d2544f5bb11550caa1");
    expect(computeChecksum({ ...real.report, system_info: withoutHostname })).toBe(
      "1932ffe945be43aec621e84d793c60b8e1c27e38",
    );
  });

  it("changes when bucket order changes", () => {
    const v2 = all.find((v) => v.name === "V2") as Vector;
    const v3 = all.find((v) => v.name === "V3") as Vector;
    expect(computeChecksum(v2.report)).not.toBe(computeChecksum(v3.report));
  });

  it("escapes control bytes before digits with three digits and others without padding", () => {
    expect(serializeInspect({ a: "\u00012\u0001x\n7\u007f" })).toBe('{\n  a = "\\0012\\1x\\n7\\127"\n}');
  });

  it.each([
    [329, "329"],
    [99999999999999, "99999999999999"],
    [123456789012345, "1.2345678901235e+14"],
    [1e15, "1e+15"],
    [2 ** 53, "9.007199254741e+15"],
    [0.5, "0.5"],
    [0.0001, "0.0001"],
    [0.00001, "1e-05"],
  ])("formats %s as LuaJIT's tostring does: %s", (n, text) => {
    expect(formatLuaNumber(n)).toBe(text);
  });

  // C printf("%.14g"): 14 significant digits, trailing zeros dropped; plain form for exponents -4 … 13.
  it.each([
    [0.12345678901234, "0.12345678901234"],
    [1234.5678901234567, "1234.5678901235"],
    [9.87654321098765, "9.8765432109877"],
    [0.1 + 0.2, "0.3"],
    [12.5, "12.5"],
    [123456.78901234567, "123456.78901235"],
    [99999999999999.5, "1e+14"],
    [1e14, "1e+14"],
    [1.5e-5, "1.5e-05"],
    [1e100, "1e+100"],
    [1.7976931348623157e308, "1.7976931348623e+308"],
    [-1.5, "-1.5"],
    [-123456789012345, "-1.2345678901235e+14"],
    [-0.00001, "-1e-05"],
  ])("formats the float %s with 14 significant digits: %s", (n, text) => {
    expect(formatLuaNumber(n)).toBe(text);
  });

  it("prints zero as 0 and negative zero (JSON -0 decodes to it) as -0, as printf does", () => {
    expect(formatLuaNumber(0)).toBe("0");
    expect(formatLuaNumber(-0)).toBe("-0");
    expect(serializeInspect(JSON.parse('{"n":-0,"m":0}') as JsonValue)).toBe("{\n  m = 0,\n  n = -0\n}");
  });

  it("prints the non-finite values as LuaJIT does: inf, -inf, nan", () => {
    expect(formatLuaNumber(Number.POSITIVE_INFINITY)).toBe("inf");
    expect(formatLuaNumber(Number.NEGATIVE_INFINITY)).toBe("-inf");
    expect(formatLuaNumber(Number.NaN)).toBe("nan");
  });
});

describe("Function: verifyReport", () => {
  const real = all.find((v) => v.name === "V12") as Vector;

  it("accepts the real 3.9.0.0 report and says SHA-1 matched", () => {
    expect(verifyReport(real.report)).toEqual({
      valid: true,
      claimed: real.sha1,
      algorithm: "sha1",
      computed: real.sha1,
    });
  });

  it("accepts a 64-hex SHA-256 over the same serialisation and says so", () => {
    const sha256 = createHash("sha256").update(real.inspect_text, "utf8").digest("hex");
    expect(verifyReport({ ...real.report, checksum: sha256.toUpperCase() })).toEqual({
      valid: true,
      claimed: sha256.toUpperCase(),
      algorithm: "sha256",
      computed: sha256,
    });
  });

  it("rejects an edited report under either algorithm", () => {
    const edited = { ...real.report, services_count: 1 };
    expect(verifyReport(edited)).toMatchObject({ valid: false, algorithm: "sha1" });
    const sha256 = createHash("sha256").update(real.inspect_text, "utf8").digest("hex");
    expect(verifyReport({ ...edited, checksum: sha256 })).toMatchObject({
      valid: false,
      algorithm: "sha256",
    });
  });

  it("compares a checksum of another length with SHA-1 and fails it", () => {
    expect(verifyReport({ ...real.report, checksum: real.sha1.slice(0, 32) })).toMatchObject({
      valid: false,
      algorithm: "sha1",
      computed: real.sha1,
    });
  });
});

describe("Function: verifyReport without a usable claim", () => {
  const real = all.find((v) => v.name === "V12") as Vector;
  const { checksum: _claim, ...unsigned } = real.report;

  it.each([
    ["no checksum", unsigned],
    ["a checksum that is not a string", { ...unsigned, checksum: 42 }],
    ["a null checksum", { ...unsigned, checksum: null }],
  ])("reports %s as invalid with claimed null, against SHA-1", (_case, report) => {
    expect(verifyReport(report)).toEqual({
      valid: false,
      claimed: null,
      algorithm: "sha1",
      computed: real.sha1,
    });
  });
});

describe("Function: describeAlgorithm", () => {
  it("names the digests as people write them", () => {
    expect(describeAlgorithm("sha1")).toBe("SHA-1");
    expect(describeAlgorithm("sha256")).toBe("SHA-256");
  });
});

describe("Function: parseReportJson", () => {
  it("returns the decoded document", () => {
    expect(parseReportJson('{"checksum":"ab","services_count":3}')).toEqual({
      checksum: "ab",
      services_count: 3,
    });
  });

  it.each([
    [undefined, "the file"],
    ["report.json", "report.json"],
  ])("turns a syntax error into InvalidReportFileError naming the source (%s)", (source, shown) => {
    const text = '{"checksum": ';
    const syntax = (() => {
      try {
        JSON.parse(text);
      } catch (caught) {
        return caught as SyntaxError;
      }
    })() as SyntaxError;
    const error = (() => {
      try {
        parseReportJson(text, source);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(InvalidReportFileError);
    expect((error as Error).message).toBe(`${shown} is not valid JSON (${syntax.message}).`);
    expect((error as Error).cause).toBeInstanceOf(SyntaxError);
    expect(((error as Error).cause as Error).message).toBe(syntax.message);
  });
});
