import type { ReportFormat } from "../output/file-name.ts";

/** What started a report run. */
export const TRIGGERS = ["http", "schedule", "console", "cli"] as const;
export type ReportTrigger = (typeof TRIGGERS)[number];

/** Scheduled reports are kept longer than ad-hoc ones: each class has its own key prefix and lifecycle rule. */
export const RETENTION_CLASSES = ["scheduled", "adhoc"] as const;
export type RetentionClass = (typeof RETENTION_CLASSES)[number];

export function retentionOf(trigger: ReportTrigger): RetentionClass {
  return trigger === "schedule" ? "scheduled" : "adhoc";
}

/** Everything the listing shows about a stored report, read from its key alone. */
export interface StoredReportKey {
  readonly key: string;
  readonly retention: RetentionClass;
  readonly generatedAt: Date;
  /** The cluster's key segment: its label, or `_src-<digest>` of its source. */
  readonly clusterSegment: string;
  readonly asOf: string;
  readonly trigger: ReportTrigger;
  /** The report's checksum; absent in a monthly scheduled key, which is fixed before the report exists. */
  readonly checksum?: string;
  readonly format: ReportFormat;
  readonly fileName: string;
  /** The one scheduled report of its cluster and month (buildMonthlyReportKey). */
  readonly monthly?: true;
}

// Milliseconds counted down from here sort the newest key first (13 digits until the year 2286).
const LAST_MS = 9_999_999_999_999;
const PART = {
  inverted: /^\d{13}$/,
  cluster: /^(?:[A-Za-z0-9][A-Za-z0-9._-]{0,62}|_src-[0-9a-f]{16})$/,
  asOf: /^\d{4}-(?:0[1-9]|1[0-2])$/,
  checksum: /^(?:[0-9a-f]{40}|[0-9a-f]{64}|monthly)$/,
  fileName: /^[A-Za-z0-9_.-]+\.(json|tar)$/,
};

/**
 * `<prefix><retention>/<inverted ms>/<cluster>/<as-of>/<trigger>/<checksum>/<file name>`.
 * Keys sort newest first under each retention prefix, and carry what the listing shows, so a page
 * of the listing is one ListObjects call per retention prefix and never a download or a HEAD.
 */
export function buildStoredReportKey(
  prefix: string,
  parts: Omit<StoredReportKey, "key" | "format" | "checksum" | "monthly"> & { readonly checksum: string },
): string {
  const inverted = String(LAST_MS - parts.generatedAt.getTime()).padStart(13, "0");
  return `${prefix}${parts.retention}/${inverted}/${parts.clusterSegment}/${parts.asOf}/${parts.trigger}/${parts.checksum}/${parts.fileName}`;
}

/** Stands where the checksum stands in a monthly scheduled key. */
const MONTHLY = "monthly";

/**
 * The scheduled report of one cluster and month, at a key known before the report is made:
 * `<prefix>scheduled/<inverted ms of the month's first instant, UTC>/<cluster>/<as-of>/schedule/monthly/report-<as-of>.<ext>`.
 * Written with `If-None-Match: *`, so a retried schedule finds it and stores nothing new. It sorts
 * at the start of its month; its checksum and time are in the object's metadata and content.
 */
export function buildMonthlyReportKey(
  prefix: string,
  parts: { readonly clusterSegment: string; readonly asOf: string; readonly format: ReportFormat },
): string {
  const [year, month] = parts.asOf.split("-").map(Number) as [number, number];
  const inverted = String(LAST_MS - Date.UTC(year, month - 1, 1)).padStart(13, "0");
  return `${prefix}scheduled/${inverted}/${parts.clusterSegment}/${parts.asOf}/schedule/${MONTHLY}/report-${parts.asOf}.${parts.format}`;
}

/** The prefix of one retention class. */
export function retentionPrefix(prefix: string, retention: RetentionClass): string {
  return `${prefix}${retention}/`;
}

/** Reads a key written by buildStoredReportKey; undefined for any other object under the prefix. */
export function parseStoredReportKey(prefix: string, key: string): StoredReportKey | undefined {
  if (!key.startsWith(prefix)) return undefined;
  const parts = key.slice(prefix.length).split("/");
  if (parts.length !== 7) return undefined;
  const [retention, inverted, cluster, asOf, trigger, checksum, fileName] = parts as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const format = PART.fileName.exec(fileName)?.[1] as ReportFormat | undefined;
  if (
    !(RETENTION_CLASSES as readonly string[]).includes(retention) ||
    !PART.inverted.test(inverted) ||
    !PART.cluster.test(cluster) ||
    !PART.asOf.test(asOf) ||
    !(TRIGGERS as readonly string[]).includes(trigger) ||
    !PART.checksum.test(checksum) ||
    format === undefined
  ) {
    return undefined;
  }
  // Only the schedule writes a monthly key.
  if (checksum === MONTHLY && trigger !== "schedule") return undefined;
  return {
    key,
    retention: retention as RetentionClass,
    generatedAt: new Date(LAST_MS - Number(inverted)),
    clusterSegment: cluster,
    asOf,
    trigger: trigger as ReportTrigger,
    ...(checksum === MONTHLY ? { monthly: true as const } : { checksum }),
    format,
    fileName,
  };
}

/** The part of a key after its retention prefix: the same order in every class, so pages can merge. */
export function orderingTail(prefix: string, key: string): string {
  const rest = key.slice(prefix.length);
  return rest.slice(rest.indexOf("/") + 1);
}
