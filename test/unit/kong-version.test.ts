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
});

describe("Function: parseVersionMinor", () => {
  it.each([
    ["3.14.0.1", "3.14"],
    ["3.9.1.2", "3.9"],
    ["3.10", "3.10"],
  ])("reads %s as %s", (text, expected) => {
    const minor = parseVersionMinor(text);
    expect(minor && formatMinor(minor)).toBe(expected);
  });

  it.each([undefined, "", "latest"])("gives nothing for %j", (text) => {
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
