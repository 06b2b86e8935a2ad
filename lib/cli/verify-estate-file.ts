import { verifyEstate } from "../estate/verify-estate.ts";
import type { EstateReading } from "../output/read-report-file.ts";
import type { CliIo, ExitCode } from "./io.ts";
import { describeTarChecks, type TrustedKey } from "./verify-tar.ts";

/**
 * Prints the estate's checks: its digest, every report's checksum (and the copy of it beside the
 * estate), the details of each, the totals recomputed from the reports, and for a tar its manifest
 * and signature. 0 when all hold, 1 otherwise.
 */
export function reportEstateVerification(
  path: string,
  reading: EstateReading,
  io: CliIo,
  key?: TrustedKey,
): ExitCode {
  const result = verifyEstate(reading.estate, reading.environments);
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
    } else if (check.detailsMismatch !== undefined) {
      lines.push(
        `  ${check.environment}: MISMATCH ${check.detailsMismatch.join(" and ")} of another report than its checksum ${check.computed}`,
      );
    } else {
      lines.push(`  ${check.environment}: OK checksum ${check.computed}`);
    }
  }
  const listed = new Set(result.environments.filter((c) => c.status === "ok").map((c) => c.environment));
  const missing = [...reading.environments.keys()].filter((name) => !listed.has(name));
  for (const name of missing)
    lines.push(`  ${name}: MISMATCH a report in the tar that the estate does not list`);
  const reported = result.environments.filter((check) => check.status === "ok").length;
  const reportsVerify = result.environments.every(
    (check) => check.status === "failed" || check.valid === true,
  );
  if (reportsVerify && result.totals.length === 0) {
    lines.push(`OK ${path}: the totals are the sum of the ${reported} verified report(s).`);
  }
  for (const problem of result.totals) {
    lines.push(`MISMATCH ${path}: ${problem}; the totals do not follow from the reports.`);
  }
  const tar =
    reading.tar === undefined
      ? { lines: [], valid: true }
      : describeTarChecks(path, reading.tar, "", reading.tar.manifest.problems, key);
  if (reading.tar === undefined && key !== undefined) {
    tar.lines.push(`MISMATCH ${path}: estate.json alone carries no signature; verify the estate tar.`);
    tar.valid = false;
  }
  lines.push(...tar.lines);
  io.stdout(`${lines.join("\n")}\n`);
  return result.valid && missing.length === 0 && tar.valid ? 0 : 1;
}
