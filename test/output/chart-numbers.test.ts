import { describe, expect, it } from "vitest";
import { fix, formatShort, niceTicks } from "#lib/output/html/chart-numbers.ts";

describe("formatShort", () => {
  it("writes axis labels with a unit past a thousand, one decimal at most", () => {
    expect(formatShort(0)).toBe("0");
    expect(formatShort(999)).toBe("999");
    expect(formatShort(1500)).toBe("1.5k");
    expect(formatShort(512_345)).toBe("512.3k");
    expect(formatShort(2_000_000)).toBe("2M");
    expect(formatShort(-3_450_000_000)).toBe("-3.5B");
    expect(formatShort(7e12)).toBe("7T");
    expect(formatShort(0.125)).toBe("0.13");
  });

  it("writes what is not a finite number as it is, as formatCount does, instead of throwing", () => {
    expect(formatShort(Number.NaN)).toBe("NaN");
    expect(formatShort(Number.POSITIVE_INFINITY)).toBe("Infinity");
    expect(formatShort("<b>12</b>" as unknown as number)).toBe("<b>12</b>");
  });
});

describe("niceTicks", () => {
  it("covers the largest value in at most 5 round steps from 0", () => {
    expect(niceTicks(0)).toEqual([0, 1]);
    expect(niceTicks(100)).toEqual([0, 25, 50, 75, 100]);
    expect(niceTicks(563_579)).toEqual([0, 200_000, 400_000, 600_000]);
    expect(niceTicks(9)).toEqual([0, 2.5, 5, 7.5, 10]);
  });
});

describe("fix", () => {
  it("rounds an SVG coordinate to one decimal", () => {
    expect(fix(12)).toBe("12");
    expect(fix(12.34)).toBe("12.3");
    expect(fix(12.35)).toBe("12.4");
  });
});
