import type { DiscreteRule } from "../details/discrete-rules.ts";
import type { Bucket, LicenseReport, PluginTiers, ReportDetails, SystemInfo } from "../report/types.ts";
import type { Usage } from "../report/usage-types.ts";
import type { DatabaseSource } from "../sql/database-source.ts";

/** Where one environment's Kong database is: the embedded demo, PostgreSQL, or the RDS Data API. */
export type EnvironmentSource = { readonly kind: "demo" } | DatabaseSource;

/** Where the estate's environments file is kept on AWS: an S3 object or an SSM parameter. */
export type EnvironmentsLocation =
  | { readonly kind: "s3"; readonly bucket: string; readonly key: string }
  | { readonly kind: "ssm"; readonly name: string };

/** How an environment is reached, as named in the environments file (never a secret). */
export type SourceKind = "demo" | "database_url" | "data_api";

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

/** An environment whose report was collected. */
export interface EnvironmentSuccess {
  readonly environment: string;
  readonly status: "ok";
  readonly source?: SourceKind;
  /** Kong's report, exactly as generated, with its own checksum. */
  readonly report: LicenseReport;
  readonly details?: ReportDetails;
  /** Distinct discrete-service keys of this environment, after the estate's discrete rules. */
  readonly discreteServices: readonly string[];
}

/** An environment that could not be read; `error` says why and holds no secret. */
export interface EnvironmentFailure {
  readonly environment: string;
  readonly status: "failed";
  readonly source?: SourceKind;
  readonly error: string;
}

export type EnvironmentOutcome = EnvironmentSuccess | EnvironmentFailure;

/** Per-tier plugin counts summed by plugin name over the environments that reported. */
export interface EstatePluginsCount {
  tiers: PluginTiers;
}

export interface EstateTotals {
  /** Environments in the file. */
  environments: number;
  /** Environments whose report was collected. */
  environments_reported: number;
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
export type EstateEnvironment =
  | {
      environment: string;
      status: "ok";
      source?: SourceKind;
      /** Distinct discrete services of this environment (after the rules). */
      discrete_services: number;
      report: LicenseReport;
      details?: ReportDetails;
    }
  | { environment: string; status: "failed"; source?: SourceKind; error: string };

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
  /** The contract held against the totals (`estate --contract`), when one was given. */
  usage?: Omit<Usage, "license">;
  /** SHA-256 (hex) of the RFC 8785 canonical JSON of this document without `digest`. */
  digest: string;
}
