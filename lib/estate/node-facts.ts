import { KONG_VERSION_PATTERN } from "../report/kong-version.ts";
import type { SystemInfo } from "../report/types.ts";
import type { Fail, ReadText } from "./entry-fields.ts";
import type { EnvironmentNodeFacts } from "./types.ts";

const DEPLOYMENT_TYPES = ["traditional", "hybrid", "dbless"] as const;

/**
 * The node facts an entry may give for what the database cannot tell (Kong version, deployment
 * type, the node's uname and cores), each checked.
 */
export function readNodeFacts(raw: Record<string, unknown>, text: ReadText, at: Fail): EnvironmentNodeFacts {
  const kongVersion = text("kong_version");
  if (kongVersion !== undefined && !KONG_VERSION_PATTERN.test(kongVersion)) {
    at(`"kong_version" ${JSON.stringify(kongVersion)} is not a Kong version, e.g. 3.9.1.2.`);
  }
  const deploymentType = text("deployment_type");
  if (deploymentType !== undefined && !(DEPLOYMENT_TYPES as readonly string[]).includes(deploymentType)) {
    at(
      `"deployment_type" ${JSON.stringify(deploymentType)} is not allowed; use ${DEPLOYMENT_TYPES.join(", ")}.`,
    );
  }
  const uname = text("node_uname");
  const rawCores = raw.node_cores;
  let cores: number | undefined;
  if (rawCores !== undefined) {
    cores = typeof rawCores === "string" ? Number(text("node_cores")) : Number(rawCores);
    if (!Number.isInteger(cores) || cores < 1 || cores > 65_536) {
      at('"node_cores" must be a whole number of CPUs from 1 to 65536.');
    }
  }
  const systemInfo: SystemInfo = {
    ...(uname === undefined ? {} : { uname }),
    ...(cores === undefined ? {} : { cores }),
  };
  return {
    ...(kongVersion === undefined ? {} : { kongVersion }),
    ...(deploymentType === undefined
      ? {}
      : { deploymentType: deploymentType as NonNullable<EnvironmentNodeFacts["deploymentType"]> }),
    ...(uname === undefined && cores === undefined ? {} : { systemInfo }),
  };
}
