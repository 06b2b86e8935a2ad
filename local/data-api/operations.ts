import { randomBytes } from "node:crypto";
import type { DataApiBackend, StatementLimits, StatementRunner, TransactionSession } from "./backend.ts";
import {
  findBuiltInType,
  missingReferences,
  type PgTypeRow,
  resolveType,
  type TypeInfo,
} from "./pg-types.ts";
import {
  DataApiFault,
  prepareStatement,
  type ResultColumn,
  type ResultOptions,
  stringifyWire,
  toColumnMetadata,
  toFormattedRecords,
  toRecord,
  type WireParameter,
} from "./protocol.ts";

/**
 * The Data API's operations over a backend: ExecuteStatement, BatchExecuteStatement and the three
 * transaction calls. Each returns the response body as JSON text (ExecuteStatement checks its size).
 */
export interface OperationLimits {
  readonly statementTimeoutMs: number;
  readonly maxResponseBytes: number;
  readonly strictArrays: boolean;
  readonly transactionIdleMs: number;
}

export interface Operations {
  executeStatement(request: Record<string, unknown>): Promise<string>;
  batchExecuteStatement(request: Record<string, unknown>): Promise<string>;
  beginTransaction(request: Record<string, unknown>): Promise<string>;
  commitTransaction(request: Record<string, unknown>): Promise<string>;
  rollbackTransaction(request: Record<string, unknown>): Promise<string>;
  /** Rolls back every open transaction (server shutdown). */
  abandonTransactions(): Promise<void>;
}

interface OpenTransaction {
  readonly session: TransactionSession;
  readonly database: string | undefined;
  busy: boolean;
  timer: NodeJS.Timeout | undefined;
}

export function createOperations(backend: DataApiBackend, limits: OperationLimits): Operations {
  const transactions = new Map<string, OpenTransaction>();
  const typeCache = new Map<string, TypeInfo>();

  const expire = (id: string) => {
    const open = transactions.get(id);
    if (open === undefined) return;
    transactions.delete(id);
    open.session.rollback().catch(() => undefined);
  };
  const touch = (id: string, open: OpenTransaction) => {
    clearTimeout(open.timer);
    open.timer = setTimeout(() => expire(id), limits.transactionIdleMs);
    open.timer.unref();
  };
  const findTransaction = (id: string): OpenTransaction => {
    const open = transactions.get(id);
    if (open === undefined)
      throw new DataApiFault("TransactionNotFoundException", `Transaction ${id} is not found`);
    return open;
  };

  /** Runs on a transaction's session, one statement at a time, keeping it alive. */
  const inTransaction = async <T>(
    id: string,
    work: (session: TransactionSession) => Promise<T>,
  ): Promise<T> => {
    const open = findTransaction(id);
    if (open.busy) throw new DataApiFault("BadRequestException", "Transaction is still running a query");
    open.busy = true;
    try {
      return await work(open.session);
    } finally {
      open.busy = false;
      if (transactions.has(id)) touch(id, open);
    }
  };

  const resolveColumns = async (
    runner: StatementRunner,
    database: string | undefined,
    fields: ReadonlyArray<{ name: string; typeOid: number }>,
  ): Promise<ResultColumn[]> => {
    const key = (oid: number) => `${database ?? ""}:${oid}`;
    const unknown = [
      ...new Set(
        fields.map((f) => f.typeOid).filter((oid) => !findBuiltInType(oid) && !typeCache.has(key(oid))),
      ),
    ];
    if (unknown.length > 0) {
      const rows = new Map<number, PgTypeRow>();
      let wanted = unknown;
      for (let depth = 0; depth < 4 && wanted.length > 0; depth += 1) {
        for (const row of await runner.readTypes(wanted)) rows.set(row.oid, row);
        wanted = missingReferences(rows);
      }
      for (const oid of unknown) {
        typeCache.set(
          key(oid),
          resolveType(oid, rows) ?? { oid, name: "unknown", jdbc: 1111, kind: "string" },
        );
      }
    }
    return fields.map((f) => ({
      name: f.name,
      type: findBuiltInType(f.typeOid) ?? (typeCache.get(key(f.typeOid)) as TypeInfo),
    }));
  };

  const statementLimits = (request: Record<string, unknown>): StatementLimits => ({
    timeoutMs: limits.statementTimeoutMs,
    continueAfterTimeout: request.continueAfterTimeout === true,
  });

  return {
    async executeStatement(request) {
      const sql = requireString(request, "sql");
      const database = optionalString(request, "database");
      const transactionId = optionalString(request, "transactionId");
      const resultOptions = readResultOptions(request, limits.strictArrays);
      const format = request.formatRecordsAs ?? "NONE";
      if (format !== "NONE" && format !== "JSON") {
        throw new DataApiFault(
          "BadRequestException",
          `Invalid formatRecordsAs ${String(format)}: use NONE or JSON.`,
        );
      }
      const statement = prepareStatement(sql, readParameters(request.parameters));
      const execute = async (runner: StatementRunner, db: string | undefined) => {
        const result = await runner.run(statement, statementLimits(request));
        const columns = await resolveColumns(runner, db, result.fields);
        return { result, columns };
      };
      const { result, columns } =
        transactionId === undefined
          ? await execute(backend.runner(database), database)
          : await inTransaction(transactionId, (session) =>
              execute(session, findTransaction(transactionId).database),
            );

      const members: string[] = [];
      let bytes = 0;
      const add = (name: string, json: string) => {
        bytes += Buffer.byteLength(json) + name.length + 4;
        if (bytes > limits.maxResponseBytes) throw responseTooLarge();
        members.push(`${JSON.stringify(name)}:${json}`);
      };
      if (columns.length > 0 && format === "JSON") {
        add("formattedRecords", JSON.stringify(toFormattedRecords(columns, result.rows, resultOptions)));
      } else if (columns.length > 0) {
        // Row by row, so a huge result fails at the limit instead of being serialised whole.
        const records: string[] = [];
        let recordBytes = 2;
        for (const row of result.rows) {
          const json = stringifyWire(toRecord(columns, row, resultOptions));
          recordBytes += Buffer.byteLength(json) + 1;
          if (recordBytes > limits.maxResponseBytes) throw responseTooLarge();
          records.push(json);
        }
        add("records", `[${records.join(",")}]`);
        if (request.includeResultMetadata === true)
          add("columnMetadata", stringifyWire(toColumnMetadata(columns)));
      }
      add("numberOfRecordsUpdated", String(result.updated));
      if (columns.length === 0) add("generatedFields", "[]");
      return `{${members.join(",")}}`;
    },

    async batchExecuteStatement(request) {
      const sql = requireString(request, "sql");
      const database = optionalString(request, "database");
      const transactionId = optionalString(request, "transactionId");
      const sets = Array.isArray(request.parameterSets) ? (request.parameterSets as unknown[]) : [];
      const statements = (sets.length === 0 ? [[]] : sets).map((set) =>
        prepareStatement(sql, readParameters(set)),
      );
      const runAll = async (runner: StatementRunner) => {
        for (const statement of statements) await runner.run(statement, statementLimits(request));
      };
      if (transactionId !== undefined) {
        await inTransaction(transactionId, runAll);
      } else {
        // Without a transaction the batch is still all-or-nothing.
        const session = await backend.begin(database);
        try {
          await runAll(session);
        } catch (error) {
          await session.rollback().catch(() => undefined);
          throw error;
        }
        await session.commit();
      }
      return stringifyWire({ updateResults: sets.map(() => ({ generatedFields: [] })) });
    },

    async beginTransaction(request) {
      const database = optionalString(request, "database");
      const session = await backend.begin(database);
      const id = randomBytes(48).toString("base64");
      const open: OpenTransaction = { session, database, busy: false, timer: undefined };
      transactions.set(id, open);
      touch(id, open);
      return stringifyWire({ transactionId: id });
    },

    async commitTransaction(request) {
      const id = requireString(request, "transactionId");
      const open = findTransaction(id);
      if (open.busy) throw new DataApiFault("BadRequestException", "Transaction is still running a query");
      transactions.delete(id);
      clearTimeout(open.timer);
      await open.session.commit();
      return stringifyWire({ transactionStatus: "Transaction Committed" });
    },

    async rollbackTransaction(request) {
      const id = requireString(request, "transactionId");
      const open = findTransaction(id);
      transactions.delete(id);
      clearTimeout(open.timer);
      await open.session.rollback();
      return stringifyWire({ transactionStatus: "Rollback Complete" });
    },

    async abandonTransactions() {
      const open = [...transactions.values()];
      transactions.clear();
      for (const entry of open) clearTimeout(entry.timer);
      await Promise.all(open.map((entry) => entry.session.rollback().catch(() => undefined)));
    },
  };
}

function responseTooLarge(): DataApiFault {
  return new DataApiFault(
    "UnsupportedResultException",
    "Database returned more than the allowed response size limit",
  );
}

function readResultOptions(request: Record<string, unknown>, strictArrays: boolean): ResultOptions {
  const options = (request.resultSetOptions ?? {}) as Record<string, unknown>;
  const longReturnType = options.longReturnType ?? "LONG";
  const decimalReturnType = options.decimalReturnType ?? "STRING";
  if (longReturnType !== "LONG" && longReturnType !== "STRING") {
    throw new DataApiFault(
      "BadRequestException",
      `Invalid longReturnType ${String(longReturnType)}: use LONG or STRING.`,
    );
  }
  if (decimalReturnType !== "STRING" && decimalReturnType !== "DOUBLE_OR_LONG") {
    throw new DataApiFault(
      "BadRequestException",
      `Invalid decimalReturnType ${String(decimalReturnType)}: use STRING or DOUBLE_OR_LONG.`,
    );
  }
  return { longReturnType, decimalReturnType, strictArrays };
}

function readParameters(value: unknown): WireParameter[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new DataApiFault("BadRequestException", "parameters must be a list.");
  return value as WireParameter[];
}

/** A required string member of a request, or the service's validation error. */
export function requireString(request: Record<string, unknown>, name: string): string {
  const value = request[name];
  if (typeof value !== "string" || value === "") {
    throw new DataApiFault("BadRequestException", `Parameter validation failed: ${name} is required.`);
  }
  return value;
}

function optionalString(request: Record<string, unknown>, name: string): string | undefined {
  const value = request[name];
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string") throw new DataApiFault("BadRequestException", `${name} must be a string.`);
  return value;
}
