import { readFile } from "node:fs/promises";
import { join } from "node:path";
import pg from "pg";
import { createTestCertificates, opensslBlocker, type TestCertificates } from "./test-certificates.ts";
import {
  asPostgres,
  initThrowawayCluster,
  removeThrowawayCluster,
  startThrowawayCluster,
  type ThrowawayServer,
} from "./throwaway-postgres.ts";

/**
 * A throwaway PostgreSQL that only accepts TLS (hostssl, scram-sha-256) with a certificate for
 * `localhost` signed by a test CA, and a copy of the same cluster without TLS; the demo Kong database
 * (lib/demo/schema.sql + seed.sql) loaded as `kong`, readable by `kong_report`.
 *
 *   const tls = await prepareTlsPostgres();            // at import time: initdb, or the reason it cannot run
 *   describe.skipIf("blocker" in tls)(`… (${"blocker" in tls ? tls.blocker : "initdb and openssl available"})`, …)
 *   const server = await startTlsPostgres(tls);        // beforeAll
 *   await server.stop();                               // afterAll
 */

const SUPERUSER_PASSWORD = "klr-superuser-throwaway";
/** The report's role and its password in the throwaway cluster. */
export const KONG_REPORT_USER = "kong_report";
export const KONG_REPORT_PASSWORD = "kong-report-throwaway-password";

export type PreparedTlsPostgres = { readonly folder: string } | { readonly blocker: string };

/** initdb (and the check for openssl), or the reason this machine cannot run the TLS tests. */
export async function prepareTlsPostgres(): Promise<PreparedTlsPostgres> {
  const openssl = await opensslBlocker();
  if (openssl !== undefined) return { blocker: openssl };
  return initThrowawayCluster(SUPERUSER_PASSWORD);
}

export interface TlsPostgres {
  /** The TLS-only server (certificate for localhost). */
  readonly port: number;
  /** The same cluster's copy with ssl off. */
  readonly plainPort: number;
  readonly certificates: TestCertificates;
  /** Runs SQL as the superuser over TLS (verify-full against the test CA) in `database`. */
  exec(sql: string, database?: string): Promise<pg.QueryResult>;
  stop(): Promise<void>;
}

/** Starts both servers and loads the demo Kong database; resolves once they accept connections. */
export async function startTlsPostgres(prepared: { readonly folder: string }): Promise<TlsPostgres> {
  const { folder } = prepared;
  const certificates = await createTestCertificates(folder);
  const data = join(folder, "data");
  // The server's key must belong to the server's user and be private to it.
  await asPostgres("sh", [
    "-c",
    `cp ${certificates.serverCertFile} ${data}/server.crt && cp ${certificates.serverKeyFile} ${data}/server.key && chmod 600 ${data}/server.key && cp -a ${data} ${folder}/data-plain`,
  ]);
  const servers: ThrowawayServer[] = [];
  const stop = async () => {
    for (const server of servers) await server.stop();
    await removeThrowawayCluster(folder);
  };
  try {
    servers.push(
      await startThrowawayCluster(folder, {
        hba: ["hostssl all all 127.0.0.1/32 scram-sha-256", "hostssl all all ::1/128 scram-sha-256"],
        settings: ["ssl=on", "ssl_cert_file=server.crt", "ssl_key_file=server.key"],
        listen: "localhost",
      }),
    );
    servers.push(
      await startThrowawayCluster(folder, {
        hba: ["host all all 127.0.0.1/32 scram-sha-256", "host all all ::1/128 scram-sha-256"],
        settings: ["ssl=off"],
        dataFolder: "data-plain",
        listen: "localhost",
      }),
    );
  } catch (error) {
    await stop();
    throw error;
  }
  const [tls, plain] = servers as [ThrowawayServer, ThrowawayServer];
  const ca = await readFile(certificates.caFile, "utf8");
  const exec = async (sql: string, database = "postgres") => {
    const client = new pg.Client({
      host: "localhost",
      port: tls.port,
      user: "postgres",
      password: SUPERUSER_PASSWORD,
      database,
      ssl: { ca, rejectUnauthorized: true },
    });
    await client.connect();
    try {
      return await client.query(sql);
    } finally {
      await client.end();
    }
  };
  try {
    await exec(`CREATE ROLE ${KONG_REPORT_USER} LOGIN PASSWORD '${KONG_REPORT_PASSWORD}'`);
    await exec("CREATE DATABASE kong");
    const root = new URL("../../", import.meta.url);
    for (const file of ["lib/demo/schema.sql", "lib/demo/seed.sql"]) {
      await exec(await readFile(new URL(file, root), "utf8"), "kong");
    }
    await exec(`GRANT pg_read_all_data TO ${KONG_REPORT_USER}`, "kong");
  } catch (error) {
    await stop();
    throw error;
  }
  return { port: tls.port, plainPort: plain.port, certificates, exec, stop };
}
