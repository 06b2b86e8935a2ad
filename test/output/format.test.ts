import { describe, expect, it } from "vitest";
import { compareBuckets, formatCount, formatSigned, formatTimestamp } from "#lib/shared/format.ts";

describe("formatCount", () => {
  it("groups thousands with commas whatever the locale, keeping a sign and a fraction", () => {
    expect(formatCount(0)).toBe("0");
    expect(formatCount(999)).toBe("999");
    expect(formatCount(1_234_567)).toBe("1,234,567");
    expect(formatCount(-12_345)).toBe("-12,345");
    expect(formatCount(1234.5)).toBe("1,234.5");
  });

  it("writes a value that is not a finite number as it is", () => {
    expect(formatCount(Number.NaN)).toBe("NaN");
    expect(formatCount(Number.POSITIVE_INFINITY)).toBe("Infinity");
  });
});

describe("formatSigned", () => {
  it("puts + before a rise, - before a fall and nothing before no change", () => {
    expect(formatSigned(1500)).toBe("+1,500");
    expect(formatSigned(-3)).toBe("-3");
    expect(formatSigned(0)).toBe("0");
  });
});

describe("formatTimestamp", () => {
  it("writes Unix seconds as a UTC minute, and an impossible date as the number", () => {
    expect(formatTimestamp(1743465600)).toBe("2025-04-01 00:00 UTC");
    // Past the largest date JavaScript can represent (8.64e15 ms).
    expect(formatTimestamp(9e12)).toBe("9000000000000");
  });
});

describe("compareBuckets", () => {
  it("orders months by calendar (2024-9 before 2024-10), UNKNOWN and other labels after, by text", () => {
    const labels = ["UNKNOWN", "2025-1", "2024-10", "other", "2024-9", "2023-12"];
    expect([...labels].sort(compareBuckets)).toEqual([
      "2023-12",
      "2024-9",
      "2024-10",
      "2025-1",
      "UNKNOWN",
      "other",
    ]);
    expect(compareBuckets("UNKNOWN", "UNKNOWN")).toBe(0);
    expect(compareBuckets("b", "a")).toBe(1);
  });
});
