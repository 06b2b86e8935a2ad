import { Readable } from "node:stream";
import { BadParameterError, EnvironmentFailedError, ReportError } from "../errors.ts";
import { collectEnvironment, type OpenApiPorts, type OpenEnvironmentPort } from "../estate/collect-estate.ts";
import type { EnvironmentCounts, EnvironmentSuccess, EstateConfig, SourceKind } from "../estate/types.ts";
import { type SqlPort, wrapQueries } from "../sql/port.ts";
import type { ReportStore } from "../store/report-store.ts";
import { checkRun, type EstateRun, environmentKey } from "./estate-run.ts";

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
  /** Absent for a Konnect environment (entity counts only: no report). */
  readonly checksum?: string;
  readonly services_count: number;
  readonly routes_count: number;
  readonly discrete_services: number;
}

export interface CollectStepOptions {
  readonly config: EstateConfig;
  /** The deployment's report prefix: a run's folder must be under it. */
  readonly reportPrefix: string;
  readonly openPort: OpenEnvironmentPort;
  /** Kong's Admin API and Konnect, for the environments read through them. */
  readonly openApi?: OpenApiPorts;
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
    ...(options.openApi === undefined ? {} : { openApi: options.openApi }),
    // An API source's error (no SQL port saw it) names the failure for the state machine's Retry.
    onError: (error) => {
      lastError ??= error;
    },
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
    throw new EnvironmentFailedError(outcome.environment, cause, boundMessage(outcome.error));
  }
  const key = environmentKey(run, outcome.environment);
  const report = "report" in outcome ? outcome : undefined;
  const body = Buffer.from(JSON.stringify(toStoredEnvironment(outcome)), "utf8");
  await options.store.upload(
    {
      key,
      body: Readable.from([body]),
      contentType: "application/json",
      metadata: {
        ...(report === undefined ? {} : { checksum: report.report.checksum }),
        environment: outcome.environment,
        "estate-run": run.id,
      },
    },
    options.signal === undefined ? {} : { signal: options.signal },
  );
  return {
    environment: outcome.environment,
    status: "ok",
    ...(outcome.source === undefined ? {} : { source: outcome.source }),
    key,
    ...(report === undefined ? {} : { checksum: report.report.checksum }),
    services_count:
      report === undefined
        ? (outcome as EnvironmentCounts).konnect.gateway_services
        : (report.report.services_count ?? 0),
    routes_count: report?.report.routes_count ?? 0,
    discrete_services: new Set(outcome.discreteServices).size,
  };
}

/**
 * The failure's message as the Map's Catch carries it (twice, in Lambda's Cause): bounded, so 40
 * caught items of the inline Map stay far below Step Functions' 256 KiB per state.
 */
export const MAX_FAILURE_MESSAGE = 1_000;

function boundMessage(message: string): string {
  return message.length <= MAX_FAILURE_MESSAGE ? message : `${message.slice(0, MAX_FAILURE_MESSAGE - 1)}…`;
}

/**
 * What the collect step stores for the aggregate step: the report (and Kong's bytes of it, base64,
 * for an Admin API environment: the tar keeps them as Kong wrote them), or Konnect's counts, the
 * discrete keys and what tells the environment apart (for the same-database warning).
 */
export function toStoredEnvironment(
  outcome: EnvironmentSuccess | EnvironmentCounts,
): Record<string, unknown> {
  return {
    environment: outcome.environment,
    ...(outcome.source === undefined ? {} : { source: outcome.source }),
    ...("report" in outcome
      ? {
          report: outcome.report,
          ...(outcome.response === undefined
            ? {}
            : { response_base64: Buffer.from(outcome.response).toString("base64") }),
          ...(outcome.details === undefined ? {} : { details: outcome.details }),
        }
      : { konnect: outcome.konnect }),
    discrete_services: outcome.discreteServices,
    ...(outcome.identity === undefined ? {} : { identity: outcome.identity }),
  };
}

/** Tells `onError` about every failed query, then rethrows it unchanged. */
function observePort(port: SqlPort, onError: (error: unknown) => void): SqlPort {
  return wrapQueries(port, (query) => async (sql, params, queryOptions) => {
    try {
      return await query(sql, params, queryOptions);
    } catch (error) {
      onError(error);
      throw error;
    }
  });
}
