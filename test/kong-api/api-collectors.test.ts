import { describe, expect, it } from "vitest";
import { type AdminApiPort, collectFromAdminApi } from "#lib/collector/collect-admin-api.ts";
import { collectFromKonnect, type KonnectPort } from "#lib/collector/collect-konnect.ts";
import { DR_REPORT_BYTES, PROD_REPORT_BYTES } from "../../local/kong-api-sample.ts";

// The collectors' own rules with in-memory ports (the HTTP side is tested against the fakes in
// admin-api.test.ts and konnect.test.ts): what a node that says little gives, how names sort, the
// signal and the cluster label passed on.

function adminPort(overrides: Partial<AdminApiPort> = {}): AdminApiPort & { signals: unknown[] } {
  const signals: unknown[] = [];
  return {
    signals,
    description: "https://kong:8001",
    readReport: async (signal) => {
      signals.push(signal);
      return PROD_REPORT_BYTES;
    },
    readNode: async () => ({}),
    readStatus: async () => "HTTP 503",
    listWorkspaces: async () => [{ name: "b" }, { name: "a" }, { name: "c" }],
    listServices: async (workspace) =>
      workspace === "a" ? [{ protocol: "http", host: "h", port: 80, path: null }] : [],
    readWorkspaceCounts: async () => undefined,
    ...overrides,
  };
}

describe("collectFromAdminApi: what the node does not say", () => {
  it("null facts, no node id, workspaces sorted by name without ids, the signal and the cluster label passed", async () => {
    const port = adminPort();
    const signal = new AbortController().signal;

    const collected = await collectFromAdminApi(port, { signal, clusterName: "prod-eu" });

    expect(port.signals).toEqual([signal]);
    expect(collected.nodeId).toBeUndefined();
    expect(collected.details.cluster).toBe("prod-eu");
    expect(collected.details.admin_api).toEqual({
      url: "https://kong:8001",
      kong_version: null,
      node_id: null,
      database: null,
      role: null,
      status: "HTTP 503",
      dev_portal: null,
      workspaces: [
        { name: "a", services: 1, discrete_services: 1 },
        { name: "b", services: 0, discrete_services: 0 },
        { name: "c", services: 0, discrete_services: 0 },
      ],
    });
    expect(collected.discreteServices).toEqual(["http://h:80null"]);
    expect(collected.details.warnings).toEqual([]);
  });

  it("a DB-less node told by GET / (database off) even when its report's deployment_info does not say", async () => {
    const text = DR_REPORT_BYTES.toString("utf8");
    expect(text).toContain('"deployment_info": {"type":"dbless"}');
    const collected = await collectFromAdminApi(
      adminPort({ readReport: async () => DR_REPORT_BYTES, readNode: async () => ({ database: "off" }) }),
      { details: false },
    );
    expect(collected.details.omitted[0]?.reason).toMatch(/^a DB-less Kong node keeps no request counters/);
  });
});

function konnectPort(planes: Array<{ id: string; name: string; clusterType: string }>): KonnectPort {
  return {
    description: "https://eu.api.konghq.com/v2",
    listControlPlanes: async () => planes,
    readControlPlane: async (id) =>
      planes.find((plane) => plane.id === id) ?? { id, name: id, clusterType: "" },
    listServices: async (id) =>
      id === "none" ? undefined : [{ protocol: "http", host: id, port: 80, path: "/" }],
    countNodes: async (id) => (id === "z" ? undefined : 1),
  };
}

describe("collectFromKonnect: names, unknown types, types without services", () => {
  it("sorts by name then id, calls an unknown type 'other', counts a type without services as none", async () => {
    const collected = await collectFromKonnect(
      konnectPort([
        { id: "z", name: "same", clusterType: "CLUSTER_TYPE_NEW_THING" },
        { id: "a", name: "same", clusterType: "CLUSTER_TYPE_CONTROL_PLANE" },
        { id: "none", name: "events", clusterType: "CLUSTER_TYPE_KAFKA_NATIVE_EVENT_PROXY" },
      ]),
      { signal: new AbortController().signal },
    );
    expect(
      collected.summary.control_planes.map((plane) => [
        plane.id,
        plane.kind,
        plane.gateway_services,
        plane.data_plane_nodes,
        plane.note,
      ]),
    ).toEqual([
      ["none", "event gateway", 0, 1, "this type serves no gateway services"],
      ["a", "control plane", 1, 1, undefined],
      ["z", "other", 1, null, undefined],
    ]);
    expect(collected.summary.gateway_services).toBe(2);
    expect(collected.summary.data_plane_nodes).toBe(2);
    expect(collected.discreteServices).toEqual(["http://a:80/", "http://z:80/"]);
  });

  it("reads one control plane by id, whatever its name", async () => {
    const collected = await collectFromKonnect(konnectPort([]), { controlPlaneId: "solo" });
    expect(collected.summary.control_planes.map((plane) => plane.name)).toEqual(["solo"]);
  });
});
