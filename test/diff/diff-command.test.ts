import { buffer } from "node:stream/consumers";
import { describe, expect, it } from "vitest";
import { runDiffCommand } from "#lib/cli/diff-command.ts";
import type { ReportDiff } from "#lib/diff/diff-reports.ts";
import { buildReportFiles, openReportStream } from "#lib/output/report-files.ts";
import type { CollectedReport } from "#lib/report/types.ts";
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
