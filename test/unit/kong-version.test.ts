import { describe, expect, it } from "vitest";
import {
  compareDottedVersions,
  detectKongMinor,
  formatMinor,
  parseMigrationTarget,
  parseVersionMinor,
  readMigrations,
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

  // The whole name has the shape NNN_<from>_to_<to>[_N] (reference §13); nothing before or after.
  it.each([
    "x016_280_to_300",
    "core_016_280_to_300",
    "016_280_to_300_",
    "016_280_to_300_1a",
    "016_280_to_300.lua",
  ])("ignores %s (not the whole name)", (name) => {
    expect(parseMigrationTarget(name, "core")).toBeUndefined();
  });

  it("reads a numbered follow-up of more than one digit (021_3700_to_3800_12) as its target", () => {
    const version = parseMigrationTarget("021_3700_to_3800_12", "enterprise");
    expect(version && formatMinor(version)).toBe("3.8");
  });

  // A target needs major, at least one minor digit and the patch digit(s): 3 digits core, 4 Enterprise.
  it.each([
    ["001_14_to_15", "core"],
    ["001_2_to_3", "core"],
    ["013_270_to_280", "enterprise"],
    ["001_14_to_15", "enterprise"],
  ] as const)("ignores %s as %s: too few digits for a version", (name, subsystem) => {
    expect(parseMigrationTarget(name, subsystem)).toBeUndefined();
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

describe("Function: readMigrations", () => {
  // Names up to 3.13 as the real 3.13 database has them (reference notes on Kong 3.10+, §5.1).
  const real313: Array<{ subsystem: string; names: string[] }> = [
    {
      subsystem: "core",
      names: ["000_base", "025_390_to_3100", "026_3100_to_3110", "027_3110_to_3120", "028_3120_to_3130"],
    },
    {
      subsystem: "enterprise",
      names: [
        "000_base",
        "023_3900_to_31000_4",
        "024_31000_to_31100_1",
        "025_31100_to_31200",
        "026_31200_to_31300",
      ],
    },
  ];

  it("reads the real 3.13 names as 3.13 with nothing unread", () => {
    const reading = readMigrations(real313);
    expect(reading.minor && formatMinor(reading.minor)).toBe("3.13");
    expect(reading).toMatchObject({ unread: [], beyond: [] });
  });

  it.each([
    ["core", "029_3130_to_3140", "3.14"],
    ["enterprise", "027_31300_to_31400", "3.14"],
    ["core", "030_3140_to_3150", "3.15"],
    ["enterprise", "028_31400_to_31500_1", "3.15"],
  ])("takes a higher %s ordinal of the same shape (%s) as Kong %s", (subsystem, name, expected) => {
    const reading = readMigrations(
      real313.map((row) => (row.subsystem === subsystem ? { ...row, names: [...row.names, name] } : row)),
    );
    expect(reading.minor && formatMinor(reading.minor)).toBe(expected);
  });

  it("never lowers the version for a name it cannot read, and names it", () => {
    const unreadable = ["029_partials_cleanup", "016_hotfix"];
    const reading = readMigrations(
      real313.map((row) =>
        row.subsystem === "core" ? { ...row, names: [...row.names, ...unreadable] } : row,
      ),
    );
    expect(reading.minor && formatMinor(reading.minor)).toBe("3.13");
    expect(reading.unread).toEqual(["core:029_partials_cleanup", "core:016_hotfix"]);
    expect(reading.beyond).toEqual(["core:029_partials_cleanup"]);
  });

  it("counts an unread name as beyond only when its ordinal is above every readable one", () => {
    const reading = readMigrations([
      { subsystem: "core", names: ["016_280_to_300", "016_hotfix", "017_new_shape"] },
    ]);
    expect(reading).toEqual({
      minor: { major: 3, minor: 0 },
      unread: ["core:016_hotfix", "core:017_new_shape"],
      beyond: ["core:017_new_shape"],
    });
  });

  it("counts every numbered unread name as beyond when no name of the subsystem is readable", () => {
    expect(
      readMigrations([{ subsystem: "core", names: ["000_base", "000_new_shape", "001_new_shape"] }]),
    ).toEqual({
      minor: undefined,
      unread: ["core:000_new_shape", "core:001_new_shape"],
      beyond: ["core:000_new_shape", "core:001_new_shape"],
    });
  });

  it("skips only names that start with NNN_base, not names that contain it", () => {
    expect(
      readMigrations([{ subsystem: "enterprise", names: ["000_base", "000_base_rbac", "x000_base"] }]),
    ).toEqual({
      minor: undefined,
      unread: ["enterprise:x000_base"],
      beyond: [],
    });
  });

  it("reads neither versions nor unread names of plugin subsystems", () => {
    expect(
      readMigrations([
        { subsystem: "rate-limiting", names: ["004_200_to_210", "006_350_to_360", "weird"] },
        { subsystem: "core", names: ["020_330_to_340"] },
      ]),
    ).toEqual({ minor: { major: 3, minor: 4 }, unread: [], beyond: [] });
  });
});

describe("Function: parseVersionMinor", () => {
  it.each([
    ["3.14.0.1", "3.14"],
    ["3.9.1.2", "3.9"],
    ["3.10", "3.10"],
    ["10.2.0.0", "10.2"],
    ["3.13.0.1-beta", "3.13"],
  ])("reads %s as %s", (text, expected) => {
    const minor = parseVersionMinor(text);
    expect(minor && formatMinor(minor)).toBe(expected);
  });

  it.each([undefined, "", "latest", "v3.14.0.1", "kong 3.14"])("gives nothing for %j", (text) => {
    expect(parseVersionMinor(text)).toBeUndefined();
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

describe("Function: compareDottedVersions with parts missing", () => {
  it("counts a missing part as 0, so a longer version with a non-zero tail is newer", () => {
    expect(compareDottedVersions("3.13", "3.13.0.1")).toBeLessThan(0);
    expect(compareDottedVersions("3.13.0.1", "3.13")).toBeGreaterThan(0);
    expect(compareDottedVersions("3.13", "3.13.0.0")).toBe(0);
  });
});
