import { describe, expect, it } from "vitest";
import { readKeyPrefix } from "#lib/store/key-prefix.ts";
import { runCliCapturing } from "../helpers/run-cli.ts";

describe("Function: readKeyPrefix", () => {
  it.each([
    ["license-reports/", "license-reports/"],
    ["kong/reports", "kong/reports/"], // without "/", keys would not sit under the listed "kong/reports/"
    ["  team-a/ ", "team-a/"],
    ["", ""],
  ])("reads %j as %j", (raw, prefix) => {
    expect(readKeyPrefix(raw, "--s3-prefix")).toEqual({ prefix });
  });

  it.each([
    ["../other/", '--s3-prefix "../other/" is not a usable key prefix'],
    ["a/./b/", '--s3-prefix "a/./b/" is not a usable key prefix'],
    ["/abs/", '--s3-prefix "/abs/" is not a usable key prefix'],
    ["a//b/", '--s3-prefix "a//b/" is not a usable key prefix'],
    ["reports\u001b[2J/", "--s3-prefix holds characters S3 keys should avoid"],
    ["r\u202eeports/", "--s3-prefix holds characters S3 keys should avoid"],
    [`${"a".repeat(513)}/`, "--s3-prefix holds characters S3 keys should avoid or is longer than 512"],
  ])("refuses %j", (raw, start) => {
    const read = readKeyPrefix(raw, "--s3-prefix");
    expect("problem" in read ? read.problem : "").toMatch(
      new RegExp(`^${start.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`),
    );
  });
});

describe("--s3-prefix in the CLI: checked like REPORT_PREFIX before any S3 call", () => {
  it.each([
    ["history", ["history", "--s3-bucket", "reports", "--s3-prefix", "../x"]],
    ["generate", ["generate", "--demo", "--s3-bucket", "reports", "--s3-prefix", "../x"]],
  ])("%s exits 2 naming the prefix", async (_command, argv) => {
    const run = await runCliCapturing({ AWS_REGION: "us-east-1" }, argv);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      '--s3-prefix "../x" is not a usable key prefix: it must not start with "/" or contain "." or ".." segments or "//" (e.g. license-reports/).\n',
    );
  });
});
