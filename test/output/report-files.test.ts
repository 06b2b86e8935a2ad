import { createHash } from "node:crypto";
import { buffer } from "node:stream/consumers";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "#lib/estate/estate-digest.ts";
import { renderAiUsageCsv, renderReportCsv } from "#lib/output/report-csv.ts";
import {
  buildReportFiles,
  openReportStream,
  REPORT_TAR_FILES,
  REPORT_TAR_LAYOUT,
} from "#lib/output/report-files.ts";
import { renderSummaryHtml } from "#lib/output/report-page/render-report-page.ts";
import { renderUsageByTagCsv, renderUsageCsv } from "#lib/output/usage-csv.ts";
import { computeChecksum } from "#lib/report/checksum.ts";
import { sampleMarch } from "../helpers/sample-report.ts";
import { untar } from "../helpers/untar.ts";

describe("Function: buildReportFiles", () => {
  it("json: the report pretty-printed, Kong's shape plus collector, no details key", () => {
    // Prepare
    const collected = sampleMarch();

    // Act
    const files = buildReportFiles(collected, { format: "json" });

    // Assess
    expect(files.map((file) => file.name)).toEqual(["response.json"]);
    const text = files[0]?.content.toString("utf8") ?? "";
    expect(text).toBe(`${JSON.stringify(collected.report, null, 2)}\n`);
    const parsed = JSON.parse(text) as Record<string, unknown>;
    expect(parsed).not.toHaveProperty("details");
    expect(parsed.collector).toEqual(collected.report.collector);
    expect(computeChecksum(parsed)).toBe(collected.report.checksum);
  });

  it("json with includeDetails: the same report with the details document under `details`", () => {
    // Prepare
    const collected = sampleMarch();

    // Act
    const [file] = buildReportFiles(collected, { format: "json", includeDetails: true });

    // Assess
    const { details, ...report } = JSON.parse(file?.content.toString("utf8") ?? "{}") as Record<
      string,
      unknown
    >;
    expect(details).toEqual(collected.details);
    expect(report).toEqual(collected.report);
    expect(computeChecksum(report)).toBe(collected.report.checksum);
  });

  it("tar: response.json (the report exactly), details.json, summary.html, report.csv, ai-usage.csv, usage.csv, usage-by-tag.csv and manifest.json, in that order", async () => {
    // Prepare
    const collected = sampleMarch();
    const files = buildReportFiles(collected, { format: "tar" });

    // Act
    const archive = await buffer(openReportStream(files, "tar", new Date(collected.details.generated_at)));
    const unpacked = await untar(archive);

    // Assess
    expect([...unpacked.keys()]).toEqual([
      "response.json",
      "details.json",
      "summary.html",
      "report.csv",
      "ai-usage.csv",
      "usage.csv",
      "usage-by-tag.csv",
      "manifest.json",
    ]);
    const report = JSON.parse(unpacked.get("response.json")?.toString("utf8") ?? "") as Record<
      string,
      unknown
    >;
    expect(report).toEqual(collected.report);
    expect(report).not.toHaveProperty("details");
    expect(computeChecksum(report)).toBe(report.checksum);
    expect(JSON.parse(unpacked.get("details.json")?.toString("utf8") ?? "")).toEqual(collected.details);
    expect(unpacked.get("summary.html")?.toString("utf8")).toBe(renderSummaryHtml(collected));
    expect(unpacked.get("report.csv")?.toString("utf8")).toBe(renderReportCsv(collected));
    expect(unpacked.get("ai-usage.csv")?.toString("utf8")).toBe(renderAiUsageCsv(collected));
    expect(unpacked.get("usage.csv")?.toString("utf8")).toBe(renderUsageCsv(collected));
    expect(unpacked.get("usage-by-tag.csv")?.toString("utf8")).toBe(renderUsageByTagCsv(collected));
    // The manifest, as README.md documents it: each other file's size and SHA-256, the report's
    // checksum, and the SHA-256 of its own canonical JSON without "digest".
    const sha256 = (name: string) =>
      createHash("sha256")
        .update(unpacked.get(name) ?? "")
        .digest("hex");
    const names = [
      "response.json",
      "details.json",
      "summary.html",
      "report.csv",
      "ai-usage.csv",
      "usage.csv",
      "usage-by-tag.csv",
    ];
    const unsigned = {
      manifest_version: 1,
      kind: "report",
      checksum: collected.report.checksum,
      files: names.map((name) => ({ name, bytes: unpacked.get(name)?.length, sha256: sha256(name) })),
    };
    const digest = createHash("sha256").update(canonicalJson(unsigned)).digest("hex");
    expect(unpacked.get("manifest.json")?.toString("utf8")).toBe(
      `${JSON.stringify({ ...unsigned, digest }, null, 2)}\n`,
    );
  });

  it("lists in REPORT_TAR_FILES every file a tar holds, so verify accepts what generate writes", () => {
    const files = buildReportFiles(sampleMarch(), { format: "tar" }).map((file) => file.name);
    expect(files.filter((name) => !REPORT_TAR_LAYOUT.files.includes(name))).toEqual([]);
    expect(REPORT_TAR_LAYOUT.files).toEqual([...REPORT_TAR_FILES, "manifest.json", "manifest.sig"]);
  });

  it("json stream: exactly the file's bytes", async () => {
    // Prepare
    const files = buildReportFiles(sampleMarch(), { format: "json" });

    // Act
    const bytes = await buffer(openReportStream(files, "json", new Date()));

    // Assess
    expect(bytes).toEqual(files[0]?.content);
  });
});
