import { stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { type CollectOptions, collectReport } from "../collector/collect-report.ts";
import { describeReplacedCharacters } from "../collector/replaced-characters.ts";
import { type BucketStore, openBucketStore } from "../compose/bucket-store.ts";
import { toClusterSource } from "../compose/configured-report.ts";
import { openSource, type SqlSource } from "../compose/open-source.ts";
import { parseDiscreteRules } from "../details/discrete-rules.ts";
import { BadParameterError } from "../errors.ts";
import { type CurrentCluster, describeClusterSource, identifyCluster } from "../history/cluster.ts";
import { attachHistory, historyOfFile } from "../history/cluster-history.ts";
import { forecastFromHistory } from "../history/usage-history.ts";
import { signWhenAsked } from "../output/manifest.ts";
import { readReportFile } from "../output/read-report-file.ts";
import { buildReportFiles, openReportStream } from "../output/report-files.ts";
import { parseConfiguredLicense } from "../report/license.ts";
import type { CollectedReport } from "../report/types.ts";
import type { Usage } from "../report/usage-types.ts";
import type { Signer } from "../shared/signature.ts";
import { showInvisible, stringifyJson } from "../shared/visible-text.ts";
import { countQueries, type SqlPort, wrapQueries } from "../sql/port.ts";
import { generateReport, type LinkDocument, selectDetails } from "../use-cases/generate-report.ts";
import type { ReportMonitor } from "../use-cases/report-monitor.ts";
import { checkFailOn, describeContract, readContractFile } from "./contract-check.ts";
import { runAdminApiGenerate } from "./generate-admin-api.ts";
import { GENERATE_HELP, type GenerateOptions, readGenerateOptions } from "./generate-options.ts";
import type { CliIo, ExitCode } from "./io.ts";
import { readFileLimit, readOptionFile, readSigningKey } from "./user-file.ts";
import { deliverReport } from "./write-report-file.ts";

/** `generate`: collect the report from the chosen source and write it as JSON or tar. */
export async function runGenerateCommand(args: string[], io: CliIo): Promise<ExitCode> {
  const options = readGenerateOptions(args, io.env);
  if (options.help) {
    io.stdout(GENERATE_HELP);
    return 0;
  }
  const collectOptions = await readCollectOptions(options, io);
  const signer =
    options.signingKeyFile === undefined ? undefined : await readSigningKey(options.signingKeyFile, io.env);
  const target =
    options.out === undefined || options.out === "-" ? undefined : await checkOutFolder(options.out);
  if (options.source.kind === "admin-api") {
    const rules = collectOptions.details === false ? undefined : collectOptions.details?.rules;
    return runAdminApiGenerate(options.source, options, rules, target, io);
  }
  const sqlSource = options.source;
  const bucket = options.s3 === undefined ? undefined : await openBucket(options.s3.bucket, io);
  // Read before any query, so a missing or malformed file fails fast (exit 2, the file named).
  const previous =
    options.previousFile === undefined
      ? undefined
      : await readReportFile(options.previousFile, { maxBytes: readFileLimit(io.env) });
  if (sqlSource.kind === "demo") {
    io.stderr(
      'Reading the embedded demo database (sample data), not your Kong: the report is marked collector.source "demo-database". Use --database-url or the --data-api-* options for your own.\n',
    );
  }

  // Progress only for a person watching a terminal; logs and pipes keep stderr to results and errors.
  const progress = io.stderrIsTTY === true ? (text: string) => io.stderr(`${text}\n`) : () => undefined;

  const source = await openSource(sqlSource);
  progress(`Connecting to ${source.description} and reading the report…`);
  if (options.s3 !== undefined && bucket !== undefined) {
    let usage: Usage | undefined;
    let replaced: string[] = [];
    const monitor: ReportMonitor = {
      observe: async ({ collected }) => {
        usage = collected.details.usage;
        replaced = describeReplacedCharacters(collected);
      },
    };
    const link = await uploadReport(source.port, bucket, sqlSource, options, collectOptions, progress, {
      monitor,
      signer,
    });
    io.stdout(`${stringifyJson(link, 2)}\n`);
    warnOfReplaced(replaced, io);
    if (collectOptions.contract !== undefined) io.stderr(describeContract(usage));
    return checkFailOn(usage, options.failOn, io.stderr);
  }
  const sql = countQueries(io.stderrIsTTY === true ? reportPages(source.port, progress) : source.port);
  let collected: CollectedReport;
  try {
    collected = await collectReport(sql, collectOptions);
  } finally {
    await sql.close();
  }
  warnOfReplaced(describeReplacedCharacters(collected), io);
  progress(
    `Read the report${collectOptions.details === undefined || collectOptions.details === false ? "" : " and its details"} in ${sql.calls()} queries; writing it…`,
  );

  if (previous !== undefined && options.previousFile !== undefined) {
    const history = historyOfFile(
      options.previousFile,
      previous,
      currentCluster(options.clusterName, sqlSource),
    );
    for (const refused of history.refused) {
      io.stderr(`warning: the previous report ${refused.key} was not used: ${refused.reason}.\n`);
    }
    for (const note of history.notes) io.stderr(`warning: ${note}\n`);
    collected.details = forecastFromHistory(collected.report, attachHistory(collected, history), history);
  }
  const now = new Date(collected.report.timestamp * 1000);
  const built = buildReportFiles(collected, {
    format: options.format,
    includeDetails: options.includeDetails,
  });
  const files = await signWhenAsked(built, options.format, signer);
  const stream = openReportStream(files, options.format, now);
  const written = await deliverReport(stream, { ...options, target }, now, io);
  if (written === undefined) return finishContract(collected, options, io);
  const { path, bytes } = written;
  io.stderr(
    `Wrote ${path} (${bytes} bytes) from ${source.description} in ${sql.calls()} queries; checksum ${collected.report.checksum}.\n`,
  );
  return finishContract(collected, options, io);
}

/** Names changed to U+FFFD (a SQL_ASCII database) are in details.json; a person running the CLI hears of them too. */
function warnOfReplaced(warnings: readonly string[], io: CliIo): void {
  for (const warning of warnings) io.stderr(`warning: ${showInvisible(warning)}\n`);
}

/** The contract's lines on stderr, and exit 8 when one reached `--fail-on`. */
function finishContract(collected: CollectedReport, options: GenerateOptions, io: CliIo): ExitCode {
  if (options.contractFile === undefined) return 0;
  io.stderr(describeContract(collected.details.usage));
  return checkFailOn(collected.details.usage, options.failOn, io.stderr);
}

/**
 * Says on the terminal when each details page is read: a report takes two statements (the catalog
 * probe and the report), every later statement is one page of the details.
 */
function reportPages(port: SqlPort, progress: (text: string) => void): SqlPort {
  let calls = 0;
  return wrapQueries(port, (query) => (sql, params, options) => {
    calls += 1;
    if (calls === 3) progress("Read the report; reading the details (per workspace, discrete services)…");
    if (calls >= 3) progress(`  details page ${calls - 2}…`);
    return query(sql, params, options);
  });
}

/** `--s3-bucket`: the same streamed upload and presigned link as the Lambda handlers. */
async function uploadReport(
  port: SqlPort,
  bucket: BucketStore,
  sqlSource: SqlSource,
  options: GenerateOptions,
  collectOptions: CollectOptions,
  progress: (text: string) => void,
  extras: { monitor: ReportMonitor; signer: Signer | undefined },
): Promise<LinkDocument> {
  const s3 = options.s3 as NonNullable<GenerateOptions["s3"]>;
  const { details = false, ...collect } = collectOptions;
  progress(`Uploading the report to s3://${s3.bucket}/${s3.prefix}…`);
  try {
    return await generateReport({
      sql: port,
      store: bucket.store,
      format: options.format,
      collect,
      details,
      includeDetails: options.includeDetails,
      prefix: s3.prefix,
      urlTtlSeconds: s3.urlTtlSeconds,
      trigger: "cli",
      cluster: identifyCluster(options.clusterName, toClusterSource(sqlSource)),
      monitors: [extras.monitor],
      ...(extras.signer === undefined ? {} : { signer: extras.signer }),
    });
  } finally {
    bucket.close();
    await port.close();
  }
}

/** The bucket's store, once its region is known: a missing region fails before the report is read. */
async function openBucket(name: string, io: CliIo): Promise<BucketStore> {
  const endpoint = io.env.AWS_ENDPOINT_URL_S3;
  const bucket = openBucketStore({ bucket: name, ...(endpoint === undefined ? {} : { endpoint }) });
  if (!(await bucket.hasRegion())) {
    bucket.close();
    throw new BadParameterError(
      "--s3-bucket",
      "No AWS region is configured for the S3 upload: set AWS_REGION (or a region in your AWS profile) to the bucket's region.",
    );
  }
  return bucket;
}

/** The cluster being reported: its label, else its source (what --previous must be of). */
function currentCluster(clusterName: string | undefined, source: SqlSource): CurrentCluster {
  return {
    identity: identifyCluster(clusterName, toClusterSource(source)),
    source: describeClusterSource(toClusterSource(source)),
  };
}

async function readCollectOptions(options: GenerateOptions, io: CliIo): Promise<CollectOptions> {
  // Messages name the file ("--discrete-rules file rules.json rule #2: …") so a bad one is found at once.
  const rules =
    options.discreteRulesFile === undefined
      ? undefined
      : parseDiscreteRules(
          (await readOptionFile(options.discreteRulesFile, "--discrete-rules", io.env)).toString("utf8"),
          `--discrete-rules file ${options.discreteRulesFile}`,
        );
  const contract =
    options.contractFile === undefined ? undefined : await readContractFile(options.contractFile, io.env);
  const license =
    options.licenseFile === undefined
      ? undefined
      : (await readOptionFile(options.licenseFile, "--license", io.env)).toString("utf8");
  if (license !== undefined) parseConfiguredLicense(license, `--license file ${options.licenseFile}`);
  return {
    timeZone: options.timeZone,
    ...(options.source.kind === "demo" ? { source: "demo-database" as const } : {}),
    checksumAlgorithm: options.checksumAlgorithm,
    ...(options.asOf === undefined ? {} : { asOf: options.asOf }),
    ...(options.kongVersion === undefined ? {} : { kongVersion: options.kongVersion }),
    ...(options.deploymentType === undefined ? {} : { deploymentType: options.deploymentType }),
    ...(options.systemInfo === undefined ? {} : { systemInfo: options.systemInfo }),
    ...(license === undefined ? {} : { license }),
    ...(options.clusterName !== undefined
      ? { clusterName: options.clusterName }
      : options.source.kind === "admin-api"
        ? {}
        : { clusterSource: currentCluster(undefined, options.source).identity.segment }),
    ...(contract === undefined ? {} : { contract }),
    details: selectDetails({
      format: options.format,
      includeDetails: options.includeDetails,
      details: options.details && {
        includeList: options.listDiscreteServices,
        ...(rules === undefined ? {} : { rules }),
        ...(options.tagPrefix === undefined ? {} : { tagPrefix: options.tagPrefix }),
      },
    }),
  };
}

/** Fails before any query when the output folder does not exist. */
export async function checkOutFolder(out: string): Promise<string> {
  const path = resolve(out);
  const folder = dirname(path);
  const info = await stat(folder).catch(() => undefined);
  if (info === undefined || !info.isDirectory()) {
    throw new BadParameterError("--out", `Cannot write --out ${out}: the folder ${folder} does not exist.`);
  }
  const existing = await stat(path).catch(() => undefined);
  if (existing?.isDirectory() === true) {
    throw new BadParameterError("--out", `Cannot write --out ${out}: it is a folder; give a file name.`);
  }
  return path;
}
