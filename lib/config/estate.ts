import { ConfigError } from "../errors.ts";
import type { EnvironmentsLocation } from "../estate/types.ts";
import { type Env, optional, readInteger } from "./read-env.ts";
import { readSigningConfig, type SigningConfig } from "./signing.ts";
import { BUCKET_NAME } from "./storage.ts";

/** What the estate functions (state machine steps and GET /license/estate) read besides storage. */
export interface EstateRunConfig {
  readonly environments: EnvironmentsLocation;
  /** Environments collected at once (the Map's MaxConcurrency, and in-process runs). */
  readonly concurrency: number;
  /** GET /license/estate runs in-process up to this many environments, else starts the state machine. */
  readonly inlineMaxEnvironments: number;
  /** The state machine's inline Map takes up to this many environments; more go to its Distributed Map. */
  readonly inlineMapMax: number;
  /** The estate state machine; without it every estate runs in-process. */
  readonly stateMachineArn?: string;
  /** REPORT_SIGNING_KEY_ID: the KMS key that signs an estate tar's manifest, as the report functions sign theirs. */
  readonly signing?: SigningConfig;
}

export const DEFAULT_ESTATE_CONCURRENCY = 4;
/** Measured line of what fits API Gateway's 30 s (docs/deploy.md, "The estate on AWS"). */
export const DEFAULT_ESTATE_INLINE_MAX = 8;
/**
 * The most environments the inline Map runs: its outcomes travel in the execution's state (each at
 * most ~2.5 KB, a caught failure's Cause included), so 40 keep every state far below Step Functions'
 * 256 KiB; more go through the Distributed Map, whose results stay in S3.
 */
export const MAX_INLINE_MAP_ENVIRONMENTS = 40;
const STATE_MACHINE_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_-]{1,80}$/;
const SSM_PARAMETER_NAME = /^\/[A-Za-z0-9_./-]{1,2047}$/;

/**
 * Reads ESTATE_ENVIRONMENTS (s3://bucket/key or ssm:/name), ESTATE_CONCURRENCY, ESTATE_INLINE_MAX,
 * ESTATE_INLINE_MAP_MAX, ESTATE_STATE_MACHINE_ARN.
 */
export function readEstateRunConfig(env: Env): EstateRunConfig {
  const stateMachineArn = optional(env, "ESTATE_STATE_MACHINE_ARN");
  if (stateMachineArn !== undefined && !STATE_MACHINE_ARN.test(stateMachineArn)) {
    throw new ConfigError(
      "ESTATE_STATE_MACHINE_ARN",
      `ESTATE_STATE_MACHINE_ARN "${stateMachineArn}" is invalid. Expected a state machine ARN, e.g. arn:aws:states:eu-west-1:123456789012:stateMachine:kong-license-estate.`,
    );
  }
  const signing = readSigningConfig(env);
  return {
    environments: readEnvironmentsLocation(env),
    concurrency: readInteger(env, "ESTATE_CONCURRENCY", {
      min: 1,
      max: 40,
      fallback: DEFAULT_ESTATE_CONCURRENCY,
      hint: "environments collected at once",
    }),
    inlineMaxEnvironments: readInteger(env, "ESTATE_INLINE_MAX", {
      min: 0,
      max: 500,
      fallback: DEFAULT_ESTATE_INLINE_MAX,
      hint: "the most environments GET /license/estate collects in-process; 0 = always the state machine",
    }),
    inlineMapMax: readInteger(env, "ESTATE_INLINE_MAP_MAX", {
      min: 0,
      max: MAX_INLINE_MAP_ENVIRONMENTS,
      fallback: MAX_INLINE_MAP_ENVIRONMENTS,
      hint: "the most environments the state machine's inline Map runs; more run in its Distributed Map, 0 = always",
    }),
    ...(stateMachineArn === undefined ? {} : { stateMachineArn }),
    ...(signing.signingKeyId === undefined ? {} : { signing }),
  };
}

function readEnvironmentsLocation(env: Env): EnvironmentsLocation {
  const expected =
    "s3://<bucket>/<key> (an S3 object) or ssm:/<parameter-name> (an SSM parameter, String or SecureString), e.g. ssm:/kong/estate/environments";
  const value = optional(env, "ESTATE_ENVIRONMENTS");
  if (value === undefined) {
    throw new ConfigError("ESTATE_ENVIRONMENTS", `ESTATE_ENVIRONMENTS is not set. Set it to ${expected}.`);
  }
  const s3 = /^s3:\/\/([^/]+)\/(.+)$/.exec(value);
  if (s3 !== null && BUCKET_NAME.test(s3[1] ?? "")) {
    return { kind: "s3", bucket: s3[1] ?? "", key: s3[2] ?? "" };
  }
  if (value.startsWith("ssm:") && SSM_PARAMETER_NAME.test(value.slice(4))) {
    return { kind: "ssm", name: value.slice(4) };
  }
  throw new ConfigError(
    "ESTATE_ENVIRONMENTS",
    `ESTATE_ENVIRONMENTS "${value}" is invalid. Expected ${expected}.`,
  );
}
