import { afterAll, beforeAll, expect, it } from "vitest";
import { collectReport } from "#lib/collector/collect-report.ts";
import type { Contract } from "#lib/report/usage-types.ts";
import {
  DATASETS,
  describeTargets,
  openTestDatabase,
  SCHEMAS,
  type TestDatabase,
} from "../helpers/kong-db.ts";

// Usage in contract units and usage by team, derived by hand from test/fixtures/datasets/usage-teams.sql
// (its header lists every row) and the rules of issue 21.

const NOW = new Date("2026-01-20T10:00:00Z"); // reporting month 2026-01, window 2025-02..2026-01

const CONTRACT: Contract = {
  name: "ACME-2026",
  term: { start: "2025-01", end: "2026-06" },
  limits: {
    gateway_services: 10,
    discrete_services: 6,
    api_requests_per_month: 40,
    api_requests_per_term: 1000,
    ai_model_hours_per_month: 3,
  },
  warn_at_percent: 80,
};

describeTargets("usage and usage by tag from the database (%s)", (target) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(target);
  });
  afterAll(async () => {
    await db?.close();
  });

  it("measures the units, shows the entitlements, holds them against the contract and forecasts", async () => {
    // Prepare
    const sql = await db.createFixture(SCHEMAS.ee313, DATASETS.usageTeams);

    // Act
    const { details } = await collectReport(sql, { now: NOW, contract: CONTRACT, details: {} });

    // Assess
    expect(details.usage).toStrictEqual({
      as_of: "2026-01",
      units: {
        gateway_services: 6, // s1..s6
        discrete_services: 5, // s1 and s2 share https://payments.internal:8443/api
        api_requests_month: 50, // 2026-01: 20 + 30 (two nodes)
        // 2025-01 (5, before the window, read apart) + 2025-02..12 (10 + 20 + … + 110 = 660) + 2026-01 (50)
        api_requests_term: 715,
        ai_model_hours_month: 3, // 2026-01-05: gpt-4o 10h and 11h, claude 10h
      },
      license: {
        expires: "2026-02-14",
        days_to_expiry: 25, // 2026-01-20 → 2026-02-14: 11 + 14 days
        customer: "Example Corp (FAKE TEST LICENSE)",
        product_subscription: "Kong Enterprise Edition",
        support_plan: "Platinum",
        dataplanes: { licensed: 3, connected: 2 }, // "3"; dp-1 and dp-2 (ttl 2099), dp-old expired
        admin_seats: { licensed: 2, rbac_users: 3 }, // "2"; alice, bob, carol
      },
      contract: {
        name: "ACME-2026",
        term: { start: "2025-01", end: "2026-06" },
        warn_at_percent: 80,
        lines: [
          { unit: "gateway_services", limit: 10, used: 6, percent: 60, status: "ok" }, // 600 < 800
          { unit: "discrete_services", limit: 6, used: 5, percent: 83.3, status: "warn" }, // 500 ≥ 480
          { unit: "api_requests_per_month", limit: 40, used: 50, percent: 125, status: "over" }, // 50 > 40
          { unit: "api_requests_per_term", limit: 1000, used: 715, percent: 71.5, status: "ok" },
          { unit: "ai_model_hours_per_month", limit: 3, used: 3, percent: 100, status: "warn" }, // at, not above
        ],
      },
      forecast: [
        {
          unit: "gateway_services",
          at_term_end: null,
          crosses_limit: null,
          months: 1, // only this report: 2026-01
          basis: "1 month(s) with a high-water mark in the term (2026-01): a forecast needs at least 3.",
        },
        {
          unit: "discrete_services",
          at_term_end: null,
          crosses_limit: null,
          months: 1,
          basis: "1 month(s) with a high-water mark in the term (2026-01): a forecast needs at least 3.",
        },
        {
          // The complete months of the window in the term: 2025-02..12 = 10, 20, …, 110, an exact line
          // of slope 10: 2026-01 → 120 (above 40, and above the 50 counted) → crosses 2026-01;
          // 2026-06 → 170.
          unit: "api_requests_per_month",
          at_term_end: 170,
          crosses_limit: "2026-01",
          months: 11,
          basis:
            "An estimate: least-squares line over the monthly high-water marks of 11 months (2025-02 to 2025-12) of this cluster's reports, projected to 2026-06.",
        },
        {
          // 715 counted + (120 - 50) for the rest of January = 785; Feb 130 → 915; Mar 140 → 1055 > 1000
          // → 2026-03; Apr 150 → 1205; May 160 → 1365; Jun 170 → 1535.
          unit: "api_requests_per_term",
          at_term_end: 1535,
          crosses_limit: "2026-03",
          months: 11,
          basis:
            "An estimate: least-squares line over the monthly high-water marks of 11 months (2025-02 to 2025-12) of this cluster's reports, projected to 2026-06.",
        },
        {
          // 2025-02..11: 0 (no rows), 2025-12: 1. x = 1..11: mean x 6, mean y 1/11, Sxy = 5, Sxx = 110,
          // slope 1/22. 2026-06 (x = 17): 1/11 + 11/22 = 0.59 → 1. Never above 3 (January's 3 is at it).
          unit: "ai_model_hours_per_month",
          at_term_end: 1,
          crosses_limit: null,
          months: 11,
          basis:
            "An estimate: least-squares line over the monthly high-water marks of 11 months (2025-02 to 2025-12) of this cluster's reports, projected to 2026-06.",
        },
      ],
      notes: [
        "The term starts before the report's 12-month window: its months 2025-01 to 2025-01 were read from license_data apart from the report.",
      ],
    });
    expect(details.usage_by_tag).toStrictEqual({
      prefix: "team:",
      without_tags_column: [],
      rows: [
        // Byte order: "Payments" (P = 0x50) before "payments"; values are case-sensitive.
        { tag: "Payments", services: 0, discrete_services: 0, routes: 1, plugins: 0 }, // r4
        // s1, s2 (its tag twice counts once; one key); r1; p2
        { tag: "payments", services: 2, discrete_services: 1, routes: 1, plugins: 1 },
        { tag: "platform", services: 1, discrete_services: 1, routes: 0, plugins: 1 }, // s3; p1
        { tag: "search", services: 2, discrete_services: 2, routes: 1, plugins: 1 }, // s3, s5; r2; p2
        { tag: null, services: 2, discrete_services: 2, routes: 1, plugins: 1 }, // s4, s6; r3; p3
      ],
    });
  });

  it("counts by another prefix, and rewrites discrete keys per tag with the KLCR rules", async () => {
    // Prepare
    const sql = await db.createFixture(SCHEMAS.ee313, DATASETS.usageTeams);
    // search-api (http://search.internal:9200null) and catalog (http://catalog.internal:8080/v1) → http://shop
    const rules = [{ find: "(search|catalog)\\.internal.*$", replace_with: "shop" }];

    // Act
    const owner = await collectReport(sql, { now: NOW, details: { tagPrefix: "owner:" } });
    const withRules = await collectReport(sql, { now: NOW, details: { rules } });

    // Assess
    expect(owner.details.usage_by_tag?.rows).toStrictEqual([
      { tag: "ops", services: 1, discrete_services: 1, routes: 0, plugins: 0 }, // s6
      // s1..s5 (keys: payments ×2, search, legacy, catalog = 4); every route and plugin
      { tag: null, services: 5, discrete_services: 4, routes: 4, plugins: 3 },
    ]);
    expect(withRules.details.usage_by_tag?.rows.map((row) => [row.tag, row.discrete_services])).toStrictEqual(
      [
        ["Payments", 0],
        ["payments", 1],
        ["platform", 1], // s3 → http://shop
        ["search", 1], // s3 and s5 → http://shop
        [null, 2], // legacy, misc
      ],
    );
    expect(withRules.details.discrete_services?.count).toBe(4); // payments, shop, legacy, misc
    // Without a contract: no lines, no forecast, the term unmeasured.
    expect(owner.details.usage?.contract).toBeNull();
    expect(owner.details.usage?.forecast).toStrictEqual([]);
    expect(owner.details.usage?.units.api_requests_term).toBeNull();
  });
});
