import { PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createS3ReportStore } from "#lib/aws/s3-report-store.ts";
import { identifyCluster } from "#lib/history/cluster.ts";
import type { ReportDetails } from "#lib/report/types.ts";
import { generateReport, type LinkDocument } from "#lib/use-cases/generate-report.ts";
import { packTar } from "../helpers/hostile-tar.ts";
import {
  DEMO_SEED,
  type FixturePort,
  openTestDatabase,
  SCHEMAS,
  type TestDatabase,
} from "../helpers/kong-db.ts";
import { type LocalS3, startLocalS3 } from "../helpers/local-s3.ts";
import { fetchTar } from "../helpers/untar.ts";

// The history reads stored tars with the same strict reader as verify: a stored tar edited in the
// bucket, or holding what this tool never writes, is not used for "since last report" or the trend.

const BUCKET = "reports";
const PREFIX = "license-reports/";

describe("History: stored tars edited in the bucket are left out, with the reason", () => {
  let db: TestDatabase;
  let sql: FixturePort;
  let s3: LocalS3;
  const links: LinkDocument[] = [];

  const store = (month: string) =>
    generateReport({
      sql,
      store: createS3ReportStore({ client: s3.client(), bucket: BUCKET }),
      format: "tar",
      collect: { asOf: month, now: new Date(`${month}-15T12:00:00Z`) },
      prefix: PREFIX,
      urlTtlSeconds: 300,
      trigger: "cli",
      cluster: identifyCluster("prod", { kind: "demo" }),
    });

  /** Replaces the stored object of `link` with a tar of its files, edited by `edit`. */
  const tamper = async (
    link: LinkDocument,
    edit: (files: Map<string, Buffer>) => Array<[string, Buffer]>,
  ) => {
    const files = await fetchTar(link.url);
    const body = await packTar(edit(files).map(([name, content]) => ({ name, content })));
    await s3.client().send(new PutObjectCommand({ Bucket: BUCKET, Key: link.key, Body: body }));
  };

  beforeAll(async () => {
    db = await openTestDatabase("pglite");
    sql = await db.createFixture(SCHEMAS.ee313, DEMO_SEED);
    s3 = await startLocalS3([BUCKET]);
    for (const month of ["2026-08", "2026-09", "2026-10"]) links.push(await store(month));
  });

  afterAll(async () => {
    await s3?.close();
    await db?.close();
  });

  it("refuses an edited details.json (the manifest) and a subfolder copy (the layout), using the oldest", async () => {
    const [first, second, third] = links as [LinkDocument, LinkDocument, LinkDocument];
    // One workspace fewer in September's details: Kong's checksum does not cover them, the manifest does.
    await tamper(second, (files) =>
      [...files].map(([name, content]): [string, Buffer] => {
        if (name !== "details.json") return [name, content];
        const details = JSON.parse(content.toString("utf8")) as ReportDetails;
        return [
          name,
          Buffer.from(JSON.stringify({ ...details, workspaces: details.workspaces?.slice(1) }, null, 2)),
        ];
      }),
    );
    // October's tar gains a second response.json in a subfolder.
    await tamper(third, (files) => [
      ...files,
      ["copy/response.json", files.get("response.json") ?? Buffer.alloc(0)],
    ]);

    const fourth = await store("2026-11");
    const details = JSON.parse(
      (await fetchTar(fourth.url)).get("details.json")?.toString("utf8") ?? "{}",
    ) as ReportDetails;
    expect(details.since_previous).toMatchObject({ key: first.key, details_verified: true });
    expect(details.trend?.left_out).toEqual([
      {
        key: third.key,
        reason: expect.stringMatching(
          /^it could not be read \(.* is not a report tar as this tool writes it, so nothing in it was checked: "copy\/response\.json" is not a file of a report tar/,
        ),
      },
      {
        key: second.key,
        reason: expect.stringMatching(
          /^details\.json does not match manifest\.json \(listed: \d+ bytes, SHA-256 [0-9a-f]{64}; in the tar: \d+ bytes, SHA-256 [0-9a-f]{64}\): it was changed after it was generated$/,
        ),
      },
    ]);
    expect(details.trend?.reports.map((point) => point.as_of)).toEqual(["2026-08", "2026-11"]);
  });
});
