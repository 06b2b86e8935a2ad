import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import type { DiscreteRule } from "../details/discrete-rules.ts";
import { BadParameterError, ConfigError, EnvironmentFailedError, ReportError } from "../errors.ts";
import { buildEstate } from "../estate/build-estate.ts";
import { collectEnvironment, collectEstate, type OpenEnvironmentPort } from "../estate/collect-estate.ts";
import { parseEnvironmentsFile } from "../estate/environments-file.ts";
import type { EnvironmentOutcome, EnvironmentSuccess, EstateConfig, SourceKind } from "../estate/types.ts";
import { type ReportFormat, readWallClock } from "../output/file-name.ts";
import { formatYearMonth, monthIn, parseAsOf } from "../report/reporting-month.ts";
import type { SqlPort } from "../sql/port.ts";
import type { ReportStore } from "../store/report-store.ts";
import { parseFormat } from "./report-options.ts";
import { type EstateLink, storeEstate } from "./store-estate.ts";

// The steps of the estate state machine (infra/estate-state-machine.asl.json), as plain functions over
// ports: plan (validate the environments file), collect one environment (store its report), aggregate
// (rebuild the estate from the stored reports). Only names, keys and numbers travel between the steps,
// never a connection detail, so the execution history holds no secret.

/** What a run was asked for: the state machine's input, or GET /license/estate's query. */
export interface EstateRequest {
  readonly format: ReportFormat;
  /** Reporting month `YYYY-MM`; default the current month in the time zone. */
  readonly asOf?: string;
  /** Keep every environment's details.json in the estate. */
  readonly includeDetails: boolean;
}

/** One run of the state machine, carried from step to step. */
export interface EstateRun {
  readonly id: string;
  readonly as_of: string;
  readonly time_zone: string;
  readonly format: ReportFormat;
  readonly include_details: boolean;
  /** Key prefix of this run's objects (stored environment reports and the estate), ending with "/". */
  readonly prefix: string;
  readonly started_at: string;
}

export interface EstatePlan {
  readonly run: EstateRun;
  /** The Map state's MaxConcurrency. */
  readonly concurrency: number;
  readonly environments: readonly { readonly environment: string }[];
}

/** One Map item: which environment of which run. */
export interface CollectItem {
  readonly run: EstateRun;
  readonly environment: string;
}

/** What the collect step answers for an environment it stored: the key and the numbers. */
export interface StoredEnvironment {
  readonly environment: string;
  readonly status: "ok";
  readonly source?: SourceKind;
  readonly key: string;
  readonly checksum: string;
  readonly services_count: number;
  readonly routes_count: number;
  readonly discrete_services: number;
}

/** A Map item the Catch turned into a failure: Step Functions' Error and Cause. */
export interface CaughtEnvironment {
  readonly environment: string;
  readonly status: "failed";
  readonly failure: { readonly Error?: string; readonly Cause?: string };
}

export interface AggregateInput {
  readonly run: EstateRun;
  readonly outcomes: readonly (StoredEnvironment | CaughtEnvironment)[];
}

const REQUEST_KEYS = ["format", "as_of", "include_details"];

/**
 * Reads a state machine input: `{}` or `{"format": "tar", "as_of": "2026-10", "include_details": true}`.
 * Unknown keys and bad values are a BadParameterError naming them.
 */
export function readEstateRequest(input: unknown): EstateRequest {
  const value = input ?? {};
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new BadParameterError(
      "input",
      'The estate input must be a JSON object such as {"format": "tar", "as_of": "2026-10"}.',
    );
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!REQUEST_KEYS.includes(key)) {
      throw new BadParameterError(
        key,
        `Unknown estate input key "${key}". Allowed: format ("json" or "tar"), as_of ("YYYY-MM"), include_details (true or false).`,
      );
    }
  }
  const { format, as_of: asOf, include_details: includeDetails } = record;
  if (format !== undefined && typeof format !== "string") throw notText("format", 'use "json" or "tar"');
  if (asOf !== undefined && typeof asOf !== "string") throw notText("as_of", 'use "YYYY-MM"');
  if (includeDetails !== undefined && typeof includeDetails !== "boolean") {
    throw new BadParameterError("include_details", "include_details must be true or false.");
  }
  if (asOf !== undefined) parseAsOf(asOf, "as_of");
  return {
    format: format === undefined ? "tar" : parseFormat(format, "format"),
    ...(asOf === undefined ? {} : { asOf }),
    includeDetails: includeDetails === true,
  };
}

/**
 * Parses the deployment's environments file. A bad file is the deployment's fault, not the caller's:
 * its message (naming the entry) becomes a ConfigError on ESTATE_ENVIRONMENTS.
 */
export function parseConfiguredEnvironments(
  file: { readonly text: string; readonly fileName: string },
  env: Readonly<Record<string, string | undefined>>,
): EstateConfig {
  try {
    return parseEnvironmentsFile(file.text, {
      fileName: file.fileName,
      env,
      parameter: "ESTATE_ENVIRONMENTS",
    });
  } catch (error) {
    if (error instanceof BadParameterError) throw new ConfigError("ESTATE_ENVIRONMENTS", error.message);
    throw error;
  }
}

export interface PlanOptions {
  readonly request: EstateRequest;
  /** The validated environments file. */
  readonly config: EstateConfig;
  readonly timeZone: string;
  /** Report key prefix (empty or ending with "/"); the run's objects go under `<prefix>estate/YYYY/MM/<id>/`. */
  readonly prefix: string;
  readonly concurrency: number;
  readonly now?: Date;
  readonly runId?: string;
}

/** The plan step: the environment names to fan out over, and the run every step shares. */
export function planEstate(options: PlanOptions): EstatePlan {
  const now = options.now ?? new Date();
  const asOf = options.request.asOf ?? formatYearMonth(monthIn(now, options.timeZone));
  const id = options.runId ?? randomBytes(6).toString("hex");
  const { year, month } = readWallClock(now, options.timeZone);
  return {
    run: {
      id,
      as_of: asOf,
      time_zone: options.timeZone,
      format: options.request.format,
      include_details: options.request.includeDetails,
      prefix: `${options.prefix}estate/${year}/${month}/${id}/`,
      started_at: now.toISOString(),
    },
    concurrency: options.concurrency,
    environments: options.config.environments.map((spec) => ({ environment: spec.name })),
  };
}

export interface CollectStepOptions {
  readonly config: EstateConfig;
  /** The deployment's report prefix: a run's folder must be under it. */
  readonly reportPrefix: string;
  readonly openPort: OpenEnvironmentPort;
  readonly store: ReportStore;
  readonly signal?: AbortSignal;
}

/**
 * The collect step: one environment's report (and details with its discrete services) to
 * `<run prefix>environments/<name>.json`. A failure is thrown as EnvironmentFailedError under the
 * name of the error that stopped it, with the collector's secret-free message.
 */
export async function collectStoredEnvironment(
  item: CollectItem,
  options: CollectStepOptions,
): Promise<StoredEnvironment> {
  const run = checkRun(item.run, options.reportPrefix);
  const spec = options.config.environments.find((entry) => entry.name === item.environment);
  if (spec === undefined) {
    throw new BadParameterError(
      "environment",
      `Environment "${item.environment}" is not in the environments file (it changed after the run was planned?). Start the estate again.`,
    );
  }
  let lastError: unknown;
  const observed: OpenEnvironmentPort = async (source) => {
    try {
      return observePort(await options.openPort(source), (error) => {
        lastError = error;
      });
    } catch (error) {
      lastError = error;
      throw error;
    }
  };
  const outcome = await collectEnvironment(spec, {
    openPort: observed,
    asOf: run.as_of,
    timeZone: run.time_zone,
    rules: options.config.discrete,
    includeDetails: run.include_details,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  if (outcome.status === "failed") {
    const cause =
      lastError instanceof ReportError
        ? { name: lastError.name, status: lastError.status }
        : { name: "EnvironmentFailedError", status: 502 };
    throw new EnvironmentFailedError(outcome.environment, cause, outcome.error);
  }
  const key = environmentKey(run, outcome.environment);
  const body = Buffer.from(
    JSON.stringify({
      environment: outcome.environment,
      ...(outcome.source === undefined ? {} : { source: outcome.source }),
      report: outcome.report,
      ...(outcome.details === undefined ? {} : { details: outcome.details }),
      discrete_services: outcome.discreteServices,
    }),
    "utf8",
  );
  await options.store.upload(
    {
      key,
      body: Readable.from([body]),
      contentType: "application/json",
      metadata: { checksum: outcome.report.checksum, environment: outcome.environment, "estate-run": run.id },
    },
    options.signal === undefined ? {} : { signal: options.signal },
  );
  return {
    environment: outcome.environment,
    status: "ok",
    ...(outcome.source === undefined ? {} : { source: outcome.source }),
    key,
    checksum: outcome.report.checksum,
    services_count: outcome.report.services_count ?? 0,
    routes_count: outcome.report.routes_count ?? 0,
    discrete_services: new Set(outcome.discreteServices).size,
  };
}

/**
 * Bounds the aggregate Lambda's memory per stored environment (its report and details); a report of
 * 1,000 workspaces is about 1 MB, and cluster history reads reports with the same cap.
 */
const MAX_STORED_ENVIRONMENT_BYTES = 64 * 1024 * 1024;

export interface AggregateStepOptions {
  /** The deployment's report prefix: a run's folder must be under it. */
  readonly reportPrefix: string;
  /** The discrete rules the environments' keys were rewritten with (from the environments file). */
  readonly discreteRules: readonly DiscreteRule[];
  /** Where the collect step stored each environment's report, read back from here. */
  readonly store: ReportStore;
  readonly urlTtlSeconds: number;
  readonly now?: Date;
  readonly signal?: AbortSignal;
}

/**
 * The aggregate step: reads every stored report back, turns caught failures into one-line errors,
 * builds the estate (buildEstate re-verifies every report's checksum), stores it and links it.
 */
export async function aggregateEstate(
  input: AggregateInput,
  options: AggregateStepOptions,
): Promise<EstateLink> {
  const run = checkRun(input.run, options.reportPrefix);
  if (!Array.isArray(input.outcomes) || input.outcomes.length === 0) {
    throw new BadParameterError(
      "outcomes",
      "The aggregate step needs the Map's outcomes (one per environment).",
    );
  }
  const signal = options.signal === undefined ? {} : { signal: options.signal };
  const outcomes: EnvironmentOutcome[] = [];
  for (const entry of input.outcomes) {
    if (entry.status === "failed") {
      outcomes.push({
        environment: entry.environment,
        status: "failed",
        error: describeStepFailure(entry.failure),
      });
      continue;
    }
    if (entry.key !== environmentKey(run, entry.environment)) {
      throw new BadParameterError(
        "outcomes",
        `The outcome of "${entry.environment}" points outside this run's folder (${run.prefix}); refusing to read it.`,
      );
    }
    const bytes = await options.store.read(entry.key, { maxBytes: MAX_STORED_ENVIRONMENT_BYTES, ...signal });
    outcomes.push(readStoredEnvironment(Buffer.from(bytes).toString("utf8"), entry));
  }
  return buildAndStoreEstate(run, outcomes, { ...options, ...signal });
}

/**
 * The estate's one-line error for an item the Catch caught. Lambda's Cause is JSON
 * `{errorType, errorMessage, trace}`: only the message is kept (never the trace).
 */
export function describeStepFailure(failure: CaughtEnvironment["failure"]): string {
  const name = failure.Error ?? "Error";
  const cause = failure.Cause ?? "";
  let message: string | undefined;
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    if (typeof parsed.errorMessage === "string") message = parsed.errorMessage;
  } catch {
    message = undefined;
  }
  if (message !== undefined) return message.replace(/ \(status \d{3}\)$/, "");
  if (name === "States.Timeout")
    return "the collector did not finish within the state's timeout (States.Timeout)";
  if (name.startsWith("Lambda.")) return `the collector function could not be run (${name})`;
  const firstLine = (cause.split("\n")[0] ?? "").slice(0, 300);
  return firstLine === "" ? name : `${name}: ${firstLine}`;
}

/** `<run prefix>environments/<name>.json` (names are safe folder names, checked by the environments file). */
export function environmentKey(run: EstateRun, environment: string): string {
  return `${run.prefix}environments/${environment}.json`;
}

function readStoredEnvironment(text: string, entry: StoredEnvironment): EnvironmentSuccess {
  const stored = JSON.parse(text) as {
    environment?: unknown;
    source?: SourceKind;
    report?: EnvironmentSuccess["report"];
    details?: EnvironmentSuccess["details"];
    discrete_services?: unknown;
  };
  if (
    stored.environment !== entry.environment ||
    stored.report === undefined ||
    !Array.isArray(stored.discrete_services)
  ) {
    throw new BadParameterError(
      "outcomes",
      `The stored report ${entry.key} is not the environment "${entry.environment}".`,
    );
  }
  return {
    environment: entry.environment,
    status: "ok",
    ...(stored.source === undefined ? {} : { source: stored.source }),
    report: stored.report,
    ...(stored.details === undefined ? {} : { details: stored.details }),
    discreteServices: stored.discrete_services.map(String),
  };
}

/** A run as the plan step wrote it, under this deployment's prefix; anything else (a hand-edited input) is refused. */
function checkRun(run: EstateRun | undefined, reportPrefix: string): EstateRun {
  const valid =
    run !== undefined &&
    typeof run.id === "string" &&
    /^[0-9a-f]{12}$/.test(run.id) &&
    typeof run.prefix === "string" &&
    run.prefix.startsWith(reportPrefix) &&
    new RegExp(`^estate/\\d{4}/\\d{2}/${run.id}/$`).test(run.prefix.slice(reportPrefix.length)) &&
    typeof run.as_of === "string" &&
    typeof run.time_zone === "string";
  if (!valid) {
    throw new BadParameterError(
      "run",
      `The step input has no valid run under ${reportPrefix || "the bucket root"}estate/ (it comes from the PlanEstate step's answer).`,
    );
  }
  parseAsOf(run.as_of, "run.as_of");
  parseFormat(run.format, "run.format");
  return run;
}

/** Tells `onError` about every failed query, then rethrows it unchanged. */
function observePort(port: SqlPort, onError: (error: unknown) => void): SqlPort {
  return {
    async query(sql, params, queryOptions) {
      try {
        return await port.query(sql, params, queryOptions);
      } catch (error) {
        onError(error);
        throw error;
      }
    },
    close: () => port.close(),
  };
}

function notText(parameter: string, hint: string): BadParameterError {
  return new BadParameterError(parameter, `${parameter} must be a string: ${hint}.`);
}

export interface InProcessOptions {
  readonly config: EstateConfig;
  readonly openPort: OpenEnvironmentPort;
  readonly store: ReportStore;
  readonly timeZone: string;
  readonly prefix: string;
  readonly concurrency: number;
  readonly urlTtlSeconds: number;
  readonly signal?: AbortSignal;
}

/**
 * The whole estate in one process (GET /license/estate for estates that fit API Gateway's 30 s):
 * the same collector, estate and storage as the state machine, without the per-environment objects.
 */
export async function runEstateInProcess(
  request: EstateRequest,
  options: InProcessOptions,
): Promise<EstateLink> {
  const { run } = planEstate({ ...options, request });
  const signal = options.signal === undefined ? {} : { signal: options.signal };
  const outcomes = await collectEstate(options.config, {
    openPort: options.openPort,
    concurrency: options.concurrency,
    asOf: run.as_of,
    timeZone: run.time_zone,
    includeDetails: run.include_details,
    ...signal,
  });
  options.signal?.throwIfAborted();
  return buildAndStoreEstate(run, outcomes, {
    ...options,
    discreteRules: options.config.discrete,
    ...signal,
  });
}

/** The estate of a run's outcomes (buildEstate re-verifies every report), stored in the run's folder and linked. */
async function buildAndStoreEstate(
  run: EstateRun,
  outcomes: readonly EnvironmentOutcome[],
  options: {
    readonly discreteRules: readonly DiscreteRule[];
    readonly store: ReportStore;
    readonly urlTtlSeconds: number;
    readonly now?: Date;
    readonly signal?: AbortSignal;
  },
): Promise<EstateLink> {
  const estate = buildEstate(outcomes, {
    asOf: run.as_of,
    timeZone: run.time_zone,
    generatedAt: options.now ?? new Date(),
    discreteRules: options.discreteRules,
  });
  return storeEstate(estate, {
    store: options.store,
    format: run.format,
    prefix: run.prefix,
    urlTtlSeconds: options.urlTtlSeconds,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
}
