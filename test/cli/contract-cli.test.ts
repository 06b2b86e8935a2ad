import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Usage } from "#lib/report/usage-types.ts";
import { runCliCapturing } from "../helpers/run-cli.ts";

// The demo database (lib/demo/seed.sql): 21 services, 16 discrete services. The limits below put
// one line at each status: 21 of 100 (21 %) ok, 16 of 20 (80 %) warn, 21 of 20 over.
const CONTRACT = {
  name: "DEMO-2026",
  limits: { discrete_services: 20, gateway_services: 20 },
  warn_at_percent: 80,
};

let folder: string;
const file = (name: string) => join(folder, name);
const writeContract = async (name: string, contract: unknown) => {
  await writeFile(file(name), typeof contract === "string" ? contract : JSON.stringify(contract));
  return file(name);
};

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "klr-contract-"));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe("generate --contract and --fail-on", () => {
  it("holds the usage against the contract, says each line on stderr and exits 0 without --fail-on", async () => {
    const contract = await writeContract("ok.json", {
      ...CONTRACT,
      limits: { gateway_services: 100, discrete_services: 20 },
    });
    const run = await runCliCapturing({}, [
      "generate",
      "--demo",
      "--include-details",
      "--contract",
      contract,
    ]);
    expect(run.code).toBe(0);
    const usage = (JSON.parse(run.stdout) as { details: { usage: Usage } }).details.usage;
    expect(usage.contract?.lines).toStrictEqual([
      { unit: "gateway_services", limit: 100, used: 21, percent: 21, status: "ok" },
      { unit: "discrete_services", limit: 20, used: 16, percent: 80, status: "warn" }, // 1600 ≥ 80 × 20
    ]);
    expect(run.stderr).toContain("Contract DEMO-2026, as of ");
    expect(run.stderr).toContain("  OK      gateway_services: 21 of 100 (21.0 %)\n");
    expect(run.stderr).toContain("  WARN    discrete_services: 16 of 20 (80.0 %)\n");
  });

  it("exits 8 with --fail-on over when a line is over, after writing the report", async () => {
    const contract = await writeContract("over.json", CONTRACT);
    const out = file("over.tar");
    const run = await runCliCapturing({}, [
      "generate",
      "--demo",
      "--format",
      "tar",
      "--out",
      out,
      "--contract",
      contract,
      "--fail-on",
      "over",
    ]);
    expect(run.code).toBe(8);
    expect(run.stderr).toContain("  OVER    gateway_services: 21 of 20 (105.0 %)\n");
    expect(run.stderr).toContain("1 contract line(s) at over: gateway_services (--fail-on over, exit 8).\n");
    expect((await readFile(out)).byteLength).toBeGreaterThan(0);
  });

  it("exits 8 with --fail-on warn on a warn line, and 0 with --fail-on over when no line is over", async () => {
    const contract = await writeContract("warn.json", { ...CONTRACT, limits: { discrete_services: 20 } });
    const base = ["generate", "--demo", "--include-details", "--contract", contract];
    expect((await runCliCapturing({}, [...base, "--fail-on", "warn"])).code).toBe(8);
    expect((await runCliCapturing({}, [...base, "--fail-on", "over"])).code).toBe(0);
  });

  it.each([
    [
      { ...CONTRACT, limits: { gateway_services: -5 } },
      '--contract: "limits.gateway_services" must be a whole number of at least 1 (got -5).',
    ],
    [
      { ...CONTRACT, limit: {} },
      '--contract: unknown key "limit"; allowed: name, term, limits, warn_at_percent.',
    ],
    [
      { ...CONTRACT, term: { start: "2026-12", end: "2026-01" } },
      '--contract: "term.end" (2026-01) is before "term.start" (2026-12).',
    ],
  ])(
    "refuses a bad contract file with exit 2 naming the key, before reading any database",
    async (bad, message) => {
      const contract = await writeContract("bad.json", bad);
      const run = await runCliCapturing({}, [
        "generate",
        "--demo",
        "--include-details",
        "--contract",
        contract,
      ]);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe("");
      expect(run.stderr).toContain(message);
      expect(run.stderr).not.toContain("Reading the embedded demo database");
    },
  );

  it.each([
    [["--fail-on", "over"], "--fail-on needs --contract FILE"],
    [["--contract", "x.json"], "--contract needs the details, where the usage and its contract lines go"],
    [
      ["--format", "tar", "--contract", "x.json", "--no-details"],
      "--contract and --no-details exclude each other",
    ],
    [["--include-details", "--contract", "x.json", "--fail-on", "never"], 'Invalid --fail-on "never"'],
    [["--include-details", "--tag-prefix", "team\u0007"], "Invalid --tag-prefix: expected 1 to 64 printable"],
  ])("refuses %j with exit 2", async (args, message) => {
    const run = await runCliCapturing({}, ["generate", "--demo", ...args]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });

  it("counts by another tag prefix, from --tag-prefix or REPORT_TAG_PREFIX", async () => {
    // The demo's services carry tags without a prefix (catalog, pci, corp, …): with the prefix "pc",
    // the value "i" holds pci's five services (payments-api, refunds-api, ledger, card-vault, payouts).
    const run = await runCliCapturing({ REPORT_TAG_PREFIX: "pc" }, [
      "generate",
      "--demo",
      "--include-details",
    ]);
    const rows = (
      JSON.parse(run.stdout) as { details: { usage_by_tag: { prefix: string; rows: unknown[] } } }
    ).details.usage_by_tag;
    expect(rows.prefix).toBe("pc");
    expect(rows.rows[0]).toMatchObject({ tag: "i", services: 5 });
  });
});
