import type { DiscreteRule } from "../details/discrete-rules.ts";
import { BadParameterError } from "../errors.ts";
import type {
  EnvironmentCounts,
  EnvironmentIdentity,
  EnvironmentOutcome,
  EnvironmentSuccess,
  SourceKind,
} from "../estate/types.ts";
import type { Signer } from "../shared/signature.ts";
import type { ReportStore } from "../store/report-store.ts";
import type { StoredEnvironment } from "./collect-stored-environment.ts";
import { buildAndStoreEstate, checkRun, type EstateRun, environmentKey } from "./estate-run.ts";
import type { EstateLink } from "./store-estate.ts";

/** A Map item the Catch turned into a failure: Step Functions' Error and Cause. */
export interface CaughtEnvironment {
  readonly environment: string;
  readonly status: "failed";
  readonly failure: { readonly Error?: string; readonly Cause?: string };
}

/** The Distributed Map's ResultWriterDetails: where its manifest is. */
export interface MapRunResults {
  readonly Bucket: string;
  readonly Key: string;
}

/** The inline Map's outcomes, or (Distributed Map) where its results were written. */
export interface AggregateInput {
  readonly run: EstateRun;
  readonly outcomes?: readonly (StoredEnvironment | CaughtEnvironment)[];
  readonly results?: MapRunResults;
}

/** The estate's link document as the state machine's output: a long failure list is cut short. */
export type EstateStepLink = EstateLink & {
  /** Failures left out of `failed` (all of them are in estate.json): the output stays small. */
  failed_omitted?: number;
};

/** At most this many failures in the execution's output; the estate lists them all. */
export const MAX_FAILURES_IN_OUTPUT = 50;
/** Stored reports read back at once. */
const READ_CONCURRENCY = 8;
/** A ResultWriter file (each holds at most a few thousand child executions' input and output). */
const MAX_RESULT_FILE_BYTES = 256 * 1024 * 1024;

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
  /** The environments file's names, in its order: the estate lists them so, and one without a result fails. */
  readonly environmentOrder?: readonly string[];
  readonly now?: Date;
  /** Signs the estate tar's manifest (AWS KMS), when the deployment has a signing key. */
  readonly signer?: Signer;
  readonly signal?: AbortSignal;
}

/**
 * The aggregate step: takes the Map's outcomes (inline: in the input; Distributed Map: from the
 * results it wrote to S3), reads every stored report back, turns caught failures into one-line
 * errors, builds the estate (buildEstate re-verifies every report's checksum), stores it and links it.
 */
export async function aggregateEstate(
  input: AggregateInput,
  options: AggregateStepOptions,
): Promise<EstateStepLink> {
  const run = checkRun(input.run, options.reportPrefix);
  const signal = options.signal === undefined ? {} : { signal: options.signal };
  const entries =
    input.results === undefined
      ? (input.outcomes ?? [])
      : await readMapRunResults(input.results, run, options.store, signal);
  if (!Array.isArray(entries) || entries.length === 0) {
    throw new BadParameterError(
      "outcomes",
      "The aggregate step needs the Map's outcomes (one per environment), or the Distributed Map's results.",
    );
  }
  for (const entry of entries) {
    if (entry.status !== "failed" && entry.key !== environmentKey(run, entry.environment)) {
      throw new BadParameterError(
        "outcomes",
        `The outcome of "${entry.environment}" points outside this run's folder (${run.prefix}); refusing to read it.`,
      );
    }
  }
  const ordered = inFileOrder(entries, options.environmentOrder);
  const outcomes = await mapInOrder(ordered, READ_CONCURRENCY, async (entry): Promise<EnvironmentOutcome> => {
    if (entry.status === "failed") {
      return { environment: entry.environment, status: "failed", error: describeStepFailure(entry.failure) };
    }
    const bytes = await options.store.read(entry.key, { maxBytes: MAX_STORED_ENVIRONMENT_BYTES, ...signal });
    return readStoredEnvironment(Buffer.from(bytes).toString("utf8"), entry);
  });
  const link = await buildAndStoreEstate(run, outcomes, { ...options, ...signal });
  if (link.failed.length <= MAX_FAILURES_IN_OUTPUT) return link;
  return {
    ...link,
    failed: link.failed.slice(0, MAX_FAILURES_IN_OUTPUT),
    failed_omitted: link.failed.length - MAX_FAILURES_IN_OUTPUT,
  };
}

type Entry = StoredEnvironment | CaughtEnvironment;

/**
 * The outcomes in the environments file's order; an environment of the file without any (a Map Run
 * that lost it) is a failure, and one not in the file (it changed since the plan) is kept at the end.
 */
function inFileOrder(entries: readonly Entry[], order: readonly string[] | undefined): Entry[] {
  if (order === undefined) return [...entries];
  const byName = new Map(entries.map((entry) => [entry.environment, entry]));
  const listed = new Set(order);
  return [
    ...order.map(
      (name): Entry =>
        byName.get(name) ?? {
          environment: name,
          status: "failed",
          failure: { Error: "States.NoResult", Cause: "the Map run wrote no result for this environment" },
        },
    ),
    ...entries.filter((entry) => !listed.has(entry.environment)),
  ];
}

/** `work` over `items` with at most `limit` at once; the answers in the items' order. */
async function mapInOrder<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const answers: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < items.length; index = next++) {
      answers[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return answers;
}

/** A child execution as ResultWriter writes it (SUCCEEDED_n.json, FAILED_n.json, PENDING_n.json). */
interface ChildExecution {
  readonly Status?: string;
  readonly Input?: string;
  readonly Output?: string;
  readonly Error?: string;
  readonly Cause?: string;
}

/**
 * Reads what the Distributed Map's ResultWriter wrote: its manifest, then each result file. A child
 * that succeeded answered a stored environment or a caught failure (the item processor's Catch); one
 * that failed, timed out or was aborted (or never ran) is that environment's failure. Every key must
 * be in the run's folder: anything else is refused before it is read.
 */
async function readMapRunResults(
  results: MapRunResults,
  run: EstateRun,
  store: ReportStore,
  signal: { readonly signal?: AbortSignal },
): Promise<Entry[]> {
  const inRun = (key: unknown): key is string => typeof key === "string" && key.startsWith(run.prefix);
  if (results?.Bucket !== store.bucket || !inRun(results.Key) || !results.Key.endsWith("/manifest.json")) {
    throw new BadParameterError(
      "results",
      `The Distributed Map's results must be a manifest.json under this run's folder (${run.prefix}) in the report bucket; refusing to read them.`,
    );
  }
  const readJson = async (key: string, maxBytes: number): Promise<unknown> =>
    JSON.parse(Buffer.from(await store.read(key, { maxBytes, ...signal })).toString("utf8"));
  const manifest = (await readJson(results.Key, 16 * 1024 * 1024)) as {
    ResultFiles?: Record<string, readonly { Key?: unknown }[] | undefined>;
  };
  const entries: Entry[] = [];
  for (const status of ["SUCCEEDED", "FAILED", "PENDING"]) {
    for (const file of manifest.ResultFiles?.[status] ?? []) {
      if (!inRun(file.Key)) {
        throw new BadParameterError(
          "results",
          `A result file of the manifest is outside this run's folder (${run.prefix}).`,
        );
      }
      const children = (await readJson(file.Key, MAX_RESULT_FILE_BYTES)) as readonly ChildExecution[];
      for (const child of children) entries.push(readChildExecution(child, status));
    }
  }
  return entries;
}

function readChildExecution(child: ChildExecution, file: string): Entry {
  const parse = (text: string | undefined): Record<string, unknown> => {
    try {
      const value = JSON.parse(text ?? "") as unknown;
      return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  };
  const input = parse(child.Input);
  const environment = typeof input.environment === "string" ? input.environment : "";
  if (file === "SUCCEEDED" && child.Status === "SUCCEEDED") {
    const output = parse(child.Output);
    if (typeof output.environment === "string" && (output.status === "ok" || output.status === "failed")) {
      return output as unknown as Entry;
    }
  }
  if (environment === "") {
    throw new BadParameterError(
      "results",
      "A child execution of the Distributed Map names no environment in its input.",
    );
  }
  const status = child.Status ?? file;
  return {
    environment,
    status: "failed",
    failure:
      file === "PENDING"
        ? { Error: "States.NotRun", Cause: "the Map run ended before this environment was collected" }
        : {
            Error: child.Error ?? `States.${status}`,
            Cause: child.Cause ?? `the child execution ended ${status}`,
          },
  };
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

function readStoredEnvironment(
  text: string,
  entry: StoredEnvironment,
): EnvironmentSuccess | EnvironmentCounts {
  const stored = JSON.parse(text) as {
    environment?: unknown;
    source?: SourceKind;
    report?: EnvironmentSuccess["report"];
    response_base64?: unknown;
    details?: EnvironmentSuccess["details"];
    konnect?: EnvironmentCounts["konnect"];
    discrete_services?: unknown;
    identity?: EnvironmentIdentity;
  };
  if (
    stored.environment !== entry.environment ||
    (stored.report === undefined && stored.konnect === undefined) ||
    !Array.isArray(stored.discrete_services)
  ) {
    throw new BadParameterError(
      "outcomes",
      `The stored report ${entry.key} is not the environment "${entry.environment}".`,
    );
  }
  const identity = stored.identity === undefined ? {} : { identity: stored.identity };
  const discreteServices = stored.discrete_services.map(String);
  if (stored.report === undefined) {
    return {
      environment: entry.environment,
      status: "ok",
      source: "konnect",
      konnect: stored.konnect as EnvironmentCounts["konnect"],
      discreteServices,
      ...identity,
    };
  }
  return {
    environment: entry.environment,
    status: "ok",
    ...(stored.source === undefined ? {} : { source: stored.source }),
    report: stored.report,
    // Kong's bytes (Admin API): estate-files checks them against the verified report before the tar holds them.
    ...(typeof stored.response_base64 === "string"
      ? { response: Buffer.from(stored.response_base64, "base64") }
      : {}),
    ...(stored.details === undefined ? {} : { details: stored.details }),
    discreteServices,
    ...identity,
  };
}
