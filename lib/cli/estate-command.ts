import { resolve } from "node:path";
import { Readable } from "node:stream";
import { createKongApiPorts } from "../compose/open-kong-api.ts";
import { openEnvironmentPort } from "../compose/open-source.ts";
import { BadParameterError } from "../errors.ts";
import { buildEstate, readKongResponses } from "../estate/build-estate.ts";
import { collectEstate, DEFAULT_CONCURRENCY } from "../estate/collect-estate.ts";
import { parseEnvironmentsFile } from "../estate/environments-file.ts";
import { buildEstateFiles, formatEstateFileName } from "../output/estate-files.ts";
import { KLCR_JSON, renderKlcrJson } from "../output/klcr-json.ts";
import { signWhenAsked } from "../output/manifest.ts";
import { openReportStream } from "../output/report-files.ts";
import { assertTimeZone, formatYearMonth, monthIn, parseAsOf } from "../report/reporting-month.ts";
import { FAIL_ON } from "../usage/contract-lines.ts";
import { checkFailOn, describeContract, readContractFile } from "./contract-check.ts";
import { ESTATE_COMMAND, MAX_CONCURRENCY } from "./estate-table.ts";
import { formatHelp } from "./format-help.ts";
import { checkOutFolder } from "./generate-command.ts";
import type { CliIo, ExitCode } from "./io.ts";
import { readChoice } from "./option-values.ts";
import { readCommandLine } from "./read-command-line.ts";
import { readOptionFile, readSigningKey } from "./user-file.ts";
import { writeReportFile } from "./write-report-file.ts";

/** Exit code when the estate was written but at least one environment could not be read. */
export const EXIT_ESTATE_INCOMPLETE = 7;
export const ESTATE_HELP = formatHelp(ESTATE_COMMAND);

/** `estate`: every environment of the file, collected concurrently, written as one estate. */
export async function runEstateCommand(args: string[], io: CliIo): Promise<ExitCode> {
  const { help, values } = readCommandLine(ESTATE_COMMAND, args);
  if (help) {
    io.stdout(ESTATE_HELP);
    return 0;
  }
  const file = values.environments;
  if (file === undefined) {
    throw new BadParameterError(
      "--environments",
      "estate needs --environments FILE: a JSON file listing the environments (see --help).",
    );
  }
  const format = readChoice(values.format, "--format", ESTATE_FORMATS, "json");
  const timeZone = assertTimeZone(values["time-zone"] ?? "UTC", "--time-zone");
  if (values["as-of"] !== undefined) parseAsOf(values["as-of"], "--as-of");
  const concurrency = readConcurrency(values.concurrency);
  const keyFile = values["signing-key"];
  if (keyFile !== undefined && format !== "tar") {
    throw new BadParameterError(
      "--signing-key",
      "--signing-key signs the estate tar's manifest.json: use --format tar.",
    );
  }
  // Read and checked before any environment is contacted.
  const signer = keyFile === undefined ? undefined : await readSigningKey(keyFile, io.env);
  const out = values.out ?? (format === "json" ? "-" : undefined);
  // klcr.json lists every workspace: the details are collected for it, not written.
  const includeDetails = values["include-details"] === true || format === "klcr";
  const target = out === undefined || out === "-" ? undefined : await checkOutFolder(out);
  if (values["fail-on"] !== undefined && values.contract === undefined) {
    throw new BadParameterError("--fail-on", "--fail-on needs --contract FILE: the limits a line reaches.");
  }
  const failOn =
    values["fail-on"] === undefined ? undefined : readChoice(values["fail-on"], "--fail-on", FAIL_ON, "over");
  const contract =
    values.contract === undefined ? undefined : await readContractFile(values.contract, io.env);
  const config = parseEnvironmentsFile(
    (await readOptionFile(file, "--environments", io.env)).toString("utf8"),
    {
      fileName: file,
      references: { kind: "environment", env: io.env },
    },
  );

  const started = new Date();
  const asOf = values["as-of"] ?? formatYearMonth(monthIn(started, timeZone));
  io.stderr(
    `Collecting ${config.environments.length} environment(s), ${Math.min(concurrency, config.environments.length)} at a time…\n`,
  );
  const outcomes = await collectEstate(config, {
    openPort: openEnvironmentPort,
    openApi: createKongApiPorts(),
    concurrency,
    timeZone,
    includeDetails,
    asOf,
    now: started,
    onProgress: (event) => {
      const seconds = (event.durationMs / 1000).toFixed(1);
      io.stderr(
        event.status === "ok"
          ? `  ${event.environment}: ok (${seconds} s)\n`
          : `  ${event.environment}: FAILED (${seconds} s): ${event.error}\n`,
      );
    },
  });
  const estate = buildEstate(outcomes, {
    asOf,
    timeZone,
    generatedAt: new Date(),
    discreteRules: config.discrete,
    ...(contract === undefined ? {} : { contract }),
  });

  let stream: Readable;
  if (format === "klcr") stream = Readable.from([renderKlcrJson(estate)]);
  else {
    const built = buildEstateFiles(estate, format, { responses: readKongResponses(outcomes) });
    stream = openReportStream(await signWhenAsked(built, format, signer), format, started);
  }
  let where = "stdout";
  if (out === "-") {
    for await (const chunk of stream) io.stdout(chunk as Buffer);
    await io.flush?.();
  } else {
    // As for reports: an auto-named estate file never replaces another; an explicit --out may.
    const { path, bytes } =
      target === undefined
        ? await writeReportFile(resolve(defaultFileName(format, started, timeZone)), stream, {
            overwrite: false,
          })
        : await writeReportFile(target, stream, { overwrite: true });
    where = `${path} (${bytes} bytes)`;
  }
  const failed = estate.environments.filter((entry) => entry.status === "failed");
  const { totals } = estate;
  io.stderr(
    `Wrote the estate to ${where}: ${totals.environments_reported} of ${totals.environments} environment(s) reported, ${totals.services_count} services, ${totals.discrete_services} discrete across environments; digest ${estate.digest}.\n`,
  );
  // In the estate and on its page too; said here because a doubled total must not pass unnoticed.
  for (const warning of estate.warnings ?? []) io.stderr(`warning: ${warning.message}\n`);
  if (estate.usage !== undefined) io.stderr(describeContract(estate.usage));
  // A line reached wins over a failed environment: the totals are a floor, so it is reached anyway.
  const contractCode = checkFailOn(estate.usage, failOn, io.stderr);
  if (contractCode !== 0) return contractCode;
  if (failed.length === 0) return 0;
  io.stderr(
    `${failed.length} environment(s) could not be read and count in no total: ${failed.map((entry) => entry.environment).join(", ")} (exit ${EXIT_ESTATE_INCOMPLETE}).\n`,
  );
  return EXIT_ESTATE_INCOMPLETE;
}

/** What `--format` may be: the estate (json), the estate tar, or KLCR's klcr.json. */
const ESTATE_FORMATS = ["json", "tar", "klcr"] as const;

function defaultFileName(format: (typeof ESTATE_FORMATS)[number], started: Date, timeZone: string): string {
  return format === "klcr" ? KLCR_JSON : formatEstateFileName(format, started, timeZone);
}

function readConcurrency(value: string | undefined): number {
  if (value === undefined) return DEFAULT_CONCURRENCY;
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_CONCURRENCY) {
    throw new BadParameterError(
      "--concurrency",
      `Invalid --concurrency "${value}": expected a whole number from 1 to ${MAX_CONCURRENCY}.`,
    );
  }
  return n;
}
