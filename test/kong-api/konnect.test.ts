import { createServer } from "node:http";
import { afterAll, describe, expect, it } from "vitest";
import { collectFromKonnect } from "#lib/collector/collect-konnect.ts";
import { ApiAccessError, BadParameterError } from "#lib/errors.ts";
import { createKonnectReader } from "#lib/kong-api/konnect.ts";
import type { FakeServer } from "../../local/kong-admin-api.ts";
import {
  DISCRETE_RULES,
  KONNECT_KEYS,
  KONNECT_TOKEN,
  konnectOrganisation,
} from "../../local/kong-api-sample.ts";
import { type FakeKonnectOrganisation, startFakeKonnect } from "../../local/konnect-api.ts";
import { listen } from "../../local/listen.ts";

// Konnect as a source (KLCR's deployment "konnect"), against the fake Konnect (local/konnect-api.ts):
// control planes page by page, services following `next` from the /v2 base, the group listed and never
// added, KIC marked, nodes counted, Authorization: Bearer, failures named.

async function rejectionOf(work: Promise<unknown>): Promise<Error> {
  try {
    await work;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the call to fail, but it succeeded");
}

const servers: FakeServer[] = [];
async function start(org: FakeKonnectOrganisation): Promise<FakeServer> {
  const server = await startFakeKonnect(org);
  servers.push(server);
  return server;
}
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

describe("collectFromKonnect over the fake Konnect", () => {
  it("lists every control plane page by page, adds no group, marks KIC, counts nodes", async () => {
    // Prepare: four control planes, two a page.
    const server = await start(konnectOrganisation());
    const port = createKonnectReader({ url: server.url, token: KONNECT_TOKEN });

    // Act
    const collected = await collectFromKonnect(port, { rules: DISCRETE_RULES });

    // Assess: payments 3 + orders 2 + KIC 1 = 6; the group's 5 (its members') are listed, not added.
    expect(collected.summary).toEqual({
      api: server.url,
      control_planes: [
        {
          name: "all-teams",
          id: "cp-0003-group",
          type: "CLUSTER_TYPE_CONTROL_PLANE_GROUP",
          kind: "control plane group",
          counted: false,
          gateway_services: 5,
          discrete_services: 4,
          data_plane_nodes: 3,
          note: "a control plane group: its services are its members', so they are not added again",
        },
        {
          name: "k8s-east",
          id: "cp-0004-kic",
          type: "CLUSTER_TYPE_K8S_INGRESS_CONTROLLER",
          kind: "KIC",
          counted: true,
          gateway_services: 1,
          discrete_services: 1,
          data_plane_nodes: 2,
        },
        {
          name: "orders",
          id: "cp-0002-orders",
          type: "CLUSTER_TYPE_CONTROL_PLANE",
          kind: "control plane",
          counted: true,
          gateway_services: 2,
          discrete_services: 2,
          data_plane_nodes: 1,
        },
        {
          name: "payments",
          id: "cp-0001-payments",
          type: "CLUSTER_TYPE_CONTROL_PLANE",
          kind: "control plane",
          counted: true,
          gateway_services: 3,
          discrete_services: 2,
          data_plane_nodes: 2,
        },
      ],
      gateway_services: 6,
      discrete_services: 5,
      data_plane_nodes: 8,
      warnings: [],
    });
    expect(collected.discreteServices).toEqual(KONNECT_KEYS);
    expect(collected.controlPlaneIds).toEqual(["cp-0004-kic", "cp-0002-orders", "cp-0001-payments"]);
    // Two pages of control planes (page[number] 1 and 2), the group's 5 services in 3 pages of 2.
    const paths = server.requests.map((request) => decodeURIComponent(request.path));
    expect(paths.filter((path) => path.startsWith("/v2/control-planes?"))).toEqual([
      "/v2/control-planes?page[size]=100&page[number]=1",
      "/v2/control-planes?page[size]=100&page[number]=2",
    ]);
    expect(
      paths.filter((path) => path.startsWith("/v2/control-planes/cp-0003-group/core-entities")),
    ).toHaveLength(3);
    expect(new Set(server.requests.map((request) => request.token))).toEqual(
      new Set([`Bearer ${KONNECT_TOKEN}`]),
    );
  });

  it("keeps KLCR's control_plane_id and control_plane_type_filter; a lone group is counted nowhere, said so", async () => {
    const server = await start(konnectOrganisation());
    const port = createKonnectReader({ url: server.url, token: KONNECT_TOKEN });

    const one = await collectFromKonnect(port, { controlPlaneId: "cp-0002-orders" });
    expect(one.summary.control_planes.map((plane) => plane.name)).toEqual(["orders"]);
    expect(one.summary.gateway_services).toBe(2);

    const kic = await collectFromKonnect(port, { typeFilter: "K8S" });
    expect(kic.summary.control_planes.map((plane) => plane.id)).toEqual(["cp-0004-kic"]);

    const group = await collectFromKonnect(port, { typeFilter: "GROUP" });
    expect(group.summary.gateway_services).toBe(0);
    expect(group.summary.warnings).toEqual([
      "all-teams: control plane group(s) listed without any of the control planes they could be made of (control_plane_id or the type filter left them out), so their services are counted in no total.",
    ]);
    await expect(collectFromKonnect(port, { typeFilter: "(" })).rejects.toBeInstanceOf(BadParameterError);
  });

  it("a type without gateway services (404) counts none, says so; nodes Konnect does not serve are unknown", async () => {
    const org = konnectOrganisation();
    const server = await start({
      ...org,
      controlPlanes: [
        {
          id: "cp-eg",
          name: "events",
          clusterType: "CLUSTER_TYPE_KAFKA_NATIVE_EVENT_PROXY",
          services: [],
          nodes: 0,
        },
      ],
      forbidden: ["/control-planes/cp-eg/nodes"],
    });
    const port = createKonnectReader({ url: server.url, token: KONNECT_TOKEN });
    // The fake serves services for any plane; ask for an unknown one to see the 404 path.
    expect(await port.listServices("no-such-plane")).toBeUndefined();
    const collected = await collectFromKonnect(port, {});
    expect(collected.summary.control_planes[0]).toMatchObject({
      kind: "event gateway",
      data_plane_nodes: null,
    });
  });

  it("a wrong token: 401, named, the token in no message; a 403 names the path", async () => {
    const server = await start(konnectOrganisation());
    const error = await rejectionOf(
      collectFromKonnect(createKonnectReader({ url: server.url, token: "kpat_wrongTokenValue000000000000" })),
    );
    expect(error).toBeInstanceOf(ApiAccessError);
    expect(error.message).toBe(
      `Konnect at ${server.url} (GET /control-planes): HTTP 401, the token was refused (missing, wrong or expired) ("Invalid credentials").`,
    );
    expect(error.message).not.toContain("kpat_");
    const denied = await start({
      ...konnectOrganisation(),
      forbidden: ["/control-planes/cp-0002-orders/core-entities/services"],
    });
    const forbidden = await rejectionOf(
      collectFromKonnect(createKonnectReader({ url: denied.url, token: KONNECT_TOKEN })),
    );
    expect(forbidden.message).toBe(
      `Konnect at ${denied.url} (GET /control-planes/cp-0002-orders/core-entities/services): HTTP 403, the token is valid but not allowed to read this (RBAC: give its role read access) ("Permission denied").`,
    );
  });

  it("refuses an answer that is not Konnect's", async () => {
    const server = await start(konnectOrganisation());
    // The API base without /v2: the fake answers 404 for everything outside it.
    const wrongBase = server.url.replace(/\/v2$/, "/v1");
    const error = await rejectionOf(
      createKonnectReader({ url: wrongBase, token: KONNECT_TOKEN }).listControlPlanes(),
    );
    expect(error.message).toBe(
      `Konnect at ${wrongBase} (GET /control-planes): HTTP 404, no such endpoint (is the address the API's root?) ("Not Found").`,
    );
    // A 200 without control planes, or with a body that is not JSON.
    const odd = createServer((request, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(request.url?.startsWith("/v2/control-planes?") === true ? "{}" : "<html>");
    });
    const port = await listen(odd, "127.0.0.1");
    try {
      const url = `http://127.0.0.1:${port}/v2`;
      const reader = createKonnectReader({ url, token: KONNECT_TOKEN });
      expect((await rejectionOf(reader.listControlPlanes())).message).toBe(
        `Konnect at ${url} answered /control-planes without control planes: is the address the regional API base, e.g. https://us.api.konghq.com/v2?`,
      );
      expect((await rejectionOf(reader.readControlPlane("x"))).message).toBe(
        `Konnect at ${url} answered GET /control-planes/x with something that is not JSON (HTTP 200): is ${url} the right address?`,
      );
    } finally {
      odd.close();
    }
  });
});
