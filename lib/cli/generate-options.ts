import { existsSync } from "node:fs";
import {
  type DatabaseConfig,
  DEFAULT_PREFIX,
  DEFAULT_URL_TTL_SECONDS,
  MAX_URL_TTL_SECONDS,
} from "../config.ts";
import { BadParameterError } from "../errors.ts";
import { CLUSTER_NAME_RULE, isClusterName } from "../history/cluster.ts";
import { REPORT_FORMATS, type ReportFormat } from "../output/file-name.ts";
import { CHECKSUM_ALGORITHMS, type ChecksumAlgorithm } from "../report/checksum.ts";
import { assertAsOfInRange, assertTimeZone, monthIn, parseAsOf } from "../report/reporting-month.ts";
import type { DeploymentType, SystemInfo } from "../report/types.ts";
import { formatHelp } from "./format-help.ts";
import { GENERATE_COMMAND } from "./generate-table.ts";
import { readChoice } from "./parse-options.ts";
import { readCommandLine } from "./read-command-line.ts";

/** Where the database is: the embedded demo, or a database as the Lambda configures it. */
export type SourceOptions = { readonly kind: "demo" } | DatabaseConfig;

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

export const GENERATE_HELP = formatHelp(GENERATE_COMMAND);

/** Parses and validates every option before anything touches a database or a file. */
export function readGenerateOptions(
  args: string[],
  env: Readonly<Record<string, string | undefined>>,
): GenerateOptions {
  const { help, values } = readCommandLine(GENERATE_COMMAND, args);
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
    help,
    // --help alone needs no source; it never opens one.
    source: help ? { kind: "demo" } : readSource(values, env),
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
