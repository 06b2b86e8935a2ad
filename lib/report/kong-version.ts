/** A Kong version as far as migrations can tell it: major and minor (patch releases add none). */
export interface KongMinor {
  readonly major: number;
  readonly minor: number;
}

const MIGRATION_NAME = /^\d+_(\d+)_to_(\d+)(?:_\d+)?$/;

/**
 * The target version of one migration name. Core names use 3-digit versions with a 2-digit minor
 * from 3.10 on (`016_280_to_300` → 3.0, `028_3120_to_3130` → 3.13); Enterprise names carry one more
 * digit (`014_2800_to_3000` → 3.0, `026_31200_to_31300` → 3.13). Names without that shape → undefined.
 */
export function parseMigrationTarget(name: string, subsystem: "core" | "enterprise"): KongMinor | undefined {
  const match = MIGRATION_NAME.exec(name);
  const target = match?.[2];
  if (target === undefined) return undefined;
  // Core: major + minor + patch; Enterprise adds an EE patch digit.
  const trailing = subsystem === "core" ? 1 : 2;
  if (target.length < trailing + 2) return undefined;
  const major = Number(target.slice(0, 1));
  const minor = Number(target.slice(1, target.length - trailing));
  return { major, minor };
}

/** The highest minor reached by any executed core or Enterprise migration. */
export function detectKongMinor(
  executed: ReadonlyArray<{ subsystem: string; names: readonly string[] }>,
): KongMinor | undefined {
  return readMigrations(executed).minor;
}

/** What the core and Enterprise migration names tell, and which of them could not be read. */
export interface MigrationReading {
  /** The highest minor any readable name reaches. */
  readonly minor: KongMinor | undefined;
  /** `subsystem:name` of names without a readable version (the `NNN_base…` names aside). */
  readonly unread: string[];
  /**
   * The unread names whose ordinal is above every readable name of their subsystem: migrations of
   * a Kong newer than `minor` whose names changed shape. They never lower the version.
   */
  readonly beyond: string[];
}

const BASE_NAME = /^\d+_base(?:_|$)/;

export function readMigrations(
  executed: ReadonlyArray<{ subsystem: string; names: readonly string[] }>,
): MigrationReading {
  let minor: KongMinor | undefined;
  const unread: string[] = [];
  const beyond: string[] = [];
  for (const { subsystem, names } of executed) {
    if (subsystem !== "core" && subsystem !== "enterprise") continue;
    let highestOrdinal = -1;
    const unreadHere: Array<{ name: string; ordinal: number }> = [];
    for (const name of names) {
      const version = parseMigrationTarget(name, subsystem);
      const ordinal = Number.parseInt(name, 10);
      if (version === undefined) {
        if (!BASE_NAME.test(name)) unreadHere.push({ name, ordinal });
        continue;
      }
      if (Number.isInteger(ordinal)) highestOrdinal = Math.max(highestOrdinal, ordinal);
      if (minor === undefined || compareMinor(version, minor) > 0) minor = version;
    }
    for (const { name, ordinal } of unreadHere) {
      unread.push(`${subsystem}:${name}`);
      if (Number.isInteger(ordinal) && ordinal > highestOrdinal) beyond.push(`${subsystem}:${name}`);
    }
  }
  return { minor, unread, beyond };
}

/** The major and minor of a dotted version such as "3.14.0.1"; undefined when absent or unreadable. */
export function parseVersionMinor(version: string | undefined): KongMinor | undefined {
  const match = /^(\d+)\.(\d+)/.exec(version ?? "");
  if (match === null) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]) };
}

export function compareMinor(a: KongMinor, b: KongMinor): number {
  return a.major - b.major || a.minor - b.minor;
}

export function formatMinor(version: KongMinor): string {
  return `${version.major}.${version.minor}`;
}

/** Compares dotted numeric versions such as "3.13.0.1" and "3.9.2.0" (non-numeric parts count as 0). */
export function compareDottedVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((part) => Number.parseInt(part, 10) || 0);
  const pb = b.split(/[.-]/).map((part) => Number.parseInt(part, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i += 1) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

/** A Kong node version as configuration gives it, e.g. 3.9.1.2 or 3.13.0.0. */
export const KONG_VERSION_PATTERN = /^\d+\.\d+(?:\.\d+){0,3}$/;
