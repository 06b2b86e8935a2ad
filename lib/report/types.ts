import type { ChecksumAlgorithm } from "./checksum.ts";
import type { Usage, UsageByTag } from "./usage-types.ts";

/**
 * Kong's License Report as Kong's Admin API serves it (no `collector`: Kong's own bytes), or as this
 * tool builds it (with `collector`). Only the keys the estate, the pages and the CSVs read are typed.
 */
export type KongReport = Omit<LicenseReport, "collector"> & { collector?: CollectorInfo };

/** Kong's License Report (3.9+ shape) plus this tool's `collector` provenance. */
export interface LicenseReport {
  timestamp: number;
  kong_version?: string;
  db_version: string;
  system_info?: SystemInfo;
  deployment_info: DeploymentInfo;
  license: LicenseInfo;
  counters?: Counters;
  workspaces_count: number;
  rbac_users?: number;
  services_count: number;
  routes_count: number;
  consumers_count: number;
  plugins_count: PluginsCount;
  collector: CollectorInfo;
  checksum: string;
}

export type UnsignedReport = Omit<LicenseReport, "checksum">;

/** The Kong node's facts; Kong fills them from its own host (`hostname` is `gethostname(2)`). */
export interface SystemInfo {
  uname?: string;
  cores?: number;
  hostname?: string;
}

export type DeploymentType = "traditional" | "hybrid" | "dbless";

export interface DeploymentInfo {
  type: DeploymentType;
  connected_dp_count?: number;
}

export interface LicenseInfo {
  license_key?: string | null;
  license_expiration_date?: string | null;
}

export interface Bucket {
  bucket: string;
  request_count: number;
}

export interface Counters {
  total_requests: number;
  buckets: Bucket[];
}

export type TierName = "free" | "enterprise" | "custom";
export type PluginTiers = Record<TierName, Record<string, number>>;

export interface PluginsCount {
  tiers: PluginTiers;
  unique_route_lambdas: number;
  unique_route_kafkas: number;
}

/** How a value was obtained: told by configuration, read from the database, or inferred from it. */
export type Provenance = "configured" | "schema_meta" | "data_planes" | "clustering_data_planes" | "default";

/** Where a report's numbers were read: a real Kong database, or the embedded demo database. */
export type ReportSource = "database" | "demo-database";

export interface CollectorInfo {
  name: string;
  version: string;
  source: ReportSource;
  kong_version_from?: Provenance;
  deployment_from: Provenance;
  license_from: "configured" | "licenses" | "unlicensed";
  edition: "enterprise" | "open-source";
  schema_minor?: string;
  /** Which of Kong's published plugin lists classified the tiers, e.g. "3.9". */
  plugin_tiers: string;
  as_of: string;
  time_zone: string;
  /** The digest of `checksum`: "sha1" (Kong's, verified up to 3.9) unless configured otherwise. */
  checksum_algorithm: ChecksumAlgorithm;
}

/** Why a report key was left out. */
export interface OmittedKey {
  key: string;
  reason: string;
}

/** Facts about the Kong schema, as read from `schema_meta` and the catalog. */
export interface SchemaSummary {
  edition: "enterprise" | "open-source";
  /** Kong minor inferred from migration names, e.g. "3.13". */
  kong_minor?: string;
  core_last_migration?: string;
  enterprise_last_migration?: string;
  /** Core/Enterprise migration names (`subsystem:name`) without a version the tool can read. */
  unread_migrations?: string[];
  /** Migrations whose "up" ran but whose "finish" did not: an upgrade in progress. */
  pending: string[];
  /** Optional Kong tables/columns this database lacks (e.g. "license_data", "consumers.type"). */
  missing: string[];
}

/**
 * Everything beyond Kong's report: provenance details, omitted keys with reasons, warnings.
 * The per-workspace breakdown, discrete services and counter drift are added by `lib/details/`.
 */
export interface ReportDetails {
  generated_at: string;
  checksum: string;
  /** The cluster label, when one was given (`--cluster-name` / CLUSTER_NAME). */
  cluster?: string;
  /**
   * Without a label: `_src-<16 hex>`, the digest of the source that identifies the cluster (see
   * lib/history/cluster.ts), so `--previous` can tell a report of another database.
   */
  cluster_source?: string;
  /**
   * Who wrote these details and from what, when the report beside them is Kong's own bytes (which
   * carry no `collector` of ours): `source` "admin-api".
   */
  collector?: { name: string; version: string; source: "admin-api" };
  /** Read from the Kong database's catalog; absent when the report came from Kong's Admin API. */
  schema?: SchemaSummary;
  /** What Kong's Admin API said beside its report: the node, and per workspace the services. */
  admin_api?: AdminApiDetails;
  omitted: OmittedKey[];
  warnings: string[];
  workspaces?: WorkspaceDetail[];
  discrete_services?: DiscreteServices;
  entity_counters?: EntityCounterComparison;
  /** The brokers behind `unique_route_kafkas`, per Kafka-family plugin, under both Kong rules. */
  route_kafkas?: RouteKafkaBrokers;
  /** AI Gateway usage from `license_llm_data` (Kong 3.10+); Kong's report does not show it. */
  ai_gateway?: AiGatewayUsage;
  /** What changed since the previous stored report of this cluster (or `generate --previous`). */
  since_previous?: SincePrevious;
  /** The last stored reports of this cluster, oldest first, this one last. */
  trend?: ReportTrend;
  /** Usage in Kong's contract units, the license's entitlements, the contract's lines and a forecast. */
  usage?: Usage;
  /** Services, discrete services, routes and plugins per value of a tag prefix (`team:` by default). */
  usage_by_tag?: UsageByTag;
}

/** The Admin API's answers beside its report (details of `generate --admin-api` and Admin API environments). */
export interface AdminApiDetails {
  /** The Admin API's address, never a credential. */
  url: string;
  /** GET /: the node's version, id and configuration; null where it did not say. */
  kong_version: string | null;
  node_id: string | null;
  /** configuration.database: "postgres", or "off" on a DB-less node. */
  database: string | null;
  /** configuration.role: "traditional", "control_plane" or "data_plane". */
  role: string | null;
  /** KLCR's status: "Healthy" when GET /status answered 200, else "HTTP <status>". */
  status: string;
  /** configuration.portal (KLCR's dev_portal); null when not said. */
  dev_portal: boolean | null;
  /** Every workspace (one implicit "default" when the node serves no /workspaces), by name. */
  workspaces: AdminApiWorkspace[];
}

export interface AdminApiWorkspace {
  name: string;
  id?: string;
  /** Services listed (every page). */
  services: number;
  /** Distinct `protocol://host:port/path` keys of those services, after the rules. */
  discrete_services: number;
  /** GET /workspaces/<name>/meta's counts (Kong's entity counters), when Kong serves them. */
  counts?: Record<string, number>;
}

/** The previous report of the same cluster, verified, and the diff engine's changes since it. */
export interface SincePrevious {
  /** Its S3 key (or the file given to `generate --previous`). */
  key: string;
  checksum: string;
  generated_at: string;
  as_of: string | null;
  /**
   * When the earlier report had details (workspaces, discrete services): true when its tar's
   * manifest covered them, false when nothing did (a JSON report's details, a tar without manifest).
   */
  details_verified?: boolean;
  changes: Omit<ReportDiff, "old" | "new">;
}

export interface TrendPoint {
  /** The stored report's key; absent for the report being generated. */
  key?: string;
  generated_at: string;
  as_of: string | null;
  services: number | null;
  routes: number | null;
  consumers: number | null;
  enterprise_plugins: number | null;
  /** counters.total_requests: requests in that report's 12-month window. */
  requests_in_window: number | null;
}

export interface ReportTrend {
  reports: TrendPoint[];
  /** Stored reports of this cluster left out because they did not verify or could not be read. */
  left_out: Array<{ key: string; reason: string }>;
}

/** Model-hours (one `license_llm_data` row = one model in one hour) in the counters' window. */
export interface AiGatewayUsage {
  model_hours: number;
  /** Chronological, `UNKNOWN` (rows from 3.10's weekly counter, without a month) last. */
  by_month: Array<{ month: string; model_hours: number }>;
  /** Most model-hours first. */
  by_model: Array<{ model: string; model_hours: number }>;
  by_month_and_model: Array<{ month: string; model: string; model_hours: number }>;
}

/** Kafka-family brokers on service-less routes (the scope of `unique_route_kafkas`). */
export interface RouteKafkaBrokers {
  /** The rule the report used: Kong 3.10+ counts the whole family, earlier Kong kafka-upstream only. */
  rule: "kafka-family" | "kafka-upstream";
  /** The plugins whose brokers were counted under that rule. */
  counted_plugins: string[];
  /** Distinct host:port across kafka-upstream only (Kong up to 3.9). */
  kafka_upstream: number;
  /** Distinct host:port across kafka-upstream, kafka-consume, confluent and confluent-consume (3.10+). */
  kafka_family: number;
  /** Per plugin: distinct brokers and (the first 100 of) their addresses. */
  by_plugin: Array<{ plugin: string; brokers: number; addresses: string[] }>;
}

export interface WorkspaceDetail {
  id: string;
  name: string;
  services: number;
  routes: number;
  consumers: number;
  plugins: PluginTiers;
  /** Distinct `protocol://host:port/path` keys of this workspace's services (after the rules). */
  discrete_services?: number;
  /** True when the schema has no workspaces: one implicit workspace holds everything. */
  implicit?: boolean;
}

export interface DiscreteServices {
  count: number;
  rules: Array<{ find: string; replace_with: string }>;
  /** Present only when asked for: the distinct keys behind the count. */
  list?: string[];
}

export interface EntityCounterComparison {
  /** Sums of workspace_entity_counters per entity type, next to the live COUNT(*). */
  rows: Array<{ entity_type: string; counter_table: number | null; live: number; drift: number | null }>;
  drifted: string[];
  /** The first (workspace, entity type) pairs whose counter differs from the live count. */
  workspaces?: WorkspaceCounterDrift[];
  /** How many (workspace, entity type) pairs differ in all (`workspaces` may list fewer). */
  workspaces_drifted?: number;
  /** Counter-table entity types this tool does not count live (e.g. upstreams), with their sums. */
  not_compared?: Array<{ entity_type: string; counter_table: number }>;
}

/** One workspace whose counter row for an entity type disagrees with the live count. */
export interface WorkspaceCounterDrift {
  workspace_id: string;
  workspace: string | null;
  entity_type: string;
  counter_table: number | null;
  live: number;
}

export interface CollectedReport {
  report: LicenseReport;
  details: ReportDetails;
}

// ---------------------------------------------------------------------------------------------
// The changes between two reports: `diff` prints them, since_previous stores them.

export interface ReportSide {
  source: string;
  timestamp: number | null;
  generated: string | null;
  as_of: string | null;
  kong_version: string | null;
  checksum: string | null;
  /** true/false when checked, null with --no-verify. */
  verified: boolean | null;
  /**
   * The side's details (workspaces, discrete services): true when a tar's manifest covers them and
   * they carry the report's checksum, false when nothing covers them (a JSON report's), null without.
   */
  details_verified: boolean | null;
}

export interface NumberChange {
  name: string;
  old: number | null;
  new: number | null;
  /** new − old; null when either side lacks the value. */
  change: number | null;
}

export interface TextChange {
  name: string;
  old: string | null;
  new: string | null;
}

export interface PluginCount {
  name: string;
  tier: string;
  count: number;
}

export interface PluginChange {
  name: string;
  old_tier: string;
  new_tier: string;
  old: number;
  new: number;
  change: number;
}

export interface WorkspaceChanges {
  added: Array<{ name: string; services: number; routes: number; consumers: number }>;
  removed: Array<{ name: string; services: number; routes: number; consumers: number }>;
  changed: Array<{ workspace: string } & NumberChange>;
}

/** What changed between two reports. */
export interface ReportDiff {
  old: ReportSide;
  new: ReportSide;
  counts: NumberChange[];
  tiers: NumberChange[];
  plugins: { added: PluginCount[]; removed: PluginCount[]; changed: PluginChange[] };
  /** Every month of either report, oldest first, `UNKNOWN` last; null where a report lacks it. */
  requests: NumberChange[];
  facts: TextChange[];
  /** Present when both files carry per-workspace details. */
  workspaces?: WorkspaceChanges;
}
