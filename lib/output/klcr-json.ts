import type {
  EstateCountsEnvironment,
  EstateDocument,
  EstateEnvironment,
  EstateReportEnvironment,
} from "../estate/types.ts";
import { stringifyJson } from "../shared/visible-text.ts";

// klcr.json in the shape KLCR 2.3.1 (Kong/CustomerSuccess tools/klcr.sh) writes, key by key, so scripts
// that read it keep working; the numbers are the estate's. Where ours differ from KLCR's on purpose:
// a control plane group is listed but not added to its environment's totals (KLCR adds it, counting
// its members' services twice), and an environment that failed has null counts, an error and
// `status: "failed"` (KLCR writes 0 services for it, silently).

/** The KLCR version whose klcr.json shape this follows. */
export const KLCR_SHAPE_VERSION = "2.3.1";
export const KLCR_JSON = "klcr.json";

type KlcrEnvironment = Record<string, unknown>;

/** klcr.json's document: KLCR's keys in KLCR's order, then what produced it. */
export function buildKlcrDocument(estate: EstateDocument): Record<string, unknown> {
  return {
    klcr_version: KLCR_SHAPE_VERSION,
    discrete: estate.discrete_rules.map((rule) => ({ find: rule.find, replace_with: rule.replace_with })),
    kong_environments: estate.environments.length,
    kong: estate.environments.map(toKlcrEnvironment),
    total_gateway_services: estate.totals.services_count,
    total_discrete_services: estate.totals.discrete_services,
    generated_by: `${estate.collector.name} ${estate.collector.version}`,
  };
}

/** klcr.json's bytes: one line of JSON, as KLCR writes it, and a newline. */
export function renderKlcrJson(estate: EstateDocument): Buffer {
  return Buffer.from(`${stringifyJson(buildKlcrDocument(estate))}\n`, "utf8");
}

function toKlcrEnvironment(entry: EstateEnvironment): KlcrEnvironment {
  if (entry.status === "failed") {
    return {
      environment: entry.environment,
      deployment: entry.source === "konnect" ? "konnect" : "enterprise",
      status: "failed",
      error: entry.error,
      gateway_services: null,
      discrete_services: null,
    };
  }
  return "konnect" in entry ? toKonnect(entry) : toEnterprise(entry);
}

function toEnterprise(entry: EstateReportEnvironment): KlcrEnvironment {
  const api = entry.details?.admin_api;
  const workspaces =
    api !== undefined
      ? api.workspaces.map((ws) => ({
          workspace: ws.name,
          gateway_services: ws.services,
          discrete_services: ws.discrete_services,
        }))
      : (entry.details?.workspaces ?? []).map((ws) => ({
          workspace: ws.name,
          gateway_services: ws.services,
          discrete_services: ws.discrete_services ?? 0,
        }));
  return {
    environment: entry.environment,
    deployment: "enterprise",
    version: api?.kong_version ?? entry.report.kong_version ?? null,
    // A database source has no Admin API address, status or Dev Portal flag to tell.
    admin_api: api?.url ?? null,
    status: api?.status ?? null,
    dev_portal: api === undefined || api.dev_portal === null ? null : api.dev_portal ? "Enabled" : "Disabled",
    // Workspace names are unique in a cluster: never equal.
    workspaces: [...workspaces].sort((a, b) => (a.workspace < b.workspace ? -1 : 1)),
    gateway_services: entry.report.services_count,
    discrete_services: entry.discrete_services,
  };
}

function toKonnect(entry: EstateCountsEnvironment): KlcrEnvironment {
  return {
    environment: entry.environment,
    deployment: "konnect",
    admin_api: entry.konnect.api,
    control_planes: entry.konnect.control_planes.map((plane) => ({
      control_plane: plane.name,
      control_plane_id: plane.id,
      control_plane_type: plane.type,
      gateway_services: plane.gateway_services,
      discrete_services: plane.discrete_services,
      ...(plane.counted ? {} : { counted_in_totals: false }),
    })),
    gateway_services: entry.services_count,
    discrete_services: entry.discrete_services,
  };
}
