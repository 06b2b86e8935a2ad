// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub strings, not JavaScript templates.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readReportConfig } from "#lib/config/report.ts";
import { checkDatabaseAccess } from "../../scripts/database-access-params.mjs";
import type { CloudFormationTemplate } from "../../scripts/package.mjs";
import { evaluateTemplate, isCreated, parameterDefaults } from "../helpers/evaluate-template.ts";

// infra/database-access.yml as `npm run package` builds it, with and without the VPC parameters: the
// Data API's grants only when it is used; a direct connection's secret or IAM database user, each the
// one resource; the functions in the VPC and the endpoints only when asked for; the network-interface
// permissions only in a VPC.

const ROOT = resolve(import.meta.dirname, "../..");
const DB_RESOURCE_ID = "db-ABCDEFGHIJKLMNOPQRSTUVWXY0";
const SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-0a1b2c3d-AbCdEf";
const VPC_PARAMS = [
  "kongPgDbResourceId=db-ABCDEFGHIJKLMNOPQRSTUVWXY0",
  "kongPgHost=kong.c1a2b3d4e5f6.us-east-1.rds.amazonaws.com",
  "kongPgUser=kong_report",
  "kongPgDatabase=kong",
  "vpcSubnetIds=subnet-0a1b2c3d4e5f60718,subnet-0b1c2d3e4f5a60718",
  "vpcSecurityGroupIds=sg-0a1b2c3d4e5f60718",
  "vpcId=vpc-0a1b2c3d4e5f60718",
  "vpcS3EndpointRouteTableIds=rtb-0a1b2c3d4e5f60718,rtb-0b1c2d3e4f5a60718",
  "vpcSecretsManagerEndpoint=ENABLED",
  "estateDbUserArns=arn:aws:rds-db:us-east-1:123456789012:dbuser:db-ABCDEFGHIJKLMNOPQRSTUVWXY0/kong_report",
];
const DATA_API_PARAMS = [
  "kongClusterArn=arn:aws:rds:us-east-1:123456789012:cluster:kong",
  "kongSecretArn=arn:aws:secretsmanager:us-east-1:123456789012:secret:kong-db-AbCdEf",
];
const DATABASE_FUNCTIONS = [
  "HttpLambdaFunction",
  "ScheduledLambdaFunction",
  "EstateCollectLambdaFunction",
  "EstateHttpLambdaFunction",
];

interface PackageRun {
  readonly status: number | null;
  readonly output: string;
  readonly template: CloudFormationTemplate;
}

const dirs: string[] = [];
let withoutVpc: PackageRun;
let withVpc: PackageRun;

/** `npm run package` exactly as a deployer runs it (after the build), into a scratch folder. */
function runPackage(params: readonly string[]): PackageRun {
  const out = mkdtempSync(join(tmpdir(), "klr-package-vpc-"));
  dirs.push(out);
  const run = spawnSync(
    process.execPath,
    ["scripts/package.mjs", "--stage", "ci", "--out", out, ...params.flatMap((param) => ["--param", param])],
    { cwd: ROOT, encoding: "utf8" },
  );
  const template = JSON.parse(
    readFileSync(join(out, "cloudformation-template-update-stack.json"), "utf8"),
  ) as CloudFormationTemplate;
  return { status: run.status, output: `${run.stdout}${run.stderr}`, template };
}

beforeAll(() => {
  withoutVpc = runPackage(DATA_API_PARAMS);
  withVpc = runPackage(VPC_PARAMS);
  // Two whole osls packages and lints of six functions: a minute or more on a busy 2-core runner.
}, 600_000);

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** The Allow statements of a policy resource, evaluated. */
function statementsOf(run: PackageRun, id: string): Record<string, unknown>[] {
  const document = evaluateTemplate(
    run.template.Resources[id]?.Properties?.PolicyDocument,
    run.template,
    parameterDefaults(run.template),
  ) as { Statement: Record<string, unknown>[] };
  return document.Statement;
}

function propertiesOf(run: PackageRun, id: string): Record<string, unknown> {
  return evaluateTemplate(
    run.template.Resources[id]?.Properties,
    run.template,
    parameterDefaults(run.template),
  ) as Record<string, unknown>;
}

describe("npm run package, with and without the VPC parameters", () => {
  it("packages and lints both, every condition's both sides, with 0 errors", () => {
    for (const run of [withoutVpc, withVpc]) {
      expect(run.status, run.output).toBe(0);
      expect(run.output).toMatch(/cfn-lint .*: 0 errors, 0 warnings over \d+ parameter variants/);
    }
  });

  it("without them: no function in a VPC, no endpoint, no network-interface permission, the Data API's grants", () => {
    const values = parameterDefaults(withoutVpc.template);
    for (const id of DATABASE_FUNCTIONS) {
      expect(propertiesOf(withoutVpc, id).VpcConfig, id).toEqual({ SubnetIds: [], SecurityGroupIds: [] });
    }
    for (const id of [
      "VpcNetworkInterfacesPolicy",
      "S3GatewayEndpoint",
      "SecretsManagerEndpoint",
      "SecretsManagerEndpointSecurityGroup",
      "EndpointClientSecurityGroup",
      "KongPgSecretPolicy",
      "KongPgIamConnectPolicy",
      "EstateConnectAsDbUsersPolicy",
    ]) {
      expect(isCreated(withoutVpc.template, id, values), id).toBe(false);
    }
    for (const role of ["IamRoleLambdaExecution", "EstateCollectRole", "EstateHttpRole"]) {
      expect(propertiesOf(withoutVpc, role).ManagedPolicyArns, role).toEqual([]);
    }
    expect(isCreated(withoutVpc.template, "KongDataApiPolicy", values)).toBe(true);
    expect(statementsOf(withoutVpc, "KongDataApiPolicy")).toEqual([
      {
        Sid: "QueryKongDatabase",
        Effect: "Allow",
        Action: [
          "rds-data:BeginTransaction",
          "rds-data:ExecuteStatement",
          "rds-data:CommitTransaction",
          "rds-data:RollbackTransaction",
        ],
        Resource: "arn:aws:rds:us-east-1:123456789012:cluster:kong",
      },
      {
        Sid: "ReadKongDatabaseSecret",
        Effect: "Allow",
        Action: ["secretsmanager:GetSecretValue"],
        Resource: "arn:aws:secretsmanager:us-east-1:123456789012:secret:kong-db-AbCdEf",
      },
    ]);
    expect(withoutVpc.output).not.toContain("note: a direct connection without");
  });

  it("with them: the database functions in the subnets, with the endpoints' client security group", () => {
    for (const id of DATABASE_FUNCTIONS) {
      expect(propertiesOf(withVpc, id).VpcConfig, id).toEqual({
        SubnetIds: ["subnet-0a1b2c3d4e5f60718", "subnet-0b1c2d3e4f5a60718"],
        SecurityGroupIds: ["sg-0a1b2c3d4e5f60718", "<EndpointClientSecurityGroup.GroupId>"],
      });
    }
    // The listing and the aggregate step read S3 only: never in the VPC.
    for (const id of ["ReportsLambdaFunction", "EstateAggregateLambdaFunction"]) {
      expect(withVpc.template.Resources[id]?.Properties?.VpcConfig, id).toBeUndefined();
    }
  });

  it("with them: the IAM statements it adds, each on the one resource", () => {
    const values = parameterDefaults(withVpc.template);
    expect(isCreated(withVpc.template, "KongDataApiPolicy", values)).toBe(false);
    expect(isCreated(withVpc.template, "KongPgSecretPolicy", values)).toBe(false);
    expect(statementsOf(withVpc, "KongPgIamConnectPolicy")).toEqual([
      {
        Sid: "ConnectAsKongDatabaseUser",
        Effect: "Allow",
        Action: "rds-db:connect",
        Resource: `arn:aws:rds-db:us-east-1:123456789012:dbuser:${DB_RESOURCE_ID}/kong_report`,
      },
    ]);
    expect(propertiesOf(withVpc, "KongPgIamConnectPolicy").Roles).toEqual(["<IamRoleLambdaExecution>"]);
    expect(statementsOf(withVpc, "EstateConnectAsDbUsersPolicy")).toEqual([
      {
        Sid: "ConnectAsEstateDatabaseUsers",
        Effect: "Allow",
        Action: "rds-db:connect",
        Resource: [`arn:aws:rds-db:us-east-1:123456789012:dbuser:${DB_RESOURCE_ID}/kong_report`],
      },
    ]);
    expect(propertiesOf(withVpc, "EstateConnectAsDbUsersPolicy").Roles).toEqual([
      "<EstateCollectRole>",
      "<EstateHttpRole>",
    ]);
    // The network interfaces: AWS's documented EC2 actions, on "*" (Describe* takes no resource).
    expect(statementsOf(withVpc, "VpcNetworkInterfacesPolicy")).toEqual([
      {
        Sid: "ManageFunctionNetworkInterfaces",
        Effect: "Allow",
        Action: [
          "ec2:CreateNetworkInterface",
          "ec2:DescribeNetworkInterfaces",
          "ec2:DescribeSubnets",
          "ec2:DeleteNetworkInterface",
          "ec2:AssignPrivateIpAddresses",
          "ec2:UnassignPrivateIpAddresses",
        ],
        Resource: "*",
      },
    ]);
    for (const role of ["IamRoleLambdaExecution", "EstateCollectRole", "EstateHttpRole"]) {
      expect(propertiesOf(withVpc, role).ManagedPolicyArns, role).toEqual(["<VpcNetworkInterfacesPolicy>"]);
    }
    expect(propertiesOf(withVpc, "EstateAggregateRole").ManagedPolicyArns).toBeUndefined();
  });

  it("with them: a free S3 gateway endpoint and a Secrets Manager interface endpoint reachable on 443 from the functions only", () => {
    expect(propertiesOf(withVpc, "S3GatewayEndpoint")).toEqual({
      VpcEndpointType: "Gateway",
      VpcId: "vpc-0a1b2c3d4e5f60718",
      ServiceName: "com.amazonaws.us-east-1.s3",
      RouteTableIds: ["rtb-0a1b2c3d4e5f60718", "rtb-0b1c2d3e4f5a60718"],
    });
    expect(propertiesOf(withVpc, "SecretsManagerEndpoint")).toEqual({
      VpcEndpointType: "Interface",
      VpcId: "vpc-0a1b2c3d4e5f60718",
      ServiceName: "com.amazonaws.us-east-1.secretsmanager",
      SubnetIds: ["subnet-0a1b2c3d4e5f60718", "subnet-0b1c2d3e4f5a60718"],
      SecurityGroupIds: ["<SecretsManagerEndpointSecurityGroup.GroupId>"],
      PrivateDnsEnabled: true,
    });
    expect(propertiesOf(withVpc, "SecretsManagerEndpointSecurityGroup").SecurityGroupIngress).toEqual([
      {
        Description: "HTTPS from the Kong license report functions",
        IpProtocol: "tcp",
        FromPort: 443,
        ToPort: 443,
        SourceSecurityGroupId: "<EndpointClientSecurityGroup.GroupId>",
      },
    ]);
    expect(propertiesOf(withVpc, "EndpointClientSecurityGroup").SecurityGroupIngress).toBeUndefined();
  });

  it("with them: hands the functions an environment their configuration reads as IAM authentication", () => {
    const variables = propertiesOf(withVpc, "HttpLambdaFunction").Environment as {
      Variables: Record<string, string>;
    };
    const env = { ...variables.Variables, REPORT_BUCKET: "reports" };

    expect(readReportConfig(env).database).toEqual({
      kind: "postgres-iam",
      host: "kong.c1a2b3d4e5f6.us-east-1.rds.amazonaws.com",
      port: 5432,
      user: "kong_report",
      database: "kong",
      settings: "environment",
    });
  });

  it("grants the secret form exactly its secret, and its environment reads as the secret form", () => {
    // The packaged template with the secret's values instead (both sides of every condition are linted).
    const values = parameterDefaults(withVpc.template, {
      KongPgDbResourceId: "",
      KongPgHost: "",
      KongPgUser: "",
      KongPgSecretArn: SECRET,
    });
    const policy = evaluateTemplate(
      withVpc.template.Resources.KongPgSecretPolicy?.Properties,
      withVpc.template,
      values,
    ) as { Roles: string[]; PolicyDocument: { Statement: unknown[] } };
    const env = evaluateTemplate(
      withVpc.template.Resources.ScheduledLambdaFunction?.Properties?.Environment,
      withVpc.template,
      values,
    ) as { Variables: Record<string, string> };

    expect(isCreated(withVpc.template, "KongPgSecretPolicy", values)).toBe(true);
    expect(isCreated(withVpc.template, "KongPgIamConnectPolicy", values)).toBe(false);
    expect(policy.Roles).toEqual(["<IamRoleLambdaExecution>"]);
    expect(policy.PolicyDocument.Statement).toEqual([
      {
        Sid: "ReadKongPostgresSecret",
        Effect: "Allow",
        Action: "secretsmanager:GetSecretValue",
        Resource: SECRET,
      },
    ]);
    expect(readReportConfig({ ...env.Variables, REPORT_BUCKET: "reports" }).database).toEqual({
      kind: "postgres-secret",
      secretArn: SECRET,
      database: "kong",
      settings: "environment",
    });
  });

  it("ships the RDS certificate bundles beside the functions that may connect directly", () => {
    expect(withVpc.output).not.toMatch(/package: .*\.zip holds/);
    const pem = readFileSync(join(ROOT, "dist/rds-ca-bundle.pem"), "utf8");
    expect(pem.match(/-----BEGIN CERTIFICATE-----/g)?.length).toBeGreaterThan(100);
  });
});

describe("checkDatabaseAccess (what CloudFormation would take but the functions would refuse)", () => {
  const check = (values: Record<string, string>) =>
    checkDatabaseAccess({
      Parameters: Object.fromEntries(
        Object.entries(values).map(([name, value]) => [name, { Type: "String", Default: value }]),
      ),
    });

  it.each([
    [
      { KongClusterArn: "arn:c", KongSecretArn: "arn:s", KongPgSecretArn: SECRET },
      "--param kongClusterArn/kongSecretArn (the Data API) and --param kongPgSecretArn (a direct connection) exclude each other; give one way to the Kong database",
    ],
    [{ KongClusterArn: "arn:c" }, "the Data API needs both --param kongClusterArn and --param kongSecretArn"],
    [
      {
        KongPgSecretArn: SECRET,
        KongPgDbResourceId: DB_RESOURCE_ID,
        KongPgHost: "db",
        KongPgUser: "kong_report",
        KongPgDatabase: "kong",
      },
      "--param kongPgSecretArn and --param kongPgDbResourceId (IAM authentication) exclude each other",
    ],
    [
      { KongPgDbResourceId: DB_RESOURCE_ID, KongPgHost: "db" },
      "--param kongPgDbResourceId (IAM authentication) needs --param kongPgUser, --param kongPgDatabase",
    ],
    [
      { KongPgSecretArn: SECRET, VpcSubnetIds: "subnet-0a1b2c3d" },
      "--param vpcSubnetIds needs --param vpcSecurityGroupIds (one admitted by the database's security group)",
    ],
    [
      {
        KongPgSecretArn: SECRET,
        VpcSubnetIds: "subnet-0a1b2c3d",
        VpcSecurityGroupIds: "sg-0a1b2c3d",
        VpcSecretsManagerEndpoint: "ENABLED",
      },
      "the VPC endpoints (--param vpcS3EndpointRouteTableIds, vpcSecretsManagerEndpoint) need --param vpcId and --param vpcSubnetIds",
    ],
  ])("refuses %j", (values, problem) => {
    expect(check(values).problems).toEqual([problem]);
  });

  it("notes a direct connection outside any VPC, and a stack without a database", () => {
    expect(check({ KongPgSecretArn: SECRET })).toEqual({
      problems: [],
      notes: [
        "a direct connection without --param vpcSubnetIds: the functions run outside any VPC and reach only a publicly accessible database",
      ],
    });
    expect(check({}).notes[0]).toMatch(/^no Kong database given/);
    expect(check({ KongClusterArn: "arn:c", KongSecretArn: "arn:s" })).toEqual({ problems: [], notes: [] });
  });
});
