import type { PGlite, Results, Transaction } from "@electric-sql/pglite";
import { quoteIdentifier } from "../../lib/sql/pglite-sql-port.ts";
import {
  type DataApiBackend,
  readTypeRows,
  type StatementLimits,
  type StatementResult,
  type TransactionSession,
} from "./backend.ts";
import { DataApiFault, isPgError, type PreparedStatement, toDatabaseFault } from "./protocol.ts";

export interface PgliteBackendOptions {
  readonly db: PGlite;
  readonly searchPath?: string;
}

const updatingCommands = new Set(["INSERT", "UPDATE", "DELETE", "MERGE", "COPY"]);
const noTimeout: StatementLimits = { timeoutMs: 0, continueAfterTimeout: false };

/**
 * Statements on an embedded PGlite database (one session, so one transaction at a time). Each
 * auto-commit statement runs in its own transaction with `SET LOCAL` settings, so the shared
 * session's own settings are never touched. PGlite runs on the event loop's thread and cannot
 * cancel a running statement: a statement past the timeout is rolled back once it ends and the
 * call answers StatementTimeoutException, as a cancelled statement would.
 */
export function createPgliteBackend(options: PgliteBackendOptions): DataApiBackend {
  const { db } = options;
  const parsers = Object.fromEntries(Object.keys(db.parsers).map((oid) => [oid, (value: string) => value]));
  const settings = `SET LOCAL TimeZone TO 'UTC'${
    options.searchPath === undefined
      ? ""
      : `; SET LOCAL search_path TO ${quoteIdentifier(options.searchPath)}`
  }`;
  let databaseName: Promise<string> | undefined;

  const checkDatabase = async (database: string | undefined): Promise<void> => {
    if (database === undefined || database === "") return;
    databaseName ??= db
      .query<{ name: string }>("SELECT current_database() AS name")
      .then((r) => r.rows[0]?.name ?? "");
    if (database !== (await databaseName)) {
      throw new DataApiFault(
        "DatabaseErrorException",
        `FATAL: database "${database}" does not exist; SQLState: 3D000`,
      );
    }
  };

  const runOn = async (tx: Transaction, statement: PreparedStatement): Promise<StatementResult> => {
    let result: Results<unknown[]>;
    try {
      result = await tx.query<unknown[]>(statement.text, statement.values, {
        rowMode: "array",
        parsers,
        paramTypes: statement.paramTypes,
      });
    } catch (error) {
      throw isPgError(error) ? toDatabaseFault(error) : error;
    }
    return {
      fields: result.fields.map((field) => ({ name: field.name, typeOid: field.dataTypeID })),
      rows: result.rows as Array<Array<string | null>>,
      updated: updatingCommands.has(result.command ?? "") ? (result.rowCount ?? result.affectedRows ?? 0) : 0,
    };
  };

  const runAutoCommit = async (
    statement: PreparedStatement,
    limits: StatementLimits,
  ): Promise<StatementResult> => {
    const started = performance.now();
    return db.transaction(async (tx) => {
      await tx.exec(settings);
      const result = await runOn(tx, statement);
      if (limits.timeoutMs > 0 && performance.now() - started > limits.timeoutMs) {
        // Thrown inside the transaction: its effects are rolled back.
        throw new DataApiFault(
          "StatementTimeoutException",
          "ERROR: canceling statement due to statement timeout; SQLState: 57014",
        );
      }
      return result;
    });
  };

  return {
    description: "the embedded PGlite database",
    runner(database) {
      return {
        async run(statement, limits) {
          await checkDatabase(database);
          return runAutoCommit(statement, limits);
        },
        readTypes: (oids) => readTypeRows((statement) => runAutoCommit(statement, noTimeout), oids),
      };
    },
    async begin(database) {
      await checkDatabase(database);
      let finish: (outcome: "commit" | "rollback") => void = () => undefined;
      const outcome = new Promise<"commit" | "rollback">((resolve) => {
        finish = resolve;
      });
      let opened: (tx: Transaction) => void = () => undefined;
      const ready = new Promise<Transaction>((resolve) => {
        opened = resolve;
      });
      // PGlite holds its transaction lock until this callback returns: other statements wait.
      const done = db.transaction(async (tx) => {
        await tx.exec(settings);
        opened(tx);
        if ((await outcome) === "rollback") await tx.rollback();
      });
      const tx = await Promise.race([
        ready,
        done.then(() => Promise.reject(new Error("transaction ended early"))),
      ]);
      const end = async (how: "commit" | "rollback") => {
        finish(how);
        try {
          await done;
        } catch (error) {
          throw isPgError(error) ? toDatabaseFault(error) : error;
        }
      };
      const session: TransactionSession = {
        run: (statement) => runOn(tx, statement),
        readTypes: (oids) => readTypeRows((statement) => runOn(tx, statement), oids),
        commit: () => end("commit"),
        rollback: () => end("rollback"),
      };
      return session;
    },
    async close() {
      // The PGlite instance was injected: its owner closes it.
    },
  };
}
