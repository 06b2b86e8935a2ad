// One holder at a time across processes, for a synchronous job (osls package: two runs in the same
// service folder take each other's zips). Written here because the maintained lock packages
// (proper-lockfile) acquire with retries only asynchronously, and the package step is synchronous.
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** A lock folder without its pid file for this long was left by a process that died while taking it. */
const UNFINISHED_LOCK_MS = 60_000;

/**
 * Runs `job` while holding the lock folder `path` (mkdir is atomic): waits while another live
 * process holds it, takes over a lock whose process is gone, and gives up after `timeoutMs` naming
 * the folder to remove.
 */
export function withExclusiveLock(path, job, { timeoutMs = 10 * 60_000, pollMs = 200 } = {}) {
  mkdirSync(dirname(path), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(path);
      writeFileSync(join(path, "pid"), String(process.pid));
      break;
    } catch (error) {
      if (error.code !== "EEXIST") throw error;
      if (isAbandoned(path)) {
        rmSync(path, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new Error(
          `Another process has held ${path} for over ${Math.round(timeoutMs / 1000)} s: remove that folder if nothing else is running.`,
        );
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, pollMs);
    }
  }
  try {
    return job();
  } finally {
    rmSync(path, { recursive: true, force: true });
  }
}

/** The holder is gone: its pid names no process, or it never wrote one. */
function isAbandoned(path) {
  let pid;
  try {
    pid = Number(readFileSync(join(path, "pid"), "utf8"));
  } catch {
    // No pid yet: being taken right now, unless the folder is old.
    try {
      return Date.now() - statSync(path).mtimeMs > UNFINISHED_LOCK_MS;
    } catch {
      return false;
    }
  }
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return error.code === "ESRCH";
  }
}
