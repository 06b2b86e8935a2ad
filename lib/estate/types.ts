import type { ApiSource } from "../collector/api-sources.ts";
import type { KonnectSummary } from "../collector/collect-konnect.ts";
import type { DiscreteRule } from "../details/discrete-rules.ts";
import type { Bucket, KongReport, PluginTiers, ReportDetails, SystemInfo } from "../report/types.ts";
import type { Usage } from "../report/usage-types.ts";
import type { DatabaseSource } from "../sql/database-source.ts";

/**
 * Where one environment is read: its Kong database (the embedded demo, PostgreSQL, the RDS Data
 * API), or, without one, Kong's Admin API or Konnect.
 */
export type EnvironmentSource = { readonly kind: "demo" } | DatabaseSource | ApiSource;

/** The sources read through SQL. */
export type SqlEnvironmentSource = Exclude<EnvironmentSource, ApiSource>;

/** Where the estate's environments file is kept on AWS: an S3 object or an SSM parameter. */
export type EnvironmentsLocation =
  | { readonly kind: "s3"; readonly bucket: string; readonly key: string }
  | { readonly kind: "ssm"; readonly name: string };

/** How an environment is reached, as named in the environments file (never a secret). */
export type SourceKind = "demo" | "database_url" | "data_api" | "postgres" | "admin_api" | "konnect";

/** What the environments file may tell about an environment's Kong node (the database does not hold it). */
export interface EnvironmentNodeFacts {
  readonly kongVersion?: string;
  readonly deploymentType?: "traditional" | "hybrid" | "dbless";
  readonly systemInfo?: SystemInfo;
}

/** One validated entry of the environments file, `${NAME}` references already expanded. */
export interface EnvironmentSpec {
  /** The entry's `environment`: unique (case-insensitively) and safe as a folder name. */
  readonly name: string;
  readonly source: EnvironmentSource;
  readonly node: EnvironmentNodeFacts;
  /**
   * The values `${NAME}` expanded to, and the database URL's password: removed from any error
   * message before it is shown or stored.
   */
  readonly secrets: readonly string[];
}

/** A validated environments file. */
export interface EstateConfig {
  readonly environments: readonly EnvironmentSpec[];
  /** KLCR "discreteness" rules, applied in order to every discrete-service key of every environment. */
  readonly discrete: readonly DiscreteRule[];
}

/**
 * What tells two environments apart: keys they share only when they are the same database (or Kong
 * node, or Konnect control plane), each with how a warning says it.
 */
export interface EnvironmentIdentity {
  readonly keys: ReadonlyArray<{ readonly key: string; readonly says: string }>;
}

/** An environment whose report was collected. */
export interface EnvironmentSuccess {
  readonly environment: string;
  readonly status: "ok";
  readonly source?: SourceKind;
  /** Kong's report, exactly as generated (or as Kong's Admin API served it), with its own checksum. */
  readonly report: KongReport;
  /** Kong's bytes of the report (Admin API): the environment's response.json, unchanged. */
  readonly response?: Uint8Array;
  readonly details?: ReportDetails;
  /** Distinct discrete-service keys of this environment, after the estate's discrete rules. */
  readonly discreteServices: readonly string[];
  readonly identity?: EnvironmentIdentity;
}

/** A Konnect environment: no license report exists there, so entity counts only. */
export interface EnvironmentCounts {
  readonly environment: string;
  readonly status: "ok";
  readonly source: "konnect";
  readonly konnect: KonnectSummary;
  readonly discreteServices: readonly string[];
  readonly identity?: EnvironmentIdentity;
}

/** An environment that could not be read; `error` says why and holds no secret. */
export interface EnvironmentFailure {
  readonly environment: string;
  readonly status: "failed";
  readonly source?: SourceKind;
  readonly error: string;
}

export type EnvironmentOutcome = EnvironmentSuccess | EnvironmentCounts | EnvironmentFailure;

/** Per-tier plugin counts summed by plugin name over the environments that reported. */
export interface EstatePluginsCount {
  tiers: PluginTiers;
}

export interface EstateTotals {
  /** Environments in the file. */
  environments: number;
  /** Environments whose report (or, for Konnect, whose counts) was collected. */
  environments_reported: number;
  /** Of those, the environments of entity counts only (Konnect); absent when none. */
  environments_entity_counts_only?: number;
  /** The reports' services_count, plus the services of Konnect's control planes (groups excepted). */
  services_count: number;
  routes_count: number;
  consumers_count: number;
  workspaces_count: number;
  /** Absent when no reported environment has the key (open-source Kong). */
  rbac_users?: number;
  plugins_count: EstatePluginsCount;
  /** Distinct discrete-service keys across all reported environments, after the rules. */
  discrete_services: number;
  /** Absent when no reported environment has request counters. */
  counters?: { total_requests: number; buckets: Bucket[] };
}

/** One environment in estate.json. */
export type EstateEnvironment = EstateReportEnvironment | EstateCountsEnvironment | EstateFailedEnvironment;

export interface EstateReportEnvironment {
  environment: string;
  status: "ok";
  source?: SourceKind;
  /** Distinct discrete services of this environment (after the rules). */
  discrete_services: number;
  report: KongReport;
  details?: ReportDetails;
}

/** Konnect: no license report; its gateway services, discrete services and nodes, per control plane. */
export interface EstateCountsEnvironment {
  environment: string;
  status: "ok";
  source: "konnect";
  /** Says it plainly: there is no license report behind these numbers. */
  entity_counts_only: true;
  note: string;
  /** Gateway services over the counted control planes (a group's are its members'). */
  services_count: number;
  discrete_services: number;
  konnect: KonnectSummary;
}

export interface EstateFailedEnvironment {
  environment: string;
  status: "failed";
  source?: SourceKind;
  error: string;
}

/** Something the estate's reader must know: e.g. two environments that are the same database. */
export interface EstateWarning {
  kind: "same-database";
  environments: string[];
  message: string;
}

/** A discrete service key and the environments holding it. */
export interface EstateDiscreteService {
  key: string;
  environments: string[];
}

/** estate.json: every environment's report, honest totals, and a digest over the whole. */
export interface EstateDocument {
  /** Marks the document as an estate (what `verify` looks for); its shape's version. */
  estate_version: 1;
  as_of: string;
  time_zone: string;
  generated_at: string;
  collector: { name: string; version: string };
  discrete_rules: DiscreteRule[];
  environments: EstateEnvironment[];
  totals: EstateTotals;
  /** Cross-environment discrete services, byte-sorted by key. */
  discrete_services: EstateDiscreteService[];
  /** Absent when there is nothing to warn about. */
  warnings?: EstateWarning[];
  /** The contract held against the totals (`estate --contract`), when one was given. */
  usage?: Omit<Usage, "license">;
  /** SHA-256 (hex) of the RFC 8785 canonical JSON of this document without `digest`. */
  digest: string;
}
