import type { IncomingMessage, ServerResponse } from "node:http";
import {
  type FakeServer,
  type FakeService,
  header,
  sendJson,
  sendPage,
  startServer,
  type TlsFiles,
} from "./kong-admin-api.ts";

// A fake of Konnect's control-plane API under /v2, as far as KLCR reads it: control planes paged with
// page[size] / page[number] and meta.page.total, one control plane by id, its core-entities services
// paged with `next` (relative to the /v2 base, as KLCR resolves it), its data-plane nodes. The token is
// checked as `Authorization: Bearer …` (401 as Konnect words it); listed paths answer 403.

export interface FakeControlPlane {
  readonly id: string;
  readonly name: string;
  /** config.cluster_type, e.g. CLUSTER_TYPE_CONTROL_PLANE_GROUP. */
  readonly clusterType: string;
  readonly services: readonly FakeService[];
  readonly nodes: number;
}

export interface FakeKonnectOrganisation {
  readonly controlPlanes: readonly FakeControlPlane[];
  /** The personal access token Konnect accepts. */
  readonly token: string;
  readonly forbidden?: readonly string[];
  /** The most control planes or services one page holds, whatever is asked. */
  readonly pageLimit?: number;
}

const BASE = "/v2";

/** Starts the fake; its `url` is the API base a KLCR entry names (…/v2). */
export async function startFakeKonnect(org: FakeKonnectOrganisation, tls?: TlsFiles): Promise<FakeServer> {
  const requests: FakeServer["requests"] = [];
  const server = await startServer(
    (request: IncomingMessage, response: ServerResponse) => {
      const url = new URL(request.url ?? "/", "http://fake");
      const authorization = header(request, "authorization");
      requests.push({
        method: request.method ?? "GET",
        path: `${url.pathname}${url.search}`,
        token: authorization,
      });
      answer(org, url, authorization, response);
    },
    requests,
    tls,
  );
  return { ...server, url: `${server.url}${BASE}` };
}

function answer(
  org: FakeKonnectOrganisation,
  url: URL,
  authorization: string | undefined,
  response: ServerResponse,
): true {
  if (authorization !== `Bearer ${org.token}`) {
    return sendJson(response, 401, { status: 401, title: "Unauthorized", detail: "Invalid credentials" });
  }
  if (!url.pathname.startsWith(`${BASE}/`))
    return sendJson(response, 404, { status: 404, title: "Not Found" });
  const path = url.pathname.slice(BASE.length);
  if (org.forbidden?.includes(path) === true) {
    return sendJson(response, 403, { status: 403, title: "Forbidden", detail: "Permission denied" });
  }
  const limit = org.pageLimit ?? 100;
  if (path === "/control-planes") {
    const size = Math.min(Number(url.searchParams.get("page[size]") ?? "10") || 10, limit);
    const number = Number(url.searchParams.get("page[number]") ?? "1") || 1;
    const page = org.controlPlanes.slice((number - 1) * size, number * size);
    return sendJson(response, 200, {
      data: page.map(toControlPlaneJson),
      meta: { page: { number, size, total: org.controlPlanes.length } },
    });
  }
  const match = /^\/control-planes\/([^/]+)(\/core-entities\/services|\/nodes)?$/.exec(path);
  const plane = org.controlPlanes.find((item) => item.id === decodeURIComponent(match?.[1] ?? ""));
  if (match === null || plane === undefined)
    return sendJson(response, 404, { status: 404, title: "Not Found" });
  if (match[2] === undefined) return sendJson(response, 200, toControlPlaneJson(plane));
  if (match[2] === "/nodes") {
    const items = Array.from({ length: plane.nodes }, (_, index) => ({
      id: `${plane.id}-node-${index}`,
      version: "3.10.0.1",
      hostname: `dp-${index}`,
      last_ping: 1_700_000_000,
      type: "kong-proxy",
    }));
    return sendJson(response, 200, { items, page: { total_count: plane.nodes } });
  }
  return sendPage(response, url, `/control-planes/${plane.id}/core-entities/services`, plane.services, limit);
}

function toControlPlaneJson(plane: FakeControlPlane): Record<string, unknown> {
  return {
    id: plane.id,
    name: plane.name,
    labels: {},
    config: {
      cluster_type: plane.clusterType,
      control_plane_endpoint: `https://${plane.id}.cp.konghq.example`,
    },
  };
}
