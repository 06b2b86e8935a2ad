import { buffer } from "node:stream/consumers";
import { describe, expect, it } from "vitest";
import { runDiffCommand } from "#lib/cli/diff-command.ts";
import { buildReportFiles, openReportStream } from "#lib/output/report-files.ts";
import type { CollectedReport, ReportDiff } from "#lib/report/types.ts";
import { sampleApril, sampleMarch, signReport } from "../helpers/sample-report.ts";

type Files = Record<string, string | Uint8Array>;

async function runDiff(args: string[], files: Files) {
  let stdout = "";
  let stderr = "";
  const code = await runDiffCommand(args, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    readFile: async (path) => {
      const content = files[path];
      if (content === undefined) {
        throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), {
          code: "ENOENT",
        });
      }
      return content;
    },
  });
  return { code, stdout, stderr };
}

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;
/** The JSON format with `include=details`: Kong's report plus a `details` key. */
const withDetails = (collected: CollectedReport): string =>
  json({ ...collected.report, details: collected.details });

async function tarOf(collected: CollectedReport): Promise<Buffer> {
  const files = buildReportFiles(collected, { format: "tar" });
  return buffer(openReportStream(files, "tar", new Date(collected.report.timestamp * 1000)));
}

const reports: Files = {
  "march.json": json(sampleMarch().report),
  "april.json": json(sampleApril().report),
};

describe("kong-license-report diff", () => {
  it("compares two reports a month apart as JSON: counts, tiers, plugins, months", async () => {
    const { code, stdout, stderr } = await runDiff(["--json", "march.json", "april.json"], reports);
    expect([code, stderr]).toEqual([0, ""]);
    const diff = JSON.parse(stdout) as ReportDiff;
    expect(diff.old).toMatchObject({ source: "march.json", as_of: "2025-03", verified: true });
    expect(diff.new).toMatchObject({ source: "april.json", as_of: "2025-04", verified: true });
    expect(diff.counts).toEqual(
      expect.arrayContaining([
        { name: "services_count", old: 12, new: 15, change: 3 },
        { name: "routes_count", old: 30, new: 34, change: 4 },
        { name: "consumers_count", old: 7, new: 9, change: 2 },
        { name: "workspaces_count", old: 3, new: 3, change: 0 },
        { name: "unique_route_lambdas", old: 1, new: 2, change: 1 },
      ]),
    );
    expect(diff.tiers).toEqual([
      { name: "free", old: 12, new: 11, change: -1 },
      { name: "enterprise", old: 5, new: 6, change: 1 },
      { name: "custom", old: 1, new: 1, change: 0 },
    ]);
    expect(diff.plugins).toEqual({
      added: [{ name: "canary", tier: "enterprise", count: 1 }],
      removed: [{ name: "cors", tier: "free", count: 2 }],
      changed: [{ name: "rate-limiting", old_tier: "free", new_tier: "free", old: 6, new: 7, change: 1 }],
    });
    const months = diff.requests.map((r) => r.name);
    expect(months[0]).toBe("2024-04");
    expect(months.slice(-3)).toEqual(["2025-04", "UNKNOWN", "total_requests"]);
    expect(diff.requests[0]).toEqual({ name: "2024-04", old: 120_000, new: null, change: null });
    expect(diff.requests.find((r) => r.name === "2025-04")).toEqual({
      name: "2025-04",
      old: null,
      new: 601_000,
      change: null,
    });
    expect(diff.requests.find((r) => r.name === "total_requests")?.change).toBe(601_000 - 120_000);
    expect(diff.workspaces).toBeUndefined();
  });

  it("prints the same changes as aligned text", async () => {
    const { code, stdout } = await runDiff(["march.json", "april.json"], reports);
    expect(code).toBe(0);
    const lines = stdout.split("\n");
    expect(lines[0]).toBe("Report changes");
    expect(lines[1]).toMatch(
      /^ {2}old march\.json: 2025-04-01 00:00 UTC · as of 2025-03 · Kong 3\.13\.x · checksum [0-9a-f]{40} \(verified\)$/,
    );
    expect(lines).toContain("  services_count                     12             15           +3");
    expect(lines).toContain("  + new plugin canary (enterprise): 1");
    expect(lines).toContain("  - removed plugin cors (free): was 2");
    expect(lines).toContain("  ~ rate-limiting (free): 6 → 7 (+1)");
    expect(lines).toContain("  2024-04                       120,000              —");
    expect(lines).toContain("  2025-04                             —        601,000");
    expect(lines).toContain("  UNKNOWN                         4,321          4,321            0");
  });

  it("shows workspace changes when both files carry details (JSON with details, or tars)", async () => {
    const files: Files = {
      "march.json": withDetails(sampleMarch()),
      "april.json": withDetails(sampleApril()),
      "march.tar": await tarOf(sampleMarch()),
      "april.tar": (await tarOf(sampleApril())).toString("utf8"),
    };
    for (const [a, b] of [
      ["march.json", "april.json"],
      ["march.tar", "april.tar"],
    ] as const) {
      const { code, stdout, stderr } = await runDiff(["--json", a, b], files);
      expect([code, stderr]).toEqual([0, ""]);
      const diff = JSON.parse(stdout) as ReportDiff;
      expect(diff.workspaces?.added).toEqual([{ name: "search", services: 5, routes: 14, consumers: 4 }]);
      expect(diff.workspaces?.removed).toEqual([{ name: "payments", services: 4, routes: 10, consumers: 2 }]);
      expect(diff.workspaces?.changed).toEqual([
        { workspace: "default", name: "services", old: 8, new: 10, change: 2 },
      ]);
      expect(diff.counts).toContainEqual({ name: "discrete_services", old: 8, new: 11, change: 3 });
    }
    const text = await runDiff(["march.tar", "april.tar"], files);
    expect(text.stdout).toContain("  + search: 5 services, 14 routes, 4 consumers");
    expect(text.stdout).toContain("  ~ default: services 8 → 10 (+2)");
  });

  it("rejects a file whose checksum does not verify, unless --no-verify", async () => {
    const edited = { ...sampleApril().report, services_count: 1 };
    const files: Files = { ...reports, "edited.json": json(edited) };
    const rejected = await runDiff(["march.json", "edited.json"], files);
    expect(rejected.code).toBe(1);
    expect(rejected.stdout).toBe("");
    expect(rejected.stderr).toMatch(
      /^edited\.json: checksum [0-9a-f]{40} does not match its content \(SHA-1 [0-9a-f]{40}\); the report was changed after it was generated\. Use --no-verify to compare anyway\.\n$/,
    );
    const forced = await runDiff(["--no-verify", "--json", "march.json", "edited.json"], files);
    expect(forced.code).toBe(0);
    const diff = JSON.parse(forced.stdout) as ReportDiff;
    expect(diff.new.verified).toBeNull();
    expect(diff.counts).toContainEqual({ name: "services_count", old: 12, new: 1, change: -11 });
  });

  it("rejects a report without a checksum unless --no-verify", async () => {
    const { checksum: _c, ...unsigned } = sampleMarch().report;
    const files: Files = { ...reports, "unsigned.json": json(unsigned) };
    const rejected = await runDiff(["unsigned.json", "april.json"], files);
    expect(rejected).toMatchObject({ code: 1, stdout: "" });
    expect(rejected.stderr).toBe(
      "unsigned.json has no checksum, so it cannot be verified. Use --no-verify to compare anyway.\n",
    );
    expect((await runDiff(["--no-verify", "unsigned.json", "april.json"], files)).code).toBe(0);
  });

  it("names a bad option in one line and exits 2", async () => {
    const { code, stdout, stderr } = await runDiff(["--jsn", "march.json", "april.json"], reports);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toContain("--jsn");
  });

  it("exits 2 on a wrong number of files, a missing file, invalid JSON or a non-report", async () => {
    const files: Files = { ...reports, "broken.json": "{", "other.json": json({ hello: "world" }) };
    expect(await runDiff(["march.json"], files)).toMatchObject({ code: 2 });
    expect(await runDiff(["march.json", "missing.json"], files)).toEqual({
      code: 2,
      stdout: "",
      stderr: "Cannot read missing.json: no such file.\n",
    });
    const broken = await runDiff(["march.json", "broken.json"], files);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/^broken\.json is not valid JSON \(/);
    const other = await runDiff(["march.json", "other.json"], files);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/^other\.json is not a license report/);
  });

  it("prints help", async () => {
    const { code, stdout } = await runDiff(["--help"], {});
    expect(code).toBe(0);
    expect(stdout).toContain("Usage: kong-license-report diff [--json] [--no-verify] OLD NEW");
  });

  it("reads Kong 2.7–3.4 reports: counters as an array, plugins without tiers", async () => {
    const legacy = (buckets: Array<[string, number]>, plugins: Record<string, number>) => {
      const { checksum: _c, counters: _k, plugins_count: _p, ...rest } = sampleMarch().report;
      const unsigned = {
        ...rest,
        counters: buckets.map(([bucket, request_count]) => ({ bucket, request_count })),
        plugins_count: plugins,
      };
      return signReport(unsigned as never);
    };
    const files: Files = {
      "a.json": json(
        legacy(
          [
            ["2022-1", 5],
            ["UNKNOWN", 2],
            ["2021-12", 4],
          ],
          { "key-auth": 2, acl: 1 },
        ),
      ),
      "b.json": json(
        legacy(
          [
            ["2022-2", 9],
            ["2022-1", 6],
          ],
          { "key-auth": 3 },
        ),
      ),
    };
    const { code, stdout } = await runDiff(["--json", "a.json", "b.json"], files);
    expect(code).toBe(0);
    const diff = JSON.parse(stdout) as ReportDiff;
    expect(diff.requests.map((r) => [r.name, r.old, r.new])).toEqual([
      ["2021-12", 4, null],
      ["2022-1", 5, 6],
      ["2022-2", null, 9],
      ["UNKNOWN", 2, null],
    ]);
    expect(diff.tiers).toEqual([{ name: "untiered", old: 3, new: 3, change: 0 }]);
    expect(diff.plugins.removed).toEqual([{ name: "acl", tier: "untiered", count: 1 }]);
  });
});

/** March's report with some keys replaced (undefined removes a key), signed again. */
function marchWith(changes: Record<string, unknown>): string {
  const { checksum: _c, ...unsigned } = sampleMarch().report as unknown as Record<string, unknown>;
  const edited: Record<string, unknown> = { ...unsigned, ...changes };
  for (const [key, value] of Object.entries(changes)) if (value === undefined) delete edited[key];
  return json(signReport(edited as never));
}

describe("kong-license-report diff: what differs between reports", () => {
  it("says nothing changed when a report is compared with itself", async () => {
    const files: Files = { "march.tar": await tarOf(sampleMarch()) };
    const { code, stdout, stderr } = await runDiff(["march.tar", "march.tar"], files);
    expect([code, stderr]).toEqual([0, ""]);
    const lines = stdout.split("\n");
    expect(lines).toContain("  services_count                     12             12            0");
    expect(lines).toContain("  discrete_services                   8              8            0");
    expect(lines).toContain("  free                               12             12            0");
    expect(lines).toContain("  No plugin was added, removed or changed.");
    expect(stdout).toContain("\nWorkspaces\n  No workspace changed.\n");
    // Kong version, database, deployment and licence are the same: no "Other changes" section.
    expect(stdout).not.toContain("Other changes");
    expect(stdout.endsWith("\n\n")).toBe(false);
  });

  it("shows a different cluster's version, database, deployment and licence (key masked) under Other changes", async () => {
    const files: Files = {
      ...reports,
      "other.json": marchWith({
        kong_version: "3.10.0.0",
        db_version: "postgres 15.2",
        deployment_info: { type: "traditional" },
        license: { license_key: "UNLICENSED", license_expiration_date: "2017-7-20" },
      }),
    };
    const asJson = await runDiff(["--json", "march.json", "other.json"], files);
    expect(asJson.code).toBe(0);
    const diff = JSON.parse(asJson.stdout) as ReportDiff;
    expect(diff.facts).toEqual([
      { name: "kong_version", old: "3.13.x", new: "3.10.0.0" },
      { name: "db_version", old: "postgres 16.4", new: "postgres 15.2" },
      { name: "deployment", old: "hybrid", new: "traditional" },
      { name: "license_expiration_date", old: "2026-01-31", new: "2017-7-20" },
      // Only the last six characters of a key are shown; UNLICENSED is not a secret.
      { name: "license_key", old: "…VASASD", new: "UNLICENSED" },
    ]);
    // A traditional node has no data planes: the count is absent on the new side, so no change.
    expect(diff.counts).toContainEqual({ name: "connected_dp_count", old: 3, new: null, change: null });
    expect(diff.new.kong_version).toBe("3.10.0.0");

    const text = await runDiff(["march.json", "other.json"], files);
    expect(text.stdout).not.toContain("ASDASD");
    expect(text.stdout).toContain("  connected_dp_count                  3              —\n");
    expect(
      text.stdout.endsWith(
        [
          "Other changes",
          "  kong_version: 3.13.x → 3.10.0.0",
          "  db_version: postgres 16.4 → postgres 15.2",
          "  deployment: hybrid → traditional",
          "  license_expiration_date: 2026-01-31 → 2017-7-20",
          "  license_key: …VASASD → UNLICENSED",
          "",
        ].join("\n"),
      ),
    ).toBe(true);
  });

  it("compares a Kong 3.4 report (no timestamp, checksum or plugins_count; key at the top) with --no-verify", async () => {
    // Era A′ (reference §2.5): counters is the bucket array, the licence key is a top-level string.
    const kong34 = {
      kong_version: "3.4.3.12",
      db_version: "postgres 13.4",
      system_info: { uname: "Linux x86_64", cores: 4 },
      license_key: "ASDASDASDASDASDASDASDASDASD_a1VASASD",
      counters: [{ bucket: "2025-03", request_count: 500_000 }],
      rbac_users: 2,
      workspaces_count: 3,
      services_count: 10,
      consumers_count: 7,
    };
    const files: Files = { "kong34.json": json(kong34), "march.json": reports["march.json"] as string };
    // Without a checksum it cannot be verified: refused, as any unsigned file.
    expect(await runDiff(["kong34.json", "march.json"], files)).toMatchObject({ code: 1 });
    const { code, stdout, stderr } = await runDiff(["--no-verify", "kong34.json", "march.json"], files);
    expect([code, stderr]).toEqual([0, ""]);
    const lines = stdout.split("\n");
    expect(lines[1]).toBe("  old kong34.json: no timestamp · Kong 3.4.3.12 · no checksum");
    expect(lines[2]).toMatch(
      /^ {2}new march\.json: 2025-04-01 00:00 UTC · as of 2025-03 · Kong 3\.13\.x · checksum [0-9a-f]{40} \(not verified\)$/,
    );
    expect(lines).toContain("  services_count                     10             12           +2");
    // 3.4 has no routes_count: no change can be computed.
    expect(lines).toContain("  routes_count                        —             30");
    expect(lines).toContain("  free                                0             12          +12");
    expect(lines).toContain("  + new plugin rate-limiting (free): 6");
    expect(lines).toContain("  2025-03                       500,000        512,345      +12,345");
    // The same key in both: no change shown; the new fields of 3.5 show as new.
    expect(stdout).not.toContain("license_key");
    expect(lines).toContain("  deployment: (absent) → hybrid");
    expect(lines).toContain("  license_expiration_date: (absent) → 2026-01-31");
    expect(lines).toContain("  db_version: postgres 13.4 → postgres 16.4");
  });

  it("shows a licence key change by its last six characters only", async () => {
    const files: Files = {
      ...reports,
      "rekeyed.json": marchWith({
        license: { license_key: "NEWKEYNEWKEYNEWKEY_b2WXYZAB", license_expiration_date: "2026-01-31" },
      }),
      "short.json": marchWith({ license: { license_key: "abc", license_expiration_date: "2026-01-31" } }),
    };
    const rekeyed = await runDiff(["march.json", "rekeyed.json"], files);
    expect(rekeyed.stdout).toContain("Other changes\n  license_key: …VASASD → …WXYZAB\n");
    expect(rekeyed.stdout).not.toMatch(/ASDASD|NEWKEY/);
    // A key of six characters or fewer shows none of them.
    const short = await runDiff(["march.json", "short.json"], files);
    expect(short.stdout).toContain("  license_key: …VASASD → …\n");
  });

  it("says when neither report has request counters (a hybrid node without telemetry)", async () => {
    const files: Files = {
      "a.json": marchWith({ counters: undefined }),
      "b.json": marchWith({ counters: undefined, services_count: 13 }),
    };
    const text = await runDiff(["a.json", "b.json"], files);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("\nRequests per month: neither report has request counters.\n");
    const diff = JSON.parse((await runDiff(["--json", "a.json", "b.json"], files)).stdout) as ReportDiff;
    expect(diff.requests).toEqual([]);
    expect(diff.counts).toContainEqual({ name: "services_count", old: 12, new: 13, change: 1 });
  });

  it("follows plugins across the upgrade to tiered reports: tier moves, additions sorted by tier then name", async () => {
    const files: Files = {
      "old.json": marchWith({ plugins_count: { "key-auth": 2, acl: 1, cors: 1, unique_route_lambdas: 0 } }),
      "new.json": marchWith({
        plugins_count: {
          tiers: {
            free: { "key-auth": 3, acl: 1 },
            enterprise: { canary: 1 },
            custom: { "my-plugin": 1, "aa-plugin": 2 },
          },
          unique_route_lambdas: 0,
          unique_route_kafkas: 0,
        },
      }),
    };
    const { code, stdout } = await runDiff(["--json", "old.json", "new.json"], files);
    expect(code).toBe(0);
    const diff = JSON.parse(stdout) as ReportDiff;
    // Kong's three tiers first, then the old report's untiered counts.
    expect(diff.tiers).toEqual([
      { name: "free", old: 0, new: 4, change: 4 },
      { name: "enterprise", old: 0, new: 1, change: 1 },
      { name: "custom", old: 0, new: 3, change: 3 },
      { name: "untiered", old: 4, new: 0, change: -4 },
    ]);
    expect(diff.plugins).toEqual({
      added: [
        { name: "canary", tier: "enterprise", count: 1 },
        { name: "aa-plugin", tier: "custom", count: 2 },
        { name: "my-plugin", tier: "custom", count: 1 },
      ],
      removed: [{ name: "cors", tier: "untiered", count: 1 }],
      changed: [
        { name: "acl", old_tier: "untiered", new_tier: "free", old: 1, new: 1, change: 0 },
        { name: "key-auth", old_tier: "untiered", new_tier: "free", old: 2, new: 3, change: 1 },
      ],
    });
    const text = await runDiff(["old.json", "new.json"], files);
    expect(text.stdout).toContain(
      [
        "  + new plugin canary (enterprise): 1",
        "  + new plugin aa-plugin (custom): 2",
        "  + new plugin my-plugin (custom): 1",
        "  - removed plugin cors (untiered): was 1",
        "  ~ acl (untiered → free): 1 → 1 (0)",
        "  ~ key-auth (untiered → free): 2 → 3 (+1)",
      ].join("\n"),
    );
  });

  it("lists each changed workspace field, a field only one side has without a change", async () => {
    const march = sampleMarch();
    const [defaultWs, ...others] = march.details.workspaces ?? [];
    const { discrete_services: _d, ...withoutDiscrete } = defaultWs as NonNullable<typeof defaultWs>;
    const older = { ...march, details: { ...march.details, workspaces: [withoutDiscrete, ...others] } };
    const newer = {
      ...march,
      details: {
        ...march.details,
        workspaces: [
          {
            ...withoutDiscrete,
            discrete_services: 6,
            routes: 22,
            consumers: 4,
            plugins: { ...withoutDiscrete.plugins, free: { ...withoutDiscrete.plugins.free, cors: 3 } },
          },
          ...others,
        ],
      },
    };
    const files: Files = { "a.json": withDetails(older), "b.json": withDetails(newer) };
    const { code, stdout } = await runDiff(["--json", "a.json", "b.json"], files);
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as ReportDiff).workspaces).toEqual({
      added: [],
      removed: [],
      changed: [
        { workspace: "default", name: "discrete_services", old: null, new: 6, change: null },
        { workspace: "default", name: "routes", old: 20, new: 22, change: 2 },
        { workspace: "default", name: "consumers", old: 5, new: 4, change: -1 },
        // 4 + 4 + 2 free and 3 enterprise plugins, then cors 2 → 3.
        { workspace: "default", name: "plugins", old: 13, new: 14, change: 1 },
      ],
    });
    const text = await runDiff(["a.json", "b.json"], files);
    expect(text.stdout).toContain(
      [
        // JSON reports' details: no manifest covers them, and the heading says so.
        "Workspaces (from details no checksum covers)",
        "  ~ default: discrete_services — → 6",
        "  ~ default: routes 20 → 22 (+2)",
        "  ~ default: consumers 5 → 4 (-1)",
        "  ~ default: plugins 13 → 14 (+1)",
      ].join("\n"),
    );
  });

  it("refuses a file that is JSON but not an object", async () => {
    const files: Files = { ...reports, "list.json": "[1, 2]\n" };
    expect(await runDiff(["march.json", "list.json"], files)).toEqual({
      code: 2,
      stdout: "",
      stderr: "list.json is not a license report: expected a JSON object.\n",
    });
  });
});
