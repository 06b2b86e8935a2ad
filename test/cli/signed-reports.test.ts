import { createHash, generateKeyPairSync } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buffer } from "node:stream/consumers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildEstate } from "#lib/estate/build-estate.ts";
import { buildEstateFiles } from "#lib/output/estate-files.ts";
import { signManifest } from "#lib/output/manifest.ts";
import { openReportStream } from "#lib/output/report-files.ts";
import { createPemSigner } from "#lib/shared/signature.ts";
import { packTar } from "../helpers/hostile-tar.ts";
import { type CliRun, runCliCapturing } from "../helpers/run-cli.ts";
import { sampleMarch } from "../helpers/sample-report.ts";
import { untar } from "../helpers/untar.ts";

// A signed report: generate --signing-key writes manifest.sig, verify --public-key proves who
// produced the tar, and refuses it after any one-byte edit.

function cli(...argv: string[]): Promise<CliRun> {
  return runCliCapturing({}, argv);
}

let folder: string;
let keyFile: string;
let publicFile: string;
let otherPublicFile: string;
let fingerprint: string;
let signed: string;

function writeKeys(name: string) {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  return {
    privatePem: privateKey.export({ format: "pem", type: "pkcs8" }).toString(),
    publicPem: publicKey.export({ format: "pem", type: "spki" }).toString(),
    fingerprint: createHash("sha256")
      .update(publicKey.export({ format: "der", type: "spki" }))
      .digest("hex"),
    name,
  };
}

/** The tar at `path` with one byte of `name` changed. */
async function editOneByte(path: string, name: string, at: (content: Buffer) => number): Promise<string> {
  const files = [...(await untar(await readFile(path)))];
  const edited = files.map(([entry, content]) => {
    if (entry !== name) return { name: entry, content };
    const copy = Buffer.from(content);
    const index = at(copy);
    copy[index] = (copy[index] ?? 0) ^ 0x01;
    return { name: entry, content: copy };
  });
  const out = join(folder, `edited-${name}.tar`);
  await writeFile(out, await packTar(edited));
  return out;
}

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "klr-signed-"));
  const keys = writeKeys("signer");
  const other = writeKeys("other");
  keyFile = join(folder, "key.pem");
  publicFile = join(folder, "pub.pem");
  otherPublicFile = join(folder, "other.pem");
  await writeFile(keyFile, keys.privatePem);
  await writeFile(publicFile, keys.publicPem);
  await writeFile(otherPublicFile, other.publicPem);
  fingerprint = keys.fingerprint;
  signed = join(folder, "signed.tar");
  const run = await cli("generate", "--demo", "--format", "tar", "--signing-key", keyFile, "--out", signed);
  expect(run.code, run.stderr).toBe(0);
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe("generate --signing-key and verify --public-key", () => {
  it("signs the manifest: verify with the public key says who produced it, exit 0", async () => {
    const files = await untar(await readFile(signed));
    expect([...files.keys()].slice(-2)).toEqual(["manifest.json", "manifest.sig"]);
    const run = await cli("verify", "--public-key", publicFile, signed);
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout.split("\n").at(-2)).toBe(
      `OK ${signed}: manifest.sig is a valid ECDSA_SHA_256 signature of manifest.json by the key in ${publicFile} (public key SHA-256 ${fingerprint}): the manifest was signed by the holder of that key's private key.`,
    );
  });

  it("without --public-key, names the signer and checks everything else, exit 0", async () => {
    const run = await cli("verify", signed);
    expect(run.code).toBe(0);
    expect(run.stdout.split("\n").at(-2)).toBe(
      `NOTE ${signed}: manifest.json is signed (ECDSA_SHA_256, public key SHA-256 ${fingerprint}); verify --public-key FILE checks who signed it.`,
    );
  });

  it.each([
    ["summary.html", (page: Buffer) => page.indexOf("<h1") + 1],
    ["manifest.json", (manifest: Buffer) => manifest.indexOf('"kind"') + 2],
    ["manifest.sig", (signature: Buffer) => signature.length - 1],
  ])("refuses the tar after one byte of %s is changed, exit 1", async (name, at) => {
    const edited = await editOneByte(signed, name, at);
    const run = await cli("verify", "--public-key", publicFile, edited);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^MISMATCH /m);
  });

  it("refuses another signer's public key, naming both keys, exit 1", async () => {
    const run = await cli("verify", "--public-key", otherPublicFile, signed);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`it is signed by the key with SHA-256 ${fingerprint}, not by the key given`);
  });

  it("refuses an unsigned tar when a public key is given, exit 1", async () => {
    const unsigned = join(folder, "unsigned.tar");
    const files = [...(await untar(await readFile(signed)))].filter(([name]) => name !== "manifest.sig");
    // The manifest still names the signer, so dropping the signature alone is caught without a key too.
    await writeFile(unsigned, await packTar(files.map(([name, content]) => ({ name, content }))));
    const run = await cli("verify", unsigned);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("manifest.json says it is signed, but manifest.sig is missing");
  });

  it("refuses --signing-key without a tar (generate and estate), exit 2", async () => {
    const generate = await cli("generate", "--demo", "--format", "json", "--signing-key", keyFile);
    expect(generate.code).toBe(2);
    expect(generate.stderr).toContain("--signing-key signs a tar's manifest.json: use --format tar");
    const envs = join(folder, "envs.json");
    await writeFile(envs, '{"environments": [{"environment": "demo", "demo": true}]}');
    const estate = await cli("estate", "--environments", envs, "--signing-key", keyFile);
    expect(estate.code).toBe(2);
    expect(estate.stderr).toContain("--signing-key signs the estate tar's manifest.json: use --format tar.");
  });

  it("refuses a key file that is not a usable private key before reading any database, exit 2", async () => {
    const run = await cli("generate", "--demo", "--format", "tar", "--signing-key", publicFile);
    expect(run).toMatchObject({ code: 2, stdout: "" });
    expect(run.stderr).toBe(
      `--signing-key file ${publicFile} is not a PEM private key (-----BEGIN PRIVATE KEY----- or -----BEGIN EC PRIVATE KEY-----).\n`,
    );
    const wrong = await cli("verify", "--public-key", keyFile, signed);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain(`--public-key file ${keyFile} is a private key`);
  });

  it("signs an estate tar the same way", async () => {
    const estate = buildEstate(
      [{ environment: "prod", status: "ok", report: sampleMarch().report, discreteServices: [] }],
      { asOf: "2025-03", generatedAt: "2025-04-01T00:00:00.000Z" },
    );
    const signer = createPemSigner(await readFile(keyFile, "utf8"));
    const files = await signManifest(buildEstateFiles(estate, "tar"), signer);
    const path = join(folder, "estate.tar");
    await writeFile(path, await buffer(openReportStream(files, "tar", new Date(0))));
    const run = await cli("verify", "--public-key", publicFile, path);
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toContain("manifest.sig is a valid ECDSA_SHA_256 signature");
  });
});
