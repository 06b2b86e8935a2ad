import { randomBytes } from "node:crypto";
import { pipeline, type Readable, Transform } from "node:stream";
import { type CollectOptions, collectReport, type DetailsOptions } from "../collector/collect-report.ts";
import { TimeoutError } from "../errors.ts";
import type { ClusterIdentity } from "../history/cluster.ts";
import { attachHistory, loadClusterHistory, TREND_SIZE } from "../history/cluster-history.ts";
import {
  buildMonthlyReportKey,
  buildStoredReportKey,
  type ReportTrigger,
  retentionOf,
} from "../history/report-key.ts";
import { forecastFromHistory } from "../history/usage-history.ts";
import { type Logger, silentLogger } from "../log.ts";
import { contentTypeOf, formatReportFileName, type ReportFormat } from "../output/file-name.ts";
import { signWhenAsked } from "../output/manifest.ts";
import { buildReportFiles, openReportStream } from "../output/report-files.ts";
import type { CollectedReport } from "../report/types.ts";
import type { Signer } from "../shared/signature.ts";
import { countQueries, type SqlPort } from "../sql/port.ts";
import type { ObjectHead, ReportStore } from "../store/report-store.ts";
import { notifyMonitors, type ReportMonitor } from "./report-monitor.ts";
import { expectedAsOf } from "./report-options.ts";

/** The answer to every trigger: where the report is and how to check it. */
export interface LinkDocument {
  url: string;
  expires_at: string;
  bucket: string;
  key: string;
  format: ReportFormat;
  bytes: number;
  checksum: string;
  generated_at: string;
  /** A retried schedule: this month's report of the cluster was already stored; nothing new was written. */
  already_stored?: true;
}

export interface GenerateReportInput {
  readonly sql: SqlPort;
  readonly store: ReportStore;
  readonly format: ReportFormat;
  /** What the collector needs besides the signal and the details switch (time zone, as-of, node facts). */
  readonly collect?: Omit<CollectOptions, "signal" | "details">;
  /** Run the detail queries (per-workspace counts, discrete services, counter drift); default true. */
  readonly details?: boolean | DetailsOptions;
  /** JSON only: embed the details under a `details` key (the tar always has details.json). */
  readonly includeDetails?: boolean;
  /** Key prefix, empty or ending with "/". */
  readonly prefix: string;
  readonly urlTtlSeconds: number;
  readonly signal?: AbortSignal;
  readonly logger?: Logger;
  /** The unique part of the key; random by default. */
  readonly uniqueId?: () => string;
  /** What started the run: part of the key, and decides the retention prefix (schedule: scheduled/). */
  readonly trigger: ReportTrigger;
  /** Which cluster the report is of: groups its stored reports for since_previous and the trend. */
  readonly cluster: ClusterIdentity;
  /** Signs a tar's manifest (manifest.sig): AWS KMS on Lambda, a PEM key in the CLI. */
  readonly signer?: Signer;
  /** Told about every collected report (metrics, events, the CLI's contract check). */
  readonly monitors?: readonly ReportMonitor[];
}

/**
 * Collects the report, streams it to the store as JSON or tar, and returns a presigned link.
 * An abort (the Lambda deadline) stops the queries and the upload and becomes a TimeoutError.
 */
export async function generateReport(input: GenerateReportInput): Promise<LinkDocument> {
  const logger = input.logger ?? silentLogger;
  const sql = countQueries(input.sql);
  const requestsBefore = readRequests(input.sql);
  const started = performance.now();
  let stage = "querying the database";
  try {
    // The schedule writes one report per cluster and month: a retry that finds it answers its link.
    if (input.trigger === "schedule" && input.store.head !== undefined) {
      stage = "looking for this month's scheduled report";
      const key = monthlyKey(input, expectedAsOf(input.collect));
      const existing = await input.store.head(
        key,
        input.signal === undefined ? {} : { signal: input.signal },
      );
      if (existing !== undefined) return await answerStored(input, key, existing, logger);
      stage = "querying the database";
    }
    const collected = await collectReport(sql, {
      ...input.collect,
      details: selectDetails(input),
      ...(input.signal === undefined ? {} : { signal: input.signal }),
    });
    const collectMs = performance.now() - started;

    if (selectDetails(input) !== false) {
      stage = "reading the earlier reports of this cluster";
      collected.details = await readHistory(input, collected, logger);
    }

    stage = "uploading the report";
    input.signal?.throwIfAborted();
    const generatedAt = new Date(collected.details.generated_at);
    const timeZone = collected.report.collector.time_zone;
    const fileName = formatReportFileName(input.format, generatedAt, timeZone);
    const monthly = input.trigger === "schedule";
    const key = monthly
      ? monthlyKey(input, collected.report.collector.as_of)
      : buildStoredReportKey(input.prefix, {
          retention: retentionOf(input.trigger),
          generatedAt,
          clusterSegment: input.cluster.segment,
          asOf: collected.report.collector.as_of,
          trigger: input.trigger,
          checksum: collected.report.checksum,
          fileName: uniqueFileName(fileName, input.uniqueId ?? randomId),
        });
    const built = buildReportFiles(collected, {
      format: input.format,
      includeDetails: input.includeDetails === true,
    });
    // A tar's signature covers every file.
    stage = "signing the report's manifest";
    const files = await signWhenAsked(built, input.format, input.signer, input.signal);
    stage = "uploading the report";
    const counted = countBytes(openReportStream(files, input.format, generatedAt));
    const stored = await input.store.upload(
      {
        key,
        body: counted.stream,
        contentType: contentTypeOf(input.format),
        fileName,
        metadata: describeObject(collected, input),
        ...(monthly ? { ifNoneMatch: true } : {}),
      },
      input.signal === undefined ? {} : { signal: input.signal },
    );
    const observation = {
      collected,
      cluster: input.cluster,
      trigger: input.trigger,
      bucket: stored.bucket,
      key,
    };
    if (stored.alreadyStored !== undefined) {
      // Another run of this schedule stored the month first (a retry racing the original).
      await notifyMonitors(
        input.monitors ?? [],
        { ...observation, stored: false },
        monitorOptions(input, logger),
      );
      return await answerStored(input, key, stored.alreadyStored, logger);
    }
    const bytes = counted.bytes();

    stage = "signing the download link";
    const link = await input.store.presign(stored.key, { expiresInSeconds: input.urlTtlSeconds, fileName });
    logger.info("report stored", {
      format: input.format,
      bucket: stored.bucket,
      key: stored.key,
      bytes,
      checksum: collected.report.checksum,
      queries: sql.calls(),
      ...requestsSince(input.sql, requestsBefore),
      collect_ms: Math.round(collectMs),
      duration_ms: Math.round(performance.now() - started),
      expires_at: link.expiresAt.toISOString(),
      ...(link.shortenedBy === undefined ? {} : { link_shortened_by: link.shortenedBy }),
    });
    stage = "telling the monitors";
    await notifyMonitors(
      input.monitors ?? [],
      { ...observation, stored: true },
      monitorOptions(input, logger),
    );
    return {
      url: link.url,
      expires_at: link.expiresAt.toISOString(),
      bucket: stored.bucket,
      key: stored.key,
      format: input.format,
      bytes,
      checksum: collected.report.checksum,
      generated_at: generatedAt.toISOString(),
    };
  } catch (error) {
    logger.debug("report generation stopped", { stage, queries: sql.calls() });
    if (input.signal?.aborted === true && !(error instanceof TimeoutError)) {
      throw new TimeoutError(
        `The report was not finished before the function's deadline (stopped while ${stage}, after ${sql.calls()} queries); nothing was stored. Retry later, or raise the function timeout if this repeats.`,
        { cause: error },
      );
    }
    throw error;
  }
}

/** The one key of this cluster's scheduled report for `asOf`, in this run's format. */
function monthlyKey(input: GenerateReportInput, asOf: string): string {
  return buildMonthlyReportKey(input.prefix, {
    clusterSegment: input.cluster.segment,
    asOf,
    format: input.format,
  });
}

/** The link to a report a retried schedule found stored: its checksum and time from the object's metadata. */
async function answerStored(
  input: GenerateReportInput,
  key: string,
  existing: ObjectHead,
  logger: Logger,
): Promise<LinkDocument> {
  const fileName = key.slice(key.lastIndexOf("/") + 1);
  const link = await input.store.presign(key, { expiresInSeconds: input.urlTtlSeconds, fileName });
  logger.info("report already stored for this month", {
    bucket: input.store.bucket,
    key,
    bytes: existing.bytes,
  });
  return {
    url: link.url,
    expires_at: link.expiresAt.toISOString(),
    bucket: input.store.bucket,
    key,
    format: input.format,
    bytes: existing.bytes,
    checksum: existing.metadata.checksum ?? "",
    generated_at: existing.metadata["generated-at"] ?? "",
    already_stored: true,
  };
}

function monitorOptions(input: GenerateReportInput, logger: Logger) {
  return { logger, ...(input.signal === undefined ? {} : { signal: input.signal }) };
}

/** The ports a report run needs: a database, a place to store the report, and a signer when configured. */
export interface ReportPorts {
  readonly sql: SqlPort;
  readonly store: ReportStore;
  readonly signer?: Signer;
}

/** `<stem>-<unique>.<ext>`, so two reports of one cluster in one millisecond never collide. */
function uniqueFileName(fileName: string, uniqueId: () => string): string {
  const dot = fileName.lastIndexOf(".");
  return `${fileName.slice(0, dot)}-${uniqueId()}${fileName.slice(dot)}`;
}

/**
 * since_previous and the trend from the cluster's stored reports. A failure to read them never
 * stops the report: it becomes a warning in the details.
 */
async function readHistory(input: GenerateReportInput, collected: CollectedReport, logger: Logger) {
  try {
    const history = await loadClusterHistory({
      store: input.store,
      prefix: input.prefix,
      clusterSegment: input.cluster.segment,
      count: TREND_SIZE - 1,
      ...(input.signal === undefined ? {} : { signal: input.signal }),
    });
    if (history.refused.length > 0) logger.warn("earlier reports refused", { refused: history.refused });
    return forecastFromHistory(collected.report, attachHistory(collected, history), history);
  } catch (error) {
    input.signal?.throwIfAborted();
    const reason = (error as Error).message;
    logger.warn("earlier reports not read", { reason });
    return {
      ...collected.details,
      warnings: [
        ...collected.details.warnings,
        `The earlier reports of this cluster could not be read, so this report has no "since last report" section or trend: ${reason}`,
      ],
    };
  }
}

/** The detail queries run only when wanted and when the output shows them (a tar, or JSON with details). */
export function selectDetails(
  input: Pick<GenerateReportInput, "format" | "details" | "includeDetails">,
): DetailsOptions | false {
  const wanted = input.details ?? true;
  const shown = input.format === "tar" || input.includeDetails === true;
  if (wanted === false || !shown) return false;
  return wanted === true ? {} : wanted;
}

/** S3 user metadata: lets an auditor match an object to its report without downloading it. */
function describeObject(
  collected: CollectedReport,
  input: Pick<GenerateReportInput, "format" | "trigger" | "cluster">,
): Record<string, string> {
  const { report } = collected;
  return {
    checksum: report.checksum,
    ...(report.kong_version === undefined ? {} : { "kong-version": report.kong_version }),
    "report-format": input.format,
    "reporting-month": report.collector.as_of,
    "generated-at": collected.details.generated_at,
    trigger: input.trigger,
    ...(input.cluster.name === undefined ? {} : { cluster: input.cluster.name }),
  };
}

/** Round trips (retries included) when the port counts them, as the Data API port does. */
function readRequests(port: SqlPort): number | undefined {
  const calls = (port as { calls?: unknown }).calls;
  return typeof calls === "function" ? Number(calls.call(port)) : undefined;
}

function requestsSince(port: SqlPort, before: number | undefined): { requests?: number } {
  const after = readRequests(port);
  return before === undefined || after === undefined ? {} : { requests: after - before };
}

function randomId(): string {
  return randomBytes(6).toString("hex");
}

/** Passes a stream through, counting its bytes; a source error reaches the consumer. */
function countBytes(source: Readable): { stream: Readable; bytes: () => number } {
  let bytes = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.byteLength;
      callback(null, chunk);
    },
  });
  pipeline(source, stream, () => undefined);
  return { stream, bytes: () => bytes };
}
