import { describe, expect, it } from "vitest";
import { buildEstate } from "#lib/estate/build-estate.ts";
import { computeEstateDigest } from "#lib/estate/estate-digest.ts";
import type { EstateDocument } from "#lib/estate/types.ts";
import { checkEstateTotals, verifyEstate } from "#lib/estate/verify-estate.ts";
import { sampleApril, sampleMarch } from "../helpers/sample-report.ts";

// The digest is unkeyed: whoever edits the totals can recompute it. verify recomputes the totals
// from the reports instead, each covered by Kong's checksum. Every case below edits one total and
// recomputes the digest, as a forger would.

function estate(): EstateDocument {
  return buildEstate(
    [
      {
        environment: "prod",
        status: "ok",
        report: sampleMarch().report,
        details: sampleMarch().details,
        discreteServices: ["http://a:80/", "http://b:80/"],
      },
      {
        environment: "staging",
        status: "ok",
        report: sampleApril().report,
        discreteServices: ["http://b:80/", "http://c:80/"],
      },
      { environment: "down", status: "failed", error: "Cannot reach PostgreSQL" },
    ],
    { asOf: "2025-04", generatedAt: "2025-05-01T00:00:00.000Z" },
  );
}

function forge(edit: (document: EstateDocument) => void): Record<string, unknown> {
  const document = structuredClone(estate());
  edit(document);
  const { digest: _old, ...content } = document;
  return { ...content, digest: computeEstateDigest(content as unknown as Record<string, unknown>) };
}

describe("Function: verifyEstate recomputes the totals", () => {
  it("accepts the estate as built: totals are the sum of the two reports, the failed one adds nothing", () => {
    const result = verifyEstate(estate() as unknown as Record<string, unknown>);
    expect(result.valid).toBe(true);
    expect(result.totals).toEqual([]);
    // 12 + 15 services (March and April), 2 + 2 RBAC users.
    expect(estate().totals).toMatchObject({ services_count: 27, rbac_users: 4, environments: 3 });
  });

  it.each([
    [
      "services_count",
      (d: EstateDocument) => {
        d.totals.services_count = 26;
      },
      "totals.services_count is 26, the reports sum to 27",
    ],
    [
      "routes_count",
      (d: EstateDocument) => {
        d.totals.routes_count += 1;
      },
      "totals.routes_count is 65, the reports sum to 64",
    ],
    [
      "consumers_count",
      (d: EstateDocument) => {
        d.totals.consumers_count = 0;
      },
      "totals.consumers_count is 0, the reports sum to 16",
    ],
    [
      "workspaces_count",
      (d: EstateDocument) => {
        d.totals.workspaces_count = 7;
      },
      "totals.workspaces_count is 7, the reports sum to 6",
    ],
    [
      "rbac_users",
      (d: EstateDocument) => {
        delete d.totals.rbac_users;
      },
      "totals.rbac_users is absent, the reports sum to 4",
    ],
    [
      "environments",
      (d: EstateDocument) => {
        d.totals.environments = 2;
      },
      "totals.environments is 2, the reports sum to 3",
    ],
    [
      "environments_reported",
      (d: EstateDocument) => {
        d.totals.environments_reported = 3;
      },
      "totals.environments_reported is 3, the reports sum to 2",
    ],
    [
      "discrete_services",
      (d: EstateDocument) => {
        d.totals.discrete_services = 2;
      },
      "totals.discrete_services is 2, the reports sum to 3",
    ],
    [
      "a plugin count",
      (d: EstateDocument) => {
        d.totals.plugins_count.tiers.enterprise["openid-connect"] = 5;
      },
      "totals.plugins_count differs from the sum of the reports",
    ],
    [
      "a month's requests",
      (d: EstateDocument) => {
        const bucket = d.totals.counters?.buckets[0];
        if (bucket !== undefined) bucket.request_count -= 1;
      },
      "totals.counters differs from the sum of the reports",
    ],
  ])("refuses an edited %s under a recomputed digest", (_what, edit, problem) => {
    const forged = forge(edit);
    const result = verifyEstate(forged);
    expect(result.digest.valid).toBe(true);
    expect(result.totals).toEqual([problem]);
    expect(result.valid).toBe(false);
  });

  it("refuses a per-environment discrete count the estate's own list contradicts", () => {
    const forged = forge((d) => {
      const prod = d.environments[0];
      if (prod?.status === "ok") prod.discrete_services = 5;
    });
    expect(checkEstateTotals(forged)).toEqual([
      "environment prod counts 5 discrete services, the estate lists 2 for it",
    ]);
  });

  it("does not recompute totals over a report that does not verify: that report is the finding", () => {
    const forged = forge((d) => {
      const prod = d.environments[0];
      if (prod !== undefined && "report" in prod) prod.report.services_count = 99;
    });
    const result = verifyEstate(forged);
    expect(result.environments[0]).toMatchObject({ environment: "prod", valid: false });
    expect(result.totals).toEqual([]);
    expect(result.valid).toBe(false);
  });

  it("says when the totals cannot be summed (a forged report with a checksum of its own)", () => {
    expect(checkEstateTotals({ environments: [], discrete_services: [] })).toEqual([
      "the estate has no totals",
    ]);
  });
});

describe("Function: verifyEstate checks each environment's details and files", () => {
  it("refuses details of another report, in the estate or beside it", () => {
    const forged = forge((d) => {
      const prod = d.environments[0];
      if (prod !== undefined && "report" in prod && prod.details !== undefined)
        prod.details.checksum = sampleApril().report.checksum;
    });
    const inline = verifyEstate(forged);
    expect(inline.environments[0]?.detailsMismatch).toEqual(["the estate's details"]);
    expect(inline.valid).toBe(false);

    const beside = verifyEstate(
      estate() as unknown as Record<string, unknown>,
      new Map([["staging", new Map([["details.json", sampleMarch().details]])]]),
    );
    expect(beside.environments[1]?.detailsMismatch).toEqual(["environments/staging/details.json"]);
    expect(beside.valid).toBe(false);
  });

  it("accepts the files beside the estate when they are its reports and their details", () => {
    const files = new Map([
      [
        "prod",
        new Map<string, unknown>([
          ["response.json", sampleMarch().report],
          ["details.json", sampleMarch().details],
        ]),
      ],
    ]);
    expect(verifyEstate(estate() as unknown as Record<string, unknown>, files).valid).toBe(true);
  });
});
