import { compileDiscreteRules, type DiscreteRule } from "../details/discrete-rules.ts";
import { formatDiscreteKey } from "../details/discrete-services.ts";
import { BadParameterError } from "../errors.ts";
import type { ApiService } from "./collect-admin-api.ts";

// Konnect (KLCR's `deployment: "konnect"`): Konnect provisions licenses itself and serves no license
// report, so an environment there is entity counts only: per control plane its gateway services, their
// discrete keys and its data-plane nodes. A control plane GROUP combines its members' configuration:
// it is listed, never added (KLCR adds it, counting its members' services twice).

/** What the collector needs from Konnect's API (lib/kong-api's reader is one). */
export interface KonnectPort {
  readonly description: string;
  listControlPlanes(signal?: AbortSignal): Promise<readonly KonnectControlPlaneInfo[]>;
  readControlPlane(id: string, signal?: AbortSignal): Promise<KonnectControlPlaneInfo>;
  /** undefined: this control plane's type serves no gateway services (404). */
  listServices(id: string, signal?: AbortSignal): Promise<readonly ApiService[] | undefined>;
  countNodes(id: string, signal?: AbortSignal): Promise<number | undefined>;
}

export interface KonnectControlPlaneInfo {
  readonly id: string;
  readonly name: string;
  /** config.cluster_type. */
  readonly clusterType: string;
}

export interface KonnectCollectOptions {
  /** KLCR's control_plane_id: that control plane only. */
  readonly controlPlaneId?: string;
  /** KLCR's control_plane_type_filter: a regular expression searched in config.cluster_type. */
  readonly typeFilter?: string;
  readonly rules?: readonly DiscreteRule[];
  readonly signal?: AbortSignal;
}

/** One control plane as the estate shows it. */
export interface KonnectControlPlane {
  name: string;
  id: string;
  /** Konnect's config.cluster_type, as it said it. */
  type: string;
  /** What the type is, in words the page uses. */
  kind: "control plane" | "control plane group" | "KIC" | "serverless" | "event gateway" | "other";
  /** false for a group: its services are its members'. */
  counted: boolean;
  gateway_services: number;
  discrete_services: number;
  /** Connected data-plane nodes; null when Konnect did not say. */
  data_plane_nodes: number | null;
  note?: string;
}

/** A Konnect environment's entity counts. */
export interface KonnectSummary {
  /** Konnect's API base, never a credential. */
  api: string;
  /** Sorted by name, as KLCR lists them. */
  control_planes: KonnectControlPlane[];
  /** Over the counted control planes (groups are not). */
  gateway_services: number;
  discrete_services: number;
  /** Over every listed control plane, groups included (a node connects to one of them). */
  data_plane_nodes: number;
  warnings: string[];
}

export interface KonnectCollected {
  readonly summary: KonnectSummary;
  /** Distinct keys after the rules over the counted control planes. */
  readonly discreteServices: string[];
  /** The counted control planes' ids: how two environments are told to be the same. */
  readonly controlPlaneIds: string[];
}

const KINDS: Readonly<Record<string, KonnectControlPlane["kind"]>> = {
  CLUSTER_TYPE_CONTROL_PLANE: "control plane",
  CLUSTER_TYPE_HYBRID: "control plane",
  CLUSTER_TYPE_CONTROL_PLANE_GROUP: "control plane group",
  CLUSTER_TYPE_K8S_INGRESS_CONTROLLER: "KIC",
  CLUSTER_TYPE_SERVERLESS: "serverless",
  CLUSTER_TYPE_SERVERLESS_V1: "serverless",
  CLUSTER_TYPE_KAFKA_NATIVE_EVENT_PROXY: "event gateway",
};

const GROUP = "CLUSTER_TYPE_CONTROL_PLANE_GROUP";

/** Compiles KLCR's control_plane_type_filter as `grep -E "(filter)"` uses it: found anywhere in the type. */
export function compileTypeFilter(filter: string, parameter = "control_plane_type_filter"): RegExp {
  try {
    return new RegExp(`(${filter})`);
  } catch (error) {
    throw new BadParameterError(
      parameter,
      `"${parameter}" ${JSON.stringify(filter)} is not a valid regular expression (${(error as Error).message}).`,
    );
  }
}

/**
 * Counts a Konnect organisation's (or one control plane's) gateway services. Control planes come
 * sorted by name; the type filter keeps those whose type matches. Groups are listed with their
 * services but not added; when the environment lists a group and no control plane it could be made
 * of, a warning says its services are counted nowhere.
 */
export async function collectFromKonnect(
  port: KonnectPort,
  options: KonnectCollectOptions = {},
): Promise<KonnectCollected> {
  const signal = options.signal;
  const listed =
    options.controlPlaneId === undefined
      ? await port.listControlPlanes(signal)
      : [await port.readControlPlane(options.controlPlaneId, signal)];
  const filter = options.typeFilter === undefined ? undefined : compileTypeFilter(options.typeFilter);
  const chosen = [...listed]
    .filter((plane) => filter === undefined || filter.test(plane.clusterType))
    .sort((a, b) => compareText(a.name, b.name) || compareText(a.id, b.id));
  const rules = compileDiscreteRules(options.rules ?? []);
  const counted = new Set<string>();
  const controlPlanes: KonnectControlPlane[] = [];
  for (const plane of chosen) {
    const services = await port.listServices(plane.id, signal);
    const keys = new Set((services ?? []).map((service) => rules.apply(formatDiscreteKey(service))));
    const group = plane.clusterType === GROUP;
    if (!group) for (const key of keys) counted.add(key);
    const nodes = await port.countNodes(plane.id, signal);
    const note = group
      ? "a control plane group: its services are its members', so they are not added again"
      : services === undefined
        ? "this type serves no gateway services"
        : undefined;
    controlPlanes.push({
      name: plane.name,
      id: plane.id,
      type: plane.clusterType,
      kind: KINDS[plane.clusterType] ?? "other",
      counted: !group,
      gateway_services: services?.length ?? 0,
      discrete_services: keys.size,
      data_plane_nodes: nodes ?? null,
      ...(note === undefined ? {} : { note }),
    });
  }
  const members = controlPlanes.filter((plane) => plane.counted);
  const warnings: string[] = [];
  const groups = controlPlanes.filter((plane) => !plane.counted);
  if (groups.length > 0 && members.every((plane) => plane.kind !== "control plane")) {
    warnings.push(
      `${groups.map((plane) => plane.name).join(", ")}: control plane group(s) listed without any of the control planes they could be made of (control_plane_id or the type filter left them out), so their services are counted in no total.`,
    );
  }
  const discreteServices = [...counted].sort(compareText);
  return {
    summary: {
      api: port.description,
      control_planes: controlPlanes,
      gateway_services: members.reduce((sum, plane) => sum + plane.gateway_services, 0),
      discrete_services: discreteServices.length,
      // Each node connects to one control plane (a group's to the group): every listed one counts.
      data_plane_nodes: controlPlanes.reduce((sum, plane) => sum + (plane.data_plane_nodes ?? 0), 0),
      warnings,
    },
    discreteServices,
    controlPlaneIds: members.map((plane) => plane.id),
  };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
