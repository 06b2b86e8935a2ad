import { collectReport } from "../collector/collect-report.ts";
import type { DiscreteRule } from "../details/discrete-rules.ts";
import { ApiAccessError, ReportError } from "../errors.ts";
import { assertTimeZone, formatYearMonth, monthIn, parseAsOf } from "../report/reporting-month.ts";
import type { SqlPort } from "../sql/port.ts";
import {
  collectAdminApiEnvironment,
  collectKonnectEnvironment,
  type OpenApiPorts,
} from "./collect-api-environment.ts";
import { readDatabaseIdentity } from "./database-identity.ts";
import { redactSecrets } from "./redact-secrets.ts";
import type {
  EnvironmentOutcome,
  EnvironmentSource,
  EnvironmentSpec,
  EnvironmentSuccess,
  EstateConfig,
  SourceKind,
  SqlEnvironmentSource,
} from "./types.ts";

/** Opens the SQL port of one environment's database source; the caller closes it. */
export type OpenEnvironmentPort = (source: SqlEnvironmentSource) => Promise<SqlPort>;

export type { OpenApiPorts } from "./collect-api-environment.ts";

export interface CollectEnvironmentOptions {
  /** How a database source becomes a SQL port (the CLI: `openEnvironmentPort`; a Lambda: its own adapters). */
  readonly openPort: OpenEnvironmentPort;
  /** How Kong's Admin API and Konnect are reached; without it, such an environment fails saying so. */
  readonly openApi?: OpenApiPorts;
  /** Told the error that failed an environment, before it becomes a secret-free message. */
  readonly onError?: (error: unknown) => void;
  /** Reporting month `YYYY-MM`, the same for every environment of an estate. */
  readonly asOf: string;
  /** IANA zone of the reporting month (default UTC). */
  readonly timeZone?: string;
  /** Generation time of the reports (default: when each is collected). */
  readonly now?: Date;
  /** The estate's discrete rules, applied to this environment's service keys. */
  readonly rules?: readonly DiscreteRule[];
  /** Keep the details document (per-workspace counts, drift) in the outcome. */
  readonly includeDetails?: boolean;
  readonly signal?: AbortSignal;
}

export interface EnvironmentProgress {
  readonly environment: string;
  readonly status: "ok" | "failed";
  readonly durationMs: number;
  readonly error?: string;
}

export interface CollectEstateOptions extends Omit<CollectEnvironmentOptions, "asOf" | "rules"> {
  /** Environments collected at once (default 4). */
  readonly concurrency?: number;
  /** Reporting month; default the current month in `timeZone`. */
  readonly asOf?: string;
  /** Told as each environment ends (the CLI prints progress on stderr). */
  readonly onProgress?: (progress: EnvironmentProgress) => void;
}

export const DEFAULT_CONCURRENCY = 4;

/**
 * Collects one environment: its report with today's collector (a database source), Kong's own report
 * (the Admin API) or its entity counts (Konnect), plus its discrete-service keys after the rules and
 * what tells it apart from the others. Never throws: a failure becomes `status: "failed"` with a
 * message that holds none of the environment's secrets.
 */
export async function collectEnvironment(
  spec: EnvironmentSpec,
  options: CollectEnvironmentOptions,
): Promise<EnvironmentOutcome> {
  const source = describeSourceKind(spec.source);
  try {
    if (spec.source.kind === "admin-api" || spec.source.kind === "konnect") {
      const open = options.openApi;
      if (open === undefined) {
        throw new ApiAccessError("This runtime was given no way to reach Kong's Admin API or Konnect.");
      }
      const apiOptions = {
        rules: options.rules ?? [],
        includeDetails: options.includeDetails === true,
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      };
      return spec.source.kind === "admin-api"
        ? await collectAdminApiEnvironment(spec, spec.source, open, apiOptions)
        : await collectKonnectEnvironment(spec, spec.source, open, apiOptions);
    }
    return await collectDatabaseEnvironment(spec, spec.source, options);
  } catch (error) {
    options.onError?.(error);
    return { environment: spec.name, status: "failed", source, error: describeFailure(error, spec) };
  }
}

async function collectDatabaseEnvironment(
  spec: EnvironmentSpec,
  database: SqlEnvironmentSource,
  options: CollectEnvironmentOptions,
): Promise<EnvironmentSuccess> {
  let port: SqlPort | undefined;
  try {
    port = await options.openPort(database);
    const collected = await collectReport(port, {
      asOf: options.asOf,
      ...(options.timeZone === undefined ? {} : { timeZone: options.timeZone }),
      ...(options.now === undefined ? {} : { now: options.now }),
      ...spec.node,
      details: { rules: options.rules ?? [], includeList: true },
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    const keys = collected.details.discrete_services?.list ?? [];
    const identity = await readDatabaseIdentity(port, database, options.signal);
    return {
      environment: spec.name,
      status: "ok",
      source: describeSourceKind(database),
      report: collected.report,
      ...(options.includeDetails === true ? { details: collected.details } : {}),
      discreteServices: keys,
      identity,
    };
  } finally {
    await port?.close().catch(() => undefined);
  }
}

/**
 * Collects every environment with at most `concurrency` at once; outcomes come back in the
 * file's order. One environment's failure never stops the others.
 */
export async function collectEstate(
  config: EstateConfig,
  options: CollectEstateOptions,
): Promise<EnvironmentOutcome[]> {
  const timeZone = assertTimeZone(options.timeZone ?? "UTC");
  const asOf = options.asOf ?? formatYearMonth(monthIn(options.now ?? new Date(), timeZone));
  parseAsOf(asOf);
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? DEFAULT_CONCURRENCY));
  const { onProgress, concurrency: _ignored, ...rest } = options;
  const specs = config.environments;
  const outcomes: EnvironmentOutcome[] = new Array(specs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let index = next++; index < specs.length; index = next++) {
      const spec = specs[index] as EnvironmentSpec;
      const started = performance.now();
      const outcome = await collectEnvironment(spec, { ...rest, asOf, timeZone, rules: config.discrete });
      outcomes[index] = outcome;
      onProgress?.({
        environment: spec.name,
        status: outcome.status,
        durationMs: performance.now() - started,
        ...(outcome.status === "failed" ? { error: outcome.error } : {}),
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, specs.length) }, worker));
  return outcomes;
}

/** How the environments file reaches an environment, for the estate (never a secret). */
export function describeSourceKind(source: EnvironmentSource): SourceKind {
  const kinds: Readonly<Record<EnvironmentSource["kind"], SourceKind>> = {
    demo: "demo",
    postgres: "database_url",
    "postgres-secret": "postgres",
    "postgres-iam": "postgres",
    "data-api": "data_api",
    "admin-api": "admin_api",
    konnect: "konnect",
  };
  return kinds[source.kind];
}

function describeFailure(error: unknown, spec: EnvironmentSpec): string {
  const message =
    error instanceof ReportError
      ? error.message
      : `unexpected error: ${error instanceof Error ? error.message : String(error)}`;
  return redactSecrets(message, spec.secrets);
}
