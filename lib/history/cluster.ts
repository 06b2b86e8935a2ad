import { createHash } from "node:crypto";

/**
 * A cluster label (`--cluster-name` / CLUSTER_NAME): names the Kong cluster on the summary page, in
 * details.json and report.csv, and groups its stored reports. Safe in an S3 key, a CSV cell and HTML.
 */
export const CLUSTER_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

export const CLUSTER_NAME_RULE =
  "1 to 63 letters, digits, dots, underscores or hyphens, starting with a letter or digit (e.g. prod-eu-1)";

export function isClusterName(value: string): boolean {
  return CLUSTER_NAME_PATTERN.test(value);
}

/** Where a report's data came from, as far as telling clusters apart needs (never a password). */
export type ClusterSource =
  | { readonly kind: "data-api"; readonly resourceArn: string; readonly database: string }
  | { readonly kind: "postgres"; readonly url: string }
  | { readonly kind: "demo" };

/** Which cluster a stored report belongs to: its label when named, else a digest of its source. */
export interface ClusterIdentity {
  /** The label, when one was given. */
  readonly name?: string;
  /** The key segment grouping this cluster's reports: the label, or `_src-<16 hex>` of the source. */
  readonly segment: string;
}

/**
 * The cluster of a report: the label when given; otherwise the source: the Data API cluster ARN
 * and database, or host, port and database of a URL (user and password are never part of it).
 */
export function identifyCluster(name: string | undefined, source: ClusterSource): ClusterIdentity {
  if (name !== undefined) return { name, segment: name };
  return { segment: `_src-${digest(describeClusterSource(source))}` };
}

/** The source as identity text: `data-api <arn> <database>`, `postgres <host>:<port>/<db>` or `demo`. */
export function describeClusterSource(source: ClusterSource): string {
  if (source.kind === "data-api") return `data-api ${source.resourceArn} ${source.database}`;
  if (source.kind === "demo") return "demo";
  let url: URL;
  try {
    url = new URL(source.url);
  } catch {
    return "postgres (unparsable URL)";
  }
  const host = url.hostname.toLowerCase() || "localhost";
  const port = url.port || "5432";
  // Without a database in the URL, PostgreSQL connects to the one named after the user.
  const database =
    decodeURIComponent(url.pathname.replace(/^\//, "")) || decodeURIComponent(url.username) || "postgres";
  return `postgres ${host}:${port}/${database}`;
}

function digest(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex").slice(0, 16);
}

/** The cluster a report is generated for: its identity, and its source as text (for messages). */
export interface CurrentCluster {
  readonly identity: ClusterIdentity;
  /** describeClusterSource of its source: `demo`, `postgres host:5432/kong`, `data-api <arn> <db>`. */
  readonly source: string;
}

/**
 * The cluster an earlier report's details name: `cluster` (its label) or `cluster_source` (the
 * `_src-…` digest of its source, written when it had no label); undefined when they name neither.
 */
export function readReportCluster(details: unknown): ClusterIdentity | undefined {
  if (typeof details !== "object" || details === null) return undefined;
  const { cluster, cluster_source: source } = details as { cluster?: unknown; cluster_source?: unknown };
  if (typeof cluster === "string" && isClusterName(cluster)) return { name: cluster, segment: cluster };
  if (typeof source === "string" && /^_src-[0-9a-f]{16}$/.test(source)) return { segment: source };
  return undefined;
}

/**
 * Why an earlier report is of another cluster than `current`, naming both (the label, else the
 * source), or undefined when it is of the same one or names none. The identity is the one the
 * stored reports are grouped by (identifyCluster): a label and a source never match each other.
 */
export function describeOtherCluster(details: unknown, current: CurrentCluster): string | undefined {
  const previous = readReportCluster(details);
  if (previous === undefined || previous.segment === current.identity.segment) return undefined;
  const them =
    previous.name === undefined ? `the unnamed cluster ${previous.segment}` : `cluster "${previous.name}"`;
  const us =
    current.identity.name === undefined
      ? `the unnamed cluster ${current.identity.segment} (${current.source})`
      : `cluster "${current.identity.name}"`;
  const hint =
    previous.name !== undefined && current.identity.name === undefined
      ? `; if it is the same cluster, give --cluster-name ${previous.name}`
      : "";
  return `it is of ${them}, this report is of ${us}${hint}`;
}
