import { ConfigError } from "../errors.ts";
import { KONG_VERSION_PATTERN } from "../report/kong-version.ts";
import { parseConfiguredLicense } from "../report/license.ts";
import type { DeploymentType, SystemInfo } from "../report/types.ts";
import { type Env, optional, readInteger } from "./read-env.ts";

/** What configuration tells about the Kong node (the database does not hold these). */
export interface KongNodeConfig {
  readonly kongVersion?: string;
  readonly deploymentType?: DeploymentType;
  readonly systemInfo?: SystemInfo;
  /** License JSON or base64; a secret-like value, never logged. */
  readonly license?: string;
}

const DEPLOYMENT_TYPES: readonly DeploymentType[] = ["traditional", "hybrid", "dbless"];

/** Reads KONG_VERSION, KONG_DEPLOYMENT_TYPE, KONG_NODE_UNAME/CORES/HOSTNAME and KONG_LICENSE. */
export function readKongNode(env: Env): KongNodeConfig {
  const kongVersion = optional(env, "KONG_VERSION");
  if (kongVersion !== undefined && !KONG_VERSION_PATTERN.test(kongVersion)) {
    throw new ConfigError(
      "KONG_VERSION",
      `KONG_VERSION "${kongVersion}" is not a Kong version. Use the running node's version, e.g. 3.9.1.2 or 3.13.0.0.`,
    );
  }
  const deploymentType = optional(env, "KONG_DEPLOYMENT_TYPE");
  if (deploymentType !== undefined && !(DEPLOYMENT_TYPES as readonly string[]).includes(deploymentType)) {
    throw new ConfigError(
      "KONG_DEPLOYMENT_TYPE",
      `KONG_DEPLOYMENT_TYPE "${deploymentType}" is not allowed. Use one of ${DEPLOYMENT_TYPES.join(", ")}, or leave it unset to infer it from the database.`,
    );
  }
  const uname = optional(env, "KONG_NODE_UNAME");
  const cores =
    optional(env, "KONG_NODE_CORES") === undefined
      ? undefined
      : readInteger(env, "KONG_NODE_CORES", { min: 1, max: 65_536, hint: "the Kong node's CPU core count" });
  const hostname = optional(env, "KONG_NODE_HOSTNAME");
  const systemInfo: SystemInfo = {
    ...(uname === undefined ? {} : { uname }),
    ...(cores === undefined ? {} : { cores }),
    ...(hostname === undefined ? {} : { hostname }),
  };
  const license = optional(env, "KONG_LICENSE");
  if (license !== undefined) {
    try {
      parseConfiguredLicense(license, "KONG_LICENSE");
    } catch {
      throw new ConfigError(
        "KONG_LICENSE",
        'KONG_LICENSE is not a Kong license: expected the license JSON {"license":{"payload":{…},"signature":…}} or its base64 form (as KONG_LICENSE_DATA takes it).',
      );
    }
  }
  return {
    ...(kongVersion === undefined ? {} : { kongVersion }),
    ...(deploymentType === undefined ? {} : { deploymentType: deploymentType as DeploymentType }),
    ...(Object.keys(systemInfo).length === 0 ? {} : { systemInfo }),
    ...(license === undefined ? {} : { license }),
  };
}
