import type { KeyObject } from "node:crypto";
import { BadParameterError, ConfigError } from "../errors.ts";
import { readBoundedFile } from "../shared/bounded-file.ts";
import { readMaxFileBytes } from "../shared/json-text.ts";
import { createPemSigner, readPublicKey, type Signer, UnusableKeyError } from "../shared/signature.ts";
import type { CliIo } from "./io.ts";

/** The largest file the CLI reads (KONG_LICENSE_REPORT_MAX_FILE_MB); a bad value is exit 2 naming it. */
export function readFileLimit(env: CliIo["env"]): number {
  try {
    return readMaxFileBytes(env);
  } catch (error) {
    throw new ConfigError("KONG_LICENSE_REPORT_MAX_FILE_MB", (error as Error).message);
  }
}

/**
 * Reads the file given to an option (--environments, --discrete-rules, --license, --signing-key,
 * --public-key), its size checked before it is read: exit 2 naming the option and the file.
 */
export async function readOptionFile(path: string, option: string, env: CliIo["env"]): Promise<Buffer> {
  return readBoundedFile(
    path,
    readFileLimit(env),
    (reason, cause) =>
      new BadParameterError(option, `Cannot read ${option} file ${path}: ${reason}.`, { cause }),
  );
}

/** `--signing-key FILE`: a PEM private key, read and checked before anything else (exit 2 naming it). */
export async function readSigningKey(path: string, env: CliIo["env"]): Promise<Signer> {
  const pem = await readOptionFile(path, "--signing-key", env);
  return refuseUnusableKey("--signing-key", path, () => createPemSigner(pem.toString("utf8")));
}

/** `--public-key FILE`: a PEM public key, read before the file it checks (exit 2 naming it). */
export async function readTrustedKey(path: string, env: CliIo["env"]): Promise<KeyObject> {
  const pem = await readOptionFile(path, "--public-key", env);
  return refuseUnusableKey("--public-key", path, () => readPublicKey(pem.toString("utf8")));
}

function refuseUnusableKey<T>(option: string, path: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof UnusableKeyError)) throw error;
    throw new BadParameterError(option, `${option} file ${path} ${error.message}.`, { cause: error });
  }
}
