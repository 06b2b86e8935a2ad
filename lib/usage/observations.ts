/**
 * What one report tells about usage over time, read from its documents as plain JSON (a stored
 * report may come from an older version of this tool, so nothing is assumed about its shape).
 */
export interface UsageObservation {
  /** The report's reporting month, `YYYY-MM`; undefined when it has none. */
  readonly asOf: string | undefined;
  readonly gatewayServices: number | null;
  readonly discreteServices: number | null;
  /** Requests per month as the report's buckets hold them; null without counters. */
  readonly requests: ReadonlyMap<string, number> | null;
  /** AI Gateway model-hours per month; null without Kong's AI counter. */
  readonly aiModelHours: ReadonlyMap<string, number> | null;
}

/** Reads one report (`content`: response.json, `details`: details.json when it has them). */
export function observeReport(
  content: Readonly<Record<string, unknown>>,
  details?: Readonly<Record<string, unknown>>,
): UsageObservation {
  const collector = record(content.collector);
  const counters = record(content.counters);
  const ai = record(details?.ai_gateway);
  const discrete = record(details?.discrete_services);
  return {
    asOf: typeof collector?.as_of === "string" ? collector.as_of : undefined,
    gatewayServices: count(content.services_count),
    discreteServices: count(discrete?.count),
    requests: counters === undefined ? null : readMonths(counters.buckets, "bucket", "request_count"),
    aiModelHours: ai === undefined ? null : readMonths(ai.by_month, "month", "model_hours"),
  };
}

function readMonths(list: unknown, label: string, value: string): Map<string, number> {
  const months = new Map<string, number>();
  if (!Array.isArray(list)) return months;
  for (const entry of list) {
    const item = record(entry);
    const month = item?.[label];
    const n = count(item?.[value]);
    if (typeof month === "string" && /^\d{4}-\d{2}$/.test(month) && n !== null) months.set(month, n);
  }
  return months;
}

function count(value: unknown): number | null {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? value : null;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
