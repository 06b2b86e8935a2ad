import { setTimeout as delay } from "node:timers/promises";
import {
  BeginTransactionCommand,
  CommitTransactionCommand,
  ExecuteStatementCommand,
  type RDSDataClient,
  RollbackTransactionCommand,
} from "@aws-sdk/client-rds-data";
import { QueryError } from "../errors.ts";
import {
  lendTransaction,
  type QueryOptions,
  READ_ONLY_SNAPSHOT,
  type SqlParams,
  type SqlPort,
} from "../sql/port.ts";
import {
  classifyFailure,
  DATA_API_SETTINGS,
  type DataApiSettingNames,
  deadlineError,
  type FailureContext,
  type FailureKind,
  isThrottling,
  isTransactionGone,
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
  /** Transactions `runReadOnly` begins when a transient failure loses one, the first included (default 3). */
  readonly maxTransactionAttempts?: number;
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
  /** Data API requests sent so far, retries and the transaction calls included. */
  readonly calls: () => number;
};

const defaultRetry = {
  maxAttempts: 6,
  baseDelayMs: 1_000,
  maxDelayMs: 8_000,
  retryAfterSeconds: 15,
  maxTransactionAttempts: 3,
} as const;

/** How long a rollback after a failure may take: the caller's deadline may already have passed. */
const ROLLBACK_TIMEOUT_MS = 2_000;

/** Which failures another attempt of the same call may cure. */
type Cures = "transient" | "throttling";

/**
 * A SQL port over the RDS Data API: ExecuteStatement, and for `runReadOnly` one transaction
 * (BeginTransaction; `SET TRANSACTION … READ ONLY` and every statement with its transactionId;
 * CommitTransaction, or RollbackTransaction on failure: 3 calls more than its statements).
 *
 * Results come as typed `records` with column metadata, longs and decimals as strings
 * (`longReturnType: STRING`), so counts above 2^53 stay exact and no JSON number is ever parsed;
 * rds-data-values.ts prints them as PostgreSQL's text output would, so rows equal the pg adapter's.
 *
 * Retries, with exponential backoff and jitter, only what a later attempt can cure: a resuming
 * cluster, throttling, 5xx and dropped connections; never a SQL error. Every failure becomes a
 * ReportError whose message says what to do, without parameter values (rds-data-errors.ts).
 *
 * Inside a transaction a call is retried only when throttled: the front end refused it before it
 * reached the transaction. After any other transient failure the transaction's state is unknown
 * (the statement may still run on its connection, and the next call answers "still running a
 * query"; or the transaction is gone: TransactionNotFoundException), so the same statement is not
 * sent again: the transaction is rolled back and the whole work runs again in a new one, as it
 * only reads (up to `maxTransactionAttempts` transactions). BeginTransaction is retried as a
 * statement outside a transaction is: it is the call that meets a resuming cluster; one begun
 * whose answer was lost holds no lock and the Data API rolls it back after 3 idle minutes.
 */
export function createRdsDataSqlPort(options: RdsDataSqlPortOptions): RdsDataSqlPort {
  const retry = { ...defaultRetry, ...options.retry };
  const sleep =
    options.sleep ?? ((ms: number, signal?: AbortSignal) => delay(ms, undefined, signal ? { signal } : {}));
  const random = options.random ?? Math.random;
  const target = `the Aurora cluster ${options.resourceArn} (database ${options.database})`;
  const { resourceArn, secretArn, database } = options;
  let calls = 0;

  const backoff = (attempt: number): number => {
    const ceiling = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1));
    // Half fixed, half jitter: a resuming cluster gets a minimum wait, and callers do not align.
    return Math.round(ceiling / 2 + (random() * ceiling) / 2);
  };

  const contextOf = (params: SqlParams | undefined): FailureContext => ({
    resourceArn,
    secretArn,
    database,
    settings: options.settings ?? DATA_API_SETTINGS,
    target,
    params,
    retryAfterSeconds: retry.retryAfterSeconds,
    attempts: 0,
    waitedMs: 0,
  });

  /**
   * Sends one call, retrying what `cures` allows. `onGiveUp` learns the failure kind of the last
   * attempt before it is thrown as a ReportError.
   */
  const send = async <Output>(
    call: (abortSignal: AbortSignal | undefined) => Promise<Output>,
    context: FailureContext,
    signal: AbortSignal | undefined,
    cures: Cures,
    onGiveUp: (error: unknown, kind: FailureKind) => void = () => undefined,
  ): Promise<Output> => {
    for (let attempt = 1; ; attempt += 1) {
      if (signal?.aborted) throw deadlineError(target, signal.reason);
      calls += 1;
      context.attempts = attempt;
      try {
        return await call(signal);
      } catch (error) {
        const kind = classifyFailure(error, signal);
        if (kind === "aborted") throw deadlineError(target, error);
        const curable = kind !== "fatal" && (cures === "transient" || isThrottling(error));
        if (!curable || attempt >= retry.maxAttempts) {
          onGiveUp(error, kind);
          throw translateError(error, kind, context);
        }
        const wait = backoff(attempt);
        try {
          await sleep(wait, signal);
        } catch {
          // The deadline came while waiting: report the reason for waiting, not the deadline.
          onGiveUp(error, kind);
          throw translateError(error, kind, context);
        }
        context.waitedMs += wait;
      }
    }
  };

  const httpOptions = (abortSignal: AbortSignal | undefined) =>
    abortSignal === undefined ? {} : { abortSignal };

  const execute = (
    sql: string,
    params: SqlParams | undefined,
    signal: AbortSignal | undefined,
    transaction?: { readonly id: string; readonly lose: (error: unknown, kind: FailureKind) => void },
  ) => {
    const parameters = toSqlParameters(params);
    const command = new ExecuteStatementCommand({
      resourceArn,
      secretArn,
      database,
      sql,
      ...(parameters.length === 0 ? {} : { parameters }),
      ...(transaction === undefined ? {} : { transactionId: transaction.id }),
      includeResultMetadata: true,
      resultSetOptions: { longReturnType: "STRING", decimalReturnType: "STRING" },
    });
    return send(
      (abortSignal) => options.client.send(command, httpOptions(abortSignal)),
      contextOf(params),
      signal,
      transaction === undefined ? "transient" : "throttling",
      transaction?.lose,
    );
  };

  /** One transaction: begun, `work` on it, committed; rolled back when anything fails. */
  const runTransaction = async <T>(
    work: (sql: SqlPort) => Promise<T>,
    signal: AbortSignal | undefined,
    lost: { value: boolean },
  ): Promise<T> => {
    const begun = await send(
      (abortSignal) =>
        options.client.send(
          new BeginTransactionCommand({ resourceArn, secretArn, database }),
          httpOptions(abortSignal),
        ),
      contextOf(undefined),
      signal,
      "transient",
    );
    const id = begun.transactionId;
    if (id === undefined)
      throw new QueryError(`The Data API began a transaction on ${target} without its id.`);
    const transaction = {
      id,
      lose: (error: unknown, kind: FailureKind) => {
        if (kind === "resuming" || kind === "transient" || isTransactionGone(error)) lost.value = true;
      },
    };
    let result: T;
    try {
      // The first statement of the transaction: REPEATABLE READ gives the report and its details
      // pages one snapshot; READ ONLY refuses any write.
      await execute(`SET TRANSACTION ${READ_ONLY_SNAPSHOT}`, undefined, signal, transaction);
      result = await work(
        lendTransaction(async (sql, params, queryOptions) =>
          toRows(await execute(sql, params, queryOptions?.signal ?? signal, transaction), target),
        ),
      );
    } catch (error) {
      await rollBack(id);
      throw error;
    }
    // A read-only transaction has nothing to commit: its rows are in hand whatever became of it, so
    // a commit lost to a transient failure, or to a transaction already gone, does not fail the
    // report; the rollback ends the transaction if the commit did not. A refusal that would fail
    // every report (an IAM policy without rds-data:CommitTransaction) is reported.
    let refused = false;
    try {
      await send(
        (abortSignal) =>
          options.client.send(
            new CommitTransactionCommand({ resourceArn, secretArn, transactionId: id }),
            httpOptions(abortSignal),
          ),
        contextOf(undefined),
        signal,
        "throttling",
        (error, kind) => {
          refused = kind === "fatal" && !isTransactionGone(error);
        },
      );
    } catch (error) {
      await rollBack(id);
      if (refused || signal?.aborted === true) throw error;
    }
    return result;
  };

  /** Once, errors ignored: an open transaction would keep its table locks until the Data API ends it. */
  const rollBack = async (transactionId: string) => {
    calls += 1;
    await options.client
      .send(new RollbackTransactionCommand({ resourceArn, secretArn, transactionId }), {
        abortSignal: AbortSignal.timeout(ROLLBACK_TIMEOUT_MS),
      })
      .catch(() => undefined);
  };

  return {
    async query(sql, params, queryOptions) {
      const output = await execute(sql, params, queryOptions?.signal);
      return toRows(output, target);
    },
    async runReadOnly<T>(work: (sql: SqlPort) => Promise<T>, queryOptions?: QueryOptions): Promise<T> {
      const signal = queryOptions?.signal;
      for (let attempt = 1; ; attempt += 1) {
        const lost = { value: false };
        try {
          return await runTransaction(work, signal, lost);
        } catch (error) {
          if (!lost.value || attempt >= retry.maxTransactionAttempts || signal?.aborted) throw error;
          try {
            await sleep(backoff(attempt), signal);
          } catch {
            throw error;
          }
        }
      }
    },
    async close() {
      if (options.ownsClient === true) options.client.destroy();
    },
    calls: () => calls,
  };
}
