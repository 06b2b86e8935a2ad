import type { AdminApiSource } from "../collector/api-sources.ts";
import { collectFromAdminApi } from "../collector/collect-admin-api.ts";
import { createKongApiPorts } from "../compose/open-kong-api.ts";
import type { DiscreteRule } from "../details/discrete-rules.ts";
import { buildApiReportFiles } from "../output/api-report-files.ts";
import { openReportStream } from "../output/report-files.ts";
import type { GenerateOptions } from "./generate-options.ts";
import type { CliIo, ExitCode } from "./io.ts";
import { deliverReport } from "./write-report-file.ts";

/**
 * `generate --admin-api URL`: Kong's own report from its Admin API, verified, written byte for byte as
 * response.json (the JSON format is that file alone); the tar adds our details beside it.
 */
export async function runAdminApiGenerate(
  source: AdminApiSource,
  options: GenerateOptions,
  rules: readonly DiscreteRule[] | undefined,
  target: string | undefined,
  io: CliIo,
): Promise<ExitCode> {
  const progress = io.stderrIsTTY === true ? (text: string) => io.stderr(`${text}\n`) : () => undefined;
  const port = await createKongApiPorts().adminApi(source);
  if (source.token === undefined) {
    io.stderr(
      "No token in KONG_ADMIN_TOKEN (or the variable --admin-token-env names): asking Kong's Admin API without Kong-Admin-Token, as for an Admin API without RBAC.\n",
    );
  }
  progress(`Reading Kong's report from its Admin API at ${port.description}…`);
  const collected = await collectFromAdminApi(port, {
    details: options.format === "tar" && options.details,
    includeList: options.listDiscreteServices,
    ...(rules === undefined ? {} : { rules }),
    ...(options.clusterName === undefined ? {} : { clusterName: options.clusterName }),
  });
  const now = new Date(collected.report.timestamp * 1000);
  const stream = openReportStream(
    buildApiReportFiles(collected, collected.response, options.format),
    options.format,
    now,
  );
  const written = await deliverReport(stream, { ...options, target }, now, io);
  if (written === undefined) return 0;
  const { path, bytes } = written;
  io.stderr(
    `Wrote ${path} (${bytes} bytes): Kong's own report from its Admin API at ${port.description}, checksum ${collected.report.checksum} verified.\n`,
  );
  return 0;
}
