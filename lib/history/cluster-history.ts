import { diffReports } from "../diff/diff-reports.ts";
import type { ReportDocument } from "../diff/report-document.ts";
import { checkCompanions, type ReportReading, readReportFile } from "../output/read-report-file.ts";
import type { CollectedReport, ReportDetails, SincePrevious, TrendPoint } from "../report/types.ts";
import { verifyReport } from "../report/verify-report.ts";
import type { ReportStore } from "../store/report-store.ts";
import { type CurrentCluster, describeOtherCluster, readReportCluster } from "./cluster.ts";
import {
  orderingTail,
  parseStoredReportKey,
  RETENTION_CLASSES,
  retentionPrefix,
  type StoredReportKey,
} from "./report-key.ts";

/** The trend shows this many reports: the new one and up to 11 stored before it. */
export const TREND_SIZE = 12;
/** Keys read per listing call while looking for a cluster's reports (S3's maximum). */
const PAGE_KEYS = 1000;
/** Listing calls per retention prefix at most: 5,000 newer reports of other clusters are searched. */
const MAX_PAGES = 5;
/** A stored report larger than this is not downloaded (a report of 1,000 workspaces is about 1 MB). */
const MAX_REPORT_BYTES = 64 * 1024 * 1024;
const DOWNLOADS_AT_ONCE = 4;

/** A stored report that verified: its checksum matches its content and the one it was stored with. */
export interface VerifiedReport {
  readonly key: string;
  readonly document: ReportDocument;
}

export interface ClusterHistory {
  /** Newest first. */
  readonly verified: readonly VerifiedReport[];
  /** Reports of this cluster that did not verify or could not be read, with why. */
  readonly refused: ReadonlyArray<{ key: string; reason: string }>;
  /** Limits hit while searching (older reports not searched). */
  readonly notes: readonly string[];
}

export interface LoadHistoryInput {
  readonly store: ReportStore;
  readonly prefix: string;
  readonly clusterSegment: string;
  /** How many stored reports of the cluster to read, newest first. */
  readonly count: number;
  readonly signal?: AbortSignal;
}

/**
 * Finds the newest `count` stored reports of one cluster and verifies each. Costs one ListObjects
 * call per retention prefix per 1,000 newer reports in the bucket (at most 5 per prefix), plus one
 * GetObject per report of the cluster read.
 */
export async function loadClusterHistory(input: LoadHistoryInput): Promise<ClusterHistory> {
  const notes: string[] = [];
  const found = await Promise.all(
    RETENTION_CLASSES.map(async (retention) => {
      const classPrefix = retentionPrefix(input.prefix, retention);
      const matches: StoredReportKey[] = [];
      let startAfter: string | undefined;
      for (let page = 1; ; page += 1) {
        const listed = await input.store.list(
          { prefix: classPrefix, maxKeys: PAGE_KEYS, ...(startAfter === undefined ? {} : { startAfter }) },
          input.signal === undefined ? {} : { signal: input.signal },
        );
        for (const object of listed.objects) {
          const parsed = parseStoredReportKey(input.prefix, object.key);
          if (parsed?.clusterSegment === input.clusterSegment) matches.push(parsed);
        }
        startAfter = listed.objects.at(-1)?.key;
        if (matches.length >= input.count || !listed.truncated || startAfter === undefined) break;
        if (page === MAX_PAGES) {
          notes.push(
            `Only the newest ${MAX_PAGES * PAGE_KEYS} keys under ${classPrefix} were searched for earlier reports of this cluster.`,
          );
          break;
        }
      }
      return matches;
    }),
  );
  const newest = found
    .flat()
    .sort((a, b) => compareText(orderingTail(input.prefix, a.key), orderingTail(input.prefix, b.key)))
    .slice(0, input.count);
  const checked = await mapLimited(newest, DOWNLOADS_AT_ONCE, (stored) => checkStoredReport(input, stored));
  return {
    verified: checked.flatMap((c) =>
      c.document === undefined ? [] : [{ key: c.key, document: c.document }],
    ),
    refused: checked.flatMap((c) => (c.reason === undefined ? [] : [{ key: c.key, reason: c.reason }])),
    notes,
  };
}

async function checkStoredReport(
  input: LoadHistoryInput,
  stored: StoredReportKey,
): Promise<{ key: string; document?: ReportDocument; reason?: string }> {
  try {
    const bytes = await input.store.read(stored.key, {
      maxBytes: MAX_REPORT_BYTES,
      ...(input.signal === undefined ? {} : { signal: input.signal }),
    });
    const reading = await readReportFile(stored.key, { read: async () => bytes, maxBytes: MAX_REPORT_BYTES });
    const reason = checkReading(reading, stored.checksum);
    return reason === undefined
      ? { key: stored.key, document: reading.document }
      : { key: stored.key, reason };
  } catch (error) {
    input.signal?.throwIfAborted();
    return { key: stored.key, reason: `it could not be read (${(error as Error).message})` };
  }
}

/** Why a report must not be used, or undefined when it verifies (and matches `storedChecksum` if given). */
export function checkDocument(document: ReportDocument, storedChecksum?: string): string | undefined {
  const result = verifyReport(document.content);
  if (result.claimed === null) return "it has no checksum";
  if (!result.valid) {
    return `its checksum does not verify (it claims ${result.claimed}, its content hashes to ${result.computed}): it was changed after it was generated`;
  }
  if (storedChecksum !== undefined && result.claimed.toLowerCase() !== storedChecksum) {
    return `it is not the report stored under this key (checksum ${result.claimed}, stored as ${storedChecksum})`;
  }
  return undefined;
}

/**
 * Why a report read from a file or the bucket must not be used, or undefined: its checksum (and
 * the one it was stored under), then the files beside it: a tar whose files differ from its
 * manifest, or whose details are of another report, is refused. A tar without a manifest (written
 * before manifests) is used, its details marked unverified.
 */
export function checkReading(reading: ReportReading, storedChecksum?: string): string | undefined {
  const reason = checkDocument(reading.document, storedChecksum);
  if (reason !== undefined) return reason;
  const [problem] = checkCompanions(reading).problems;
  return problem === undefined ? undefined : `${problem}: it was changed after it was generated`;
}

/**
 * Adds `since_previous` (the newest verified earlier report, diffed with the diff engine), the
 * trend (verified reports oldest first, this one last) and a warning per refused report.
 */
export function attachHistory(collected: CollectedReport, history: ClusterHistory): ReportDetails {
  const current: ReportDocument = {
    source: "this report",
    content: collected.report as unknown as Record<string, unknown>,
    details: collected.details as unknown as Record<string, unknown>,
  };
  const [previous] = history.verified;
  const warnings = [
    ...history.refused.map(
      (r) => `The earlier report ${r.key} was not used for "since last report" or the trend: ${r.reason}.`,
    ),
    ...history.notes,
  ];
  const trend = {
    reports: [
      ...history.verified.map((v) => toTrendPoint(v.document, v.key)).reverse(),
      toTrendPoint(current),
    ],
    left_out: history.refused.map((r) => ({ key: r.key, reason: r.reason })),
  };
  return {
    ...collected.details,
    warnings: [...collected.details.warnings, ...warnings],
    ...(previous === undefined
      ? {}
      : { since_previous: describeSincePrevious(previous.key, previous.document, current) }),
    trend,
  };
}

/**
 * `generate --previous FILE`: the same history from one local file, used only when it verifies and
 * is of the cluster being reported (`cluster`: its label, else its source; see cluster.ts). A file
 * that names no cluster (a JSON report without details, or one written before reports recorded
 * theirs) is used, with a note saying so.
 */
export function historyOfFile(
  path: string,
  reading: ReportReading,
  cluster?: CurrentCluster,
): ClusterHistory {
  const reason =
    checkReading(reading) ??
    (cluster === undefined ? undefined : describeOtherCluster(reading.document.details, cluster));
  if (reason !== undefined) return { verified: [], refused: [{ key: path, reason }], notes: [] };
  const unknown = cluster !== undefined && readReportCluster(reading.document.details) === undefined;
  return {
    verified: [{ key: path, document: reading.document }],
    refused: [],
    notes: unknown
      ? [
          `The previous report ${path} names no cluster (its cluster is in details.json: a JSON report written without --include-details, or by a version before reports recorded theirs, has none): it was used as given; check it is of this cluster.`,
        ]
      : [],
  };
}

/** `since_previous` of a verified earlier report. */
export function describeSincePrevious(
  key: string,
  previous: ReportDocument,
  current: ReportDocument,
): SincePrevious {
  const { old: _old, new: _new, ...changes } = diffReports(previous, current);
  const point = toTrendPoint(previous);
  return {
    key,
    checksum: String(previous.content.checksum),
    generated_at: point.generated_at,
    as_of: point.as_of,
    // Workspaces and discrete services come from the earlier report's details: say whether a manifest covered them.
    ...(previous.details === undefined ? {} : { details_verified: previous.detailsVerified === true }),
    changes,
  };
}

/** The trend's numbers of one report. */
export function toTrendPoint(document: ReportDocument, key?: string): TrendPoint {
  const content = document.content;
  // The details' generation time, unless nothing covers them: then the report's own timestamp.
  const generated =
    typeof document.details?.generated_at === "string" && document.detailsVerified !== false
      ? document.details.generated_at
      : typeof content.timestamp === "number"
        ? new Date(content.timestamp * 1000).toISOString()
        : "";
  const collector = record(content.collector);
  const tiers = record(record(content.plugins_count)?.tiers);
  const enterprise = record(tiers?.enterprise);
  return {
    ...(key === undefined ? {} : { key }),
    generated_at: generated,
    as_of: typeof collector?.as_of === "string" ? collector.as_of : null,
    services: numberOrNull(content.services_count),
    routes: numberOrNull(content.routes_count),
    consumers: numberOrNull(content.consumers_count),
    enterprise_plugins:
      enterprise === undefined
        ? null
        : Object.values(enterprise).reduce<number>((sum, n) => sum + (typeof n === "number" ? n : 0), 0),
    requests_in_window: numberOrNull(record(content.counters)?.total_requests),
  };
}

async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  map: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await map(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function numberOrNull(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
