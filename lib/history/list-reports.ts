import { BadParameterError } from "../errors.ts";
import type { ReportFormat } from "../output/file-name.ts";
import type { ReportStore, StoredObject } from "../store/report-store.ts";
import {
  orderingTail,
  parseStoredReportKey,
  RETENTION_CLASSES,
  type ReportTrigger,
  retentionPrefix,
  type StoredReportKey,
} from "./report-key.ts";

export const DEFAULT_LIST_LIMIT = 20;
export const MAX_LIST_LIMIT = 100;

/** One stored report as the listing shows it, with a fresh download link. */
export interface ListedReport {
  key: string;
  generated_at: string;
  as_of: string;
  format: ReportFormat;
  bytes: number;
  /** Absent for a monthly scheduled report: its key is fixed before the report exists. */
  checksum?: string;
  trigger: ReportTrigger;
  /** The cluster's label, when it had one. */
  cluster?: string;
  url: string;
  expires_at: string;
}

export interface ReportListing {
  reports: ListedReport[];
  /** Pass as `next` for the following page; absent on the last page. */
  next?: string;
}

export interface ListReportsInput {
  readonly store: ReportStore;
  readonly prefix: string;
  readonly limit: number;
  /** The `next` token of the previous page. */
  readonly next?: string;
  readonly urlTtlSeconds: number;
  readonly signal?: AbortSignal;
}

/**
 * A page of stored reports, newest first. Costs exactly one ListObjects call per retention prefix
 * (two per page), never a download or HEAD: everything shown comes from the key and its size.
 */
export async function listStoredReports(input: ListReportsInput): Promise<ReportListing> {
  const after = input.next === undefined ? undefined : readPageToken(input.next);
  const pages = await Promise.all(
    RETENTION_CLASSES.map(async (retention) => {
      const classPrefix = retentionPrefix(input.prefix, retention);
      const page = await input.store.list(
        {
          prefix: classPrefix,
          maxKeys: input.limit,
          ...(after === undefined ? {} : { startAfter: `${classPrefix}${after}` }),
        },
        input.signal === undefined ? {} : { signal: input.signal },
      );
      return { ...page, classPrefix };
    }),
  );
  // Merge on the key after the retention prefix (newest first in both); a foreign object still
  // moves the page on, so a page always makes progress.
  const seen = pages
    .flatMap((page) =>
      page.objects.map((object) => ({ object, tail: orderingTail(input.prefix, object.key) })),
    )
    .sort((a, b) => compareText(a.tail, b.tail));
  const taken = seen.slice(0, input.limit);
  const more = seen.length > input.limit || pages.some((page) => page.truncated);
  const reports: ListedReport[] = [];
  for (const { object } of taken) {
    const parsed = parseStoredReportKey(input.prefix, object.key);
    if (parsed !== undefined) reports.push(await describeStored(input, parsed, object));
  }
  const last = taken.at(-1);
  return { reports, ...(more && last !== undefined ? { next: writePageToken(last.tail) } : {}) };
}

async function describeStored(
  input: ListReportsInput,
  parsed: StoredReportKey,
  object: StoredObject,
): Promise<ListedReport> {
  const link = await input.store.presign(parsed.key, {
    expiresInSeconds: input.urlTtlSeconds,
    fileName: parsed.fileName,
  });
  const cluster = clusterLabel(parsed.clusterSegment);
  // A monthly key holds its month's start, not the time: the listing's LastModified is when it was stored.
  const generated =
    parsed.monthly === true && object.lastModified !== undefined ? object.lastModified : parsed.generatedAt;
  return {
    key: parsed.key,
    generated_at: generated.toISOString(),
    as_of: parsed.asOf,
    format: parsed.format,
    bytes: object.bytes,
    ...(parsed.checksum === undefined ? {} : { checksum: parsed.checksum }),
    trigger: parsed.trigger,
    ...(cluster === undefined ? {} : { cluster }),
    url: link.url,
    expires_at: link.expiresAt.toISOString(),
  };
}

/** The label of a named cluster; unnamed clusters are grouped by a digest, never shown. */
export function clusterLabel(segment: string): string | undefined {
  return segment.startsWith("_src-") ? undefined : segment;
}

/** Validates a `limit` value (1 … 100). */
export function parseListLimit(value: string | undefined, parameter: string): number {
  if (value === undefined) return DEFAULT_LIST_LIMIT;
  const limit = /^\d{1,4}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) {
    throw new BadParameterError(
      parameter,
      `Invalid ${parameter} "${value}": expected a whole number of reports per page from 1 to ${MAX_LIST_LIMIT} (default ${DEFAULT_LIST_LIMIT}).`,
    );
  }
  return limit;
}

const TOKEN_TAIL = /^\d{13}\/[A-Za-z0-9._\-/]{1,900}$/;

/** Checks a `next` token early, so a bad one is a 400 / exit 2 naming the parameter. */
export function checkPageToken(value: string, parameter: string): string {
  readPageToken(value, parameter);
  return value;
}

function readPageToken(token: string, parameter = "next"): string {
  let tail: unknown;
  try {
    tail = (JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as { after?: unknown }).after;
  } catch {
    tail = undefined;
  }
  if (typeof tail !== "string" || !TOKEN_TAIL.test(tail) || tail.split("/").includes("..")) {
    throw new BadParameterError(
      parameter,
      `Invalid ${parameter}: it is not a token from a previous page of the listing. Pass the "next" value of the last answer unchanged, or leave it out for the newest reports.`,
    );
  }
  return tail;
}

function writePageToken(tail: string): string {
  return Buffer.from(JSON.stringify({ after: tail }), "utf8").toString("base64url");
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
