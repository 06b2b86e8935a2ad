// Usage in Kong's contract units (issue 21): the document types of `details.usage` and
// `details.usage_by_tag`. Computed in lib/usage/ and lib/details/usage-by-tag.ts; not part of Kong's
// report, so not covered by its checksum.

/** The units a contract can limit, as the contract file names them. */
export const CONTRACT_LIMITS = [
  "gateway_services",
  "discrete_services",
  "api_requests_per_month",
  "api_requests_per_term",
  "ai_model_hours_per_month",
] as const;
export type ContractLimit = (typeof CONTRACT_LIMITS)[number];

/** A contract file, validated: its name, term, limits (any subset) and warning level. */
export interface Contract {
  readonly name: string;
  /** Months `YYYY-MM`, both included; absent when the file gives none. */
  readonly term?: { readonly start: string; readonly end: string };
  readonly limits: Readonly<Partial<Record<ContractLimit, number>>>;
  /** A line is `warn` from this share of its limit (default 80). */
  readonly warn_at_percent: number;
}

/** Kong's published units (usage-metrics glossary) as measured from the database. */
export interface UsageUnits {
  /** services_count. */
  gateway_services: number;
  /** KLCR's `protocol://host:port/path` key, after the discrete rules. */
  discrete_services: number;
  /** The as-of month's bucket; null where Kong keeps no counters (no license_data). */
  api_requests_month: number | null;
  /** The contract term's months up to the as-of month; null without a term. */
  api_requests_term: number | null;
  /** Distinct (model, hour) of the as-of month; null where Kong keeps none (no license_llm_data). */
  ai_model_hours_month: number | null;
}

/** What the license payload says beside what the database shows: no verdict (Kong does not document their meaning). */
export interface UsageLicense {
  /** license_expiration_date as `YYYY-MM-DD`; null when absent or not a date. */
  expires: string | null;
  /** Calendar days from the report's date (reporting time zone) to `expires`; negative once past. */
  days_to_expiry: number | null;
  customer: string | null;
  product_subscription: string | null;
  support_plan: string | null;
  dataplanes: { licensed: number | null; connected: number };
  admin_seats: { licensed: number | null; rbac_users: number | null };
}

export type LineStatus = "ok" | "warn" | "over" | "unknown";

/** One limit of the contract against what is used. */
export interface ContractLine {
  unit: ContractLimit;
  limit: number;
  /** null when the database cannot measure the unit (e.g. no AI Gateway counter). */
  used: number | null;
  /** used / limit × 100, one decimal; null with `used`. */
  percent: number | null;
  /** `over` above the limit, `warn` at or above warn_at_percent, else `ok`; `unknown` without `used`. */
  status: LineStatus;
}

export interface UsageContract {
  name: string;
  term: { start: string; end: string } | null;
  warn_at_percent: number;
  lines: ContractLine[];
}

/** A least-squares line over the monthly high-water marks of the term: an estimate. */
export interface ForecastEntry {
  unit: ContractLimit;
  /** The line's value at the term's last month (for api_requests_per_term: the projected term total); null without a forecast. */
  at_term_end: number | null;
  /** First month from the as-of month to the term's end at which the unit is above its limit; null if none. */
  crosses_limit: string | null;
  /** Months with a high-water mark the line was fitted to. */
  months: number;
  /** How it was made, or why there is none. */
  basis: string;
}

/** `details.usage`. */
export interface Usage {
  as_of: string;
  units: UsageUnits;
  license: UsageLicense;
  contract: UsageContract | null;
  forecast: ForecastEntry[];
  /** What a reader must know about these numbers (limits of what the database holds). */
  notes: string[];
}

/** One tag value's share (`null`: entities with no tag of the prefix). */
export interface TagUsage {
  tag: string | null;
  services: number;
  discrete_services: number;
  routes: number;
  plugins: number;
}

/** `details.usage_by_tag`: per value of the tags starting with `prefix`. */
export interface UsageByTag {
  prefix: string;
  /** Tables whose entities carry no `tags` column in this schema (counted as untagged). */
  without_tags_column: string[];
  /**
   * Tagged values in byte order, the untagged row last. An entity with several matching tags counts
   * under each, so a column may add up to more than the report's total.
   */
  rows: TagUsage[];
}
