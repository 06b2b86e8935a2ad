import type { DiscreteRule } from "../details/discrete-rules.ts";
import { BadParameterError } from "../errors.ts";
import type {
  EnvironmentCounts,
  EnvironmentIdentity,
  EnvironmentOutcome,
  EnvironmentSuccess,
  SourceKind,
} from "../estate/types.ts";
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

export interface AggregateInput {
  readonly run: EstateRun;
  readonly outcomes: readonly (StoredEnvironment | CaughtEnvironment)[];
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
