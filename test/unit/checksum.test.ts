import { describe, expect, it } from "vitest";
import { computeChecksum, formatLuaNumber, type JsonValue, serializeInspect } from "#lib/report/checksum.ts";
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
});
