import type { CliIo } from "#lib/cli/io.ts";
import { runCli } from "#lib/cli/run-cli.ts";

/** One CLI invocation's outcome, as a user sees it. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with the given environment, capturing stdout and stderr. */
export async function runCliCapturing(env: CliIo["env"], argv: readonly string[]): Promise<CliRun> {
  const out: Buffer[] = [];
  let stderr = "";
  const code = await runCli(argv, {
    stdout: (chunk) => {
      out.push(Buffer.from(chunk));
    },
    stderr: (text) => {
      stderr += text;
    },
    env,
  });
  return { code, stdout: Buffer.concat(out).toString("utf8"), stderr };
}
