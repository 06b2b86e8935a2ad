import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { DEFAULT_PREFIX, DEFAULT_URL_TTL_SECONDS, MAX_URL_TTL_SECONDS } from "../config/storage.ts";
import { BadParameterError } from "../errors.ts";
import { CLUSTER_NAME_RULE, isClusterName } from "../history/cluster.ts";
import { REPORT_FORMATS, type ReportFormat } from "../output/file-name.ts";
import { CHECKSUM_ALGORITHMS, type ChecksumAlgorithm } from "../report/checksum.ts";
import { assertAsOfInRange, assertTimeZone, monthIn, parseAsOf } from "../report/reporting-month.ts";
import type { DeploymentType, SystemInfo } from "../report/types.ts";
import type { DatabaseSource } from "../sql/database-source.ts";
import { parseOptions, readChoice, rejectPositionals, rejectRepeatedOptions } from "./parse-options.ts";

/** Where the database is: the embedded demo, or a database as the Lambda configures it. */
export type SourceOptions = { readonly kind: "demo" } | DatabaseSource;

export interface GenerateOptions {
  readonly help: boolean;
  readonly source: SourceOptions;
  readonly format: ReportFormat;
  /** A file path, or "-" for stdout. */
  readonly out: string | undefined;
  readonly includeDetails: boolean;
  readonly details: boolean;
  readonly discreteRulesFile?: string;
  readonly listDiscreteServices: boolean;
  readonly asOf?: string;
  readonly timeZone: string;
  readonly kongVersion?: string;
  readonly deploymentType?: DeploymentType;
  readonly systemInfo?: SystemInfo;
  readonly checksumAlgorithm: ChecksumAlgorithm;
  readonly licenseFile?: string;
  /** `--cluster-name` or CLUSTER_NAME: the cluster's label on the page, details and CSV. */
  readonly clusterName?: string;
  /** `--previous FILE`: an earlier report of this cluster, for since_previous and the trend. */
  readonly previousFile?: string;
  readonly s3?: { readonly bucket: string; readonly prefix: string; readonly urlTtlSeconds: number };
}

export const GENERATE_HELP = `Usage: kong-license-report generate [source] [options]

Produces Kong Gateway's License Report from the Kong PostgreSQL database.

Source (exactly one is required):
  --demo                        embedded demo Kong database (PGlite, nothing to install)
  --database-url URL            direct PostgreSQL: postgres://user:password@host:5432/kong
                                (or the KONG_DATABASE_URL environment variable)
  --schema NAME                 schema holding Kong's tables, when not on the search_path
                                TLS: add ?sslmode=require, or ?sslmode=verify-full&sslrootcert=CA.pem
  --statement-timeout SECONDS   cancel a report statement after this long (default 60)
  --lock-timeout SECONDS        stop waiting for a table lock, e.g. of kong migrations (default 10)
  --data-api-resource-arn ARN   Aurora cluster ARN, through the RDS Data API
  --data-api-secret-arn ARN     Secrets Manager secret with the database credentials
  --data-api-database NAME      database name on the cluster
  --data-api-endpoint URL       Data API endpoint (default: AWS_ENDPOINT_URL_RDS_DATA or AWS)
  --region REGION               AWS region (default: AWS_REGION)

Output:
  --format json|tar             json (default): the report; tar: report-YYYY_MM_DD_HH_MM_PM.tar
                                with response.json, details.json, summary.html, report.csv
  --out FILE|-                  where to write (default: stdout for json, the tar name for tar)
  --include-details             json only: add the "details" document under a "details" key
  --no-details                  skip the per-workspace breakdown, discrete services and drift
  --discrete-rules FILE         JSON [{"find": regex, "replace_with": text}] merging service keys
  --list-discrete-services      include the distinct service keys behind the count
  --s3-bucket NAME              upload to S3 instead and print the link document
  --s3-prefix PREFIX            key prefix in the bucket (default: license-reports/)
  --url-ttl SECONDS             presigned link lifetime (default 900, at most 604800 = 7 days)

Report content:
  --as-of YYYY-MM               reporting month (default: this month in --time-zone)
  --time-zone ZONE              IANA zone of the reporting month (default UTC, as Kong nodes)
  --kong-version VERSION        the Kong node's version (default: inferred from schema_meta)
  --deployment-type TYPE        traditional|hybrid|dbless (default: inferred)
  --node-uname TEXT             the Kong node's "uname -ms" (system_info.uname; or KONG_NODE_UNAME)
  --node-cores N                the Kong node's CPU count (system_info.cores; or KONG_NODE_CORES)
  --node-hostname NAME          the Kong node's hostname, e.g. its container id
                                (system_info.hostname; or KONG_NODE_HOSTNAME)
  --checksum-algorithm ALG      sha1 (default, Kong's) or sha256 (Kong's newest docs; unconfirmed)
                                (or REPORT_CHECKSUM_ALGORITHM)
  --license FILE                the license JSON the Kong node uses, if not in the licenses table
  --cluster-name NAME           label of this Kong cluster on the page, details.json and report.csv;
                                groups its reports in S3 (default: CLUSTER_NAME, else unnamed)
  --previous FILE               an earlier report (.tar or .json) of this cluster: details.json gets
                                since_previous and the page "since last report" and a trend, when
                                FILE verifies (an upload with --s3-bucket finds it in S3 itself)

  -h, --help                    this help

Exit codes: 0 ok, 2 bad option, 3 not a Kong database, 4 database unreachable or refused,
5 timeout or cluster resuming, 6 write or upload failed, 1 anything else.
`;

/** Parses and validates every option before anything touches a database or a file. */
export function readGenerateOptions(
  args: string[],
  env: Readonly<Record<string, string | undefined>>,
): GenerateOptions {
  const parsed = parseOptions(() =>
    parseArgs({
      args,
      strict: true,
      allowPositionals: true,
      tokens: true,
      options: {
        help: { type: "boolean", short: "h" },
        demo: { type: "boolean" },
        "database-url": { type: "string" },
        schema: { type: "string" },
        "statement-timeout": { type: "string" },
        "lock-timeout": { type: "string" },
        "data-api-resource-arn": { type: "string" },
        "data-api-secret-arn": { type: "string" },
        "data-api-database": { type: "string" },
        "data-api-endpoint": { type: "string" },
        region: { type: "string" },
        format: { type: "string" },
        out: { type: "string", short: "o" },
        "include-details": { type: "boolean" },
        "no-details": { type: "boolean" },
        "discrete-rules": { type: "string" },
        "list-discrete-services": { type: "boolean" },
        "s3-bucket": { type: "string" },
        "s3-prefix": { type: "string" },
        "url-ttl": { type: "string" },
        "as-of": { type: "string" },
        "time-zone": { type: "string" },
        "kong-version": { type: "string" },
        "deployment-type": { type: "string" },
        "node-uname": { type: "string" },
        "node-cores": { type: "string" },
        "node-hostname": { type: "string" },
        "checksum-algorithm": { type: "string" },
        license: { type: "string" },
        "cluster-name": { type: "string" },
        previous: { type: "string" },
      },
    }),
  );
  const { values } = parsed;
  rejectRepeatedOptions(parsed);
  rejectPositionals("generate", parsed.positionals);
  const format = readChoice(values.format, "--format", REPORT_FORMATS, "json");
  const timeZone = assertTimeZone(values["time-zone"] ?? "UTC", "--time-zone");
  if (values["as-of"] !== undefined) {
    assertAsOfInRange(parseAsOf(values["as-of"], "--as-of"), monthIn(new Date(), timeZone), "--as-of");
  }
  if (values["include-details"] === true && format !== "json") {
    throw new BadParameterError(
      "--include-details",
      "--include-details applies to --format json; a tar always holds details.json.",
    );
  }
  if (values["include-details"] === true && values["no-details"] === true) {
    throw new BadParameterError(
      "--no-details",
      "--include-details and --no-details contradict each other: --include-details adds the details document, --no-details skips collecting it. Give one.",
    );
  }
  if (values.previous !== undefined && values["s3-bucket"] !== undefined) {
    throw new BadParameterError(
      "--previous",
      "--previous and --s3-bucket exclude each other: an upload finds the previous report of this cluster in the bucket itself.",
    );
  }
  if (values.previous !== undefined && format === "json" && values["include-details"] !== true) {
    throw new BadParameterError(
      "--previous",
      "--previous needs the details, where since_previous goes: use --format tar or --include-details.",
    );
  }
  if (values["s3-bucket"] !== undefined && values.out !== undefined) {
    throw new BadParameterError(
      "--out",
      "--out and --s3-bucket exclude each other: write to a file or upload to S3.",
    );
  }
  return {
    help: values.help === true,
    // --help alone needs no source; it never opens one.
    source: values.help === true ? { kind: "demo" } : readSource(values, env),
    format,
    out: values.out ?? (values["s3-bucket"] === undefined && format === "json" ? "-" : undefined),
    includeDetails: values["include-details"] === true,
    details: values["no-details"] !== true,
    listDiscreteServices: values["list-discrete-services"] === true,
    timeZone,
    ...optional("discreteRulesFile", values["discrete-rules"]),
    ...optional("asOf", values["as-of"]),
    ...optional("kongVersion", values["kong-version"]),
    ...optional("licenseFile", values.license),
    ...optional("clusterName", readClusterName(values["cluster-name"], env)),
    ...optional("previousFile", values.previous),
    ...optional(
      "deploymentType",
      values["deployment-type"] === undefined
        ? undefined
        : readChoice(
            values["deployment-type"],
            "--deployment-type",
            ["traditional", "hybrid", "dbless"] as const,
            "traditional",
          ),
    ),
    ...optional(
      "systemInfo",
      readSystemInfo(
        values["node-uname"] ?? fromEnv(env, "KONG_NODE_UNAME"),
        values["node-cores"] ?? fromEnv(env, "KONG_NODE_CORES"),
        values["node-hostname"] ?? fromEnv(env, "KONG_NODE_HOSTNAME"),
      ),
    ),
    checksumAlgorithm: readChoice(
      values["checksum-algorithm"] ?? fromEnv(env, "REPORT_CHECKSUM_ALGORITHM"),
      values["checksum-algorithm"] === undefined ? "REPORT_CHECKSUM_ALGORITHM" : "--checksum-algorithm",
      CHECKSUM_ALGORITHMS,
      "sha1",
    ),
    ...optional("s3", readS3(values["s3-bucket"], values["s3-prefix"], values["url-ttl"])),
  };
}

/** An environment fallback of an option; blank counts as unset, as in the Lambda configuration. */
function fromEnv(env: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === "" ? undefined : value;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function readSource(
  values: Record<string, string | boolean | undefined>,
  env: Readonly<Record<string, string | undefined>>,
): SourceOptions {
  const text = (name: string) => values[name] as string | undefined;
  const dataApiFlags = ["data-api-resource-arn", "data-api-secret-arn", "data-api-database"] as const;
  const givenDataApi = dataApiFlags.filter((flag) => text(flag) !== undefined);
  const url =
    text("database-url") ??
    (givenDataApi.length === 0 && values.demo !== true ? env.KONG_DATABASE_URL : undefined);
  const chosen = [values.demo === true, url !== undefined, givenDataApi.length > 0].filter(Boolean).length;
  if (chosen > 1) {
    throw new BadParameterError(
      "--database-url",
      "Choose one source: --demo, --database-url, or the --data-api-* options.",
    );
  }
  if (givenDataApi.length > 0) {
    const missing = dataApiFlags.filter((flag) => text(flag) === undefined);
    if (missing.length > 0) {
      throw new BadParameterError(
        `--${missing[0]}`,
        `The Data API source needs --data-api-resource-arn, --data-api-secret-arn and --data-api-database; missing --${missing.join(", --")}.`,
      );
    }
    const endpoint = text("data-api-endpoint") ?? env.AWS_ENDPOINT_URL_RDS_DATA;
    const region = text("region");
    return {
      kind: "data-api",
      resourceArn: text("data-api-resource-arn") as string,
      secretArn: text("data-api-secret-arn") as string,
      database: text("data-api-database") as string,
      ...(endpoint === undefined ? {} : { endpoint }),
      ...(region === undefined ? {} : { region }),
    };
  }
  if (url !== undefined) {
    if (!/^postgres(ql)?:\/\//.test(url)) {
      throw new BadParameterError(
        "--database-url",
        "Invalid --database-url: expected postgres://user:password@host:5432/database.",
      );
    }
    checkDatabaseUrl(url);
    const schema = text("schema");
    const statementTimeoutMs = readSeconds(text("statement-timeout"), "--statement-timeout");
    const lockTimeoutMs = readSeconds(text("lock-timeout"), "--lock-timeout");
    return {
      kind: "postgres",
      url,
      ...(schema === undefined ? {} : { schema }),
      ...(statementTimeoutMs === undefined ? {} : { statementTimeoutMs }),
      ...(lockTimeoutMs === undefined ? {} : { lockTimeoutMs }),
    };
  }
  for (const option of ["statement-timeout", "lock-timeout", "schema"]) {
    if (text(option) !== undefined) {
      throw new BadParameterError(
        `--${option}`,
        `--${option} applies to --database-url only (the Data API limits each statement to 45 s; the demo needs none).`,
      );
    }
  }
  if (values.demo === true) return { kind: "demo" };
  throw new BadParameterError(
    "--demo",
    "generate needs a source: --database-url URL (or KONG_DATABASE_URL) for your Kong PostgreSQL, the Data API options --data-api-resource-arn, --data-api-secret-arn and --data-api-database, or --demo for the embedded demo database (sample data, not your Kong). See --help.",
  );
}

function readClusterName(
  value: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  const [name, option] =
    value === undefined ? [env.CLUSTER_NAME?.trim() || undefined, "CLUSTER_NAME"] : [value, "--cluster-name"];
  if (name === undefined || isClusterName(name)) return name;
  throw new BadParameterError(option, `Invalid ${option} "${name}": expected ${CLUSTER_NAME_RULE}.`);
}

const SSL_MODES = ["disable", "prefer", "require", "verify-ca", "verify-full"];

/** Fails now, with exit 2, on what pg would only report as a failed query: never echoes the password. */
function checkDatabaseUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new BadParameterError(
      "--database-url",
      "Invalid --database-url: it is not a valid URL (check the port is a number and special characters in the password are percent-encoded). Expected postgres://user:password@host:5432/database.",
    );
  }
  const sslMode = parsed.searchParams.get("sslmode");
  if (sslMode !== null && !SSL_MODES.includes(sslMode)) {
    throw new BadParameterError(
      "--database-url",
      `Invalid sslmode "${sslMode}" in --database-url: use ${SSL_MODES.join(", ")}.`,
    );
  }
  for (const name of ["sslrootcert", "sslcert", "sslkey"]) {
    const file = parsed.searchParams.get(name);
    if (file !== null && !existsSync(file)) {
      throw new BadParameterError(
        "--database-url",
        `Cannot read ${name} file ${file} named in --database-url: no such file.`,
      );
    }
  }
}

/** Whole seconds from 1 to 3600, as milliseconds. */
function readSeconds(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  const seconds = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!(seconds >= 1 && seconds <= 3600)) {
    throw new BadParameterError(
      option,
      `Invalid ${option} "${value}": expected whole seconds from 1 to 3600.`,
    );
  }
  return seconds * 1000;
}

function readSystemInfo(
  uname: string | undefined,
  cores: string | undefined,
  hostname: string | undefined,
): SystemInfo | undefined {
  if (uname === undefined && cores === undefined && hostname === undefined) return undefined;
  const info: SystemInfo = {};
  if (uname !== undefined) info.uname = uname;
  if (hostname !== undefined) info.hostname = hostname;
  if (cores !== undefined) {
    if (!/^[1-9]\d{0,4}$/.test(cores)) {
      throw new BadParameterError(
        "--node-cores",
        `Invalid --node-cores "${cores}": expected a whole number of CPUs, e.g. 8.`,
      );
    }
    info.cores = Number(cores);
  }
  return info;
}

function readS3(
  bucket: string | undefined,
  prefix: string | undefined,
  ttl: string | undefined,
): GenerateOptions["s3"] | undefined {
  if (bucket === undefined) {
    if (prefix !== undefined || ttl !== undefined) {
      throw new BadParameterError(
        prefix === undefined ? "--url-ttl" : "--s3-prefix",
        "--s3-prefix and --url-ttl need --s3-bucket.",
      );
    }
    return undefined;
  }
  const seconds = ttl === undefined ? DEFAULT_URL_TTL_SECONDS : Number(ttl);
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_URL_TTL_SECONDS) {
    throw new BadParameterError(
      "--url-ttl",
      `Invalid --url-ttl "${ttl}": expected whole seconds from 1 to ${MAX_URL_TTL_SECONDS} (7 days).`,
    );
  }
  return { bucket, prefix: prefix ?? DEFAULT_PREFIX, urlTtlSeconds: seconds };
}
