import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CliIo } from "#lib/cli/io.ts";
import { runCli } from "#lib/cli/run-cli.ts";
import { VERIFY_HELP } from "#lib/cli/verify-command.ts";
import { computeChecksum } from "#lib/report/checksum.ts";

/** The CLI's error paths on real files in a temp folder (issue 15). */

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: (chunk) => {
      stdout += Buffer.from(chunk).toString("utf8");
    },
    stderr: (text) => {
      stderr += text;
    },
    env: {},
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

const LICENSE = {
  license: {
    payload: {
      customer: "Example Corp (FAKE TEST LICENSE)",
      license_key: "FAKE-TEST-LICENSE-KEY-FILE",
      license_expiration_date: "2031-03-31",
    },
    signature: "FAKE",
    version: "1",
  },
};

let folder: string;
/** One real demo report, generated once for the file-based tests. */
let demoFile: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "klr-cli-errors-"));
  demoFile = join(folder, "demo.json");
  const run = await cli("generate", "--demo", "--as-of", "2026-11", "--out", demoFile);
  if (run.code !== 0) throw new Error(`generating the demo report failed: ${run.stderr}`);
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe("Command: verify (error paths)", () => {
  it("prints its help with -h and --help, exit 0", async () => {
    for (const flag of ["-h", "--help"]) {
      expect(await cli("verify", flag)).toEqual({ code: 0, stdout: VERIFY_HELP, stderr: "" });
    }
  });

  it.each([[[]], [["a.json", "b.json"]]])("refuses %j: exactly one FILE, exit 2", async (args) => {
    expect(await cli("verify", ...args)).toEqual({
      code: 2,
      stdout: "",
      stderr:
        "verify takes exactly one FILE (a report .json or .tar). See: kong-license-report verify --help\n",
    });
  });

  it("refuses a report without a checksum with exit 2, naming the file", async () => {
    const report = JSON.parse(await readFile(demoFile, "utf8")) as Record<string, unknown>;
    const { checksum: _removed, ...unsigned } = report;
    const file = join(folder, "unsigned.json");
    await writeFile(file, JSON.stringify(unsigned));

    expect(await cli("verify", file)).toEqual({
      code: 2,
      stdout: "",
      stderr: `${file} has no "checksum", so it cannot be verified.\n`,
    });
  });
});

describe("Command: diff (real files)", () => {
  it("compares a generated report with a re-signed edit of it, and names the changed count", async () => {
    // Prepare: the same report with one more service, signed again
    const report = JSON.parse(await readFile(demoFile, "utf8")) as Record<string, unknown>;
    const services = report.services_count as number;
    const edited = { ...report, services_count: services + 1 };
    const editedFile = join(folder, "more-services.json");
    await writeFile(editedFile, JSON.stringify({ ...edited, checksum: computeChecksum(edited) }));

    // Act
    const run = await cli("diff", "--json", demoFile, editedFile);

    // Assess
    expect([run.code, run.stderr]).toEqual([0, ""]);
    const diff = JSON.parse(run.stdout) as { counts: unknown[]; old: unknown; new: unknown };
    expect(diff.old).toMatchObject({ source: demoFile, verified: true });
    expect(diff.new).toMatchObject({ source: editedFile, verified: true });
    expect(diff.counts).toContainEqual({
      name: "services_count",
      old: services,
      new: services + 1,
      change: 1,
    });
  });

  it("refuses a real file whose checksum does not match, naming it", async () => {
    const report = JSON.parse(await readFile(demoFile, "utf8")) as Record<string, unknown>;
    const editedFile = join(folder, "tampered.json");
    await writeFile(editedFile, JSON.stringify({ ...report, routes_count: 0 }));

    const run = await cli("diff", demoFile, editedFile);

    expect(run.code).not.toBe(0);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain(editedFile);
  });

  it("names a file that does not exist, exit 2", async () => {
    const missing = join(folder, "nope.json");
    const run = await cli("diff", demoFile, missing);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(missing);
  });
});

describe("Command: generate (files)", () => {
  it("uses the license JSON given with --license FILE instead of the licenses table", async () => {
    const license = join(folder, "license.json");
    await writeFile(license, JSON.stringify(LICENSE));

    const run = await cli("generate", "--demo", "--as-of", "2026-11", "--license", license, "--out", "-");

    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(report.license).toEqual({
      license_key: "FAKE-TEST-LICENSE-KEY-FILE",
      license_expiration_date: "2031-03-31",
    });
    expect(report.checksum).toBe(computeChecksum(report));
  });

  it("refuses --license naming a missing file or a file that is not a license, without echoing it", async () => {
    const missing = join(folder, "no-license.json");
    const notLicense = join(folder, "not-license.json");
    await writeFile(notLicense, "SECRET-ISH-CONTENT");

    const absent = await cli("generate", "--demo", "--license", missing, "--out", "-");
    const wrong = await cli("generate", "--demo", "--license", notLicense, "--out", "-");

    expect(absent).toMatchObject({ code: 2, stdout: "" });
    expect(absent.stderr).toContain(`Cannot read --license file ${missing}: no such file.`);
    expect(wrong).toMatchObject({ code: 2, stdout: "" });
    expect(wrong.stderr).toMatch(/is not a Kong license/);
    expect(wrong.stderr).not.toContain("SECRET-ISH-CONTENT");
  });

  it("refuses --out naming a folder, before any query, exit 2", async () => {
    const target = join(folder, "a-folder");
    await mkdir(target);

    const run = await cli("generate", "--demo", "--format", "tar", "--out", target);

    expect(run).toEqual({
      code: 2,
      stdout: "",
      stderr: expect.stringContaining(`Cannot write --out ${target}: it is a folder; give a file name.`),
    });
    expect(await readdir(target)).toEqual([]);
  });

  it("leaves neither the file nor a partial file behind when the write fails", async () => {
    // Prepare: a process whose files may not grow past 1 KiB (ulimit -f), so writing the tar fails
    // for real with EFBIG part-way through (Node ignores SIGXFSZ).
    const target = join(folder, "limited");
    await mkdir(target);
    const out = join(target, "report.tar");

    // Act
    const failure = await promisify(execFile)(
      "sh",
      [
        "-c",
        'ulimit -f 1 && exec "$0" --import tsx bin/cli.ts generate --demo --format tar --out "$1"',
        process.execPath,
        out,
      ],
      { env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" } },
    ).catch((error: { code: number; stderr: string }) => error);

    // Assess
    expect(failure).toMatchObject({ code: 6 });
    expect((failure as { stderr: string }).stderr).toMatch(/Could not write .*report\.tar: .*EFBIG/);
    expect(await readdir(target)).toEqual([]);
  });
});
