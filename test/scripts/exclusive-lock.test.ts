import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { withExclusiveLock } from "../../scripts/exclusive-lock.mjs";

// The lock that keeps two `osls package` runs (test workers) from taking each other's zips.

const folders: string[] = [];
const scratch = () => {
  const folder = mkdtempSync(join(tmpdir(), "klr-lock-"));
  folders.push(folder);
  return folder;
};

afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** Another process holding the lock for `ms`, as a second test worker would. */
function holdInChild(lock: string, ms: number): Promise<void> {
  const script = `import { withExclusiveLock } from ${JSON.stringify(new URL("../../scripts/exclusive-lock.mjs", import.meta.url).href)};
withExclusiveLock(${JSON.stringify(lock)}, () => { process.stdout.write("held\\n"); Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ${ms}); });`;
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    child.stdout.once("data", () => resolve());
    child.once("error", reject);
    child.once("exit", (code) => code !== 0 && reject(new Error(`the holder exited ${code}`)));
  });
}

describe("Function: withExclusiveLock", () => {
  it("runs the job, answers its value and leaves no lock behind", () => {
    const lock = join(scratch(), "nested", "job.lock");
    expect(withExclusiveLock(lock, () => 42)).toBe(42);
    expect(existsSync(lock)).toBe(false);
  });

  it("releases the lock when the job throws", () => {
    const lock = join(scratch(), "job.lock");
    expect(() =>
      withExclusiveLock(lock, () => {
        throw new Error("boom");
      }),
    ).toThrow("boom");
    expect(existsSync(lock)).toBe(false);
  });

  it("waits while another live process holds it, then runs", async () => {
    const lock = join(scratch(), "job.lock");
    await holdInChild(lock, 600);
    const started = Date.now();
    withExclusiveLock(lock, () => undefined, { pollMs: 20 });
    // The job ran only once the holder had let go (it held the lock about 600 ms after saying so).
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
  });

  it("takes over a lock whose process is gone", () => {
    const lock = join(scratch(), "job.lock");
    mkdirSync(lock);
    // No process has pid 2^22 + 1 on Linux (pid_max is at most 2^22).
    writeFileSync(join(lock, "pid"), String(2 ** 22 + 1));
    expect(withExclusiveLock(lock, () => "ran", { timeoutMs: 1_000 })).toBe("ran");
  });

  it("gives up after its timeout while a live process holds it, naming the folder to remove", () => {
    const lock = join(scratch(), "job.lock");
    mkdirSync(lock);
    writeFileSync(join(lock, "pid"), String(process.ppid));
    expect(() => withExclusiveLock(lock, () => "ran", { timeoutMs: 1_000, pollMs: 50 })).toThrow(
      `Another process has held ${lock} for over 1 s: remove that folder if nothing else is running.`,
    );
  });
});
