import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { once } from "node:events";
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { computeChecksum } from "#lib/report/checksum.ts";
import { runCliCapturing } from "../helpers/run-cli.ts";

// README's Data API example, run as written: `npm run data-api -- …` as a process, then the CLI
// command with README's environment and options (only the port is swapped for a free one).
const repositoryRoot = new URL("../../", import.meta.url);

interface ReadmeExample {
  readonly endpointArgs: string[];
  readonly env: Record<string, string>;
  readonly cliArgs: string[];
}

async function readReadmeExample(): Promise<ReadmeExample> {
  const readme = await readFile(new URL("README.md", repositoryRoot), "utf8");
  const section = readme.slice(readme.indexOf("Through the RDS Data API"));
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1] ?? "");
  const [endpointBlock = "", cliBlock = ""] = blocks;
  const endpointArgs = (endpointBlock.split("npm run --silent data-api --")[1] ?? "").trim().split(/\s+/);
  const cliText = cliBlock.replace(/\\\n/g, " ");
  const [envText = "", argsText = ""] = cliText.split("npm run --silent cli --");
  const env = Object.fromEntries(
    envText
      .trim()
      .split(/\s+/)
      .map((pair) => pair.split("=") as [string, string]),
  );
  return { endpointArgs, env, cliArgs: argsText.trim().split(/\s+/) };
}

/** The CLI in-process; the AWS SDK reads credentials and region from process.env, so they go there. */
async function runCliIn(env: Record<string, string>, argv: string[]) {
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  try {
    return await runCliCapturing(env, argv);
  } finally {
    vi.unstubAllEnvs();
  }
}

/** Replaces the value after `option` in a copy of `args`. */
function withOption(args: readonly string[], option: string, value: string): string[] {
  const copy = [...args];
  const index = copy.indexOf(option);
  expect(index).toBeGreaterThanOrEqual(0);
  copy[index + 1] = value;
  return copy;
}

describe("README: the Data API example against npm run data-api --demo", { timeout: 120_000 }, () => {
  let example: ReadmeExample;
  let child: ChildProcessWithoutNullStreams;
  let url: string;
  let cliArgs: string[];
  let printed = "";

  beforeAll(async () => {
    example = await readReadmeExample();
    child = spawn(
      process.execPath,
      ["--import", "tsx", "local/bin/data-api.ts", ...withOption(example.endpointArgs, "--port", "0")],
      {
        cwd: repositoryRoot,
        env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
      },
    );
    child.stdout.on("data", (chunk: Buffer) => {
      printed += chunk.toString();
    });
    const exited = once(child, "exit").then(() => Promise.reject(new Error(`exited early: ${printed}`)));
    while (!printed.includes("Ctrl-C")) await Promise.race([once(child.stdout, "data"), exited]);
    url = /endpoint on (http:\/\/127\.0\.0\.1:\d+)/.exec(printed)?.[1] as string;
    cliArgs = withOption(example.cliArgs, "--data-api-endpoint", url);
  }, 180_000);

  afterAll(async () => {
    if (child !== undefined && child.exitCode === null) {
      const exited = once(child, "exit");
      child.kill("SIGINT");
      await exited;
    }
  });

  it("starts the endpoint with the options the README gives", () => {
    expect(example.endpointArgs).toEqual(["--demo", "--port", "8080"]);
    expect(example.cliArgs).toContain("http://127.0.0.1:8080");
  });

  it("names in the README the cluster, secret and database the endpoint prints", () => {
    for (const option of ["--data-api-resource-arn", "--data-api-secret-arn", "--data-api-database"]) {
      const value = example.cliArgs[example.cliArgs.indexOf(option) + 1] as string;
      expect(printed).toContain(`${option} ${value}`);
    }
  });

  it("produces a report whose checksum verifies, on stdout", async () => {
    const run = await runCliIn(example.env, cliArgs);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(report.checksum).toBe(computeChecksum(report));
    expect(report).toMatchObject({ workspaces_count: 5, services_count: 21, routes_count: 40 });
  });

  it("refuses another cluster ARN by naming the cluster, secret and database it serves", async () => {
    const other = "arn:aws:rds:us-east-1:123456789012:cluster:kong";
    const run = await runCliIn(example.env, withOption(cliArgs, "--data-api-resource-arn", other));
    expect(run.code).toBe(4);
    expect(run.stderr).toContain(
      "This local endpoint serves only cluster arn:aws:rds:us-east-1:000000000000:cluster:kong-local, secret arn:aws:secretsmanager:us-east-1:000000000000:secret:kong-local, database postgres",
    );
    expect(run.stderr).toContain(`on resource: ${other}`);
  });

  it("refuses another database by naming the one it serves", async () => {
    const run = await runCliIn(example.env, withOption(cliArgs, "--data-api-database", "kong"));
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/The database "kong" does not exist on the Aurora cluster/);
    expect(run.stderr).toContain("database postgres");
  });
});
