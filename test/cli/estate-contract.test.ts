import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computeEstateDigest } from "#lib/estate/estate-digest.ts";
import type { EstateDocument } from "#lib/estate/types.ts";
import { runCliCapturing } from "../helpers/run-cli.ts";

let folder: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "klr-estate-contract-"));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe("estate --contract", () => {
  it("holds the estate's totals against the contract, discrete services across environments, and exits 8 on --fail-on over", async () => {
    // Prepare: two environments on the demo database: 21 services each, the same 16 discrete keys.
    const envs = join(folder, "envs.json");
    await writeFile(
      envs,
      JSON.stringify({
        environments: [
          { environment: "eu", demo: true },
          { environment: "us", demo: true },
        ],
      }),
    );
    const contract = join(folder, "contract.json");
    await writeFile(
      contract,
      JSON.stringify({
        name: "GROUP-2026",
        limits: { gateway_services: 40, discrete_services: 20, api_requests_per_month: 1_000_000_000_000 },
      }),
    );

    // Act
    const run = await runCliCapturing({}, [
      "estate",
      "--environments",
      envs,
      "--contract",
      contract,
      "--fail-on",
      "over",
      "--concurrency",
      "1",
    ]);

    // Assess
    expect(run.code).toBe(8);
    const estate = JSON.parse(run.stdout) as EstateDocument;
    const month = estate.totals.counters?.buckets.find((b) => b.bucket === estate.as_of)?.request_count ?? 0;
    expect(estate.usage?.units).toStrictEqual({
      gateway_services: 42, // 21 + 21
      discrete_services: 16, // the same 16 keys in both: counted once across environments
      api_requests_month: month, // the totals' as-of bucket
      api_requests_term: null, // no term
      ai_model_hours_month: null, // summed from details: not collected without --include-details
    });
    expect(estate.usage?.contract?.lines.map((line) => [line.unit, line.status])).toStrictEqual([
      ["gateway_services", "over"], // 42 > 40
      ["discrete_services", "warn"], // 16 × 100 ≥ 80 × 20
      ["api_requests_per_month", "ok"],
    ]);
    // The digest covers the usage too.
    const { digest, ...unsigned } = estate;
    expect(computeEstateDigest(unsigned as unknown as Record<string, unknown>)).toBe(digest);
    expect(run.stderr).toContain("  OVER    gateway_services: 42 of 40 (105.0 %)\n");
    expect(run.stderr).toContain("1 contract line(s) at over: gateway_services (--fail-on over, exit 8).\n");
  });
});
