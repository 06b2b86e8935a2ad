import { describe, expect, it } from "vitest";
import { formatDbVersion } from "#lib/report/probe-schema.ts";

// Kong's connector (kong-report.md §8.2): major = floor(v / 10000); below 10 "major.(floor(v/100) % 100).(v % 100)",
// from 10 on "major.(v % 100)", after "postgres ".
describe("Function: formatDbVersion", () => {
  it.each([
    [150002, "postgres 15.2"],
    [160004, "postgres 16.4"],
    [180006, "postgres 18.6"],
    [100023, "postgres 10.23"],
    [100000, "postgres 10.0"], // 10 is the first two-part major
    [90619, "postgres 9.6.19"],
    [90600, "postgres 9.6.0"],
    [90224, "postgres 9.2.24"],
    [80400, "postgres 8.4.0"],
  ] as const)("formats server_version_num %i as %s", (serverVersionNum, expected) => {
    expect(formatDbVersion(serverVersionNum)).toBe(expected);
  });
});
