import { parseTagPrefix } from "../details/usage-by-tag.ts";
import { BadParameterError } from "../errors.ts";
import { CLUSTER_NAME_RULE, isClusterName } from "../history/cluster.ts";
import { CHECKSUM_ALGORITHMS, type ChecksumAlgorithm } from "../report/checksum.ts";
import { assertAsOfInRange, assertTimeZone, monthIn, parseAsOf } from "../report/reporting-month.ts";
import type { DeploymentType, SystemInfo } from "../report/types.ts";
import { FAIL_ON, type FailOn } from "../usage/contract-lines.ts";
import type { OutputOptions } from "./generate-output.ts";
import { GENERATE_COMMAND, type GenerateValues } from "./generate-table.ts";
import { type Env, optional, readChoice, readOptionOrEnv } from "./option-values.ts";

/** What the report says beyond the database: the month, the Kong node's facts, the label, history. */
export interface ContentOptions {
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
  /** `--contract FILE`: limits to hold the usage against. */
  readonly contractFile?: string;
  /** `--fail-on`: exit 8 when a contract line reaches this status. */
  readonly failOn?: FailOn;
  /** `--tag-prefix` or REPORT_TAG_PREFIX: usage by team per value of these tags. */
  readonly tagPrefix?: string;
}

const OPTIONS = GENERATE_COMMAND.options;
const DEPLOYMENT_TYPES = ["traditional", "hybrid", "dbless"] as const;

/** The report-content options; `output` tells whether --previous has details to go into. */
export function readContentOptions(values: GenerateValues, env: Env, output: OutputOptions): ContentOptions {
  const timeZone = assertTimeZone(values["time-zone"] ?? "UTC", "--time-zone");
  if (values["as-of"] !== undefined) {
    assertAsOfInRange(parseAsOf(values["as-of"], "--as-of"), monthIn(new Date(), timeZone), "--as-of");
  }
  checkPrevious(values.previous, output);
  checkContract(values, output);
  const checksum = readOptionOrEnv(OPTIONS, values, "checksum-algorithm", env);
  const deploymentType = values["deployment-type"];
  return {
    timeZone,
    checksumAlgorithm: readChoice(checksum.value, checksum.from, CHECKSUM_ALGORITHMS, "sha1"),
    ...optional("asOf", values["as-of"]),
    ...optional("kongVersion", values["kong-version"]),
    ...optional(
      "deploymentType",
      deploymentType === undefined
        ? undefined
        : readChoice(deploymentType, "--deployment-type", DEPLOYMENT_TYPES, "traditional"),
    ),
    ...optional("systemInfo", readSystemInfo(values, env)),
    ...optional("licenseFile", values.license),
    ...optional("clusterName", readClusterName(values, env)),
    ...optional("previousFile", values.previous),
    ...optional("contractFile", values.contract),
    ...optional(
      "failOn",
      values["fail-on"] === undefined
        ? undefined
        : readChoice(values["fail-on"], "--fail-on", FAIL_ON, "over"),
    ),
    ...optional("tagPrefix", readTagPrefix(values, env)),
  };
}

function checkContract(values: GenerateValues, output: OutputOptions): void {
  if (values["fail-on"] !== undefined && values.contract === undefined) {
    throw new BadParameterError("--fail-on", "--fail-on needs --contract FILE: the limits a line reaches.");
  }
  if (values.contract !== undefined && !output.details) {
    throw new BadParameterError(
      "--no-details",
      "--contract and --no-details exclude each other: the usage is held against the contract from the details (discrete services, AI model-hours).",
    );
  }
  if (values.contract !== undefined && output.format === "json" && !output.includeDetails) {
    throw new BadParameterError(
      "--contract",
      "--contract needs the details, where the usage and its contract lines go: use --format tar or --include-details.",
    );
  }
}

function readTagPrefix(values: GenerateValues, env: Env): string | undefined {
  const { value, from } = readOptionOrEnv(OPTIONS, values, "tag-prefix", env);
  return value === undefined ? undefined : parseTagPrefix(value, from);
}

function checkPrevious(previous: string | undefined, output: OutputOptions): void {
  if (previous === undefined) return;
  if (output.s3 !== undefined) {
    throw new BadParameterError(
      "--previous",
      "--previous and --s3-bucket exclude each other: an upload finds the previous report of this cluster in the bucket itself.",
    );
  }
  if (output.format === "json" && !output.includeDetails) {
    throw new BadParameterError(
      "--previous",
      "--previous needs the details, where since_previous goes: use --format tar or --include-details.",
    );
  }
}

/** `system_info`: only what is configured, since the database does not hold the Kong node's facts. */
function readSystemInfo(values: GenerateValues, env: Env): SystemInfo | undefined {
  const uname = readOptionOrEnv(OPTIONS, values, "node-uname", env).value;
  const cores = readOptionOrEnv(OPTIONS, values, "node-cores", env).value;
  const hostname = readOptionOrEnv(OPTIONS, values, "node-hostname", env).value;
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

function readClusterName(values: GenerateValues, env: Env): string | undefined {
  const { value, from } = readOptionOrEnv(OPTIONS, values, "cluster-name", env);
  if (value === undefined || isClusterName(value)) return value;
  throw new BadParameterError(from, `Invalid ${from} "${value}": expected ${CLUSTER_NAME_RULE}.`);
}
