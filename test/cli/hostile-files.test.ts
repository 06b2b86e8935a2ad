import { mkdtemp, open, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buffer } from "node:stream/consumers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildEstate } from "#lib/estate/build-estate.ts";
import { computeEstateDigest } from "#lib/estate/estate-digest.ts";
import type { EstateDocument } from "#lib/estate/types.ts";
import { buildEstateFiles } from "#lib/output/estate-files.ts";
import { buildReportFiles, openReportStream } from "#lib/output/report-files.ts";
import type { CollectedReport, ReportDetails, ReportDiff } from "#lib/report/types.ts";
import { forgeManifest, packTar } from "../helpers/hostile-tar.ts";
import { type CliRun, runCliCapturing } from "../helpers/run-cli.ts";
import { sampleApril, sampleMarch } from "../helpers/sample-report.ts";
import { untar } from "../helpers/untar.ts";

// Files a person is handed are hostile until verified: what `verify` checks must be exactly what
// `tar -x` yields, every file of a tar must be covered, and an estate's totals must follow from its
// reports. Each case here is a finding of issue 23 (item 3 and 4) or issue 24 (findings 1, 2 and 7).

const BOM = "\uFEFF";
const MANIFEST_FILES = new Set(["manifest.json", "manifest.sig"]);

function cli(...argv: string[]): Promise<CliRun> {
  return runCliCapturing({}, argv);
}

let folder: string;
let marchTar: Buffer;
let estateTar: Buffer;
let estate: EstateDocument;

async function tarOf(collected: CollectedReport): Promise<Buffer> {
  const files = buildReportFiles(collected, { format: "tar" });
  return buffer(openReportStream(files, "tar", new Date(collected.report.timestamp * 1000)));
}

/** The files of a tar, in order, without its manifest (a forger drops it or forges another). */
async function contentFiles(archive: Buffer): Promise<Array<[string, Buffer]>> {
  return [...(await untar(archive))].filter(([name]) => !MANIFEST_FILES.has(name));
}

async function write(name: string, content: Buffer | string): Promise<string> {
  const path = join(folder, name);
  await writeFile(path, content);
  return path;
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "klr-hostile-"));
  marchTar = await tarOf(sampleMarch());
  estate = buildEstate(
    [
      {
        environment: "prod",
        status: "ok",
        source: "database_url",
        report: sampleMarch().report,
        discreteServices: ["http://a:80/", "http://b:80/"],
      },
      {
        environment: "staging",
        status: "ok",
        source: "database_url",
        report: sampleApril().report,
        discreteServices: ["http://b:80/", "http://c:80/"],
      },
    ],
    { asOf: "2025-04", generatedAt: "2025-05-01T00:00:00.000Z" },
  );
  estateTar = await buffer(openReportStream(buildEstateFiles(estate, "tar"), "tar", new Date(0)));
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe("verify refuses a report tar that is not what this tool writes (exit 2, each entry named)", () => {
  const edited = () => Buffer.from(json({ ...sampleMarch().report, services_count: 1 }));

  it("a duplicate response.json: the edited copy first, a good one after it", async () => {
    const files = await contentFiles(marchTar);
    const path = await write(
      "duplicate.tar",
      await packTar([
        { name: "response.json", content: edited() },
        ...files.map(([name, content]) => ({ name, content })),
      ]),
    );
    const run = await cli("verify", path);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain('"response.json" appears 2 times');
  });

  it("an edited response.json hidden behind a good copy in a subfolder", async () => {
    const files = await contentFiles(marchTar);
    const good = files.find(([name]) => name === "response.json")?.[1] ?? Buffer.alloc(0);
    const path = await write(
      "subfolder.tar",
      await packTar([
        ...files.map(([name, content]) => ({ name, content: name === "response.json" ? edited() : content })),
        { name: "copy/response.json", content: good },
      ]),
    );
    const run = await cli("verify", path);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('"copy/response.json"');
  });

  it.each([
    ["./response.json", "starts with ./"],
    ["../response.json", ".."],
    ["/tmp/response.json", "absolute"],
    ["sub\\response.json", "backslash"],
  ])("an entry named %s", async (name, why) => {
    const files = await contentFiles(marchTar);
    const path = await write(
      `path-${why.replace(/\W/g, "")}.tar`,
      await packTar([...files.map(([n, content]) => ({ name: n, content })), { name, content: edited() }]),
    );
    const run = await cli("verify", path);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(JSON.stringify(name));
    expect(run.stderr).toContain(why);
  });

  it("unexpected files and a symlink, all named in one message", async () => {
    const files = await contentFiles(marchTar);
    const path = await write(
      "unexpected.tar",
      await packTar([
        ...files.map(([name, content]) => ({ name, content })),
        { name: "notes.txt", content: "hello" },
        { name: "run.sh", content: "#!/bin/sh\n" },
        { name: "page.html", type: "symlink", linkname: "/etc/passwd" },
      ]),
    );
    const run = await cli("verify", path);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('"notes.txt"');
    expect(run.stderr).toContain('"run.sh"');
    expect(run.stderr).toMatch(/"page\.html" is a symlink/);
  });

  it("an estate tar carrying ./estate.json after the good estate.json", async () => {
    const files = [...(await untar(estateTar))];
    const forged = { ...estate, totals: { ...estate.totals, services_count: 1 } };
    const path = await write(
      "dot-estate.tar",
      await packTar([
        ...files.map(([name, content]) => ({ name, content })),
        { name: "./estate.json", content: json({ ...forged, digest: computeEstateDigest(forged) }) },
      ]),
    );
    const run = await cli("verify", path);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('"./estate.json"');
  });
});

describe("verify checks every file of a tar against the report (exit 1)", () => {
  it("refuses one edited byte of summary.html", async () => {
    const files = [...(await untar(marchTar))];
    const page = files.find(([name]) => name === "summary.html")?.[1] ?? Buffer.alloc(0);
    const at = page.indexOf("<h1");
    const edited = Buffer.from(page);
    edited[at + 1] = "H".charCodeAt(0);
    const path = await write(
      "edited-page.tar",
      await packTar(
        files.map(([name, content]) => ({ name, content: name === "summary.html" ? edited : content })),
      ),
    );
    const run = await cli("verify", path);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/MISMATCH .*summary\.html/);
  });

  it("refuses details.json of another report, even under a recomputed manifest", async () => {
    const april = await contentFiles(await tarOf(sampleApril()));
    const files = (await contentFiles(marchTar)).map(([name, content]): [string, Buffer] => [
      name,
      name === "details.json" ? (april.find(([n]) => n === "details.json")?.[1] ?? content) : content,
    ]);
    const path = await write(
      "other-details.tar",
      await packTar([
        ...files.map(([name, content]) => ({ name, content })),
        { name: "manifest.json", content: forgeManifest(files, "report", sampleMarch().report.checksum) },
      ]),
    );
    const run = await cli("verify", path);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      `details.json is of another report (checksum ${sampleApril().report.checksum}, this report's is ${sampleMarch().report.checksum})`,
    );
  });

  it("refuses a JSON report whose inline details are of another report", async () => {
    const path = await write(
      "other-inline.json",
      json({ ...sampleMarch().report, details: sampleApril().details }),
    );
    const run = await cli("verify", path);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("details are of another report");
  });
});

describe("verify recomputes an estate's totals from its verified reports (exit 1)", () => {
  const forge = (): EstateDocument => {
    const forged = {
      ...estate,
      totals: { ...estate.totals, services_count: estate.totals.services_count - 5 },
    };
    return { ...forged, digest: computeEstateDigest(forged as unknown as Record<string, unknown>) };
  };

  it("estate.json with edited totals and a recomputed digest", async () => {
    const path = await write("forged-estate.json", json(forge()));
    const run = await cli("verify", path);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      `totals.services_count is ${estate.totals.services_count - 5}, the reports sum to ${estate.totals.services_count}`,
    );
  });

  it("an estate tar with edited totals, a recomputed digest and a recomputed manifest", async () => {
    const files = (await contentFiles(estateTar)).map(([name, content]): [string, Buffer] => [
      name,
      name === "estate.json" ? Buffer.from(json(forge())) : content,
    ]);
    const path = await write(
      "forged-estate.tar",
      await packTar([
        ...files.map(([name, content]) => ({ name, content })),
        { name: "manifest.json", content: forgeManifest(files, "estate", forge().digest) },
      ]),
    );
    const run = await cli("verify", path);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("totals.services_count");
  });
});

describe("files too large or nested too deep are refused with exit 2, never a stack overflow", () => {
  it("a report tar whose response.json nests 2,500 levels", async () => {
    const deep = `${"[".repeat(2500)}${"]".repeat(2500)}`;
    const path = await write("deep.tar", await packTar([{ name: "response.json", content: deep }]));
    for (const run of [await cli("verify", path), await cli("diff", path, path)]) {
      expect(run.code).toBe(2);
      expect(run.stderr).toContain("levels deep");
    }
  });

  it("a file over KONG_LICENSE_REPORT_MAX_FILE_MB, for verify, diff, --previous and --environments", async () => {
    const path = join(folder, "sparse-2mib.json");
    const handle = await open(path, "w");
    await handle.truncate(2 * 1024 * 1024);
    await handle.close();
    const good = await write("good.json", json(sampleMarch().report));
    const env = { KONG_LICENSE_REPORT_MAX_FILE_MB: "1" };
    for (const argv of [
      ["verify", path],
      ["diff", good, path],
      ["generate", "--demo", "--include-details", "--previous", path],
      ["estate", "--environments", path],
    ]) {
      const run = await runCliCapturing(env, argv);
      expect(run.code, argv.join(" ")).toBe(2);
      expect(run.stderr, argv.join(" ")).toContain(path);
      expect(run.stderr, argv.join(" ")).toContain("more than the 1 MiB");
      expect(run.stderr, argv.join(" ")).toContain("KONG_LICENSE_REPORT_MAX_FILE_MB");
    }
  });

  it("a sparse 5 GiB file under the default limit, refused by its size before it is read", async () => {
    const path = join(folder, "sparse-5gib.tar");
    const handle = await open(path, "w");
    await handle.truncate(5 * 1024 * 1024 * 1024);
    await handle.close();
    const run = await cli("verify", path);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("5.0 GiB, more than the 256 MiB");
  });
});

describe("an estate given where one report is expected is refused (issue 24, finding 1)", () => {
  it("diff with an estate tar or estate.json exits 2, naming the estate and the file to use", async () => {
    const tarPath = await write("estate.tar", estateTar);
    const jsonPath = await write("estate.json", json(estate));
    const good = await write("march.json", json(sampleMarch().report));
    for (const path of [tarPath, jsonPath]) {
      const run = await cli("diff", good, path);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe("");
      expect(run.stderr).toContain(`${path} is an estate`);
      expect(run.stderr).toContain("environments/<name>/response.json");
      expect(run.stderr).toContain("prod, staging");
    }
  });

  it("generate --previous with an estate tar exits 2 before reading any database", async () => {
    const tarPath = await write("previous-estate.tar", estateTar);
    const run = await cli("generate", "--demo", "--format", "tar", "--previous", tarPath);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${tarPath} is an estate`);
    expect(run.stderr).not.toContain("Reading the embedded demo database");
  });
});

describe("diff labels what comes from details no checksum covers", () => {
  it("JSON details are unverified, a tar's details are verified through its manifest", async () => {
    const withDetails = (collected: CollectedReport) =>
      json({ ...collected.report, details: collected.details });
    const marchJson = await write("march-details.json", withDetails(sampleMarch()));
    const aprilJson = await write("april-details.json", withDetails(sampleApril()));
    const marchPath = await write("march-ok.tar", marchTar);
    const aprilPath = await write("april-ok.tar", await tarOf(sampleApril()));

    const fromJson = await cli("diff", "--json", marchJson, aprilJson);
    expect(fromJson.code).toBe(0);
    const diff = JSON.parse(fromJson.stdout) as ReportDiff;
    expect([diff.old.details_verified, diff.new.details_verified]).toEqual([false, false]);
    const text = await cli("diff", marchJson, aprilJson);
    expect(text.stdout).toContain("details not covered by any checksum");
    expect(text.stdout).toMatch(/^Workspaces \(from details no checksum covers\)$/m);
    // The discrete services are counted in details.json too: their row says so.
    expect(text.stdout).toMatch(/^ {2}discrete_services \(unverified details\) /m);

    const fromTar = JSON.parse((await cli("diff", "--json", marchPath, aprilPath)).stdout) as ReportDiff;
    expect([fromTar.old.details_verified, fromTar.new.details_verified]).toEqual([true, true]);
    const tarText = (await cli("diff", marchPath, aprilPath)).stdout;
    expect(tarText).toMatch(/^ {2}discrete_services {2,}/m);
    expect(tarText).not.toContain("unverified details");
  });
});

describe("generate --previous of another cluster is refused with a warning naming both (issue 24, finding 2)", () => {
  it("a labelled previous report of another label, then one of another source", async () => {
    const prod = sampleMarch();
    const labelled: ReportDetails = { ...prod.details, cluster: "prod" };
    const previous = await write("prod.tar", await tarOf({ report: prod.report, details: labelled }));
    const out = join(folder, "staging.tar");
    const run = await cli(
      "generate",
      "--demo",
      "--format",
      "tar",
      "--cluster-name",
      "staging",
      "--previous",
      previous,
      "--out",
      out,
    );
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(
      new RegExp(
        `^warning: the previous report ${previous} was not used: it is of cluster "prod", this report is of cluster "staging"`,
        "m",
      ),
    );
    const details = JSON.parse(
      (await untar(await readFile(out))).get("details.json")?.toString("utf8") ?? "{}",
    ) as ReportDetails;
    expect(details.since_previous).toBeUndefined();
    expect(details.warnings.join("\n")).toContain(
      'it is of cluster "prod", this report is of cluster "staging"',
    );

    const sourced = { ...prod.details, cluster_source: "_src-0123456789abcdef" } as ReportDetails;
    const other = await write("other-source.tar", await tarOf({ report: prod.report, details: sourced }));
    const unlabelled = await cli(
      "generate",
      "--demo",
      "--format",
      "tar",
      "--previous",
      other,
      "--out",
      join(folder, "demo.tar"),
    );
    expect(unlabelled.code).toBe(0);
    expect(unlabelled.stderr).toMatch(
      /warning: the previous report .*other-source\.tar was not used: it is of the unnamed cluster _src-0123456789abcdef, this report is of the unnamed cluster _src-[0-9a-f]{16} \(demo\)/,
    );
  });
});

describe("generate --previous of a report that records no cluster", () => {
  it("a JSON report without details is used, and the note says where a cluster would be recorded", async () => {
    const previous = await write("no-details.json", json(sampleMarch().report));
    const run = await cli(
      "generate",
      "--demo",
      "--format",
      "tar",
      "--previous",
      previous,
      "--out",
      join(folder, "with-unknown-previous.tar"),
    );
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(
      `warning: The previous report ${previous} names no cluster (its cluster is in details.json: a JSON report written without --include-details, or by a version before reports recorded theirs, has none): it was used as given; check it is of this cluster.\n`,
    );
  });
});

describe("a UTF-8 byte-order mark is accepted by every reader of a JSON file (issue 24, finding 7)", () => {
  it("verify: a report JSON and an estate JSON", async () => {
    const report = await write("bom-report.json", BOM + json(sampleMarch().report));
    const estateJson = await write("bom-estate.json", BOM + json(estate));
    expect((await cli("verify", report)).code).toBe(0);
    expect((await cli("verify", estateJson)).code).toBe(0);
  });

  it("diff: both files", async () => {
    const march = await write("bom-march.json", BOM + json(sampleMarch().report));
    const april = await write("bom-april.json", BOM + json(sampleApril().report));
    expect((await cli("diff", march, april)).code).toBe(0);
  });

  it("generate: --discrete-rules, --license and --previous in one run", async () => {
    const rules = await write("bom-rules.json", `${BOM}[{"find": "dev", "replace_with": "prod"}]`);
    const license = await write(
      "bom-license.json",
      BOM +
        json({
          license: {
            payload: { license_key: "BOM-KEY", license_expiration_date: "2099-12-31" },
            signature: "x",
            version: "1",
          },
        }),
    );
    const previous = await write(
      "bom-previous.json",
      BOM + json({ ...sampleMarch().report, details: sampleMarch().details }),
    );
    const run = await cli(
      "generate",
      "--demo",
      "--include-details",
      "--discrete-rules",
      rules,
      "--license",
      license,
      "--previous",
      previous,
    );
    expect(run.code, run.stderr).toBe(0);
    const document = JSON.parse(run.stdout) as { license: unknown; details: ReportDetails };
    expect(document.license).toEqual({ license_key: "BOM-KEY", license_expiration_date: "2099-12-31" });
    expect(document.details.discrete_services?.rules).toEqual([{ find: "dev", replace_with: "prod" }]);
    expect(document.details.since_previous?.checksum).toBe(sampleMarch().report.checksum);
    // Inline JSON details are covered by no checksum: since_previous says so.
    expect(document.details.since_previous?.details_verified).toBe(false);
  });

  it("estate: the environments file", async () => {
    const envs = await write(
      "bom-envs.json",
      `${BOM}{"environments": [{"environment": "demo", "demo": true}]}`,
    );
    const run = await cli("estate", "--environments", envs);
    expect(run.code, run.stderr).toBe(0);
    expect((JSON.parse(run.stdout) as EstateDocument).totals.environments_reported).toBe(1);
  });
});
