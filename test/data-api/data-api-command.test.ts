import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { once } from "node:events";
import { ExecuteStatementCommand } from "@aws-sdk/client-rds-data";
import { describe, expect, it } from "vitest";
import { createRdsDataClient } from "#lib/aws/clients.ts";
import { createRdsDataSqlPort } from "#lib/aws/rds-data-sql-port.ts";
import { collectReport } from "#lib/collector/collect-report.ts";

// `npm run data-api`, as a user runs it: tsx local/bin/data-api.ts.
const repositoryRoot = new URL("../../", import.meta.url);

function startCommand(args: string[]): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ["--import", "tsx", "local/bin/data-api.ts", ...args], {
    cwd: repositoryRoot,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  });
}

async function runToEnd(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = startCommand(args);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const [code] = (await once(child, "exit")) as [number | null];
  return { code, stdout, stderr };
}

describe("Command: npm run data-api", () => {
  it.each([
    [["--bogus"], "data-api: unknown option --bogus (see --help).\n"],
    [["--port", "http"], 'data-api: --port must be an integer from 0 to 65535; got "http".\n'],
    [
      ["--database-url", "mysql://x"],
      "data-api: --database-url must be a postgres://user:password@host:port/database URL.\n",
    ],
    [
      ["--demo", "--database-url", "postgres://x/y"],
      "data-api: --demo and --database-url exclude each other: choose one database to serve.\n",
    ],
  ])("refuses %j with one line naming the option and exit code 2", async (args, message) => {
    // Act
    const { code, stdout, stderr } = await runToEnd(args);
    // Assert
    expect(code).toBe(2);
    expect(stderr).toBe(message);
    expect(stdout).toBe("");
  });

  it("prints its help", async () => {
    // Act
    const { code, stdout } = await runToEnd(["--help"]);
    // Assert
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: npm run --silent data-api -- \[options\]/);
    expect(stdout).toContain("--database-url URL");
  });

  it("serves the demo database on loopback, prints how to use it, and stops on SIGINT", {
    timeout: 60_000,
  }, async () => {
    // Prepare
    const child = startCommand(["--demo", "--port", "0"]);
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    const exited = once(child, "exit");
    try {
      while (!stdout.includes("Ctrl-C")) {
        await Promise.race([
          once(child.stdout, "data"),
          exited.then(() => Promise.reject(new Error("exited early"))),
        ]);
      }
      const url = /endpoint on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1] as string;
      const resourceArn = /--data-api-resource-arn (\S+)/.exec(stdout)?.[1] as string;
      const secretArn = /--data-api-secret-arn (\S+)/.exec(stdout)?.[1] as string;
      const client = createRdsDataClient({
        endpoint: url,
        region: "us-east-1",
        credentials: { accessKeyId: "local", secretAccessKey: "local" },
      });
      // Act
      const port = createRdsDataSqlPort({ client, resourceArn, secretArn, database: "postgres" });
      const { report } = await collectReport(port, { now: new Date("2026-06-15T00:00:00Z") });
      const denied = await client
        .send(new ExecuteStatementCommand({ resourceArn: `${resourceArn}x`, secretArn, sql: "SELECT 1" }))
        .catch((error: Error) => error.name);
      client.destroy();
      child.kill("SIGINT");
      const [code] = (await exited) as [number | null];
      // Assert
      expect(stdout).toContain(`export AWS_ENDPOINT_URL_RDS_DATA=${url}`);
      expect(stdout).toContain("export KONG_DB_NAME=postgres");
      expect(report.services_count).toBeGreaterThan(0);
      // The probe and the report statement, inside one read-only transaction: BeginTransaction,
      // SET TRANSACTION … READ ONLY, the 2 statements, CommitTransaction.
      expect(port.calls()).toBe(5);
      expect(denied).toBe("AccessDeniedException");
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });
});
