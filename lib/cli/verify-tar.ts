import type { KeyObject } from "node:crypto";
import {
  checkManifestSignature,
  MANIFEST_JSON,
  MANIFEST_SIG,
  type ManifestCheck,
} from "../output/manifest.ts";

/** The public key given with --public-key, and its file's name. */
export interface TrustedKey {
  readonly file: string;
  readonly key: KeyObject;
}

/**
 * verify's lines about a tar beyond the document's own checksum: its manifest (every file's size
 * and SHA-256), `problems` (the manifest's, and details of another report), and its signature.
 * Without --public-key a signature is named, not checked: only the key an auditor trusts proves
 * who signed.
 */
export function describeTarChecks(
  file: string,
  tar: { readonly files: ReadonlyMap<string, Buffer>; readonly manifest: ManifestCheck },
  note: string,
  problems: readonly string[],
  key: TrustedKey | undefined,
): { lines: string[]; valid: boolean } {
  const lines: string[] = [];
  const { manifest, digest } = tar.manifest;
  if (problems.length === 0 && manifest !== undefined) {
    const names = manifest.files.map((entry) => entry.name);
    lines.push(
      `OK ${file}: ${MANIFEST_JSON} (digest ${digest}) covers all ${names.length} files of the tar (${names.join(", ")}): each one's size and SHA-256 match${note}.`,
    );
  }
  const all = tar.manifest.absent === undefined ? problems : [tar.manifest.absent, ...problems];
  for (const problem of all) lines.push(`MISMATCH ${file}: ${problem}.`);
  let signed = true;
  if (key !== undefined) {
    const check = checkManifestSignature(tar.files, manifest, key.key);
    signed = check.valid;
    lines.push(
      check.valid
        ? `OK ${file}: ${MANIFEST_SIG} is a valid ${manifest?.signature?.algorithm} signature of ${MANIFEST_JSON} by the key in ${key.file} (public key SHA-256 ${check.publicKeySha256}): the manifest was signed by the holder of that key's private key.`
        : `MISMATCH ${file}: ${check.problem}.`,
    );
  } else if (manifest?.signature !== undefined) {
    const { algorithm, public_key_sha256: fingerprint, key_id: keyId } = manifest.signature;
    lines.push(
      `NOTE ${file}: ${MANIFEST_JSON} is signed (${algorithm}, public key SHA-256 ${fingerprint}${keyId === undefined ? "" : `, ${keyId}`}); verify --public-key FILE checks who signed it.`,
    );
  }
  return { lines, valid: all.length === 0 && signed };
}
