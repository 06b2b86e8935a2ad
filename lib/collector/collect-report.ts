import packageJson from "../../package.json" with { type: "json" };
import { collectDetails } from "../details/collect-details.ts";
import type { DetailsPaging } from "../details/details-context.ts";
import type { DiscreteRule } from "../details/discrete-rules.ts";
import { NotKongDatabaseError } from "../errors.ts";
import { buildReport, type NodeFacts } from "../report/build-report.ts";
import type { ChecksumAlgorithm } from "../report/checksum.ts";
import {
  type KongMinor,
  type MigrationReading,
  parseVersionMinor,
  readMigrations,
} from "../report/kong-version.ts";
import { parseConfiguredLicense } from "../report/license.ts";
import { selectTierClassifier } from "../report/plugin-tiers.ts";
import { probeSchema, type SchemaFacts } from "../report/probe-schema.ts";
import { readKongFacts } from "../report/read-kong-facts.ts";
import {
  assertAsOfInRange,
  assertTimeZone,
  formatYearMonth,
  monthIn,
  parseAsOf,
  reportWindow,
  type YearMonth,
} from "../report/reporting-month.ts";
import type { CollectedReport, DeploymentType, ReportSource, SystemInfo } from "../report/types.ts";
import type { Contract } from "../report/usage-types.ts";
import type { SqlPort } from "../sql/port.ts";
import { buildUsage, termMonthsBeforeWindow } from "../usage/build-usage.ts";
import { selectEntitlements } from "../usage/license-entitlements.ts";
import { readRequestsBetween } from "../usage/read-term-requests.ts";
import { describeReplacedCharacters } from "./replaced-characters.ts";

export interface CollectOptions {
  /** Generation time (the report's `timestamp`); default now. */
  readonly now?: Date;
  /** Reporting month `YYYY-MM`; default the month of `now` in `timeZone`. */
  readonly asOf?: string;
  /** IANA zone deciding the reporting month, as Kong uses its node's local time; default UTC. */
  readonly timeZone?: string;
  readonly kongVersion?: string;
  readonly deploymentType?: DeploymentType;
  readonly systemInfo?: SystemInfo;
  /** A Kong license document (JSON or base64) that overrides the `licenses` table. */
  readonly license?: string;
  /** The checksum's digest: "sha1" (Kong's own, the default) or "sha256" (Kong's newest docs). */
  readonly checksumAlgorithm?: ChecksumAlgorithm;
  /** Add the per-workspace breakdown, discrete services and counter drift to the details. */
  readonly details?: DetailsOptions | false;
  /** The cluster label (`--cluster-name` / CLUSTER_NAME), written to the details. */
  readonly clusterName?: string;
  /** Without a label: the `_src-…` digest of the source, written to the details as `cluster_source`. */
  readonly clusterSource?: string;
  readonly signal?: AbortSignal;
  /** "demo-database" when reading the embedded demo, so the report says it is not a real Kong. */
  readonly source?: ReportSource;
  /** Limits to hold the usage against (`details.usage.contract`); usage is computed with the details. */
  readonly contract?: Contract;
}

export interface DetailsOptions {
  /** KLCR find/replace rules merging environment-specific service hosts. */
  readonly rules?: readonly DiscreteRule[];
  /** List the distinct service keys behind the discrete-services count. */
  readonly includeList?: boolean;
  readonly paging?: DetailsPaging;
  /** Usage by team: the prefix of the Kong tags that name a team (default `team:`). */
  readonly tagPrefix?: string;
}

export const TOOL = { name: packageJson.name, version: packageJson.version } as const;

/** Tables without which a database cannot be a Kong database. */
const REQUIRED_TABLES = ["schema_meta", "services", "routes", "consumers", "plugins"] as const;

/**
 * Produces Kong's License Report (and its details) from a Kong database in two statements: a
 * catalog probe, then one set-based statement shaped to the schema found; the details add a few
 * more. All of them run in one read-only transaction the port opens and ends: they read one
 * snapshot (the details agree with the report even while Kong writes) and can change nothing.
 */
export async function collectReport(sql: SqlPort, options: CollectOptions = {}): Promise<CollectedReport> {
  const now = options.now ?? new Date();
  const timeZone = assertTimeZone(options.timeZone ?? "UTC");
  const current = monthIn(now, timeZone);
  const asOf = options.asOf === undefined ? current : parseAsOf(options.asOf);
  assertAsOfInRange(asOf, current);
  const node = readNodeFacts(options);
  const queryOptions = options.signal === undefined ? {} : { signal: options.signal };
  return sql.runReadOnly(
    (snapshot) => readReport(snapshot, options, { now, timeZone, current, asOf, node }),
    queryOptions,
  );
}

/** What collectReport checked before opening the transaction. */
interface ReportFrame {
  readonly now: Date;
  readonly timeZone: string;
  readonly current: YearMonth;
  readonly asOf: YearMonth;
  readonly node: NodeFacts;
}

/** The statements of the report and its details, inside the transaction. */
async function readReport(
  sql: SqlPort,
  options: CollectOptions,
  { now, timeZone, current, asOf, node }: ReportFrame,
): Promise<CollectedReport> {
  const queryOptions = options.signal === undefined ? {} : { signal: options.signal };
  const schema = await probeSchema(sql, queryOptions);
  assertKongSchema(schema);
  const facts = await readKongFacts(sql, schema, reportWindow(asOf, current), queryOptions);
  const migrations = readMigrations(
    facts.schemaMeta.map((row) => ({ subsystem: row.subsystem, names: row.executed })),
  );
  const kongMinor = migrations.minor;
  const rulesMinor = selectRulesMinor(options.kongVersion, migrations);
  const classifier = selectTierClassifier(rulesMinor);
  const collected = buildReport({
    schema,
    facts,
    node,
    classifier,
    kongMinor,
    migrations,
    rulesMinor,
    checksumAlgorithm: options.checksumAlgorithm ?? "sha1",
    now,
    asOf: formatYearMonth(asOf),
    timeZone,
    tool: TOOL,
    ...(options.source === undefined ? {} : { source: options.source }),
  });
  if (options.clusterName !== undefined || options.clusterSource !== undefined) {
    // Right after generated_at and checksum, where a reader of details.json looks first.
    const { generated_at, checksum, ...rest } = collected.details;
    const cluster =
      options.clusterName !== undefined
        ? { cluster: options.clusterName }
        : { cluster_source: options.clusterSource as string };
    collected.details = { generated_at, checksum, ...cluster, ...rest };
  }
  if (options.details === undefined || options.details === false) return withReplacedCharacters(collected);

  const { warnings, ...extra } = await collectDetails(sql, {
    schema,
    tierOf: classifier.tierOf,
    ...(options.details.rules === undefined ? {} : { rules: options.details.rules }),
    ...(options.details.includeList === undefined ? {} : { includeList: options.details.includeList }),
    ...(options.details.paging === undefined ? {} : { paging: options.details.paging }),
    ...(options.details.tagPrefix === undefined ? {} : { tagPrefix: options.details.tagPrefix }),
    ...queryOptions,
  });
  const { report } = collected;
  // The report's warnings and the details' are about different things: none appears in both.
  const details = { ...collected.details, ...extra, warnings: [...collected.details.warnings, ...warnings] };
  const beforeWindow = termMonthsBeforeWindow(options.contract, report.collector.as_of);
  const requestsBeforeWindow =
    beforeWindow === undefined
      ? undefined
      : await readRequestsBetween(sql, schema, beforeWindow, queryOptions);
  details.usage = buildUsage({
    report,
    details,
    entitlements: selectEntitlements(report.collector.license_from, options.license, facts.licenseCandidates),
    connectedDataPlanes: Number(facts.liveDataPlanes ?? 0),
    ...(options.contract === undefined ? {} : { contract: options.contract }),
    ...(requestsBeforeWindow === undefined ? {} : { requestsBeforeWindow }),
  });
  return withReplacedCharacters({ report, details });
}

function withReplacedCharacters(collected: CollectedReport): CollectedReport {
  const replaced = describeReplacedCharacters(collected);
  if (replaced.length === 0) return collected;
  return {
    ...collected,
    details: { ...collected.details, warnings: [...collected.details.warnings, ...replaced] },
  };
}

/**
 * The Kong version whose rules (plugin tiers, Kafka rule) apply: the node's own when configured, else
 * the schema's. Past migrations whose names cannot be read the version is unknown: undefined, so the
 * newest lists apply.
 */
export function selectRulesMinor(
  kongVersion: string | undefined,
  migrations: MigrationReading,
): KongMinor | undefined {
  return parseVersionMinor(kongVersion) ?? (migrations.beyond.length > 0 ? undefined : migrations.minor);
}

function readNodeFacts(options: CollectOptions): NodeFacts {
  return {
    ...(options.kongVersion === undefined ? {} : { kongVersion: options.kongVersion }),
    ...(options.deploymentType === undefined ? {} : { deploymentType: options.deploymentType }),
    ...(options.systemInfo === undefined ? {} : { systemInfo: options.systemInfo }),
    ...(options.license === undefined ? {} : { license: parseConfiguredLicense(options.license) }),
  };
}

function assertKongSchema(schema: SchemaFacts): void {
  const missing = REQUIRED_TABLES.filter((table) => !schema.hasTable(table));
  if (missing.length === 0) return;
  const found = REQUIRED_TABLES.length - missing.length;
  throw new NotKongDatabaseError(
    found === 0
      ? `No Kong schema in this database (schema "${schema.schemaName}" has no schema_meta, services, routes, consumers or plugins table). Point the tool at the database that "kong migrations bootstrap" created; a DB-less Kong deployment has no database to report from.`
      : `Incomplete Kong schema in "${schema.schemaName}": missing ${missing.join(", ")}. Run "kong migrations bootstrap/up" or point the tool at the right database or schema.`,
  );
}
