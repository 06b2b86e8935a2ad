import { BadParameterError, ConfigError } from "../errors.ts";
import { readBoundedFile } from "../shared/bounded-file.ts";
import { readMaxFileBytes } from "../shared/json-text.ts";
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
