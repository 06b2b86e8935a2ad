import { describe, expect, it } from "vitest";
import {
  type CurrentCluster,
  describeClusterSource,
  describeOtherCluster,
  identifyCluster,
  readReportCluster,
} from "#lib/history/cluster.ts";

const postgres = { kind: "postgres", url: "postgres://kong:secret@Kong-DB:5432/kong" } as const;
const current = (name?: string): CurrentCluster => ({
  identity: identifyCluster(name, postgres),
  source: describeClusterSource(postgres),
});
const sourceOf = identifyCluster(undefined, postgres).segment;

describe("Function: describeOtherCluster (--previous must be a report of the same cluster)", () => {
  it("accepts the same label, and the same source when neither has a label", () => {
    expect(describeOtherCluster({ cluster: "prod" }, current("prod"))).toBeUndefined();
    expect(describeOtherCluster({ cluster_source: sourceOf }, current())).toBeUndefined();
  });

  it("names both labels", () => {
    expect(describeOtherCluster({ cluster: "prod" }, current("staging"))).toBe(
      'it is of cluster "prod", this report is of cluster "staging"',
    );
  });

  it("names both sources, this one as text (never the password)", () => {
    expect(describeOtherCluster({ cluster_source: "_src-0123456789abcdef" }, current())).toBe(
      `it is of the unnamed cluster _src-0123456789abcdef, this report is of the unnamed cluster ${sourceOf} (postgres kong-db:5432/kong)`,
    );
  });

  it("tells a label from a source, and says how to give the label", () => {
    expect(describeOtherCluster({ cluster: "prod" }, current())).toBe(
      `it is of cluster "prod", this report is of the unnamed cluster ${sourceOf} (postgres kong-db:5432/kong); if it is the same cluster, give --cluster-name prod`,
    );
    expect(describeOtherCluster({ cluster_source: sourceOf }, current("prod"))).toBe(
      `it is of the unnamed cluster ${sourceOf}, this report is of cluster "prod"`,
    );
  });

  it("cannot tell for a report that names no cluster (written before they did), nor for a malformed one", () => {
    expect(readReportCluster({ generated_at: "x" })).toBeUndefined();
    expect(readReportCluster({ cluster: "a/b", cluster_source: "_src-xyz" })).toBeUndefined();
    expect(readReportCluster(undefined)).toBeUndefined();
    expect(describeOtherCluster({}, current("prod"))).toBeUndefined();
  });
});
