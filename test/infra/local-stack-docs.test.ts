import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// docs/local-stack.md, run as a user runs it: `npm run local` in one process, then the documented
// commands of "Terminal 2", word for word, by bash. Two stand-ins, so the checkout stays clean: the
// commands run in a scratch folder holding a copy of the env file the stack wrote, and `npm run
// --silent cli --` is a shell function running what that script runs (tsx bin/cli.ts) from there.

const ROOT = resolve(import.meta.dirname, "../..");
const DOCS = readFileSync(join(ROOT, "docs/local-stack.md"), "utf8");
const curlMissing = spawnSync("curl", ["--version"]).status !== 0;

/** The fenced sh blocks that follow a paragraph starting with `lead`. */
function blockAfter(lead: string): string {
  const at = DOCS.indexOf(lead);
  expect(at, `docs/local-stack.md has a paragraph "${lead}"`).toBeGreaterThanOrEqual(0);
  const block = /```sh\n([\s\S]*?)```/.exec(DOCS.slice(at))?.[1];
  expect(block).toBeDefined();
  return block ?? "";
}

let stack: ChildProcess;
let printed = "";
let scratch: string;

beforeAll(async () => {
  if (curlMissing) return;
  scratch = mkdtempSync(join(tmpdir(), "klr-local-docs-"));
  stack = spawn(process.execPath, ["--import", "tsx", "local/bin/local-stack.ts", "--port", "0"], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, LOG_LEVEL: "error" },
  });
  await new Promise<void>((ready, failed) => {
    stack.stdout?.on("data", (chunk: Buffer) => {
      printed += chunk.toString("utf8");
      if (printed.includes("Ready in ")) ready();
    });
    stack.once("exit", (code) => failed(new Error(`npm run local exited ${code}:\n${printed}`)));
  });
  // The env file the stack says to source, copied where the commands run.
  const source = /^ {2}source (\S+)/m.exec(printed)?.[1] ?? "";
  expect(source).toMatch(/^\.local-stack\/env(-\d+)?$/);
  mkdirSync(join(scratch, ".local-stack"));
  copyFileSync(join(ROOT, source), join(scratch, ".local-stack", "env"));
}, 180_000);

afterAll(async () => {
  if (stack !== undefined && stack.exitCode === null) {
    const stopped = new Promise((done) => stack.once("exit", done));
    stack.kill("SIGINT");
    await stopped;
  }
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
});

describe.skipIf(curlMissing)(
  `docs/local-stack.md's commands against npm run local${curlMissing ? " [skipped: no curl on this machine]" : ""}`,
  () => {
    it("writes .local-stack/env at the checkout's root, where the docs source it", () => {
      expect(printed).toMatch(/^ {2}source \.local-stack\/env(-\d+)? /m);
    });

    it("runs every documented command of Terminal 2 and the CLI's S3 block, with the answers the docs describe", () => {
      // Prepare: the documented lines, unchanged, after the two stand-ins.
      const script = [
        "set -euo pipefail",
        `npm() { shift 4; ${JSON.stringify(join(ROOT, "node_modules/.bin/tsx"))} ${JSON.stringify(join(ROOT, "bin/cli.ts"))} "$@"; }`,
        blockAfter("Terminal 2, in the same directory"),
        'echo "--- the CLI against the local S3"',
        blockAfter("The CLI reaches the stack's S3"),
      ].join("\n");

      // Act
      const run = spawnSync("bash", ["-c", script], { cwd: scratch, encoding: "utf8", timeout: 240_000 });

      // Assess: every command succeeded, and each answer is the one the docs describe.
      expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
      const [http, cli] = run.stdout.split("--- the CLI against the local S3");
      expect(http).toMatch(/"format": ?"tar"/); // the link document
      // curl prints the link document without a final newline: verify's line follows it on the same line.
      expect(run.stdout).toMatch(/OK response\.json: SHA-1 checksum [0-9a-f]{40} matches/); // verify
      expect(http?.match(/HTTP\/1\.1 403 /g)).toHaveLength(2); // not an admin, twice
      expect(http).toMatch(/HTTP\/1\.1 401 /); // no token
      expect(http).toContain('"reports":'); // the listing
      expect(http).toMatch(/"key": ?"license-reports\/estate\/\d{4}\/\d{2}\/[0-9a-f]{12}\/estate-/); // the estate, in-process
      expect(cli).toMatch(/adhoc\/\d{13}\//); // history lists what the function stored
      expect(cli).toMatch(/"bucket": "kong-license-reports-local"/); // the CLI's own upload
    });
  },
);
