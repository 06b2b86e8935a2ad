import { parseTagPrefix } from "../details/usage-by-tag.ts";
import { BadParameterError, ConfigError } from "../errors.ts";
import type { EnvironmentsLocation } from "../estate/types.ts";
import { type Env, optional } from "./read-env.ts";
import { BUCKET_NAME } from "./storage.ts";

/** An S3 object or an SSM parameter holding a file (as ESTATE_ENVIRONMENTS names one). */
type StoredFileLocation = EnvironmentsLocation;

/** What the report functions monitor: the contract, the team tags and where events go. */
export interface MonitoringConfig {
  /** REPORT_CONTRACT: the contract file (s3://bucket/key or ssm:/name), read at each run. */
  readonly contract?: StoredFileLocation;
  /** REPORT_TAG_PREFIX: usage by team per value of these tags (default `team:`). */
  readonly tagPrefix?: string;
  /** REPORT_EVENT_BUS: the EventBridge bus (name or ARN) of `License Report Generated`; none: no event. */
  readonly eventBus?: string;
}

const SSM_PARAMETER_NAME = /^\/[A-Za-z0-9_./-]{1,2047}$/;
const EVENT_BUS =
  /^(?:[A-Za-z0-9._\-/]{1,256}|arn:aws[a-z-]*:events:[a-z0-9-]+:\d{12}:event-bus\/[A-Za-z0-9._\-/]{1,256})$/;

/** Reads REPORT_CONTRACT, REPORT_TAG_PREFIX and REPORT_EVENT_BUS; each error names its variable. */
export function readMonitoringConfig(env: Env): MonitoringConfig {
  const contract = optional(env, "REPORT_CONTRACT");
  const tagPrefix = optional(env, "REPORT_TAG_PREFIX");
  const eventBus = optional(env, "REPORT_EVENT_BUS");
  if (eventBus !== undefined && !EVENT_BUS.test(eventBus)) {
    throw new ConfigError(
      "REPORT_EVENT_BUS",
      `REPORT_EVENT_BUS "${eventBus}" is invalid. Expected an EventBridge bus name (e.g. default) or its ARN.`,
    );
  }
  return {
    ...(contract === undefined ? {} : { contract: readLocation(contract) }),
    ...(tagPrefix === undefined ? {} : { tagPrefix: readTagPrefix(tagPrefix) }),
    ...(eventBus === undefined ? {} : { eventBus }),
  };
}

function readLocation(value: string): StoredFileLocation {
  const s3 = /^s3:\/\/([^/]+)\/(.+)$/.exec(value);
  if (s3 !== null && BUCKET_NAME.test(s3[1] ?? ""))
    return { kind: "s3", bucket: s3[1] ?? "", key: s3[2] ?? "" };
  if (value.startsWith("ssm:") && SSM_PARAMETER_NAME.test(value.slice(4)))
    return { kind: "ssm", name: value.slice(4) };
  throw new ConfigError(
    "REPORT_CONTRACT",
    `REPORT_CONTRACT "${value}" is invalid. Expected s3://<bucket>/<key> (an S3 object) or ssm:/<parameter-name> (an SSM parameter, String or SecureString), e.g. ssm:/kong/contract.`,
  );
}

function readTagPrefix(value: string): string {
  try {
    return parseTagPrefix(value, "REPORT_TAG_PREFIX");
  } catch (error) {
    if (error instanceof BadParameterError) throw new ConfigError("REPORT_TAG_PREFIX", error.message);
    throw error;
  }
}
