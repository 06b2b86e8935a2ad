import { type ChecksumAlgorithm, computeChecksum } from "./checksum.ts";
import {
  compareDottedVersions,
  compareMinor,
  detectKongMinor,
  formatMinor,
  type KongMinor,
  type MigrationReading,
} from "./kong-version.ts";
import { readLicensePayload, UNLICENSED } from "./license.ts";
import { classifyPlugins, type TierClassifier } from "./plugin-tiers.ts";
import type { SchemaFacts } from "./probe-schema.ts";
import { formatDbVersion } from "./probe-schema.ts";
import { KAFKA_FAMILY, type KongFacts } from "./read-kong-facts.ts";
import type {
  AiGatewayUsage,
  Bucket,
  CollectedReport,
  CollectorInfo,
  Counters,
  DeploymentInfo,
  DeploymentType,
  LicenseInfo,
  OmittedKey,
  ReportSource,
  RouteKafkaBrokers,
  SchemaSummary,
  SystemInfo,
  UnsignedReport,
} from "./types.ts";

/** What configuration tells about the Kong node; the database cannot know these. */
export interface NodeFacts {
  readonly kongVersion?: string;
  readonly deploymentType?: DeploymentType;
  readonly systemInfo?: SystemInfo;
  readonly license?: LicenseInfo;
}

export interface BuildContext {
  readonly schema: SchemaFacts;
  readonly facts: KongFacts;
  readonly node: NodeFacts;
  readonly classifier: TierClassifier;
  /** The minor the migrations in schema_meta reached. */
  readonly kongMinor: KongMinor | undefined;
  /** The migration names read, with those the parser could not read. */
  readonly migrations: MigrationReading;
  /** The minor whose rules apply: the configured Kong version's, else the schema's. */
  readonly rulesMinor: KongMinor | undefined;
  readonly checksumAlgorithm: ChecksumAlgorithm;
  readonly now: Date;
  readonly asOf: string;
  readonly timeZone: string;
  readonly tool: { readonly name: string; readonly version: string };
  /** Default "database"; "demo-database" marks a report read from the embedded demo. */
  readonly source?: ReportSource;
}

/** Kong's own report, built from what was read; keys that cannot be known are left out. */
export function buildReport(context: BuildContext): CollectedReport {
  const { schema, facts, node, classifier } = context;
  const omitted: OmittedKey[] = [];
  const warnings: string[] = [];

  const kongVersion = resolveKongVersion(context);
  const deployment = resolveDeployment(node, facts);
  const license = resolveLicense(node, facts, warnings);
  const counters = buildCounters(facts, warnings);

  const schemaSummary = summarizeSchema(context);
  const systemInfo =
    node.systemInfo !== undefined && Object.keys(node.systemInfo).length > 0 ? node.systemInfo : undefined;
  const routeKafkas = describeRouteKafkas(facts, classifier);
  const rbacUsers =
    facts.rbacUsers === undefined ? undefined : toCount(facts.rbacUsers, "rbac_users", warnings);
  // Key order follows Kong's documentation; the checksum does not depend on it (inspect sorts keys).
  const unsigned: UnsignedReport = {
    timestamp: Math.floor(context.now.getTime() / 1000),
    ...(kongVersion.value === undefined ? {} : { kong_version: kongVersion.value }),
    db_version: formatDbVersion(schema.serverVersionNum),
    ...(systemInfo === undefined ? {} : { system_info: { ...systemInfo } }),
    deployment_info: deployment.info,
    license: license.info,
    ...(counters === undefined ? {} : { counters }),
    workspaces_count:
      facts.workspaces === undefined ? 1 : toCount(facts.workspaces, "workspaces_count", warnings),
    ...(rbacUsers === undefined ? {} : { rbac_users: rbacUsers }),
    services_count: toCount(facts.services, "services_count", warnings),
    routes_count: toCount(facts.routes, "routes_count", warnings),
    consumers_count: toCount(facts.consumers, "consumers_count", warnings),
    plugins_count: {
      tiers: classifyPlugins(
        facts.plugins.map(([name, n]) => [name, toCount(n, `plugins ${name}`, warnings)] as const),
        classifier,
      ),
      unique_route_lambdas: toCount(facts.uniqueRouteLambdas, "unique_route_lambdas", warnings),
      unique_route_kafkas:
        routeKafkas.rule === "kafka-family" ? routeKafkas.kafka_family : routeKafkas.kafka_upstream,
    },
    collector: buildCollectorInfo(
      context,
      schemaSummary.edition,
      kongVersion.from,
      deployment.from,
      license.from,
    ),
  };
  if (kongVersion.value === undefined) {
    omitted.push({
      key: "kong_version",
      reason:
        "No Kong migration in schema_meta names a version and no data plane reported one; configure it (KONG_VERSION / --kong-version).",
    });
  }
  omitted.push(...omitSystemInfo(systemInfo));
  if (counters === undefined) {
    omitted.push({
      key: "counters",
      reason:
        "The database has no license_data table (open-source schema): Kong records no request counts there.",
    });
  }
  if (rbacUsers === undefined) {
    omitted.push({ key: "rbac_users", reason: "The database has no rbac_users table (open-source schema)." });
  }

  addSchemaWarnings(context, schemaSummary.pending, warnings);
  const checksum = computeChecksum(unsigned as unknown as Record<string, unknown>, context.checksumAlgorithm);
  return {
    report: { ...unsigned, checksum },
    details: {
      generated_at: context.now.toISOString(),
      checksum,
      schema: schemaSummary,
      omitted,
      warnings,
      route_kafkas: routeKafkas,
      ...(facts.llmHours === undefined ? {} : { ai_gateway: summarizeAiGateway(facts.llmHours) }),
    },
  };
}

/** Totals of the model-hours per month and per model, beside the rows they come from. */
function summarizeAiGateway(rows: NonNullable<KongFacts["llmHours"]>): AiGatewayUsage {
  const byMonth = new Map<string, number>();
  const byModel = new Map<string, number>();
  const cells = rows.map(([month, model, hours]) => {
    const modelHours = Number(hours);
    byMonth.set(month, (byMonth.get(month) ?? 0) + modelHours);
    byModel.set(model, (byModel.get(model) ?? 0) + modelHours);
    return { month, model, model_hours: modelHours };
  });
  return {
    model_hours: cells.reduce((sum, cell) => sum + cell.model_hours, 0),
    by_month: [...byMonth]
      .map(([month, modelHours]) => ({ month, model_hours: modelHours }))
      .sort((a, b) => compareMonthLabels(a.month, b.month)),
    by_model: [...byModel]
      .map(([model, modelHours]) => ({ model, model_hours: modelHours }))
      .sort((a, b) => b.model_hours - a.model_hours || (a.model < b.model ? -1 : a.model > b.model ? 1 : 0)),
    by_month_and_model: cells,
  };
}

const SYSTEM_INFO_SOURCES: ReadonlyArray<readonly [keyof SystemInfo, string]> = [
  ["uname", "KONG_NODE_UNAME / --node-uname"],
  ["cores", "KONG_NODE_CORES / --node-cores"],
  ["hostname", "KONG_NODE_HOSTNAME / --node-hostname"],
];

/** The node facts not configured, each with where to configure it; one entry when none is. */
function omitSystemInfo(systemInfo: SystemInfo | undefined): OmittedKey[] {
  if (systemInfo === undefined) {
    return [
      {
        key: "system_info",
        reason: `The Kong node's uname, cores and hostname are not stored in the database; configure them (${SYSTEM_INFO_SOURCES.map(([, source]) => source).join(", ")}).`,
      },
    ];
  }
  return SYSTEM_INFO_SOURCES.filter(([key]) => systemInfo[key] === undefined).map(([key, source]) => ({
    key: `system_info.${key}`,
    reason: `The Kong node's ${key} is not stored in the database; configure it (${source}).`,
  }));
}

/** Kong 3.10 added Kafka consumption and Confluent to the count; before, kafka-upstream alone. */
const KAFKA_FAMILY_SINCE: KongMinor = { major: 3, minor: 10 };

/** Both readings of `unique_route_kafkas`, and which one the report uses (the rules' version decides). */
function describeRouteKafkas(facts: KongFacts, classifier: TierClassifier): RouteKafkaBrokers {
  const family = compareMinor(classifier.version, KAFKA_FAMILY_SINCE) >= 0;
  const byPlugin = facts.routeKafkaBrokers.map(([plugin, brokers, addresses]) => ({
    plugin,
    brokers: Number(brokers),
    addresses,
  }));
  return {
    rule: family ? "kafka-family" : "kafka-upstream",
    counted_plugins: family ? [...KAFKA_FAMILY] : ["kafka-upstream"],
    kafka_upstream: byPlugin.find((entry) => entry.plugin === "kafka-upstream")?.brokers ?? 0,
    kafka_family: Number(facts.uniqueRouteKafkaFamily),
    by_plugin: byPlugin,
  };
}

function resolveKongVersion(context: BuildContext): {
  value: string | undefined;
  from: CollectorInfo["kong_version_from"];
} {
  if (context.node.kongVersion !== undefined) return { value: context.node.kongVersion, from: "configured" };
  if (context.kongMinor !== undefined)
    return { value: `${formatMinor(context.kongMinor)}.x`, from: "schema_meta" };
  const newest = [...context.facts.dataPlaneVersions].sort(compareDottedVersions).pop();
  if (newest !== undefined) return { value: newest, from: "clustering_data_planes" };
  return { value: undefined, from: undefined };
}

function resolveDeployment(
  node: NodeFacts,
  facts: KongFacts,
): { info: DeploymentInfo; from: CollectorInfo["deployment_from"] } {
  const live = facts.liveDataPlanes === undefined ? undefined : Number(facts.liveDataPlanes);
  if (node.deploymentType !== undefined) {
    const info: DeploymentInfo = { type: node.deploymentType };
    if (node.deploymentType === "hybrid" && live !== undefined) info.connected_dp_count = live;
    return { info, from: "configured" };
  }
  if (live !== undefined && live > 0) {
    return { info: { type: "hybrid", connected_dp_count: live }, from: "clustering_data_planes" };
  }
  return { info: { type: "traditional" }, from: "default" };
}

function resolveLicense(
  node: NodeFacts,
  facts: KongFacts,
  warnings: string[],
): { info: LicenseInfo; from: CollectorInfo["license_from"] } {
  if (facts.encryptedLicenses > 0) {
    warnings.push(
      `${facts.encryptedLicenses} keyring-encrypted license row(s) were skipped: only a Kong node holding the keyring can read them.`,
    );
  }
  if (node.license !== undefined) return { info: { ...node.license }, from: "configured" };
  let unreadable = 0;
  for (const payload of facts.licenseCandidates) {
    const info = readLicensePayload(payload);
    if (info !== undefined) {
      if (unreadable > 0)
        warnings.push(`${unreadable} newer license row(s) are not valid license JSON and were skipped.`);
      return { info, from: "licenses" };
    }
    unreadable += 1;
  }
  if (unreadable > 0)
    warnings.push(`${unreadable} license row(s) are not valid license JSON and were skipped.`);
  return { info: { ...UNLICENSED }, from: "unlicensed" };
}

function buildCounters(facts: KongFacts, warnings: string[]): Counters | undefined {
  if (facts.buckets === undefined) return undefined;
  const buckets: Bucket[] = facts.buckets
    .map(([label, total]) => ({
      bucket: label,
      request_count: toCount(total, `requests ${label}`, warnings),
    }))
    .sort(compareBuckets);
  const total = facts.buckets.reduce((sum, [, n]) => sum + BigInt(n), 0n);
  return { total_requests: toCount(total.toString(), "total_requests", warnings), buckets };
}

/** Chronological, `UNKNOWN` last: Kong's own order is hash order, so we pick a stable one. */
function compareBuckets(a: Bucket, b: Bucket): number {
  return compareMonthLabels(a.bucket, b.bucket);
}

/** Zero-padded `YYYY-MM` labels sort as text; `UNKNOWN` goes last. */
function compareMonthLabels(a: string, b: string): number {
  if (a === b) return 0;
  if (a === "UNKNOWN") return 1;
  if (b === "UNKNOWN") return -1;
  return a < b ? -1 : 1;
}

/** Exact decimal text → number; beyond 2^53 the JSON number cannot be exact, so say so. */
function toCount(text: string, what: string, warnings: string[]): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) {
    warnings.push(`${what} is ${text}, beyond 2^53: the JSON number is rounded to ${value}.`);
  }
  return value;
}

function buildCollectorInfo(
  context: BuildContext,
  edition: CollectorInfo["edition"],
  kongVersionFrom: CollectorInfo["kong_version_from"],
  deploymentFrom: CollectorInfo["deployment_from"],
  licenseFrom: CollectorInfo["license_from"],
): CollectorInfo {
  const info: CollectorInfo = {
    name: context.tool.name,
    version: context.tool.version,
    source: context.source ?? "database",
    deployment_from: deploymentFrom,
    license_from: licenseFrom,
    edition,
    plugin_tiers: context.classifier.list,
    as_of: context.asOf,
    time_zone: context.timeZone,
    checksum_algorithm: context.checksumAlgorithm,
  };
  if (kongVersionFrom !== undefined) info.kong_version_from = kongVersionFrom;
  if (context.kongMinor !== undefined) info.schema_minor = formatMinor(context.kongMinor);
  return info;
}

function summarizeSchema(context: BuildContext): SchemaSummary {
  const { facts, schema } = context;
  const last = (subsystem: string) =>
    facts.schemaMeta.find((row) => row.subsystem === subsystem)?.executed.at(-1);
  const summary: SchemaSummary = {
    // Only Enterprise databases carry an `enterprise` row in schema_meta.
    edition: facts.schemaMeta.some((row) => row.subsystem === "enterprise") ? "enterprise" : "open-source",
    pending: facts.schemaMeta.flatMap((row) => row.pending.map((name) => `${row.subsystem}:${name}`)),
    missing: OPTIONAL_PARTS.filter(([table, column]) =>
      column === undefined
        ? !schema.hasTable(table)
        : schema.hasTable(table) && !schema.hasColumn(table, column),
    ).map(([table, column]) => (column === undefined ? table : `${table}.${column}`)),
  };
  const core = last("core");
  const enterprise = last("enterprise");
  if (context.kongMinor !== undefined) summary.kong_minor = formatMinor(context.kongMinor);
  if (core !== undefined) summary.core_last_migration = core;
  const unread = context.migrations.unread;
  if (unread.length > 0) summary.unread_migrations = unread.slice(0, MAX_UNREAD_LISTED);
  if (enterprise !== undefined) summary.enterprise_last_migration = enterprise;
  return summary;
}

/** Unreadable migration names listed in the details (a real schema has none or a few). */
const MAX_UNREAD_LISTED = 20;

const OPTIONAL_PARTS: ReadonlyArray<readonly [string, string | undefined]> = [
  ["workspaces", undefined],
  ["rbac_users", undefined],
  ["licenses", undefined],
  ["license_data", undefined],
  ["workspace_entity_counters", undefined],
  ["clustering_data_planes", undefined],
  ["consumers", "type"],
  ["plugins", "consumer_group_id"],
];

function addSchemaWarnings(context: BuildContext, pending: readonly string[], warnings: string[]): void {
  const { facts, schema, classifier, kongMinor, rulesMinor } = context;
  if (pending.length > 0) {
    const target = detectKongMinor(
      facts.schemaMeta.map((row) => ({ subsystem: row.subsystem, names: row.pending })),
    );
    const upgrade =
      target === undefined || (kongMinor !== undefined && compareMinor(target, kongMinor) <= 0)
        ? "An upgrade is in progress"
        : `An upgrade to ${formatMinor(target)} is in progress`;
    warnings.push(
      `${upgrade}: ${pending.length} migration(s) await "kong migrations finish" (${pending.slice(0, 5).join(", ")}${pending.length > 5 ? ", …" : ""}); the version reported is the one fully migrated, and counts may change once the upgrade completes.`,
    );
  }
  const beyond = context.migrations.beyond;
  if (beyond.length > 0) {
    const known = kongMinor === undefined ? "" : ` past Kong ${formatMinor(kongMinor)}`;
    warnings.push(
      `schema_meta holds ${beyond.length} migration(s)${known} whose names this tool cannot read (${beyond.slice(0, 5).join(", ")}): Kong may be newer${kongMinor === undefined ? "" : ` than ${formatMinor(kongMinor)}`}, so the newest plugin lists (${classifier.list}) and rules apply; set KONG_VERSION / --kong-version to the node's version to be exact.`,
    );
  }
  if (!schema.hasTable("workspaces"))
    warnings.push("No workspaces table (Kong before 2.1): workspaces_count is 1.");
  if (!schema.hasColumn("consumers", "type")) {
    warnings.push(
      "consumers has no type column (open-source schema): every consumer is counted as a proxy consumer.",
    );
  }
  if (rulesMinor !== undefined && kongMinor !== undefined && compareMinor(rulesMinor, kongMinor) !== 0) {
    warnings.push(
      `The configured Kong version (${formatMinor(rulesMinor)}) differs from the version the database's migrations reached (${formatMinor(kongMinor)}): plugin tiers and the Kafka rule follow the configured version, as the Kong node reporting would.`,
    );
  }
  if (rulesMinor !== undefined && formatMinor(rulesMinor) !== classifier.list) {
    const minor = formatMinor(rulesMinor);
    warnings.push(
      rulesMinor.major < 3 || (rulesMinor.major === 3 && rulesMinor.minor < 5)
        ? `Kong ${minor} itself reports no plugin tiers (they arrived in 3.5); they are classified here with Kong's oldest published lists (${classifier.list}).`
        : `Kong ${minor} is newer than the newest published plugin lists (${classifier.list}): plugins added since count as custom, as Kong counts names missing from its lists.`,
    );
  }
}
