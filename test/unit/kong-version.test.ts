import { describe, expect, it } from "vitest";
import {
  compareDottedVersions,
  detectKongMinor,
  formatMinor,
  parseMigrationTarget,
} from "#lib/report/kong-version.ts";

describe("Function: parseMigrationTarget", () => {
  it.each([
    ["016_280_to_300", "core", "3.0"],
    ["016_270_to_280", "core", "2.8"],
    ["025_390_to_3100", "core", "3.10"],
    ["028_3120_to_3130", "core", "3.13"],
    ["011_212_to_213", "core", "2.1"],
    ["008_150_to_200", "core", "2.0"],
    ["014_2800_to_3000", "enterprise", "3.0"],
    ["021_3700_to_3800_1", "enterprise", "3.8"],
    ["026_31200_to_31300", "enterprise", "3.13"],
    ["006_1301_to_1500", "enterprise", "1.5"],
    ["031_3150_to_3160", "core", "3.16"],
  ] as const)("reads %s (%s) as Kong %s", (name, subsystem, expected) => {
    const version = parseMigrationTarget(name, subsystem);
    expect(version && formatMinor(version)).toBe(expected);
  });

  it.each(["000_base", "000_base_jwt", "hello", "001_14_to_15x"])("ignores %s", (name) => {
    expect(parseMigrationTarget(name, "core")).toBeUndefined();
  });
});

describe("Function: detectKongMinor", () => {
  it("takes the highest of core and enterprise (3.8 has only an enterprise migration)", () => {
    const minor = detectKongMinor([
      { subsystem: "core", names: ["000_base", "023_360_to_370"] },
      { subsystem: "enterprise", names: ["020_3600_to_3700", "021_3700_to_3800"] },
      { subsystem: "rate-limiting", names: ["006_350_to_360", "009_999_to_999"] },
    ]);
    expect(minor && formatMinor(minor)).toBe("3.8");
  });

  it("handles names newer than any table (3.13 and beyond)", () => {
    const minor = detectKongMinor([{ subsystem: "core", names: ["027_3110_to_3120", "028_3120_to_3130"] }]);
    expect(minor && formatMinor(minor)).toBe("3.13");
  });

  it("returns undefined when no name carries a version", () => {
    expect(detectKongMinor([{ subsystem: "core", names: ["000_base"] }])).toBeUndefined();
  });
});

describe("Function: compareDottedVersions", () => {
  it("orders numerically, not lexically", () => {
    expect(["3.9.1.0", "3.13.0.1", "3.12.0.0"].sort(compareDottedVersions)).toEqual([
      "3.9.1.0",
      "3.12.0.0",
      "3.13.0.1",
    ]);
  });
});
