// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${…} is the environments file's own syntax, not a forgotten template.
import { rmSync } from "node:fs";
import { createServer } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectFromAdminApi, readKongReport } from "#lib/collector/collect-admin-api.ts";
import { createKongApiPorts } from "#lib/compose/open-kong-api.ts";
import { ApiAccessError, UnverifiedReportError } from "#lib/errors.ts";
import { createAdminApiReader } from "#lib/kong-api/admin-api.ts";
import { type FakeKongNode, type FakeServer, startFakeKongAdminApi } from "../../local/kong-admin-api.ts";
import {
  DISCRETE_RULES,
  DR_KEYS,
  DR_REPORT,
  DR_REPORT_BYTES,
  DR_TOKEN,
  drNode,
  PROD_KEYS,
  PROD_REPORT,
  PROD_REPORT_BYTES,
  PROD_TOKEN,
  prodNode,
} from "../../local/kong-api-sample.ts";
import { encodeLikeCjson, signKongReport } from "../../local/kong-report-bytes.ts";
import { listen } from "../../local/listen.ts";
import { makeTestCertificates, type TestCertificates } from "../../local/test-certificates.ts";
import { closedPort } from "../helpers/closed-port.ts";

// Kong's Admin API as a source, against the fake (local/kong-admin-api.ts) serving reports built from
// Kong's rules: Kong's bytes kept, its checksum verified, every page followed, KLCR's key, the
// token sent as Kong-Admin-Token and never in a message, TLS with a CA file, --insecure, failures named.

async function rejectionOf(work: Promise<unknown>): Promise<Error> {
  try {
    await work;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the call to fail, but it succeeded");
}

const servers: FakeServer[] = [];
async function start(node: FakeKongNode, tls?: { key: string; cert: string }): Promise<FakeServer> {
  const server = await startFakeKongAdminApi(node, tls);
  servers.push(server);
  return server;
}

let certificates: TestCertificates;
beforeAll(() => {
  certificates = makeTestCertificates();
});
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  rmSync(certificates.folder, { recursive: true, force: true });
});

describe("collectFromAdminApi over the fake Admin API", () => {
  it("keeps Kong's bytes, verifies them, and lists every workspace's services page by page", async () => {
    // Prepare: prod, 3 workspaces, pages of 2 (the default workspace's 5 services take 3 pages).
    const server = await start(prodNode());
    const port = createAdminApiReader({ url: server.url, token: PROD_TOKEN });

    // Act
    const collected = await collectFromAdminApi(port, { rules: DISCRETE_RULES, includeList: true });

    // Assess: the report is the bytes Kong sent, and the same report parsed.
    expect(collected.response.equals(PROD_REPORT_BYTES)).toBe(true);
    expect(collected.report).toEqual(PROD_REPORT);
    expect(collected.discreteServices).toEqual(PROD_KEYS);
    expect(collected.nodeId).toBe("8d0c3a2e-prod-4c1b-9a77-000000000001");
    expect(collected.details.admin_api).toEqual({
      url: server.url,
      kong_version: "3.9.1.0",
      node_id: "8d0c3a2e-prod-4c1b-9a77-000000000001",
      database: "postgres",
      role: "control_plane",
      status: "Healthy",
      dev_portal: false,
      workspaces: [
        {
          name: "default",
          id: "0f6c1a4e-0000-4000-8000-000000000001",
          services: 5,
          discrete_services: 4,
          counts: { services: 5, routes: 9, consumers: 3, plugins: 7 },
        },
        { name: "empty", id: "0f6c1a4e-0000-4000-8000-000000000003", services: 0, discrete_services: 0 },
        {
          name: "team-a",
          id: "0f6c1a4e-0000-4000-8000-000000000002",
          services: 3,
          discrete_services: 3,
          counts: { services: 3, routes: 3, consumers: 1, plugins: 2 },
        },
      ],
    });
    expect(collected.details.collector).toMatchObject({ source: "admin-api" });
    expect(collected.details.discrete_services).toEqual({
      count: 5,
      rules: DISCRETE_RULES,
      list: PROD_KEYS,
    });
    expect(collected.details.omitted).toEqual([]);
    // Every page was asked for with Kong-Admin-Token, following `next` (5 services, 2 a page: 3 pages).
    const paths = server.requests.map((request) => request.path);
    expect(paths.filter((path) => path.startsWith("/default/services"))).toHaveLength(3);
    expect(paths.filter((path) => path.startsWith("/workspaces?"))).toHaveLength(2);
    expect(new Set(server.requests.map((request) => request.token))).toEqual(new Set([PROD_TOKEN]));
  });

  it("reads a DB-less node: no workspaces served, services at /services, no counters said plainly", async () => {
    const server = await start(drNode());
    const port = createAdminApiReader({ url: server.url, token: DR_TOKEN });

    const collected = await collectFromAdminApi(port, {});

    expect(collected.response.equals(DR_REPORT_BYTES)).toBe(true);
    expect(collected.report).toEqual(DR_REPORT);
    expect(collected.discreteServices).toEqual(DR_KEYS);
    expect(collected.details.admin_api?.workspaces).toEqual([
      { name: "default", services: 2, discrete_services: 2 },
    ]);
    expect(collected.details.omitted).toEqual([
      {
        key: "counters",
        reason:
          "a DB-less Kong node keeps no request counters: Kong's report has no counters there (not an error)",
      },
    ]);
    expect(collected.details.discrete_services).toEqual({ count: 2, rules: [] });
  });

  it("reads the report and the node only when details are not wanted", async () => {
    const server = await start(prodNode());
    const collected = await collectFromAdminApi(
      createAdminApiReader({ url: server.url, token: PROD_TOKEN }),
      {
        details: false,
      },
    );
    expect(collected.discreteServices).toEqual([]);
    expect(collected.details.admin_api?.workspaces).toEqual([]);
    expect(collected.details.discrete_services).toBeUndefined();
    expect(server.requests.map((request) => request.path)).toEqual(["/license/report", "/", "/status"]);
  });

  it("refuses a report whose checksum does not match its content, naming both, and one without a checksum", async () => {
    // Prepare: Kong's report with one count changed after signing.
    const edited = encodeLikeCjson({ ...PROD_REPORT, services_count: 80 });
    const server = await start({ ...prodNode(), report: edited });

    const error = await rejectionOf(
      collectFromAdminApi(createAdminApiReader({ url: server.url, token: PROD_TOKEN })),
    );

    expect(error).toBeInstanceOf(UnverifiedReportError);
    expect(error.message).toBe(
      `Kong's Admin API at ${server.url} answered a report whose checksum does not match its content (claims ${PROD_REPORT.checksum as string}, its content hashes to ${readChecksumOf({ ...PROD_REPORT, services_count: 80 })}): refused as edited, never passed on.`,
    );
    const { checksum: _none, ...unsigned } = PROD_REPORT;
    expect(() => readKongReport(encodeLikeCjson(unsigned), "Kong")).toThrow(
      "Kong answered a report without a checksum (Kong adds one from 3.5 on): it cannot be verified, so it is refused.",
    );
  });

  it("refuses what is not a report: not JSON, not an object, counts that are not numbers", () => {
    expect(() => readKongReport(Buffer.from("<html>"), "Kong")).toThrow(
      /^Kong answered GET \/license\/report with a body that is not valid JSON/,
    );
    expect(() => readKongReport(Buffer.from("[1]"), "Kong")).toThrow(
      "Kong answered GET /license/report with something that is not a report.",
    );
    expect(() =>
      readKongReport(encodeLikeCjson(signKongReport({ timestamp: 1, services_count: "8" })), "Kong"),
    ).toThrow("(services_count not whole numbers)");
    expect(() => readKongReport(encodeLikeCjson(signKongReport({ services_count: 8 })), "Kong")).toThrow(
      "(no timestamp)",
    );
  });

  it("warns when GET / and the report disagree on the version, and says a data plane keeps no counters", async () => {
    const { checksum: _c, counters: _counters, ...rest } = PROD_REPORT;
    const report = signKongReport({ ...rest, kong_version: "3.9.0.0" });
    const server = await start({ ...prodNode(), report: encodeLikeCjson(report), workspaces: [] });
    const collected = await collectFromAdminApi(createAdminApiReader({ url: server.url, token: PROD_TOKEN }));
    expect(collected.details.warnings).toEqual(["GET / says Kong 3.9.1.0 but the report says 3.9.0.0."]);
    expect(collected.details.omitted).toEqual([
      {
        key: "counters",
        reason:
          "Kong's report has no counters (a data plane, or a hybrid node with telemetry disabled, keeps none)",
      },
    ]);
  });
});

describe("Kong's Admin API: failures are named, never zero, never a token", () => {
  it("a wrong token: 401 with Kong's message, the token in no message", async () => {
    const server = await start(prodNode());
    const error = await rejectionOf(
      collectFromAdminApi(createAdminApiReader({ url: server.url, token: "wrong-token-0123456789" })),
    );
    expect(error).toBeInstanceOf(ApiAccessError);
    expect(error.message).toBe(
      `Kong's Admin API at ${server.url} (GET /license/report): HTTP 401, the token was refused (missing, wrong or expired) ("Invalid credentials. Token or User credentials required").`,
    );
    expect(server.requests[0]?.token).toBe("wrong-token-0123456789");
  });

  it("an RBAC denial: 403 names the path; a /meta the role may not read only leaves the counts out", async () => {
    const denied = await start({ ...prodNode(), forbidden: ["/team-a/services"] });
    const error = await rejectionOf(
      collectFromAdminApi(createAdminApiReader({ url: denied.url, token: PROD_TOKEN })),
    );
    expect(error.message).toBe(
      `Kong's Admin API at ${denied.url} (GET /team-a/services): HTTP 403, the token is valid but not allowed to read this (RBAC: give its role read access) ("you do not have permissions to read this resource").`,
    );
    const metaDenied = await start({ ...prodNode(), forbidden: ["/workspaces/default/meta"] });
    const collected = await collectFromAdminApi(
      createAdminApiReader({ url: metaDenied.url, token: PROD_TOKEN }),
    );
    expect(collected.details.admin_api?.workspaces[0]).toEqual({
      name: "default",
      id: "0f6c1a4e-0000-4000-8000-000000000001",
      services: 5,
      discrete_services: 4,
    });
  });

  it("an unreachable host: connection refused, named", async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const error = await rejectionOf(createAdminApiReader({ url, token: PROD_TOKEN }).readReport());
    expect(error).toBeInstanceOf(ApiAccessError);
    expect(error.message).toBe(
      `Kong's Admin API at ${url} (GET /license/report): unreachable, nothing listens there (connection refused) (ECONNREFUSED).`,
    );
  });

  it("TLS: an unknown CA fails naming the cause and the way out; the CA file or --insecure reads it", async () => {
    const server = await start(prodNode(), { key: certificates.key, cert: certificates.cert });
    const error = await rejectionOf(
      createAdminApiReader({ url: server.url, token: PROD_TOKEN }).readReport(),
    );
    expect(error.message).toBe(
      `Kong's Admin API at ${server.url} (GET /license/report): TLS failed, the server's certificate is not trusted (UNABLE_TO_VERIFY_LEAF_SIGNATURE): give the CA that signed it (--ca-file, or ca_file in the environments file), or, knowingly, --insecure.`,
    );
    const ports = createKongApiPorts();
    const verified = await ports.adminApi({
      kind: "admin-api",
      url: server.url,
      token: { kind: "literal", value: PROD_TOKEN },
      caFile: certificates.caFile,
    });
    expect((await verified.readReport()).equals(PROD_REPORT_BYTES)).toBe(true);
    const insecure = await ports.adminApi({
      kind: "admin-api",
      url: server.url,
      token: { kind: "literal", value: PROD_TOKEN },
      insecure: true,
    });
    expect((await insecure.readReport()).equals(PROD_REPORT_BYTES)).toBe(true);
    const wrongCa = await ports.adminApi({
      kind: "admin-api",
      url: server.url,
      token: { kind: "literal", value: PROD_TOKEN },
      caFile: `${certificates.folder}/server.pem`,
    });
    expect((await rejectionOf(wrongCa.readReport())).message).toContain(
      "the CA file given does not sign it, or the certificate names another host",
    );
    expect(
      (
        await rejectionOf(
          ports.adminApi({ kind: "admin-api", url: server.url, caFile: "/nonexistent/ca.pem" }),
        )
      ).message,
    ).toBe("Cannot read the CA file /nonexistent/ca.pem (ENOENT).");
    // The CLI resolves no SSM / Secrets Manager reference: it says where such a token is read.
    expect(
      (
        await rejectionOf(
          ports.adminApi({ kind: "admin-api", url: server.url, token: { kind: "ssm", name: "/kong/t" } }),
        )
      ).message,
    ).toBe(
      'admin_token {"ssm": "/kong/t"} is read by the estate functions on AWS; the CLI reads a token from the file or an ESTATE_SECRET_… variable ("admin_token": "${ESTATE_SECRET_…}").',
    );
    const resolved = createKongApiPorts({ readSecret: async () => PROD_TOKEN });
    const fromSecret = await resolved.konnect({
      kind: "konnect",
      url: `${server.url}/v2`,
      token: { kind: "secretsmanager", id: "konnect/pat" },
      caFile: certificates.caFile,
    });
    expect(fromSecret.description).toBe(`${server.url}/v2`);
  });

  it("never sends the token to another host, and refuses a redirect", async () => {
    const { workspaces: _none, ...noWorkspaces } = prodNode();
    const server = await start({ ...noWorkspaces, services: [] });
    const reader = createAdminApiReader({ url: server.url, token: PROD_TOKEN });
    // A `next` that points elsewhere is refused before any request.
    const { resolvePath } = await import("#lib/kong-api/http-client.ts");
    expect(() =>
      resolvePath(new URL(server.url), "https://attacker.example/steal", "Kong's Admin API"),
    ).toThrow(
      `Kong's Admin API at ${server.url} pointed to another address (https://attacker.example) for the next page; the token is never sent there.`,
    );
    expect(resolvePath(new URL("https://kong:8001/admin"), "/default/services?offset=x", "K").href).toBe(
      "https://kong:8001/admin/default/services?offset=x",
    );
    expect(
      resolvePath(
        new URL("https://us.api.konghq.com/v2"),
        "/control-planes/a/core-entities/services?offset=y",
        "K",
      ).href,
    ).toBe("https://us.api.konghq.com/v2/control-planes/a/core-entities/services?offset=y");
    expect(await reader.listServices(undefined)).toEqual([]);
    // A redirect is refused: following it would send Kong-Admin-Token wherever it points.
    const redirecting = createServer((_request, response) => {
      response.writeHead(302, { location: "https://elsewhere.example/license/report" });
      response.end();
    });
    const port = await listen(redirecting, "127.0.0.1");
    try {
      const url = `http://127.0.0.1:${port}`;
      const error = await rejectionOf(createAdminApiReader({ url, token: PROD_TOKEN }).readReport());
      expect(error.message).toBe(
        `Kong's Admin API at ${url} (GET /license/report): answered a redirect (HTTP 302); give the final address of Kong's Admin API: a token is never sent to a redirect.`,
      );
    } finally {
      redirecting.close();
    }
  });

  it("refuses an address with credentials, or not http(s)", () => {
    expect(() => createAdminApiReader({ url: "https://admin:secret@kong:8001" })).toThrow(
      "Kong's Admin API: the address holds credentials (user:password@); give the token as the token, never in the URL.",
    );
    expect(() => createAdminApiReader({ url: "ftp://kong" })).toThrow(
      "Kong's Admin API: the address must be http:// or https://, not ftp:.",
    );
  });
});

function readChecksumOf(content: Record<string, unknown>): string {
  const { checksum: _old, ...rest } = content;
  return signKongReport(rest).checksum as string;
}
