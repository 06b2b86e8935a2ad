import { createHash, type KeyObject } from "node:crypto";
import { canonicalJson } from "../estate/estate-digest.ts";
import { parseJsonText } from "../shared/json-text.ts";
import {
  fingerprintPublicKey,
  SIGNATURE_ALGORITHMS,
  type SignatureAlgorithm,
  type Signer,
  selectAlgorithm,
  verifySignature,
} from "../shared/signature.ts";
import { stringifyJson } from "../shared/visible-text.ts";
import type { ReportFile } from "./tar.ts";

/**
 * manifest.json: the last file of every tar this tool writes. It lists every other file with its
 * size and SHA-256, names the document the tar carries by its own checksum (Kong's checksum of
 * response.json, or estate.json's digest), and ends with `digest`, the SHA-256 of its own RFC 8785
 * canonical JSON without `digest`. An optional manifest.sig after it is a signature over the exact
 * bytes of manifest.json. README.md ("What verify proves") documents the format for auditors.
 */
export const MANIFEST_JSON = "manifest.json";
export const MANIFEST_SIG = "manifest.sig";
export const MANIFEST_FILES: readonly string[] = [MANIFEST_JSON, MANIFEST_SIG];

export type ManifestKind = "report" | "estate";

export interface ManifestEntry {
  name: string;
  bytes: number;
  sha256: string;
}

/** Who signed the manifest, as written in it (signed with it, so it cannot be swapped). */
export interface ManifestSignature {
  algorithm: SignatureAlgorithm;
  public_key_sha256: string;
  key_id?: string;
}

export interface Manifest {
  manifest_version: 1;
  kind: ManifestKind;
  /** The checksum of the document the tar carries: response.json's (Kong's), or estate.json's digest. */
  checksum: string;
  files: ManifestEntry[];
  signature?: ManifestSignature;
  digest: string;
}

/** The files followed by their manifest (unsigned). */
export function appendManifest(
  files: readonly ReportFile[],
  kind: ManifestKind,
  checksum: string,
  signature?: ManifestSignature,
): ReportFile[] {
  const content = files.filter((file) => !MANIFEST_FILES.includes(file.name));
  const unsigned: Omit<Manifest, "digest"> = {
    manifest_version: 1,
    kind,
    checksum,
    files: content.map((file) => ({
      name: file.name,
      bytes: file.content.length,
      sha256: sha256(file.content),
    })),
    ...(signature === undefined ? {} : { signature }),
  };
  const manifest: Manifest = { ...unsigned, digest: computeManifestDigest(unsigned) };
  return [
    ...content,
    { name: MANIFEST_JSON, content: Buffer.from(`${stringifyJson(manifest, 2)}\n`, "utf8") },
  ];
}

/**
 * The same files with a signed manifest: the signer's identity written into manifest.json, then
 * manifest.sig, the signature over manifest.json's bytes (what `openssl dgst -verify` checks).
 */
export async function signManifest(
  files: readonly ReportFile[],
  signer: Signer,
  signal?: AbortSignal,
): Promise<ReportFile[]> {
  const current = files.find((file) => file.name === MANIFEST_JSON);
  if (current === undefined) throw new Error("signManifest: the files have no manifest.json to sign.");
  const { kind, checksum } = JSON.parse(current.content.toString("utf8")) as Manifest;
  const identity = await signer.identify(signal);
  const signed = appendManifest(files, kind, checksum, {
    algorithm: identity.algorithm,
    public_key_sha256: identity.publicKeySha256,
    ...(identity.keyId === undefined ? {} : { key_id: identity.keyId }),
  });
  const manifest = signed.at(-1) as ReportFile;
  return [...signed, { name: MANIFEST_SIG, content: await signer.sign(manifest.content, signal) }];
}

/**
 * The files as they are stored: signed when a signer is given and they are a tar's (a JSON document
 * has no manifest, so nothing to sign).
 */
export async function signWhenAsked(
  files: readonly ReportFile[],
  format: "json" | "tar",
  signer: Signer | undefined,
  signal?: AbortSignal,
): Promise<readonly ReportFile[]> {
  return signer === undefined || format !== "tar" ? files : signManifest(files, signer, signal);
}

/** The manifest's digest: SHA-256 of the RFC 8785 canonical JSON of the manifest without `digest`. */
export function computeManifestDigest(
  manifest: Readonly<Record<string, unknown>> | Omit<Manifest, "digest">,
): string {
  const { digest: _ignored, ...content } = manifest as Record<string, unknown>;
  return createHash("sha256").update(canonicalJson(content), "utf8").digest("hex");
}

/** What checking a tar's files against its manifest found. */
export interface ManifestCheck {
  /** The manifest, when the tar holds one that parses. */
  readonly manifest?: Manifest;
  /** Its digest as computed here. */
  readonly digest?: string;
  /** Every way the tar differs from its manifest; empty when each file matches (or there is no manifest). */
  readonly problems: readonly string[];
  /** The tar has no manifest.json (written before manifests, or stripped): nothing covers its other files. */
  readonly absent?: string;
}

/**
 * Checks a tar's files against its manifest.json: the manifest's own digest, the document it names
 * (`checksum`, that of the tar's response.json or estate.json), and each file, listed and present,
 * with its size and SHA-256. A tar without a manifest is `absent`: nothing covers its other files.
 */
export function checkManifest(
  files: ReadonlyMap<string, Buffer>,
  expected: { readonly kind: ManifestKind; readonly checksum: string | undefined },
): ManifestCheck {
  const others = [...files.keys()].filter((name) => !MANIFEST_FILES.includes(name));
  const text = files.get(MANIFEST_JSON);
  if (text === undefined) {
    return {
      problems: [],
      absent: `it has no ${MANIFEST_JSON}, so nothing covers ${others.filter((name) => name !== "response.json" && name !== "estate.json").join(", ") || "the other files"} (a tar written before manifests, or one whose manifest was removed)`,
    };
  }
  let parsed: unknown;
  try {
    parsed = parseJsonText(text.toString("utf8"), (reason) => new Error(reason));
  } catch (error) {
    return { problems: [`${MANIFEST_JSON} ${(error as Error).message}`] };
  }
  const shapeProblem = describeShapeProblem(parsed);
  if (shapeProblem !== undefined) return { problems: [`${MANIFEST_JSON} ${shapeProblem}`] };
  const manifest = parsed as Manifest;
  const digest = computeManifestDigest(manifest as unknown as Record<string, unknown>);
  const problems: string[] = [];
  if (manifest.digest.toLowerCase() !== digest) {
    problems.push(`${MANIFEST_JSON} claims digest ${manifest.digest} but its content hashes to ${digest}`);
  }
  if (manifest.kind !== expected.kind) {
    problems.push(
      `${MANIFEST_JSON} is the manifest of ${article(manifest.kind)} ${manifest.kind}, not of ${article(expected.kind)} ${expected.kind}`,
    );
  }
  if (
    expected.checksum !== undefined &&
    manifest.checksum.toLowerCase() !== expected.checksum.toLowerCase()
  ) {
    problems.push(
      `${MANIFEST_JSON} is of the ${manifest.kind} with checksum ${manifest.checksum}; the tar's ${manifest.kind} has ${expected.checksum}`,
    );
  }
  const listed = new Set<string>();
  for (const entry of manifest.files) {
    if (listed.has(entry.name)) problems.push(`${MANIFEST_JSON} lists ${entry.name} twice`);
    listed.add(entry.name);
    const content = files.get(entry.name);
    if (content === undefined) {
      problems.push(`${entry.name} is listed in ${MANIFEST_JSON} but missing from the tar`);
      continue;
    }
    const actual = sha256(content);
    if (content.length !== entry.bytes || actual !== entry.sha256.toLowerCase()) {
      problems.push(
        `${entry.name} does not match ${MANIFEST_JSON} (listed: ${entry.bytes} bytes, SHA-256 ${entry.sha256}; in the tar: ${content.length} bytes, SHA-256 ${actual})`,
      );
    }
  }
  for (const name of others) {
    if (!listed.has(name)) problems.push(`${name} is in the tar but not listed in ${MANIFEST_JSON}`);
  }
  const signed = files.has(MANIFEST_SIG);
  if (manifest.signature !== undefined && !signed) {
    problems.push(`${MANIFEST_JSON} says it is signed, but ${MANIFEST_SIG} is missing`);
  }
  if (manifest.signature === undefined && signed) {
    problems.push(`${MANIFEST_SIG} is there, but ${MANIFEST_JSON} names no signer`);
  }
  return { manifest, digest, problems };
}

/** What checking manifest.sig with a public key found. */
export interface SignatureCheck {
  readonly valid: boolean;
  /** Why it does not hold, completing "MISMATCH FILE: …". */
  readonly problem?: string;
  /** The given key's fingerprint. */
  readonly publicKeySha256: string;
}

/** Checks manifest.sig over manifest.json with the public key an auditor trusts. */
export function checkManifestSignature(
  files: ReadonlyMap<string, Buffer>,
  manifest: Manifest | undefined,
  publicKey: KeyObject,
): SignatureCheck {
  const publicKeySha256 = fingerprintPublicKey(publicKey);
  const algorithm = selectAlgorithm(publicKey);
  const message = files.get(MANIFEST_JSON);
  const signature = files.get(MANIFEST_SIG);
  if (manifest === undefined || message === undefined || signature === undefined) {
    return {
      valid: false,
      publicKeySha256,
      problem: `it is not signed (no ${MANIFEST_SIG}), so it cannot show who produced it`,
    };
  }
  if (manifest.signature === undefined) {
    // The signer block was removed (or never written): the signature cannot be tied to a key.
    return {
      valid: false,
      publicKeySha256,
      problem: `its signer is unknown (${MANIFEST_JSON} names none beside ${MANIFEST_SIG}), so it cannot show who produced it`,
    };
  }
  if (manifest.signature.public_key_sha256.toLowerCase() !== publicKeySha256) {
    return {
      valid: false,
      publicKeySha256,
      problem: `it is signed by the key with SHA-256 ${manifest.signature.public_key_sha256}, not by the key given (SHA-256 ${publicKeySha256})`,
    };
  }
  if (manifest.signature.algorithm !== algorithm) {
    return {
      valid: false,
      publicKeySha256,
      problem: `${MANIFEST_JSON} names ${manifest.signature.algorithm}, but the key given signs with ${algorithm}`,
    };
  }
  return verifySignature(message, signature, publicKey, algorithm)
    ? { valid: true, publicKeySha256 }
    : {
        valid: false,
        publicKeySha256,
        problem: `${MANIFEST_SIG} is not a valid ${algorithm} signature of ${MANIFEST_JSON} by the key given: one of them was changed after signing`,
      };
}

function describeShapeProblem(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "is not a JSON object";
  const record = value as Record<string, unknown>;
  if (record.manifest_version !== 1)
    return `has manifest_version ${JSON.stringify(record.manifest_version)}, expected 1`;
  if (record.kind !== "report" && record.kind !== "estate") return 'has no "kind" of "report" or "estate"';
  if (typeof record.checksum !== "string") return 'has no "checksum"';
  if (typeof record.digest !== "string") return 'has no "digest"';
  if (!Array.isArray(record.files)) return 'has no "files" list';
  for (const [index, entry] of record.files.entries()) {
    const file = entry as Record<string, unknown> | null;
    if (
      typeof file !== "object" ||
      file === null ||
      typeof file.name !== "string" ||
      !Number.isSafeInteger(file.bytes) ||
      typeof file.sha256 !== "string"
    ) {
      return `files[${index}] is not { name, bytes, sha256 }`;
    }
  }
  if (record.signature !== undefined) {
    const signature = record.signature as Record<string, unknown> | null;
    if (
      typeof signature !== "object" ||
      signature === null ||
      !SIGNATURE_ALGORITHMS.includes(signature.algorithm as SignatureAlgorithm) ||
      typeof signature.public_key_sha256 !== "string" ||
      (signature.key_id !== undefined && typeof signature.key_id !== "string")
    ) {
      return `"signature" is not { algorithm (${SIGNATURE_ALGORITHMS.join(" or ")}), public_key_sha256, key_id? }`;
    }
  }
  return undefined;
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? "an" : "a";
}

function sha256(content: Buffer): string {
  return createHash("sha256").update(content).digest("hex");
}
