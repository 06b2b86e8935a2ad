import { openBucketStore } from "../compose/bucket-store.ts";
import { DEFAULT_PREFIX, DEFAULT_URL_TTL_SECONDS, MAX_URL_TTL_SECONDS } from "../config/storage.ts";
import { BadParameterError } from "../errors.ts";
import {
  checkPageToken,
  DEFAULT_LIST_LIMIT,
  type ListedReport,
  listStoredReports,
  MAX_LIST_LIMIT,
  parseListLimit,
  type ReportListing,
} from "../history/list-reports.ts";
import { type ListedUsage, readListedUsage } from "../history/listed-usage.ts";
import { formatCount } from "../shared/format.ts";
import { stringifyJson } from "../shared/visible-text.ts";
import { defineCommand } from "./command-table.ts";
import { formatHelp } from "./format-help.ts";
import type { CliIo, ExitCode } from "./io.ts";
import { readS3Prefix, readUrlTtl } from "./option-values.ts";
import { readCommandLine } from "./read-command-line.ts";

/** `history`'s command line: where the reports are and which page of them. */
export const HISTORY_COMMAND = defineCommand({
  name: "history",
  summary: "list the reports stored in S3, newest first, with download links",
  usage: "history --s3-bucket NAME [options]",
  description: [
    "Lists the reports stored in S3, newest first, with a fresh download link for each. Reads only",
    "the bucket listing: two ListObjects calls per page, no report is downloaded (except with --usage).",
  ],
  options: {
    "s3-bucket": { type: "string", value: "NAME", section: "Options", help: ["the report bucket"] },
    "s3-prefix": {
      type: "string",
      value: "PREFIX",
      help: [`key prefix of the reports (default: ${DEFAULT_PREFIX})`],
    },
    limit: {
      type: "string",
      value: "N",
      help: [`reports per page, 1 to ${MAX_LIST_LIMIT} (default ${DEFAULT_LIST_LIMIT})`],
    },
    next: {
      type: "string",
      value: "TOKEN",
      help: ["the next page: the token printed under the previous one"],
    },
    json: {
      type: "boolean",
      help: ['print { "reports": [ … ], "next": … } with each report\'s presigned url'],
    },
    "url-ttl": {
      type: "string",
      value: "SECONDS",
      help: [
        `lifetime of the download links (default ${DEFAULT_URL_TTL_SECONDS}, at most ${MAX_URL_TTL_SECONDS})`,
      ],
    },
    usage: {
      type: "boolean",
      help: [
        "add each report's usage in contract units and contract statuses: one GetObject",
        "per listed report (each verified against its checksum)",
      ],
    },
  },
  notes: [
    "AWS credentials and region come from the environment (AWS_PROFILE, AWS_REGION, …);",
    "AWS_ENDPOINT_URL_S3 points at another S3 endpoint.",
  ],
  exitCodes: ["Exit codes: 0 ok, 2 bad option, 6 the bucket could not be listed."],
});

export const HISTORY_HELP = formatHelp(HISTORY_COMMAND);

/** `history`: one page of stored reports, as a table or JSON. */
export async function runHistoryCommand(args: string[], io: CliIo): Promise<ExitCode> {
  const { help, values } = readCommandLine(HISTORY_COMMAND, args);
  if (help) {
    io.stdout(HISTORY_HELP);
    return 0;
  }
  const bucket = values["s3-bucket"];
  if (bucket === undefined) {
    throw new BadParameterError(
      "--s3-bucket",
      "history needs --s3-bucket NAME: the bucket the reports were stored in.",
    );
  }
  const limit = parseListLimit(values.limit, "--limit");
  const next = values.next === undefined ? undefined : checkPageToken(values.next, "--next");
  const ttl = readUrlTtl(values["url-ttl"]);
  const prefix = readS3Prefix(values["s3-prefix"]);
  const endpoint = io.env.AWS_ENDPOINT_URL_S3;
  const bucketStore = openBucketStore({ bucket, ...(endpoint === undefined ? {} : { endpoint }) });
  try {
    const listing = await listStoredReports({
      store: bucketStore.store,
      prefix,
      limit,
      urlTtlSeconds: ttl,
      ...(next === undefined ? {} : { next }),
    });
    const usage =
      values.usage === true ? await readListedUsage(bucketStore.store, listing.reports) : undefined;
    if (values.json === true) {
      const reports = listing.reports.map((report, i) =>
        usage === undefined ? report : { ...report, usage: usage[i] },
      );
      io.stdout(`${stringifyJson({ ...listing, reports }, 2)}\n`);
    } else {
      io.stdout(formatListing(listing, bucket, prefix, usage));
    }
    return 0;
  } finally {
    bucketStore.close();
  }
}

/** A table for a terminal: one line per report, the next-page hint last. */
export function formatListing(
  listing: ReportListing,
  bucket: string,
  prefix: string,
  usage?: readonly ListedUsage[],
): string {
  if (listing.reports.length === 0 && listing.next === undefined) {
    return `No stored reports under s3://${bucket}/${prefix} (scheduled/ and adhoc/).\n`;
  }
  const header = [
    "GENERATED (UTC)",
    "AS OF",
    "CLUSTER",
    "TRIGGER",
    "FORMAT",
    "BYTES",
    "CHECKSUM",
    ...(usage === undefined ? [] : USAGE_COLUMNS),
    "KEY",
  ];
  const rows = listing.reports.map((r: ListedReport, i) => [
    r.generated_at.slice(0, 19).replace("T", " "),
    r.as_of,
    r.cluster ?? "-",
    r.trigger,
    r.format,
    formatCount(r.bytes),
    r.checksum?.slice(0, 12) ?? "(monthly)",
    ...(usage === undefined ? [] : usageCells(usage[i])),
    r.key,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) =>
        NUMERIC.has(header[i] ?? "") ? cell.padStart(widths[i] as number) : cell.padEnd(widths[i] as number),
      )
      .join("  ")
      .trimEnd();
  const lines = [line(header), ...rows.map(line), ""];
  lines.push("Download links: add --json (each report's url, valid until its expires_at).");
  if (listing.next !== undefined) lines.push(`More: add --next ${listing.next}`);
  return `${lines.join("\n")}\n`;
}

/** The usage columns of `history --usage`: Kong's contract units and the contract's worst status. */
const USAGE_COLUMNS = ["SERVICES", "DISCRETE", "REQUESTS (MONTH)", "AI HOURS", "CONTRACT"];
const NUMERIC = new Set(["BYTES", "SERVICES", "DISCRETE", "REQUESTS (MONTH)", "AI HOURS"]);

function usageCells(usage: ListedUsage | undefined): string[] {
  if (usage?.units === undefined) {
    const why = usage?.error === undefined ? "no usage" : "unreadable";
    return ["-", "-", "-", "-", why];
  }
  const unit = (name: string) => {
    const value = usage.units?.[name];
    return typeof value === "number" ? formatCount(value) : "-";
  };
  const statuses = usage.contract?.lines.map((line) => line.status) ?? [];
  const worst = ["over", "warn", "ok"].find((status) => statuses.includes(status));
  const contract =
    usage.contract === undefined
      ? "-"
      : `${worst ?? "unknown"} (${statuses.filter((status) => status === worst).length}/${statuses.length})`;
  return [
    unit("gateway_services"),
    unit("discrete_services"),
    unit("api_requests_month"),
    unit("ai_model_hours_month"),
    contract,
  ];
}
