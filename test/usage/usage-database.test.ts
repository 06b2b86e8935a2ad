import { afterAll, beforeAll, expect, it } from "vitest";
import { collectReport } from "#lib/collector/collect-report.ts";
import { probeSchema } from "#lib/report/probe-schema.ts";
import type { Contract } from "#lib/report/usage-types.ts";
import { readRequestsBetween } from "#lib/usage/read-term-requests.ts";
import {
  DATASETS,
  describeTargets,
  openTestDatabase,
  SCHEMAS,
  type TestDatabase,
} from "../helpers/kong-db.ts";

// Usage from databases that hold less than Kong 3.13's: the term's months read apart from the report
// (license_data by year and month), a Kong before 2.7 (no months), an open-source Kong (no counters).

const NOW = new Date("2026-01-20T10:00:00Z"); // reporting month 2026-01, window 2025-02..2026-01

const CONTRACT: Contract = {
  name: "ACME",
  term: { start: "2024-06", end: "2026-05" }, // starts before the window
  limits: { gateway_services: 10, api_requests_per_month: 1_000, api_requests_per_term: 10_000 },
  warn_at_percent: 80,
};

/** license_data rows of one node: [year, month, req_cnt]. */
const licenseDataRows = (rows: Array<[number, number, number | string]>) =>
  `INSERT INTO license_data (node_id, req_cnt, license_creation_date, year, month) VALUES ${rows
    .map(
      ([year, month, count]) =>
        `('a0de0000-0000-4000-8000-00000000000a', ${count}, '2024-01-01', ${year}, ${month})`,
    )
    .join(", ")};`;

describeTargets("usage from what the database holds (%s)", (target) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(target);
  });
  afterAll(async () => {
    await db?.close();
  });

  it("adds up license_data from the first month to the last, both included, across a new year", async () => {
    const sql = await db.createFixture(
      SCHEMAS.ee313,
      licenseDataRows([
        [2023, 12, 1_000_000], // a year before the start
        [2024, 1, 300_000], // the start's year, an earlier month
        [2024, 11, 1], // the month before the start
        [2024, 12, 10], // the start
        [2025, 1, 100],
        [2025, 2, 1_000], // the end
        [2025, 3, 20_000], // the month after the end
        [2026, 1, 200_000], // a later year, a month number below the end's
      ]),
    );
    const schema = await probeSchema(sql);
    const range = { start: { year: 2024, month: 12 }, end: { year: 2025, month: 2 } };

    // 10 + 100 + 1,000
    expect(await readRequestsBetween(sql, schema, range)).toBe(1_110);
    // A range with no rows counts 0, not nothing.
    expect(
      await readRequestsBetween(sql, schema, {
        start: { year: 2022, month: 1 },
        end: { year: 2022, month: 6 },
      }),
    ).toBe(0);
  });

  it("refuses a sum JavaScript cannot hold exactly, instead of rounding it", async () => {
    // Two months of 2^53 − 1 requests: 18,014,398,509,481,982 is past Number.MAX_SAFE_INTEGER.
    const sql = await db.createFixture(
      SCHEMAS.ee313,
      licenseDataRows([
        [2024, 6, "9007199254740991"],
        [2024, 7, "9007199254740991"],
      ]),
    );
    const schema = await probeSchema(sql);

    await expect(
      readRequestsBetween(sql, schema, { start: { year: 2024, month: 6 }, end: { year: 2024, month: 7 } }),
    ).rejects.toThrow(new RangeError("requests 18014398509481982 are not a safe integer"));
  });

  it("before Kong 2.7 (no months in license_data): reads nothing apart, and says the months are not counted", async () => {
    const sql = await db.createFixture(SCHEMAS.ee28, DATASETS.licenseDataPre27);
    const schema = await probeSchema(sql);

    expect(
      await readRequestsBetween(sql, schema, {
        start: { year: 2024, month: 6 },
        end: { year: 2025, month: 1 },
      }),
    ).toBeUndefined();
    const { details } = await collectReport(sql, { now: NOW, contract: CONTRACT, details: {} });
    // The term's months before the window (2024-06..2025-01) could not be read apart from the report.
    expect(details.usage?.notes).toContain(
      "The term starts before the report's 12-month window: its months 2024-06 to 2025-01 are not counted in api_requests_term.",
    );
  });

  it("open-source Kong: no requests measured, Kong's UNLICENSED payload, its unpadded date read", async () => {
    const sql = await db.createFixture(SCHEMAS.oss35, DATASETS.oss35Basic);

    const { details } = await collectReport(sql, { now: NOW, contract: CONTRACT, details: {} });

    const usage = details.usage;
    expect(usage?.units).toMatchObject({
      gateway_services: 3,
      api_requests_month: null,
      api_requests_term: null,
      ai_model_hours_month: null,
    });
    expect(usage?.license).toStrictEqual({
      // Kong's UNLICENSED date "2017-7-20"; 2017-07-20 → 2025-07-20 is 8 × 365 + 2 leap days = 2,922
      // days, → 2026-01-20 another 31 + 31 + 30 + 31 + 30 + 31 = 184: 3,106 days ago.
      expires: "2017-07-20",
      days_to_expiry: -3106,
      customer: "UNLICENSED",
      product_subscription: "UNLICENSED",
      support_plan: "UNLICENSED",
      dataplanes: { licensed: 0, connected: 0 },
      admin_seats: { licensed: 0, rbac_users: null }, // no rbac_users table
    });
    expect(usage?.contract?.lines.map((line) => [line.unit, line.status])).toStrictEqual([
      ["gateway_services", "ok"], // 3 of 10
      ["api_requests_per_month", "unknown"],
      ["api_requests_per_term", "unknown"],
    ]);
    expect(usage?.notes).toStrictEqual([
      "This database keeps no request counters (no license_data table): API requests are not measured.",
      "This database has no AI Gateway counter (license_llm_data, Kong 3.10+): AI model-hours are not measured.",
    ]);
  });
});
