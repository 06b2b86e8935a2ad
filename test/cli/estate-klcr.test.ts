import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EstateDocument } from "#lib/estate/types.ts";
import { type FakeServer, startFakeKongAdminApi } from "../../local/kong-admin-api.ts";
import {
  DISCRETE_RULES,
  DR_REPORT,
  DR_REPORT_BYTES,
  DR_TOKEN,
  drNode,
  ESTATE_DISCRETE,
  ESTATE_SERVICES,
  KONNECT_TOKEN,
  konnectOrganisation,
  PROD_REPORT,
  PROD_REPORT_BYTES,
  PROD_TOKEN,
  prodNode,
} from "../../local/kong-api-sample.ts";
import { startFakeKonnect } from "../../local/konnect-api.ts";
import { makeTestCertificates, type TestCertificates } from "../../local/test-certificates.ts";
import { runCliCapturing } from "../helpers/run-cli.ts";
import { untar } from "../helpers/untar.ts";

// A KLCR envs.json, unchanged (two Kong Enterprise environments through their Admin API, one Konnect
// organisation), run by `estate` against the fakes: the estate, verify, Kong's bytes kept, klcr.json,
// the group counted once; then one wrong token: exit 7, named, and no token anywhere in the outputs.

let folder: string;
let certificates: TestCertificates;
const servers: FakeServer[] = [];
let klcrFile: string;
let klcrEntries: Array<Record<string, string>>;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "klr-klcr-"));
  certificates = makeTestCertificates();
  const prod = await startFakeKongAdminApi(prodNode());
  const dr = await startFakeKongAdminApi(drNode());
  const konnect = await startFakeKonnect(konnectOrganisation());
  servers.push(prod, dr, konnect);
  klcrEntries = [
    { environment: "prod", admin_api: prod.url, admin_token: PROD_TOKEN, deployment: "enterprise" },
    { environment: "dr", admin_api: dr.url, admin_token: DR_TOKEN, deployment: "enterprise" },
    { environment: "konnect-us", admin_api: konnect.url, admin_token: KONNECT_TOKEN, deployment: "konnect" },
  ];
  klcrFile = join(folder, "envs.json");
  await writeFile(klcrFile, JSON.stringify({ environments: klcrEntries, discrete: DISCRETE_RULES }, null, 2));
});

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  await rm(folder, { recursive: true, force: true });
  await rm(certificates.folder, { recursive: true, force: true });
});

describe("estate over a KLCR envs.json, unchanged", () => {
  it("writes the estate (exit 0) with Kong's bytes as each Admin API environment's response.json; verify OK", async () => {
    // Act
    const out = join(folder, "estate.tar");
    const run = await runCliCapturing({}, [
      "estate",
      "--environments",
      klcrFile,
      "--format",
      "tar",
      "--out",
      out,
    ]);

    // Assess
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(
      `3 of 3 environment(s) reported, ${ESTATE_SERVICES} services, ${ESTATE_DISCRETE} discrete across environments`,
    );
    const files = await untar(await readFile(out));
    expect([...files.keys()]).toEqual([
      "estate.json",
      "environments/prod/response.json",
      "environments/dr/response.json",
      "summary.html",
      "estate.csv",
      "manifest.json",
    ]);
    // Byte for byte what each fake served (cmp).
    expect(files.get("environments/prod/response.json")?.equals(PROD_REPORT_BYTES)).toBe(true);
    expect(files.get("environments/dr/response.json")?.equals(DR_REPORT_BYTES)).toBe(true);
    const estate = JSON.parse(String(files.get("estate.json"))) as EstateDocument;
    expect(estate.environments.map((entry) => [entry.environment, entry.status, entry.source])).toEqual([
      ["prod", "ok", "admin_api"],
      ["dr", "ok", "admin_api"],
      ["konnect-us", "ok", "konnect"],
    ]);
    expect(estate.environments[2]).toMatchObject({
      entity_counts_only: true,
      services_count: 6,
      discrete_services: 5,
    });
    // Totals: the reports' counts, Konnect's 6 services (not the group's 5 again); one request window.
    expect(estate.totals).toMatchObject({
      environments: 3,
      environments_reported: 3,
      environments_entity_counts_only: 1,
      services_count: (PROD_REPORT.services_count as number) + (DR_REPORT.services_count as number) + 6,
      routes_count: 14,
      discrete_services: ESTATE_DISCRETE,
      counters: { total_requests: 4600 },
    });
    expect(String(files.get("summary.html"))).toContain("Entity counts only");

    const verified = await runCliCapturing({}, ["verify", out]);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toBe(
      [
        `OK ${out}: estate digest ${estate.digest} matches its content.`,
        `  prod: OK checksum ${PROD_REPORT.checksum as string}`,
        `  dr: OK checksum ${DR_REPORT.checksum as string}`,
        "  konnect-us: entity counts only (Konnect serves no license report), covered by the digest",
        `OK ${out}: manifest.json (digest ${(JSON.parse(String(files.get("manifest.json"))) as { digest: string }).digest}) covers all 5 files of the tar (estate.json, environments/prod/response.json, environments/dr/response.json, summary.html, estate.csv): each one's size and SHA-256 match.`,
        "",
      ].join("\n"),
    );
  });

  it("writes klcr.json in KLCR 2.3.1's shape, the group listed once and not added", async () => {
    const out = join(folder, "klcr.json");
    const run = await runCliCapturing({}, [
      "estate",
      "--environments",
      klcrFile,
      "--format",
      "klcr",
      "--out",
      out,
    ]);
    expect(run.code).toBe(0);
    const text = await readFile(out, "utf8");
    expect(text.split("\n")).toHaveLength(2); // one line, as KLCR writes it
    const [prod, dr, konnect] = klcrEntries as [
      Record<string, string>,
      Record<string, string>,
      Record<string, string>,
    ];
    expect(JSON.parse(text)).toEqual({
      klcr_version: "2.3.1",
      discrete: DISCRETE_RULES,
      kong_environments: 3,
      kong: [
        {
          environment: "prod",
          deployment: "enterprise",
          version: "3.9.1.0",
          admin_api: prod.admin_api,
          status: "Healthy",
          dev_portal: "Disabled",
          workspaces: [
            { workspace: "default", gateway_services: 5, discrete_services: 4 },
            { workspace: "empty", gateway_services: 0, discrete_services: 0 },
            { workspace: "team-a", gateway_services: 3, discrete_services: 3 },
          ],
          gateway_services: 8,
          discrete_services: 5,
        },
        {
          environment: "dr",
          deployment: "enterprise",
          version: "3.10.0.1",
          admin_api: dr.admin_api,
          status: "Healthy",
          dev_portal: "Disabled",
          workspaces: [{ workspace: "default", gateway_services: 2, discrete_services: 2 }],
          gateway_services: 2,
          discrete_services: 2,
        },
        {
          environment: "konnect-us",
          deployment: "konnect",
          admin_api: konnect.admin_api,
          control_planes: [
            {
              control_plane: "all-teams",
              control_plane_id: "cp-0003-group",
              control_plane_type: "CLUSTER_TYPE_CONTROL_PLANE_GROUP",
              gateway_services: 5,
              discrete_services: 4,
              counted_in_totals: false,
            },
            {
              control_plane: "k8s-east",
              control_plane_id: "cp-0004-kic",
              control_plane_type: "CLUSTER_TYPE_K8S_INGRESS_CONTROLLER",
              gateway_services: 1,
              discrete_services: 1,
            },
            {
              control_plane: "orders",
              control_plane_id: "cp-0002-orders",
              control_plane_type: "CLUSTER_TYPE_CONTROL_PLANE",
              gateway_services: 2,
              discrete_services: 2,
            },
            {
              control_plane: "payments",
              control_plane_id: "cp-0001-payments",
              control_plane_type: "CLUSTER_TYPE_CONTROL_PLANE",
              gateway_services: 3,
              discrete_services: 2,
            },
          ],
          gateway_services: 6,
          discrete_services: 5,
        },
      ],
      total_gateway_services: ESTATE_SERVICES,
      total_discrete_services: ESTATE_DISCRETE,
      generated_by: "kong-license-report 0.1.0",
    });
  });

  it("one wrong token: exit 7, the cause named, the others kept, no token anywhere in the outputs", async () => {
    const wrong = "kong-admin-token-dr-WRONG-31415";
    const envs = join(folder, "envs-wrong.json");
    await writeFile(
      envs,
      JSON.stringify({
        environments: klcrEntries.map((entry) =>
          entry.environment === "dr" ? { ...entry, admin_token: wrong } : entry,
        ),
        discrete: DISCRETE_RULES,
      }),
    );
    const out = join(folder, "estate-wrong.tar");

    const run = await runCliCapturing({}, [
      "estate",
      "--environments",
      envs,
      "--format",
      "tar",
      "--out",
      out,
    ]);

    expect(run.code).toBe(7);
    const dr = klcrEntries[1]?.admin_api as string;
    expect(run.stderr).toContain(`  dr: FAILED (`);
    expect(run.stderr).toContain(
      `: Kong's Admin API at ${dr} (GET /license/report): HTTP 401, the token was refused (missing, wrong or expired) ("Invalid credentials. Token or User credentials required").\n`,
    );
    expect(run.stderr).toContain("1 environment(s) could not be read and count in no total: dr (exit 7).");
    const files = await untar(await readFile(out));
    const estate = JSON.parse(String(files.get("estate.json"))) as EstateDocument;
    expect(estate.totals.services_count).toBe(ESTATE_SERVICES - 2);
    const outputs = [run.stdout, run.stderr, ...[...files.values()].map(String)].join("\n");
    for (const token of [wrong, PROD_TOKEN, DR_TOKEN, KONNECT_TOKEN]) expect(outputs).not.toContain(token);
  });

  it("reads an Admin API over TLS with the entry's ca_file, or insecure (KLCR's -k); fails TLS without either", async () => {
    const tls = { key: certificates.key, cert: certificates.cert };
    const secured = await startFakeKongAdminApi(prodNode(), tls);
    servers.push(secured);
    const envs = join(folder, "envs-tls.json");
    const entry = { admin_api: secured.url, admin_token: PROD_TOKEN };
    await writeFile(
      envs,
      JSON.stringify({
        environments: [
          { environment: "with-ca", ...entry, ca_file: certificates.caFile },
          { environment: "insecure", ...entry, insecure: true },
          { environment: "untrusted", ...entry },
        ],
      }),
    );

    const run = await runCliCapturing({}, [
      "estate",
      "--environments",
      envs,
      "--out",
      join(folder, "tls.json"),
    ]);

    expect(run.code).toBe(7);
    const estate = JSON.parse(await readFile(join(folder, "tls.json"), "utf8")) as EstateDocument;
    expect(estate.environments.map((item) => [item.environment, item.status])).toEqual([
      ["with-ca", "ok"],
      ["insecure", "ok"],
      ["untrusted", "failed"],
    ]);
    expect(estate.environments[2]).toMatchObject({
      error: `Kong's Admin API at ${secured.url} (GET /license/report): TLS failed, the server's certificate is not trusted (UNABLE_TO_VERIFY_LEAF_SIGNATURE): give the CA that signed it (--ca-file, or ca_file in the environments file), or, knowingly, --insecure.`,
    });
    // The same node listed three times: the estate says so.
    expect(estate.warnings).toEqual([
      {
        kind: "same-database",
        environments: ["with-ca", "insecure"],
        message:
          '"with-ca", "insecure" are the same Kong data under 2 names (the same Kong node (node_id 8d0c3a2e-prod-4c1b-9a77-000000000001)): every total counts it 2 times. Keep one entry for it.',
      },
    ]);
    // On the terminal too: a doubled total must not pass unnoticed by whoever runs the command.
    expect(run.stderr).toContain(
      'warning: "with-ca", "insecure" are the same Kong data under 2 names (the same Kong node (node_id 8d0c3a2e-prod-4c1b-9a77-000000000001)): every total counts it 2 times. Keep one entry for it.\n',
    );
  });
});
