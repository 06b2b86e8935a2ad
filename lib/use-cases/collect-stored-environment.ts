import { Readable } from "node:stream";
import { BadParameterError, EnvironmentFailedError, ReportError } from "../errors.ts";
import { collectEnvironment, type OpenEnvironmentPort } from "../estate/collect-estate.ts";
import type { EstateConfig, SourceKind } from "../estate/types.ts";
import type { SqlPort } from "../sql/port.ts";
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
  readonly checksum: string;
  readonly services_count: number;
  readonly routes_count: number;
  readonly discrete_services: number;
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
    throw new EnvironmentFailedError(outcome.environment, cause, boundMessage(outcome.error));
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
 * The failure's message as the Map's Catch carries it (twice, in Lambda's Cause): bounded, so 40
 * caught items of the inline Map stay far below Step Functions' 256 KiB per state.
 */
export const MAX_FAILURE_MESSAGE = 1_000;

function boundMessage(message: string): string {
  return message.length <= MAX_FAILURE_MESSAGE ? message : `${message.slice(0, MAX_FAILURE_MESSAGE - 1)}…`;
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
