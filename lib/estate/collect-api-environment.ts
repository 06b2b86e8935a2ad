import type { AdminApiSource, KonnectSource, OpenApiPorts } from "../collector/api-sources.ts";
import { collectFromAdminApi } from "../collector/collect-admin-api.ts";
import { collectFromKonnect } from "../collector/collect-konnect.ts";
import type { DiscreteRule } from "../details/discrete-rules.ts";
import type { EnvironmentCounts, EnvironmentSpec, EnvironmentSuccess } from "./types.ts";

export type { OpenApiPorts } from "../collector/api-sources.ts";

export interface ApiCollectOptions {
  readonly rules: readonly DiscreteRule[];
  readonly includeDetails: boolean;
  readonly signal?: AbortSignal;
}

/** An Admin API environment: Kong's report (its bytes kept, its checksum verified) and its services. */
export async function collectAdminApiEnvironment(
  spec: EnvironmentSpec,
  source: AdminApiSource,
  open: OpenApiPorts,
  options: ApiCollectOptions,
): Promise<EnvironmentSuccess> {
  const port = await open.adminApi(source, options.signal);
  const collected = await collectFromAdminApi(port, {
    rules: options.rules,
    includeList: true,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  return {
    environment: spec.name,
    status: "ok",
    source: "admin_api",
    report: collected.report,
    response: collected.response,
    ...(options.includeDetails ? { details: collected.details } : {}),
    discreteServices: collected.discreteServices,
    identity: {
      keys:
        collected.nodeId === undefined
          ? []
          : [
              {
                key: `kong-node ${collected.nodeId}`,
                says: `the same Kong node (node_id ${collected.nodeId})`,
              },
            ],
    },
  };
}

/** A Konnect environment: entity counts only (Konnect serves no license report). */
export async function collectKonnectEnvironment(
  spec: EnvironmentSpec,
  source: KonnectSource,
  open: OpenApiPorts,
  options: ApiCollectOptions,
): Promise<EnvironmentCounts> {
  const port = await open.konnect(source, options.signal);
  const collected = await collectFromKonnect(port, {
    rules: options.rules,
    ...(source.controlPlaneId === undefined ? {} : { controlPlaneId: source.controlPlaneId }),
    ...(source.typeFilter === undefined ? {} : { typeFilter: source.typeFilter }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  const names = new Map(collected.summary.control_planes.map((plane) => [plane.id, plane.name]));
  return {
    environment: spec.name,
    status: "ok",
    source: "konnect",
    konnect: collected.summary,
    discreteServices: collected.discreteServices,
    identity: {
      keys: collected.controlPlaneIds.map((id) => ({
        key: `konnect-control-plane ${id}`,
        says: `the same Konnect control plane ${names.get(id) ?? id} (${id})`,
      })),
    },
  };
}
