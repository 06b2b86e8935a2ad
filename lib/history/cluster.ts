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
