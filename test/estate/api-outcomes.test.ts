import { describe, expect, it } from "vitest";
import type { AdminApiPort } from "#lib/collector/collect-admin-api.ts";
import type { KonnectPort } from "#lib/collector/collect-konnect.ts";
import { buildEstate } from "#lib/estate/build-estate.ts";
import { collectEnvironment } from "#lib/estate/collect-estate.ts";
import type { EnvironmentOutcome, EnvironmentSpec } from "#lib/estate/types.ts";
import { buildEstateFiles } from "#lib/output/estate-files.ts";
import { renderEstateSummaryHtml } from "#lib/output/estate-page/render-estate-page.ts";
import { buildKlcrDocument } from "#lib/output/klcr-json.ts";
import { renderAdminApi } from "#lib/output/report-page/admin-api.ts";
import { PROD_REPORT, PROD_REPORT_BYTES } from "../../local/kong-api-sample.ts";
import { sampleMarch, signReport } from "../helpers/sample-report.ts";

// The estate's handling of API environments with in-memory ports (the HTTP side is tested against the
// fakes): what is kept with or without details, the signal passed on, a runtime that cannot reach an
// API; klcr.json for every kind of environment; the page's warnings and the Admin API section.

const adminPort = (signals: unknown[]): AdminApiPort => ({
  description: "https://kong:8001",
  readReport: async (signal) => {
    signals.push(signal);
    return PROD_REPORT_BYTES;
  },
  readNode: async () => ({ version: "3.9.1.0", database: "postgres", role: "control_plane", portal: true }),
  readStatus: async () => "Healthy",
  listWorkspaces: async () => [{ name: "default" }],
  listServices: async () => [{ protocol: "http", host: "a", port: 80, path: "/" }],
  readWorkspaceCounts: async () => undefined,
});

const konnectPort: KonnectPort = {
  description: "https://eu.api.konghq.com/v2",
  listControlPlanes: async () => [
    { id: "g", name: "group", clusterType: "CLUSTER_TYPE_CONTROL_PLANE_GROUP" },
    { id: "k", name: "kic", clusterType: "CLUSTER_TYPE_K8S_INGRESS_CONTROLLER" },
  ],
  readControlPlane: async (id) => ({ id, name: id, clusterType: "CLUSTER_TYPE_CONTROL_PLANE" }),
  listServices: async () => [{ protocol: "http", host: "k", port: 80, path: "/" }],
  countNodes: async () => 1,
};

const adminSpec: EnvironmentSpec = {
  name: "cp",
  source: { kind: "admin-api", url: "https://kong:8001" },
  node: {},
  secrets: [],
};
const konnectSpec = (extra: object = {}): EnvironmentSpec => ({
  name: "konnect",
  source: {
    kind: "konnect",
    url: "https://eu.api.konghq.com/v2",
    token: { kind: "literal", value: "kpat_x" },
    ...extra,
  },
  node: {},
  secrets: ["kpat_x"],
});
const unusedPort = async () => {
  throw new Error("no database here");
};

describe("collectEnvironment over the APIs", () => {
  it("keeps Kong's bytes, the details only when asked, passes the signal; no node id means no identity key", async () => {
    const signals: unknown[] = [];
    const signal = new AbortController().signal;
    const ports = { adminApi: async () => adminPort(signals), konnect: async () => konnectPort };
    const withDetails = await collectEnvironment(adminSpec, {
      openPort: unusedPort,
      openApi: ports,
      asOf: "2026-01",
      includeDetails: true,
      signal,
    });
    expect(withDetails).toMatchObject({
      status: "ok",
      source: "admin_api",
      report: PROD_REPORT,
      identity: { keys: [] },
    });
    expect(withDetails.status === "ok" && "response" in withDetails && withDetails.response).toEqual(
      PROD_REPORT_BYTES,
    );
    expect(
      withDetails.status === "ok" && "details" in withDetails && withDetails.details?.admin_api?.dev_portal,
    ).toBe(true);
    expect(signals).toEqual([signal]);
    const without = await collectEnvironment(adminSpec, {
      openPort: unusedPort,
      openApi: ports,
      asOf: "2026-01",
    });
    expect(without.status === "ok" && "report" in without ? without.details : "none").toBeUndefined();
  });

  it("reads Konnect with control_plane_id and the type filter, the signal passed", async () => {
    const ports = { adminApi: async () => adminPort([]), konnect: async () => konnectPort };
    const one = await collectEnvironment(konnectSpec({ controlPlaneId: "solo" }), {
      openPort: unusedPort,
      openApi: ports,
      asOf: "2026-01",
      signal: new AbortController().signal,
    });
    expect(one).toMatchObject({
      status: "ok",
      source: "konnect",
      konnect: { control_planes: [{ name: "solo" }], gateway_services: 1 },
      identity: {
        keys: [{ key: "konnect-control-plane solo", says: "the same Konnect control plane solo (solo)" }],
      },
    });
    const kic = await collectEnvironment(konnectSpec({ typeFilter: "K8S" }), {
      openPort: unusedPort,
      openApi: ports,
      asOf: "2026-01",
    });
    expect("konnect" in kic && kic.konnect.control_planes.map((plane) => plane.kind)).toEqual(["KIC"]);
  });

  it("fails an API environment, named, where the runtime cannot reach the APIs", async () => {
    const outcome = await collectEnvironment(konnectSpec(), { openPort: unusedPort, asOf: "2026-01" });
    expect(outcome).toEqual({
      environment: "konnect",
      status: "failed",
      source: "konnect",
      error: "This runtime was given no way to reach Kong's Admin API or Konnect.",
    });
  });
});

function estateOf(outcomes: EnvironmentOutcome[]) {
  return buildEstate(outcomes, {
    asOf: "2025-03",
    generatedAt: "2025-04-01T00:00:00.000Z",
    discreteRules: [],
  });
}

describe("klcr.json for every kind of environment", () => {
  it("a database environment from its details, an Admin API one, failed ones with null counts", async () => {
    const march = sampleMarch();
    const { checksum: _c, kong_version: _v, ...unsigned } = march.report;
    const bare = signReport(unsigned);
    const signals: unknown[] = [];
    const ports = { adminApi: async () => adminPort(signals), konnect: async () => konnectPort };
    const api = await collectEnvironment(adminSpec, {
      openPort: unusedPort,
      openApi: ports,
      asOf: "2026-01",
      includeDetails: true,
    });
    const estate = estateOf([
      {
        environment: "db",
        status: "ok",
        source: "data_api",
        report: march.report,
        details: march.details,
        discreteServices: ["k1"],
      },
      api,
      { environment: "db-down", status: "failed", source: "database_url", error: "unreachable" },
      { environment: "bare", status: "ok", source: "database_url", report: bare, discreteServices: [] },
      { environment: "k-down", status: "failed", source: "konnect", error: "HTTP 401" },
    ]);
    const document = buildKlcrDocument(estate);
    const workspaces = (march.details.workspaces ?? []).map((ws) => ({
      workspace: ws.name,
      gateway_services: ws.services,
      discrete_services: ws.discrete_services ?? 0,
    }));
    expect(document.kong).toEqual([
      {
        environment: "db",
        deployment: "enterprise",
        version: march.report.kong_version,
        admin_api: null,
        status: null,
        dev_portal: null,
        workspaces: [...workspaces].sort((a, b) => (a.workspace < b.workspace ? -1 : 1)),
        gateway_services: march.report.services_count,
        discrete_services: 1,
      },
      {
        environment: "cp",
        deployment: "enterprise",
        version: "3.9.1.0",
        admin_api: "https://kong:8001",
        status: "Healthy",
        dev_portal: "Enabled",
        workspaces: [{ workspace: "default", gateway_services: 1, discrete_services: 1 }],
        gateway_services: PROD_REPORT.services_count,
        discrete_services: 1,
      },
      {
        environment: "db-down",
        deployment: "enterprise",
        status: "failed",
        error: "unreachable",
        gateway_services: null,
        discrete_services: null,
      },
      {
        environment: "bare",
        deployment: "enterprise",
        version: null,
        admin_api: null,
        status: null,
        dev_portal: null,
        workspaces: [],
        gateway_services: march.report.services_count,
        discrete_services: 0,
      },
      {
        environment: "k-down",
        deployment: "konnect",
        status: "failed",
        error: "HTTP 401",
        gateway_services: null,
        discrete_services: null,
      },
    ]);
    expect(document.kong_environments).toBe(5);
  });
});

describe("The estate tar and Kong's bytes", () => {
  it("writes Kong's bytes only when they are the estate's verified report", async () => {
    const ports = { adminApi: async () => adminPort([]), konnect: async () => konnectPort };
    const api = await collectEnvironment(adminSpec, {
      openPort: unusedPort,
      openApi: ports,
      asOf: "2026-01",
    });
    const estate = estateOf([api]);
    const kept = buildEstateFiles(estate, "tar", { responses: new Map([["cp", PROD_REPORT_BYTES]]) });
    expect(
      kept.find((file) => file.name === "environments/cp/response.json")?.content.equals(PROD_REPORT_BYTES),
    ).toBe(true);
    const other = Buffer.from(JSON.stringify({ ...PROD_REPORT, services_count: 0 }));
    expect(() => buildEstateFiles(estate, "tar", { responses: new Map([["cp", other]]) })).toThrow(
      'The report bytes kept for environment "cp" are not its verified report.',
    );
    expect(() => buildEstateFiles(estate, "tar", { responses: new Map([["cp", Buffer.from("{")]]) })).toThrow(
      'The report bytes kept for environment "cp" are not its verified report.',
    );
  });
});

describe("The pages of API sources", () => {
  it("shows the estate's warnings and a Konnect environment's own warning, escaped", async () => {
    const ports = {
      adminApi: async () => adminPort([]),
      konnect: async () => ({
        ...konnectPort,
        listControlPlanes: async () => [
          { id: "g", name: "<g>", clusterType: "CLUSTER_TYPE_CONTROL_PLANE_GROUP" },
          { id: "k", name: "kic", clusterType: "CLUSTER_TYPE_K8S_INGRESS_CONTROLLER" },
        ],
      }),
    };
    const konnect = await collectEnvironment(konnectSpec(), {
      openPort: unusedPort,
      openApi: ports,
      asOf: "2026-01",
    });
    const twin = { ...konnect, environment: "konnect-twin" } as EnvironmentOutcome;
    const estate = estateOf([konnect, twin]);
    const page = renderEstateSummaryHtml(estate);
    expect(page).toContain('<h2 id="warnings">1 warning(s)</h2>');
    expect(page).toContain("&lt;g&gt;: control plane group(s) listed without any of the control planes");
    expect(page).toContain("read from Konnect (entity counts only)");
  });

  it("the report page's Admin API section: a DB-less node, facts it did not say", () => {
    const html = String(
      renderAdminApi({
        url: "https://kong:8001",
        kong_version: null,
        node_id: null,
        database: "off",
        role: null,
        status: "HTTP 503",
        dev_portal: null,
        workspaces: [],
      }),
    );
    expect(html).toContain("<dt>Database</dt><dd>off (DB-less)</dd>");
    expect(html).toContain("<dt>Dev Portal</dt><dd>—</dd>");
    expect(html).not.toContain("<table");
    expect(renderAdminApi(undefined)).toBeUndefined();
  });
});
