import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { localDataApiEnvironment } from "./local-resources.ts";
import type { LocalStack } from "./start-local-stack.ts";

// The files a running instance leaves for another shell: `env` (its tokens and URLs, to `source`)
// and `envs.json` (an environments file for the estate command), in the local stack's folder.

/**
 * An environments file for `kong-license-report estate` over this stack's local databases: the
 * demo behind the local Data API endpoint, and the CLI's embedded demo database (a second,
 * separate PGlite instance), so the estate can be tried with no Kong at hand.
 */
export function buildLocalEnvironments(stack: LocalStack): Record<string, unknown> {
  return {
    environments: [
      localDataApiEnvironment(stack.databaseName, stack.dataApiUrl),
      { environment: "embedded-demo", demo: true },
    ],
  };
}

/**
 * What another shell needs: the tokens, the routes, and where this stack's S3 is (the CLI reaches it
 * with AWS_ENDPOINT_URL_S3=$LOCAL_S3_ENDPOINT and s3rver's fixed account S3RVER/S3RVER).
 */
export function describeEnvVariables(stack: LocalStack): Record<string, string> {
  return {
    ADMIN_TOKEN: stack.tokens.admin,
    USER_TOKEN: stack.tokens.user,
    REPORT_URL: stack.reportUrl,
    REPORTS_URL: stack.reportsUrl,
    ESTATE_URL: stack.estateUrl,
    LOCAL_BUCKET: stack.bucket,
    LOCAL_S3_ENDPOINT: stack.s3Endpoint,
  };
}

/** The files one instance wrote; `envText` tells whether `envFile` is still its own at stop. */
export interface EnvFiles {
  readonly envFile: string;
  readonly environmentsFile: string;
  readonly envText: string;
}

/** Writes the env file (owner-only: it holds tokens) and, beside it, the environments file. */
export async function writeEnvFiles(directory: string, stack: LocalStack): Promise<EnvFiles> {
  const envFile = await chooseEnvFile(directory, Number(new URL(stack.reportUrl).port));
  await mkdir(dirname(envFile), { recursive: true });
  const envText = [
    `# pid ${process.pid}`,
    ...Object.entries(describeEnvVariables(stack)).map(([name, value]) => `export ${name}='${value}'`),
    "",
  ].join("\n");
  await writeFile(envFile, envText, { mode: 0o600 });
  const environmentsFile = join(dirname(envFile), `${basename(envFile).replace(/^env/, "envs")}.json`);
  await writeFile(environmentsFile, `${JSON.stringify(buildLocalEnvironments(stack), null, 2)}\n`);
  return { envFile, environmentsFile, envText };
}

/** Removes the env file at stop: only this instance's, and only if nobody rewrote it since. */
export async function removeEnvFile(files: EnvFiles): Promise<void> {
  if ((await readFile(files.envFile, "utf8").catch(() => "")) === files.envText)
    await rm(files.envFile, { force: true });
}

/** `.local-stack/env`, or `env-<port>` while another running instance holds that one. */
async function chooseEnvFile(directory: string, port: number): Promise<string> {
  const shared = join(directory, "env");
  const owner = /^# pid (\d+)/.exec(await readFile(shared, "utf8").catch(() => ""))?.[1];
  return owner !== undefined && Number(owner) !== process.pid && isRunning(Number(owner))
    ? join(directory, `env-${port}`)
    : shared;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
