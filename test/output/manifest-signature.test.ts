import {
  constants,
  createHash,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  verify,
} from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  appendManifest,
  checkManifest,
  checkManifestSignature,
  type Manifest,
  signManifest,
} from "#lib/output/manifest.ts";
import type { ReportFile } from "#lib/output/tar.ts";
import { createPemSigner, readPublicKey, UnusableKeyError, verifySignature } from "#lib/shared/signature.ts";

// A signature proves who produced a tar: the holder of the private key. Every case signs, then
// changes one thing a forger could, and expects the public key to refuse it.

const FILES: ReportFile[] = [
  { name: "response.json", content: Buffer.from('{"checksum": "abc"}\n') },
  { name: "details.json", content: Buffer.from('{"checksum": "abc"}\n') },
  { name: "summary.html", content: Buffer.from("<!doctype html><h1>Report</h1>\n") },
];

function pemPair(kind: "ec" | "rsa") {
  const pair =
    kind === "ec"
      ? generateKeyPairSync("ec", { namedCurve: "P-256" })
      : generateKeyPairSync("rsa", { modulusLength: 2048 });
  return {
    privatePem: pair.privateKey.export({ format: "pem", type: "pkcs8" }).toString(),
    publicKey: pair.publicKey,
  };
}

async function signedTar(kind: "ec" | "rsa") {
  const { privatePem, publicKey } = pemPair(kind);
  const files = await signManifest(appendManifest(FILES, "report", "abc"), createPemSigner(privatePem));
  return { files: new Map(files.map((file) => [file.name, file.content])), publicKey, order: files };
}

function fingerprint(key: KeyObject): string {
  return createHash("sha256")
    .update(key.export({ format: "der", type: "spki" }))
    .digest("hex");
}

function manifestOf(files: ReadonlyMap<string, Buffer>): Manifest {
  return JSON.parse(files.get("manifest.json")?.toString("utf8") ?? "{}") as Manifest;
}

describe("Function: signManifest and checkManifestSignature", () => {
  it.each(["ec", "rsa"] as const)(
    "%s: names the signer in manifest.json, appends manifest.sig, and the public key accepts it",
    async (kind) => {
      const { files, publicKey, order } = await signedTar(kind);
      expect(order.map((file) => file.name)).toEqual([
        "response.json",
        "details.json",
        "summary.html",
        "manifest.json",
        "manifest.sig",
      ]);
      const manifest = manifestOf(files);
      expect(manifest.signature).toEqual({
        algorithm: kind === "ec" ? "ECDSA_SHA_256" : "RSASSA_PSS_SHA_256",
        public_key_sha256: fingerprint(publicKey),
      });
      expect(checkManifest(files, { kind: "report", checksum: "abc" }).problems).toEqual([]);
      expect(checkManifestSignature(files, manifest, publicKey)).toEqual({
        valid: true,
        publicKeySha256: fingerprint(publicKey),
      });
      // What an auditor runs (openssl dgst -sha256 -verify pub.pem -signature manifest.sig
      // manifest.json; for RSA with -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:32) is this:
      const message = files.get("manifest.json") as Buffer;
      const signature = files.get("manifest.sig") as Buffer;
      const options =
        kind === "ec"
          ? publicKey
          : { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };
      expect(verify("sha256", message, options, signature)).toBe(true);
    },
  );

  it("refuses one byte changed in manifest.json, even with its digest recomputed", async () => {
    const { files, publicKey } = await signedTar("ec");
    const text = files.get("manifest.json")?.toString("utf8") ?? "";
    files.set("manifest.json", Buffer.from(text.replace('"kind": "report"', '"kind": "report" ')));
    expect(checkManifestSignature(files, manifestOf(files), publicKey)).toMatchObject({
      valid: false,
      problem:
        "manifest.sig is not a valid ECDSA_SHA_256 signature of manifest.json by the key given: one of them was changed after signing",
    });
  });

  it("refuses one byte changed in the signature", async () => {
    const { files, publicKey } = await signedTar("rsa");
    const signature = Buffer.from(files.get("manifest.sig") as Buffer);
    signature[10] = (signature[10] ?? 0) ^ 1;
    files.set("manifest.sig", signature);
    expect(checkManifestSignature(files, manifestOf(files), publicKey).valid).toBe(false);
  });

  it("refuses another key, naming both fingerprints", async () => {
    const { files } = await signedTar("ec");
    const other = pemPair("ec").publicKey;
    expect(checkManifestSignature(files, manifestOf(files), other)).toEqual({
      valid: false,
      publicKeySha256: fingerprint(other),
      problem: `it is signed by the key with SHA-256 ${manifestOf(files).signature?.public_key_sha256}, not by the key given (SHA-256 ${fingerprint(other)})`,
    });
  });

  it("refuses an unsigned tar when a key is given: it cannot show who produced it", () => {
    const files = new Map(appendManifest(FILES, "report", "abc").map((file) => [file.name, file.content]));
    expect(checkManifestSignature(files, manifestOf(files), pemPair("ec").publicKey).problem).toBe(
      "it is not signed (no manifest.sig), so it cannot show who produced it",
    );
  });

  it("refuses a signature whose signer block was removed from manifest.json, without calling it unsigned", async () => {
    const { files, publicKey } = await signedTar("ec");
    const { signature: _removed, ...unsigned } = manifestOf(files);
    files.set("manifest.json", Buffer.from(`${JSON.stringify(unsigned, null, 2)}\n`));
    expect(checkManifestSignature(files, manifestOf(files), publicKey)).toEqual({
      valid: false,
      publicKeySha256: fingerprint(publicKey),
      problem:
        "its signer is unknown (manifest.json names none beside manifest.sig), so it cannot show who produced it",
    });
  });

  it("an edited file is caught by the manifest the signature covers", async () => {
    const { files, publicKey } = await signedTar("ec");
    files.set("summary.html", Buffer.from("<!doctype html><h1>Rep0rt</h1>\n"));
    expect(checkManifestSignature(files, manifestOf(files), publicKey).valid).toBe(true);
    expect(checkManifest(files, { kind: "report", checksum: "abc" }).problems).toEqual([
      expect.stringMatching(/^summary\.html does not match manifest\.json/),
    ]);
  });
});

describe("Keys: what can sign and what can check", () => {
  it("reads a public key from PEM, and refuses a private key given as the public one", () => {
    const { privatePem, publicKey } = pemPair("ec");
    const pem = publicKey.export({ format: "pem", type: "spki" }).toString();
    expect(fingerprint(readPublicKey(pem))).toBe(fingerprint(createPublicKey(pem)));
    expect(() => readPublicKey(privatePem)).toThrow(
      "is a private key: give the public key (openssl pkey -in key.pem -pubout -out pub.pem), which is all verify needs",
    );
    expect(() => readPublicKey("not a key")).toThrow("is not a PEM public key");
  });

  it.each([
    ["an Ed25519 key", () => generateKeyPairSync("ed25519"), "is an ed25519 key"],
    ["a P-384 key", () => generateKeyPairSync("ec", { namedCurve: "P-384" }), "is an EC key on secp384r1"],
    [
      "an RSA key of 1024 bits",
      () => generateKeyPairSync("rsa", { modulusLength: 1024 }),
      "is an RSA key of 1024 bits",
    ],
  ])("refuses %s, naming the keys that work", (_case, generate, what) => {
    const pem = generate().privateKey.export({ format: "pem", type: "pkcs8" }).toString();
    expect(() => createPemSigner(pem)).toThrow(UnusableKeyError);
    expect(() => createPemSigner(pem)).toThrow(what);
    expect(() => createPemSigner(pem)).toThrow("use an EC key on P-256");
  });

  it("signs with an RSA-PSS key (openssl genpkey -algorithm RSA-PSS) as with RSA", async () => {
    const { privateKey, publicKey } = generateKeyPairSync("rsa-pss", { modulusLength: 2048 });
    const signer = createPemSigner(privateKey.export({ format: "pem", type: "pkcs8" }).toString());
    expect((await signer.identify()).algorithm).toBe("RSASSA_PSS_SHA_256");
    const message = Buffer.from("manifest");
    expect(verifySignature(message, await signer.sign(message), publicKey, "RSASSA_PSS_SHA_256")).toBe(true);
  });

  it("answers false, never throws, for a signature that is not one", () => {
    const { publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    expect(
      verifySignature(Buffer.from("m"), Buffer.from("not a signature"), publicKey, "RSASSA_PSS_SHA_256"),
    ).toBe(false);
    // A key OpenSSL cannot use with SHA-256 at all makes verify throw: still false.
    const ed25519 = generateKeyPairSync("ed25519").publicKey;
    expect(verifySignature(Buffer.from("m"), Buffer.alloc(64), ed25519, "ECDSA_SHA_256")).toBe(false);
  });

  it("refuses an encrypted private key, saying how to decrypt it", () => {
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const pem = privateKey
      .export({ format: "pem", type: "pkcs8", cipher: "aes-256-cbc", passphrase: "secret" })
      .toString();
    expect(() => createPemSigner(pem)).toThrow("is an encrypted private key: decrypt it first");
  });
});
