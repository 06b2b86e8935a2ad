import { setTimeout as delay } from "node:timers/promises";
import { ExecuteStatementCommand, type RDSDataClient } from "@aws-sdk/client-rds-data";
import type { SqlParams, SqlPort } from "../sql/port.ts";
import {
  classifyFailure,
  DATA_API_SETTINGS,
  type DataApiSettingNames,
  deadlineError,
  type FailureContext,
  translateError,
} from "./rds-data-errors.ts";
import { toRows, toSqlParameters } from "./rds-data-values.ts";

export interface RdsDataRetryOptions {
  /** Attempts per statement, the first included (default 6). */
  readonly maxAttempts?: number;
  /** First backoff; doubles per attempt (default 1000 ms). */
  readonly baseDelayMs?: number;
  /** Cap of one backoff (default 8000 ms). */
  readonly maxDelayMs?: number;
  /** Told to the caller when the cluster is still resuming after the budget (default 15 s). */
  readonly retryAfterSeconds?: number;
}

export interface RdsDataSqlPortOptions {
  readonly client: RDSDataClient;
  /** The Aurora cluster's ARN. */
  readonly resourceArn: string;
  /** The Secrets Manager secret holding the database user and password. */
  readonly secretArn: string;
  readonly database: string;
  /** How messages name the cluster, database and endpoint settings; default: naming none. */
  readonly settings?: DataApiSettingNames;
  readonly retry?: RdsDataRetryOptions;
  /** Backoff wait; rejects when the signal aborts (injected by tests). */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Jitter source in [0, 1) (injected by tests). */
  readonly random?: () => number;
  /** Destroy the client on close() (the port created it). */
  readonly ownsClient?: boolean;
}

export type RdsDataSqlPort = SqlPort & {
  /** Data API requests sent so far, retries included. */
  readonly calls: () => number;
};

const defaultRetry = {
  maxAttempts: 6,
  baseDelayMs: 1_000,
  maxDelayMs: 8_000,
  retryAfterSeconds: 15,
} as const;

/**
 * A SQL port over the RDS Data API (ExecuteStatement, no transaction: the collector only reads).
 *
 * Results come as typed `records` with column metadata, longs and decimals as strings
 * (`longReturnType: STRING`), so counts above 2^53 stay exact and no JSON number is ever parsed;
 * rds-data-values.ts prints them as PostgreSQL's text output would, so rows equal the pg adapter's.
 *
 * Retries, with exponential backoff and jitter, only what a later attempt can cure: a resuming
 * cluster, throttling, 5xx and dropped connections; never a SQL error. Every failure becomes a
 * ReportError whose message says what to do, without parameter values (rds-data-errors.ts).
 */
export function createRdsDataSqlPort(options: RdsDataSqlPortOptions): RdsDataSqlPort {
  const retry = { ...defaultRetry, ...options.retry };
  const sleep =
    options.sleep ?? ((ms: number, signal?: AbortSignal) => delay(ms, undefined, signal ? { signal } : {}));
  const random = options.random ?? Math.random;
  const target = `the Aurora cluster ${options.resourceArn} (database ${options.database})`;
  let calls = 0;

  const backoff = (attempt: number): number => {
    const ceiling = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1));
    // Half fixed, half jitter: a resuming cluster gets a minimum wait, and callers do not align.
    return Math.round(ceiling / 2 + (random() * ceiling) / 2);
  };

  const send = async (sql: string, params: SqlParams | undefined, signal: AbortSignal | undefined) => {
    const parameters = toSqlParameters(params);
    const command = new ExecuteStatementCommand({
      resourceArn: options.resourceArn,
      secretArn: options.secretArn,
      database: options.database,
      sql,
      ...(parameters.length === 0 ? {} : { parameters }),
      includeResultMetadata: true,
      resultSetOptions: { longReturnType: "STRING", decimalReturnType: "STRING" },
    });
    const context: FailureContext = {
      resourceArn: options.resourceArn,
      secretArn: options.secretArn,
      database: options.database,
      settings: options.settings ?? DATA_API_SETTINGS,
      target,
      params,
      retryAfterSeconds: retry.retryAfterSeconds,
      attempts: 0,
      waitedMs: 0,
    };
    for (let attempt = 1; ; attempt += 1) {
      if (signal?.aborted) throw deadlineError(target, signal.reason);
      calls += 1;
      context.attempts = attempt;
      try {
        return await options.client.send(command, signal === undefined ? {} : { abortSignal: signal });
      } catch (error) {
        const kind = classifyFailure(error, signal);
        if (kind === "aborted") throw deadlineError(target, error);
        if (kind === "fatal" || attempt >= retry.maxAttempts) throw translateError(error, kind, context);
        const wait = backoff(attempt);
        try {
          await sleep(wait, signal);
        } catch {
          // The deadline came while waiting: report the reason for waiting, not the deadline.
          throw translateError(error, kind, context);
        }
        context.waitedMs += wait;
      }
    }
  };

  return {
    async query(sql, params, queryOptions) {
      const output = await send(sql, params, queryOptions?.signal);
      return toRows(output, target);
    },
    async close() {
      if (options.ownsClient === true) options.client.destroy();
    },
    calls: () => calls,
  };
}
