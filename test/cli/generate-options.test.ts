import { describe, expect, it } from "vitest";
import { readGenerateOptions } from "#lib/cli/generate-options.ts";

const DATA_API = [
  "--data-api-resource-arn",
  "arn:aws:rds:eu-west-1:123456789012:cluster:kong",
  "--data-api-secret-arn",
  "arn:aws:secretsmanager:eu-west-1:123456789012:secret:kong-ro",
  "--data-api-database",
  "kong",
];

function refusalOf(read: () => unknown): string | undefined {
  try {
    read();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

describe("Function: readGenerateOptions (environment fallbacks)", () => {
  it("reads the database from KONG_DATABASE_URL only when no source option is given", () => {
    const env = { KONG_DATABASE_URL: "postgres://kong@db:5432/kong" };
    expect(readGenerateOptions([], env).source).toEqual({
      kind: "postgres",
      url: "postgres://kong@db:5432/kong",
      settings: "command-line",
    });
    expect(readGenerateOptions(["--demo"], env).source).toEqual({ kind: "demo" });
    expect(readGenerateOptions(["--database-url", "postgres://report@db2/kong"], env).source).toEqual({
      kind: "postgres",
      url: "postgres://report@db2/kong",
      settings: "command-line",
    });
    expect(readGenerateOptions(DATA_API, env).source).toEqual({
      kind: "data-api",
      resourceArn: "arn:aws:rds:eu-west-1:123456789012:cluster:kong",
      secretArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:kong-ro",
      database: "kong",
      settings: "command-line",
    });
  });

  it("takes the Data API endpoint from AWS_ENDPOINT_URL_RDS_DATA, the option winning", () => {
    const env = { AWS_ENDPOINT_URL_RDS_DATA: "http://127.0.0.1:8080" };
    expect(readGenerateOptions([...DATA_API, "--region", "eu-west-1"], env).source).toMatchObject({
      endpoint: "http://127.0.0.1:8080",
      region: "eu-west-1",
    });
    expect(
      readGenerateOptions([...DATA_API, "--data-api-endpoint", "http://127.0.0.1:9090"], env).source,
    ).toMatchObject({ endpoint: "http://127.0.0.1:9090" });
  });

  it("takes the node's uname and cores from KONG_NODE_UNAME and KONG_NODE_CORES, blank counting as unset", () => {
    expect(
      readGenerateOptions(["--demo"], { KONG_NODE_UNAME: " Linux x86_64 ", KONG_NODE_CORES: "8" }).systemInfo,
    ).toEqual({ uname: "Linux x86_64", cores: 8 });
    expect(
      readGenerateOptions(["--demo", "--node-uname", "Linux aarch64", "--node-cores", "4"], {
        KONG_NODE_UNAME: "Linux x86_64",
        KONG_NODE_CORES: "8",
      }).systemInfo,
    ).toEqual({ uname: "Linux aarch64", cores: 4 });
    expect(
      readGenerateOptions(["--demo"], { KONG_NODE_UNAME: "  ", KONG_NODE_CORES: "" }),
    ).not.toHaveProperty("systemInfo");
  });

  it("names --node-cores when KONG_NODE_CORES is not a whole number", () => {
    expect(refusalOf(() => readGenerateOptions(["--demo"], { KONG_NODE_CORES: "many" }))).toBe(
      'Invalid --node-cores "many": expected a whole number of CPUs, e.g. 8.',
    );
  });

  it("reads --help without a source and without opening one", () => {
    expect(readGenerateOptions(["--help"], {})).toMatchObject({ help: true, source: { kind: "demo" } });
  });
});
