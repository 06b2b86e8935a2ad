import { describe, expect, it } from "vitest";
import { describeClusterSource, identifyCluster } from "#lib/history/cluster.ts";
import { buildStoredReportKey, parseStoredReportKey, retentionOf } from "#lib/history/report-key.ts";

const CHECKSUM = "0123456789abcdef0123456789abcdef01234567";

describe("Function: buildStoredReportKey", () => {
  it("files a report under its retention prefix, newest first, with what the listing shows", () => {
    // Prepare: 2026-10-05T15:27:00.000Z is 1_791_214_020_000 ms; 9_999_999_999_999 minus that.
    const at = new Date("2026-10-05T15:27:00Z");

    // Act
    const key = buildStoredReportKey("license-reports/", {
      retention: "adhoc",
      generatedAt: at,
      clusterSegment: "prod-eu-1",
      asOf: "2026-10",
      trigger: "http",
      checksum: CHECKSUM,
      fileName: "report-2026_10_05_03_27_PM-0123456789ab.tar",
    });

    // Assess
    expect(key).toBe(
      `license-reports/adhoc/8208785979999/prod-eu-1/2026-10/http/${CHECKSUM}/report-2026_10_05_03_27_PM-0123456789ab.tar`,
    );
    expect(parseStoredReportKey("license-reports/", key)).toEqual({
      key,
      retention: "adhoc",
      generatedAt: at,
      clusterSegment: "prod-eu-1",
      asOf: "2026-10",
      trigger: "http",
      checksum: CHECKSUM,
      format: "tar",
      fileName: "report-2026_10_05_03_27_PM-0123456789ab.tar",
    });
  });

  it("sorts a later report before an earlier one", () => {
    const key = (iso: string) =>
      buildStoredReportKey("", {
        retention: "scheduled",
        generatedAt: new Date(iso),
        clusterSegment: "a",
        asOf: "2026-01",
        trigger: "schedule",
        checksum: CHECKSUM,
        fileName: "r.json",
      });
    const keys = [
      key("2026-01-01T00:00:00.000Z"),
      key("2026-11-01T00:00:00.000Z"),
      key("2026-01-01T00:00:00.001Z"),
    ];
    expect([...keys].sort()).toEqual([keys[1], keys[2], keys[0]]);
  });

  it.each([
    ["license-reports/2026/10/report-2026_10_05_03_27_PM-x.tar"],
    [`license-reports/adhoc/8208785979999/prod eu/2026-10/http/${CHECKSUM}/r.tar`],
    [`license-reports/adhoc/8208785979999/prod/2026-13/http/${CHECKSUM}/r.tar`],
    [`license-reports/adhoc/8208785979999/prod/2026-10/lambda/${CHECKSUM}/r.tar`],
    [`license-reports/adhoc/8208785979999/prod/2026-10/http/${CHECKSUM}/r.zip`],
    [`license-reports/weekly/8208785979999/prod/2026-10/http/${CHECKSUM}/r.tar`],
    [`other/adhoc/8208785979999/prod/2026-10/http/${CHECKSUM}/r.tar`],
  ])("ignores %s, which is not a stored report key", (key) => {
    expect(parseStoredReportKey("license-reports/", key)).toBeUndefined();
  });

  it("keeps scheduled reports apart from every other trigger", () => {
    expect(retentionOf("schedule")).toBe("scheduled");
    expect(["http", "console", "cli"].map((t) => retentionOf(t as "http"))).toEqual([
      "adhoc",
      "adhoc",
      "adhoc",
    ]);
  });
});

describe("Function: identifyCluster", () => {
  it("uses the label when given", () => {
    expect(identifyCluster("prod-eu-1", { kind: "demo" })).toEqual({
      name: "prod-eu-1",
      segment: "prod-eu-1",
    });
  });

  it("otherwise tells clusters apart by host, port and database, never by user or password", () => {
    const a = identifyCluster(undefined, {
      kind: "postgres",
      url: "postgres://kong:s3cret@DB.example.com/kong",
    });
    const b = identifyCluster(undefined, {
      kind: "postgres",
      url: "postgres://other:pw@db.example.com:5432/kong",
    });
    const c = identifyCluster(undefined, {
      kind: "postgres",
      url: "postgres://kong:s3cret@db.example.com:5432/kong2",
    });
    expect(a.segment).toMatch(/^_src-[0-9a-f]{16}$/);
    expect(a.name).toBeUndefined();
    expect(a).toEqual(b);
    expect(c.segment).not.toBe(a.segment);
    expect(
      describeClusterSource({ kind: "postgres", url: "postgres://kong:s3cret@DB.example.com/kong" }),
    ).toBe("postgres db.example.com:5432/kong");
  });

  it("uses the Data API cluster ARN and database", () => {
    const arn = "arn:aws:rds:eu-west-1:123456789012:cluster:kong";
    expect(describeClusterSource({ kind: "data-api", resourceArn: arn, database: "kong" })).toBe(
      `data-api ${arn} kong`,
    );
    expect(
      identifyCluster(undefined, { kind: "data-api", resourceArn: arn, database: "kong" }).segment,
    ).not.toBe(
      identifyCluster(undefined, { kind: "data-api", resourceArn: arn, database: "kong_stage" }).segment,
    );
  });
});
