import { DEFAULT_PREFIX, DEFAULT_URL_TTL_SECONDS, MAX_URL_TTL_SECONDS } from "../config/storage.ts";
import { defineCommand, type OptionValues, OUT_OPTION, SIGNING_KEY_OPTION } from "./command-table.ts";

const SOURCE = "Source (exactly one is required)";

/** `generate`'s options: its help, its parser and its refusals come from here. */
export const GENERATE_COMMAND = defineCommand({
  name: "generate",
  summary: "produce the report (JSON or tar) from PostgreSQL, the RDS Data API, Kong's Admin API or the demo",
  usage: "generate [source] [options]",
  description: ["Produces Kong Gateway's License Report from the Kong PostgreSQL database."],
  options: {
    demo: {
      type: "boolean",
      section: SOURCE,
      help: ["embedded demo Kong database (PGlite, nothing to install)"],
    },
    "database-url": {
      type: "string",
      value: "URL",
      env: "KONG_DATABASE_URL",
      help: [
        "direct PostgreSQL: postgres://user:password@host:5432/kong",
        "TLS: add ?sslmode=require, or ?sslmode=verify-full&sslrootcert=CA.pem",
      ],
    },
    schema: {
      type: "string",
      value: "NAME",
      help: ["schema holding Kong's tables, when not on the search_path"],
    },
    "statement-timeout": {
      type: "string",
      value: "SECONDS",
      help: ["cancel a report statement after this long (default 60)"],
    },
    "lock-timeout": {
      type: "string",
      value: "SECONDS",
      help: ["stop waiting for a table lock, e.g. of kong migrations (default 10)"],
    },
    "data-api-resource-arn": {
      type: "string",
      value: "ARN",
      help: ["Aurora cluster ARN, through the RDS Data API"],
    },
    "data-api-secret-arn": {
      type: "string",
      value: "ARN",
      help: ["Secrets Manager secret with the database credentials"],
    },
    "data-api-database": { type: "string", value: "NAME", help: ["database name on the cluster"] },
    "data-api-endpoint": {
      type: "string",
      value: "URL",
      env: "AWS_ENDPOINT_URL_RDS_DATA",
      help: ["Data API endpoint (default: the region's AWS endpoint)"],
    },
    region: { type: "string", value: "REGION", help: ["AWS region (default: AWS_REGION)"] },
    // Kong's Admin API: a section of its own (a cluster whose database cannot be reached).
    "admin-api": {
      type: "string",
      value: "URL",
      section: "Source: Kong's Admin API (hybrid control planes, DB-less nodes, no database access)",
      help: [
        "Kong's own GET /license/report, kept byte for byte and verified, e.g.",
        "https://kong-admin:8001; the token from KONG_ADMIN_TOKEN (never an option value)",
      ],
    },
    "admin-token-env": {
      type: "string",
      value: "NAME",
      help: ["read the Kong-Admin-Token from this variable instead of KONG_ADMIN_TOKEN"],
    },
    "ca-file": {
      type: "string",
      value: "FILE",
      help: ["PEM of the CA that signs the Admin API's certificate (default: Node's CAs)"],
    },
    insecure: {
      type: "boolean",
      help: ["do not verify the Admin API's TLS certificate at all (KLCR's -k)"],
    },
    format: {
      type: "string",
      value: "json|tar",
      section: "Output",
      help: [
        "json (default): the report; tar: report-YYYY_MM_DD_HH_MM_PM.tar with response.json,",
        "details.json, summary.html, report.csv, ai-usage.csv, usage.csv, usage-by-tag.csv",
        "and manifest.json",
      ],
    },
    out: OUT_OPTION,
    "signing-key": SIGNING_KEY_OPTION,
    "include-details": {
      type: "boolean",
      help: ['json only: add the "details" document under a "details" key'],
    },
    "no-details": {
      type: "boolean",
      help: ["skip the per-workspace breakdown, discrete services and drift"],
    },
    "discrete-rules": {
      type: "string",
      value: "FILE",
      help: ['JSON [{"find": regex, "replace_with": text}] merging service keys'],
    },
    "list-discrete-services": {
      type: "boolean",
      help: ["include the distinct service keys behind the count"],
    },
    "s3-bucket": {
      type: "string",
      value: "NAME",
      help: ["upload to S3 instead and print the link document"],
    },
    "s3-prefix": {
      type: "string",
      value: "PREFIX",
      help: [`key prefix in the bucket (default: ${DEFAULT_PREFIX})`],
    },
    "url-ttl": {
      type: "string",
      value: "SECONDS",
      help: [
        `presigned link lifetime (default ${DEFAULT_URL_TTL_SECONDS}, at most ${MAX_URL_TTL_SECONDS} = 7 days)`,
      ],
    },
    "as-of": {
      type: "string",
      value: "YYYY-MM",
      section: "Report content",
      help: ["reporting month (default: this month in --time-zone)"],
    },
    "time-zone": {
      type: "string",
      value: "ZONE",
      help: ["IANA zone of the reporting month (default UTC, as Kong nodes)"],
    },
    "kong-version": {
      type: "string",
      value: "VERSION",
      help: ["the Kong node's version (default: inferred from schema_meta)"],
    },
    "deployment-type": {
      type: "string",
      value: "TYPE",
      help: ["traditional|hybrid|dbless (default: inferred)"],
    },
    "node-uname": {
      type: "string",
      value: "TEXT",
      env: "KONG_NODE_UNAME",
      help: ['the Kong node\'s "uname -ms" (system_info.uname)'],
    },
    "node-cores": {
      type: "string",
      value: "N",
      env: "KONG_NODE_CORES",
      help: ["the Kong node's CPU count (system_info.cores)"],
    },
    "node-hostname": {
      type: "string",
      value: "NAME",
      env: "KONG_NODE_HOSTNAME",
      help: ["the Kong node's hostname, e.g. its container id (system_info.hostname)"],
    },
    "checksum-algorithm": {
      type: "string",
      value: "ALG",
      env: "REPORT_CHECKSUM_ALGORITHM",
      help: ["sha1 (default, Kong's) or sha256 (Kong's newest docs; unconfirmed)"],
    },
    license: {
      type: "string",
      value: "FILE",
      help: ["the license JSON the Kong node uses, if not in the licenses table"],
    },
    "cluster-name": {
      type: "string",
      value: "NAME",
      env: "CLUSTER_NAME",
      help: [
        "label of this Kong cluster on the page, details.json and report.csv;",
        "groups its reports in S3 (default: unnamed)",
      ],
    },
    contract: {
      type: "string",
      value: "FILE",
      section: "Usage and contract",
      help: [
        'JSON {"name", "term": {"start", "end"}, "limits": {…}, "warn_at_percent"}:',
        "details.json's usage holds each limit as ok, warn or over, with a forecast",
      ],
    },
    "fail-on": {
      type: "string",
      value: "warn|over",
      help: ["exit 8 when a contract line reaches this status (needs --contract)"],
    },
    "tag-prefix": {
      type: "string",
      value: "PREFIX",
      env: "REPORT_TAG_PREFIX",
      help: ['usage by team: per value of the Kong tags starting with PREFIX (default "team:")'],
    },
    previous: {
      type: "string",
      value: "FILE",
      help: [
        "an earlier report (.tar or .json) of this cluster: details.json gets",
        'since_previous and the page "since last report" and a trend, when',
        "FILE verifies (an upload with --s3-bucket finds it in S3 itself)",
      ],
    },
  },
  exitCodes: [
    "Exit codes: 0 ok, 2 bad option, 3 not a Kong database, 4 database or Admin API unreachable or",
    "refused, 5 timeout or cluster resuming, 6 write or upload failed, 8 a contract line reached",
    "--fail-on, 1 anything else (an Admin API report whose checksum does not verify).",
  ],
});

/** generate's parsed options, typed from its table. */
export type GenerateValues = OptionValues<typeof GENERATE_COMMAND.options>;
