import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { canonicalJson, computeEstateDigest, verifyEstateDigest } from "#lib/estate/estate-digest.ts";

// The estate's digest: SHA-256 (hex) of the RFC 8785 (JCS) canonical JSON of the document without its
// top-level `digest`. Expected canonical forms are written by hand from RFC 8785 §3.2.
const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

describe("Estate digest (RFC 8785 canonical JSON + SHA-256)", () => {
  it.each([
    [
      "sorts keys by UTF-16 code units, no whitespace",
      { b: 1, a: [true, null], A: "x" },
      '{"A":"x","a":[true,null],"b":1}',
    ],
    [
      "writes numbers in their ECMAScript form",
      { n: [1.0, -0, 1e21, 0.000001, 1e-7] },
      '{"n":[1,0,1e+21,0.000001,1e-7]}',
    ],
    ["escapes strings as JSON.stringify does", { s: 'é"\n\u0001' }, '{"s":"é\\"\\n\\u0001"}'],
    [
      "drops undefined members and writes an undefined array item as null",
      { u: undefined, l: [undefined, 2] },
      '{"l":[null,2]}',
    ],
    ["writes a top-level undefined as null", undefined, "null"],
  ])("%s", (_name, value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });

  it("refuses NaN and Infinity, which JSON has no form for", () => {
    expect(() => canonicalJson({ totals: { services_count: Number.NaN } })).toThrow(/NaN or Infinity/);
    expect(() => canonicalJson([Number.POSITIVE_INFINITY])).toThrow(/NaN or Infinity/);
  });

  it("digests the document without its digest, whatever order its keys were written in", () => {
    // Prepare
    const canonical = '{"as_of":"2026-01","estate_version":1,"totals":{"environments":2}}';
    const document = { totals: { environments: 2 }, estate_version: 1, as_of: "2026-01", digest: "stale" };

    // Act + Assess
    expect(computeEstateDigest(document)).toBe(sha256(canonical));
  });

  it("accepts the right digest in either case and refuses an edited document or a missing digest", () => {
    // Prepare
    const content = { estate_version: 1, as_of: "2026-01", totals: { environments: 2 } };
    const digest = sha256('{"as_of":"2026-01","estate_version":1,"totals":{"environments":2}}');

    // Act + Assess
    expect(verifyEstateDigest({ ...content, digest })).toEqual({
      valid: true,
      claimed: digest,
      computed: digest,
    });
    expect(verifyEstateDigest({ ...content, digest: digest.toUpperCase() }).valid).toBe(true);
    expect(verifyEstateDigest({ ...content, as_of: "2026-02", digest }).valid).toBe(false);
    expect(verifyEstateDigest(content)).toEqual({ valid: false, claimed: null, computed: digest });
    expect(verifyEstateDigest({ ...content, digest: 42 })).toMatchObject({ valid: false, claimed: null });
  });
});
