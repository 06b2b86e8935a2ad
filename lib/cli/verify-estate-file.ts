import { readFile } from "node:fs/promises";
import { isTar, readTarEntries } from "../diff/read-report-file.ts";
import { InvalidReportFileError } from "../errors.ts";
import { isEstateDocument, verifyEstate } from "../estate/verify-estate.ts";
import { ESTATE_JSON } from "../output/estate-files.ts";
import { parseReportJson } from "../report/verify-report.ts";
import type { CliIo, ExitCode } from "./io.ts";

export interface EstateFile {
  readonly estate: Record<string, unknown>;
  /** Reports beside the estate in a tar (environments/<name>/response.json), by environment. */
  readonly files: Map<string, unknown>;
}

/** Reads an estate from estate.json or an estate tar; undefined when the file is not an estate. */
export async function readEstateFile(path: string): Promise<EstateFile | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch {
    return undefined; // The report reader names the problem.
  }
  if (!isTar(bytes)) {
    const text = bytes.toString("utf8");
    if (!text.includes('"estate_version"')) return undefined;
    const value = parseReportJson(text, path);
    return isEstateDocument(value) ? { estate: value, files: new Map() } : undefined;
  }
  const entries = await readTarEntries(bytes, path, "path");
  const text = entries.get(ESTATE_JSON);
  if (text === undefined) return undefined;
  const estate = parseReportJson(text, `${path} (${ESTATE_JSON})`);
  if (!isEstateDocument(estate)) {
    throw new InvalidReportFileError(`${path}: ${ESTATE_JSON} is not an estate document.`);
  }
  const files = new Map<string, unknown>();
  for (const [name, content] of entries) {
    const match = /^environments\/([^/]+)\/response\.json$/.exec(name);
    if (match?.[1] !== undefined) files.set(match[1], parseReportJson(content, `${path} (${name})`));
  }
  return { estate, files };
}

/** Prints the estate's checks; 0 when the digest and every report verify, 1 otherwise. */
export function reportEstateVerification(path: string, file: EstateFile, io: CliIo): ExitCode {
  const result = verifyEstate(file.estate, file.files);
  const lines: string[] = [];
  lines.push(
    result.digest.valid
      ? `OK ${path}: estate digest ${result.digest.computed} matches its content.`
      : `MISMATCH ${path}: the estate claims digest ${result.digest.claimed ?? "(none)"} but its content hashes to ${result.digest.computed}; it was changed after it was generated.`,
  );
  for (const check of result.environments) {
    if (check.status === "failed") {
      lines.push(`  ${check.environment}: failed when collected, no report to check`);
    } else if (check.status === "counts") {
      lines.push(
        `  ${check.environment}: entity counts only (Konnect serves no license report), covered by the digest`,
      );
    } else if (check.valid !== true) {
      lines.push(
        `  ${check.environment}: MISMATCH report claims checksum ${check.claimed ?? "(none)"} but its content hashes to ${check.computed}`,
      );
    } else if (check.fileMismatch === true) {
      lines.push(
        `  ${check.environment}: MISMATCH environments/${check.environment}/response.json differs from the estate's report`,
      );
    } else {
      lines.push(`  ${check.environment}: OK checksum ${check.computed}`);
    }
  }
  const missing = [...file.files.keys()].filter(
    (name) => !result.environments.some((check) => check.environment === name && check.status === "ok"),
  );
  for (const name of missing)
    lines.push(`  ${name}: MISMATCH a report in the tar that the estate does not list`);
  io.stdout(`${lines.join("\n")}\n`);
  return result.valid && missing.length === 0 ? 0 : 1;
}
