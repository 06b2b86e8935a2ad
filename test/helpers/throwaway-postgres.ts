import { execFile } from "node:child_process";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { findFreePort } from "./free-port.ts";

/**
 * Throwaway PostgreSQL clusters of a test file's own: initdb into a temp folder, started on a free
 * port with the file's own pg_hba rules and settings, stopped and removed afterwards. The shared
 * test cluster (KONG_TEST_DATABASE_URL) is never touched. Where the binaries are missing (a machine
 * with only Node) the helper names the reason instead, for `describe.skipIf`.
 *
 *   const cluster = await initThrowawayCluster("right-password");   // at import time of the file
 *   describe.skipIf("blocker" in cluster)(`… (${"blocker" in cluster ? cluster.blocker : "initdb available"})`, …)
 *   const server = await startThrowawayCluster(cluster.folder, { hba: […] });   // beforeAll
 *   await server.stop();                                               // afterAll
 */

const run = promisify(execFile);

/** Runs a command as the postgres user when this process is root (PostgreSQL refuses to run as root). */
export const asPostgres = (command: string, args: string[]) =>
  process.getuid?.() === 0 ? run("runuser", ["-u", "postgres", "--", command, ...args]) : run(command, args);

/** Why a throwaway cluster cannot be made here, or undefined when it can. */
export async function throwawayClusterBlocker(): Promise<string | undefined> {
  try {
    await run("initdb", ["--version"]);
    await run("pg_ctl", ["--version"]);
  } catch {
    return "initdb/pg_ctl are not on PATH";
  }
  // PostgreSQL refuses to run as root; as root, run it as the postgres user.
  if (process.getuid?.() === 0) {
    try {
      await run("runuser", ["-u", "postgres", "--", "true"]);
    } catch {
      return "running as root without a postgres user to run initdb as";
    }
  }
  return undefined;
}

/**
 * initdb of a cluster whose superuser `postgres` has `password` (scram-sha-256), in a fresh temp
 * folder (its `data` subfolder). initdb's own refusal (e.g. a machine where it cannot run) is a
 * missing prerequisite, named.
 */
export async function initThrowawayCluster(
  password: string,
): Promise<{ folder: string } | { blocker: string }> {
  const blocker = await throwawayClusterBlocker();
  if (blocker !== undefined) return { blocker };
  const folder = await mkdtemp(join(tmpdir(), "klr-tests-pg-"));
  await chmod(folder, 0o777);
  const passwordFile = join(folder, "pw");
  await writeFile(passwordFile, `${password}\n`, { mode: 0o644 });
  try {
    const data = join(folder, "data");
    await asPostgres("initdb", [
      "-D",
      data,
      "-U",
      "postgres",
      "--pwfile",
      passwordFile,
      "-A",
      "scram-sha-256",
    ]);
    return { folder };
  } catch (error) {
    await rm(folder, { recursive: true, force: true });
    const lines = String((error as { stderr?: string }).stderr ?? error)
      .trim()
      .split("\n");
    return {
      blocker: `initdb cannot create a cluster here: ${lines.find((line) => /denied|error|cannot/i.test(line)) ?? lines[0]}`,
    };
  }
}

export interface ThrowawayServer {
  readonly port: number;
  /** The data folder this server runs on. */
  readonly data: string;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** The lines of pg_hba.conf. */
  readonly hba: readonly string[];
  /** Extra `-c name=value` settings (e.g. ssl=on). */
  readonly settings?: readonly string[];
  /** The data folder under the cluster's folder; default "data". */
  readonly dataFolder?: string;
  /** Addresses to listen on; default 127.0.0.1. */
  readonly listen?: string;
}

/** Writes pg_hba.conf and starts the cluster on a free port; resolves once it accepts connections. */
export async function startThrowawayCluster(folder: string, options: StartOptions): Promise<ThrowawayServer> {
  const data = join(folder, options.dataFolder ?? "data");
  const hba = options.hba.map((line) => `${line}\\n`).join("");
  await asPostgres("sh", ["-c", `printf '${hba}' > ${data}/pg_hba.conf`]);
  const port = await findFreePort();
  const settings = (options.settings ?? []).map((setting) => ` -c ${setting}`).join("");
  await asPostgres("pg_ctl", [
    "-D",
    data,
    "-w",
    "-t",
    "120",
    "-l",
    join(folder, `${options.dataFolder ?? "data"}.log`),
    "-o",
    `-p ${port} -k ${folder} -c listen_addresses=${options.listen ?? "127.0.0.1"}${settings}`,
    "start",
  ]);
  return {
    port,
    data,
    stop: async () => {
      await asPostgres("pg_ctl", ["-D", data, "-m", "immediate", "stop"]).catch(() => undefined);
    },
  };
}

/** Removes the cluster's folder (after its servers are stopped). */
export async function removeThrowawayCluster(folder: string): Promise<void> {
  await rm(folder, { recursive: true, force: true });
}
