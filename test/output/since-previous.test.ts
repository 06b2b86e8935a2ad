import { describe, expect, it } from "vitest";
import { describeSincePrevious } from "#lib/history/cluster-history.ts";
import { renderSincePrevious } from "#lib/output/report-page/since-previous.ts";
import { sampleApril, sampleMarch } from "../helpers/sample-report.ts";

const NOTE =
  "The earlier report's workspaces and discrete services come from details that no checksum or manifest covers";

function since(detailsVerified: boolean) {
  const march = sampleMarch();
  const april = sampleApril();
  return describeSincePrevious(
    "march.json",
    { source: "march.json", content: { ...march.report }, details: { ...march.details }, detailsVerified },
    { source: "this report", content: { ...april.report }, details: { ...april.details } },
  );
}

describe("Since the last report: details no manifest covers are labelled", () => {
  it("records whether the earlier report's details were covered, and the page says when they were not", () => {
    expect(since(false).details_verified).toBe(false);
    expect(String(renderSincePrevious(since(false)))).toContain(NOTE);
    expect(since(true).details_verified).toBe(true);
    expect(String(renderSincePrevious(since(true)))).not.toContain(NOTE);
  });

  it("takes the earlier report's time from its details only when they are covered", () => {
    // March's details say 2025-04-01T00:00:00.000Z, its timestamp 1743465600 (the same instant);
    // an edited generated_at in details nothing covers is not shown as the report's time.
    const march = sampleMarch();
    const forged = { ...march.details, generated_at: "2031-01-01T00:00:00.000Z" };
    const now = sampleApril();
    const current = { source: "this report", content: { ...now.report }, details: { ...now.details } };
    const covered = describeSincePrevious(
      "m",
      { source: "m", content: { ...march.report }, details: forged, detailsVerified: true },
      current,
    );
    const uncovered = describeSincePrevious(
      "m",
      { source: "m", content: { ...march.report }, details: forged, detailsVerified: false },
      current,
    );
    expect(covered.generated_at).toBe("2031-01-01T00:00:00.000Z");
    expect(uncovered.generated_at).toBe("2025-04-01T00:00:00.000Z");
  });
});
