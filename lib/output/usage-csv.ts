import type { CollectedReport } from "../report/types.ts";
import type { ContractLimit } from "../report/usage-types.ts";
import { formatCsv } from "./csv.ts";

/** Column names of usage.csv, in order. */
export const USAGE_CSV_COLUMNS = [
  "item",
  "value",
  "limit",
  "percent",
  "status",
  "forecast_at_term_end",
  "forecast_crosses_limit",
  "as_of",
  "cluster",
] as const;

/** Each unit with the contract limit it is held against. */
const UNIT_ROWS: ReadonlyArray<readonly [keyof UnitsOf, ContractLimit]> = [
  ["gateway_services", "gateway_services"],
  ["discrete_services", "discrete_services"],
  ["api_requests_month", "api_requests_per_month"],
  ["api_requests_term", "api_requests_per_term"],
  ["ai_model_hours_month", "ai_model_hours_per_month"],
];
type UnitsOf = NonNullable<CollectedReport["details"]["usage"]>["units"];

/**
 * usage.csv: one row per contract unit (its value, and the contract line and forecast when a
 * contract was given), then the license's entitlements beside the database; an empty cell where
 * nothing was measured or given. The header alone without usage (no details).
 */
export function renderUsageCsv({ details }: CollectedReport): string {
  const usage = details.usage;
  if (usage === undefined) return formatCsv(USAGE_CSV_COLUMNS, []);
  const cluster = details.cluster ?? "";
  const cell = (value: number | string | null | undefined) => value ?? "";
  const units = UNIT_ROWS.map(([unit, limit]) => {
    const line = usage.contract?.lines.find((entry) => entry.unit === limit);
    const forecast = usage.forecast.find((entry) => entry.unit === limit);
    return [
      unit,
      cell(usage.units[unit]),
      cell(line?.limit),
      cell(line?.percent),
      cell(line?.status),
      cell(forecast?.at_term_end),
      cell(forecast?.crosses_limit),
      usage.as_of,
      cluster,
    ];
  });
  const { license } = usage;
  const plain = (item: string, value: number | null) => [
    item,
    cell(value),
    "",
    "",
    "",
    "",
    "",
    usage.as_of,
    cluster,
  ];
  return formatCsv(USAGE_CSV_COLUMNS, [
    ...units,
    plain("license_days_to_expiry", license.days_to_expiry),
    plain("license_dataplanes", license.dataplanes.licensed),
    plain("connected_dataplanes", license.dataplanes.connected),
    plain("license_admin_seats", license.admin_seats.licensed),
    plain("rbac_users", license.admin_seats.rbac_users),
  ]);
}

/** Column names of usage-by-tag.csv, in order. */
export const USAGE_BY_TAG_CSV_COLUMNS = [
  "tag",
  "tagged",
  "services",
  "discrete_services",
  "routes",
  "plugins",
  "prefix",
  "cluster",
] as const;

/**
 * usage-by-tag.csv: one row per value of the tag prefix (`tagged` yes), the untagged entities last
 * (`tagged` no, `tag` empty). Tag values come from the database: guarded like every text cell.
 */
export function renderUsageByTagCsv({ details }: CollectedReport): string {
  const byTag = details.usage_by_tag;
  if (byTag === undefined) return formatCsv(USAGE_BY_TAG_CSV_COLUMNS, []);
  const cluster = details.cluster ?? "";
  return formatCsv(
    USAGE_BY_TAG_CSV_COLUMNS,
    byTag.rows.map((row) => [
      row.tag ?? "",
      row.tag === null ? "no" : "yes",
      row.services,
      row.discrete_services,
      row.routes,
      row.plugins,
      byTag.prefix,
      cluster,
    ]),
  );
}
