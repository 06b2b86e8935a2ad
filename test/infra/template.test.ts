// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub strings, not JavaScript templates.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readAdminPolicy } from "#lib/config/admin.ts";
import { readEstateRunConfig } from "#lib/config/estate.ts";
import { readReportConfig } from "#lib/config/report.ts";
import { RETENTION_CLASSES, retentionPrefix } from "#lib/history/report-key.ts";
import { LOCAL_PUBLIC_ROUTES, LOCAL_ROUTES } from "../../local/stack/local-resources.ts";
import { lintTemplate } from "../../scripts/lint-template.mjs";
import type { CloudFormationResource, CloudFormationTemplate } from "../../scripts/package.mjs";
import {
  checkParamValues,
  EXPECTED_ARTIFACTS,
  LINT_VARIANTS,
  listZipEntries,
  offlineEnvironment,
  parseParamFlags,
  readDeployParams,
  runOslsPackage,
} from "../../scripts/package.mjs";
import { evaluateTemplate, isCreated, parameterDefaults } from "../helpers/evaluate-template.ts";

const ROOT = resolve(import.meta.dirname, "../..");

// Every `--param` a deployer can pass, with a non-default value, and the parameter it must land in.
const DEPLOY_PARAMS = {
  kongClusterArn: ["KongClusterArn", "arn:aws:rds:eu-west-1:123456789012:cluster:kong-prod"],
  kongSecretArn: ["KongSecretArn", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:kong-ro-AbCdEf"],
  kongSecretKmsKeyArn: [
    "KongSecretKmsKeyArn",
    "arn:aws:kms:eu-west-1:123456789012:key/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
  ],
  kongDatabaseName: ["KongDatabaseName", "kong_prod"],
  adminGroup: ["AdminGroup", "platform-admins"],
  adminScopes: ["AdminScopes", "kong/report"],
  adminGroupsClaim: ["AdminGroupsClaim", "realm_access.roles"],
  httpReservedConcurrency: ["HttpReservedConcurrency", "3"],
  reportUrlTtlSeconds: ["ReportUrlTtlSeconds", "300"],
  reportPrefix: ["ReportPrefix", "kong/reports/"],
  reportRetentionDays: ["ReportRetentionDays", "730"],
  scheduledReportRetentionDays: ["ScheduledReportRetentionDays", "800"],
  reportTimeZone: ["ReportTimeZone", "Europe/Paris"],
  jwtIssuer: ["JwtIssuer", "https://login.example.com/realms/platform"],
  jwtAudience: ["JwtAudience", "kong-license-report"],
  scheduleState: ["ScheduleState", "ENABLED"],
  kongVersion: ["KongVersion", "3.10.0.3"],
  kongDeploymentType: ["KongDeploymentType", "hybrid"],
  kongNodeUname: ["KongNodeUname", "Linux 6.1.0 aarch64"],
  kongNodeCores: ["KongNodeCores", "4"],
  clusterName: ["ClusterName", "prod-eu-1"],
  estateEnvironmentsParameter: ["EstateEnvironmentsParameter", "/kong/estate/environments"],
  estateClusterArns: [
    "EstateClusterArns",
    "arn:aws:rds:eu-west-1:123456789012:cluster:kong-eu,arn:aws:rds:eu-west-1:123456789012:cluster:kong-us",
  ],
  estateSecretArns: [
    "EstateSecretArns",
    "arn:aws:secretsmanager:eu-west-1:123456789012:secret:kong-eu-AbCdEf",
  ],
  estateRoleArns: ["EstateRoleArns", "arn:aws:iam::210987654321:role/kong-license-report-reader"],
  estateTokenParameterPath: ["EstateTokenParameterPath", "/kong/estate/tokens/"],
  estateTokenSecretPrefix: ["EstateTokenSecretPrefix", "kong/estate/"],
  estateTokenKmsKeyArn: [
    "EstateTokenKmsKeyArn",
    "arn:aws:kms:eu-west-1:123456789012:key/1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
  ],
  estateConcurrency: ["EstateConcurrency", "6"],
  estateInlineMax: ["EstateInlineMax", "5"],
  estateScheduleState: ["EstateScheduleState", "ENABLED"],
} as const;

let out: string;
let outWithParams: string;
let packageOutput: string;
let packageExitCode: number | null;
let template: CloudFormationTemplate;
let withParams: CloudFormationTemplate;

beforeAll(() => {
  // The real pipeline: dist/ as test/global-setup.ts built it, then the package script exactly as
  // `npm run package` runs it.
  out = mkdtempSync(join(tmpdir(), "klr-package-"));
  outWithParams = mkdtempSync(join(tmpdir(), "klr-package-params-"));
  const run = spawnSync(process.execPath, ["scripts/package.mjs", "--stage", "ci", "--out", out], {
    cwd: ROOT,
    encoding: "utf8",
    // Credentials in the caller's environment must not matter: the script strips them.
    env: { ...process.env, AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE", AWS_SECRET_ACCESS_KEY: "not-used" },
  });
  packageExitCode = run.status;
  packageOutput = `${run.stdout}${run.stderr}`;
  template = readTemplate(out);
  withParams = runOslsPackage({
    stage: "ci",
    out: outWithParams,
    params: Object.entries(DEPLOY_PARAMS).map(([name, [, value]]) => `${name}=${value}`),
    quiet: true,
  }).template;
}, 300_000);

afterAll(() => {
  for (const dir of [out, outWithParams]) if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("npm run package", () => {
  it("packages and lints offline, and prints the resource list", () => {
    expect(packageExitCode, packageOutput).toBe(0);
    expect(packageOutput).toMatch(/cfn-lint .*: 0 errors/);
    for (const [id, resource] of Object.entries(template.Resources)) {
      expect(packageOutput).toMatch(new RegExp(`${id}\\s+${resource.Type}`));
    }
  });

  it("refuses an external issuer without its audience", () => {
    const run = packageWith(["jwtIssuer=https://idp.example.com"]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("--param jwtIssuer is given without --param jwtAudience");
    expect(run.stdout).not.toContain("osls package");
    // A whole osls package and lint of five functions: tens of seconds on a busy 2-core runner.
  }, 120_000);

  it("refuses an environments file given both as an S3 object and as an SSM parameter", () => {
    const run = packageWith([
      "estateEnvironmentsObject=kong-config/environments.json",
      "estateEnvironmentsParameter=/kong/environments",
    ]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(
      "--param estateEnvironmentsObject and --param estateEnvironmentsParameter are both given",
    );
    expect(run.stdout).not.toContain("osls package");
  }, 120_000);

  it("refuses a misspelled --param name before packaging, naming the allowed names", () => {
    const run = spawnSync(
      process.execPath,
      [
        "scripts/package.mjs",
        "--stage",
        "ci",
        "--out",
        "/nonexistent/never-written",
        "--param",
        "kongClustrArn=x",
      ],
      { cwd: ROOT, encoding: "utf8" },
    );
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(
      "--param kongClustrArn is not a parameter of this stack (did you mean kongClusterArn?)",
    );
    expect(run.stderr).toMatch(/Allowed names: .*kongClusterArn.*reportUrlTtlSeconds/);
    expect(run.stdout).not.toContain("osls package");
  });

  it("knows every deploy --param and the CloudFormation parameter it fills", () => {
    const { names, parameterOf } = readDeployParams(ROOT);
    for (const [name, [parameter]] of Object.entries(DEPLOY_PARAMS)) {
      expect(names, name).toContain(name);
      expect(parameterOf.get(name), name).toBe(parameter);
    }
    expect(parseParamFlags(["reportUrlTtlSeconds"], names).problems).toEqual([
      '--param "reportUrlTtlSeconds" is not name=value (e.g. --param reportUrlTtlSeconds=900)',
    ]);
    expect(parseParamFlags(["adminGroup=a", "adminGroup=b"], names).problems).toEqual([
      "--param adminGroup is given twice; give it once",
    ]);
  });

  it("checks --param values against the parameters' constraints (range, allowed values, pattern)", () => {
    const { parameterOf } = readDeployParams(ROOT);
    // As osls bakes them into the Defaults of the packaged template.
    const check = (values: Record<string, string>) => {
      const baked = structuredClone(template);
      for (const [name, value] of Object.entries(values)) {
        const id = parameterOf.get(name) ?? "";
        const parameter = baked.Parameters[id];
        if (parameter !== undefined) parameter.Default = value;
      }
      return checkParamValues(baked, new Map(Object.entries(values)), parameterOf);
    };
    expect(check({ reportUrlTtlSeconds: "99999" })).toEqual([
      '--param reportUrlTtlSeconds="99999" is out of range: ReportUrlTtlSeconds allows 60 to 43200',
    ]);
    expect(check({ reportUrlTtlSeconds: "59" })[0]).toContain("allows 60 to 43200");
    expect(check({ reportRetentionDays: "ten" })).toEqual([
      '--param reportRetentionDays="ten" is not a number (ReportRetentionDays is a Number parameter)',
    ]);
    expect(check({ scheduleState: "enabled" })).toEqual([
      '--param scheduleState="enabled" is not allowed: ScheduleState takes one of ENABLED, DISABLED',
    ]);
    expect(check({ kongClusterArn: "arn:aws:rds:eu-west-1:123:cluster:kong" })[0]).toContain(
      "must be an RDS cluster ARN",
    );
    expect(check({ reportPrefix: "reports" })[0]).toContain("does not match ReportPrefix's pattern");
    // Every value of the deploy example passes.
    expect(check(Object.fromEntries(Object.entries(DEPLOY_PARAMS).map(([n, [, v]]) => [n, v])))).toEqual([]);
  });

  it("ships only the bundles, one per function", () => {
    for (const [zip, expected] of Object.entries(EXPECTED_ARTIFACTS)) {
      const entries = listZipEntries(readFileSync(join(out, zip))).filter((name) => !name.endsWith("/"));
      expect(entries).toEqual(expected);
    }
  });

  it("runs osls without AWS credentials or shared config", () => {
    const env = offlineEnvironment({
      AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
      AWS_SECRET_ACCESS_KEY: "secret",
      AWS_SESSION_TOKEN: "token",
      AWS_PROFILE: "prod",
      PATH: "/usr/bin",
    });
    expect(env.AWS_ACCESS_KEY_ID).toBeUndefined();
    expect(env.AWS_SECRET_ACCESS_KEY).toBeUndefined();
    expect(env.AWS_SESSION_TOKEN).toBeUndefined();
    expect(env.AWS_PROFILE).toBeUndefined();
    expect(env.AWS_SHARED_CREDENTIALS_FILE).toMatch(/^\/nonexistent\//);
    expect(env.PATH).toBe("/usr/bin");
  });
});

describe("functions", () => {
  it("run nodejs24.x on arm64 with the bundled handlers", () => {
    expect(functionProps("HttpLambdaFunction")).toMatchObject({
      Runtime: "nodejs24.x",
      Architectures: ["arm64"],
      Handler: "dist/http.handler",
    });
    expect(functionProps("ScheduledLambdaFunction")).toMatchObject({
      Runtime: "nodejs24.x",
      Architectures: ["arm64"],
      Handler: "dist/scheduled.handler",
    });
  });

  it("log in Lambda's JSON format at the INFO application level", () => {
    for (const name of ["HttpLambdaFunction", "ScheduledLambdaFunction"]) {
      expect(functionProps(name).LoggingConfig).toEqual({
        LogFormat: "JSON",
        ApplicationLogLevel: "INFO",
        SystemLogLevel: "INFO",
      });
    }
  });

  it("are tested on the Node major they run on (npm test's test:lambda-node installs it from npm)", () => {
    const lambdaNode = JSON.parse(readFileSync(join(ROOT, "tools/lambda-node/package.json"), "utf8")) as {
      optionalDependencies: Record<string, string>;
    };
    const runtimeMajor = /^nodejs(\d+)\.x$/.exec(String(functionProps("HttpLambdaFunction").Runtime))?.[1];
    for (const [name, version] of Object.entries(lambdaNode.optionalDependencies)) {
      expect(`${name}@${version.split(".")[0]}`).toBe(`${name}@${runtimeMajor}`);
    }
  });

  it("time out before API Gateway's 30 s on the HTTP path, and leave room for a resume on the schedule", () => {
    const http = functionProps("HttpLambdaFunction");
    const integration = props("HttpApiIntegrationHttp");
    expect(http.Timeout).toBe(28);
    expect(integration.TimeoutInMillis).toBe(30_000);
    expect(Number(http.Timeout) * 1000).toBeLessThan(Number(integration.TimeoutInMillis));
    expect(functionProps("ScheduledLambdaFunction").Timeout).toBe(300);
    expect(http.MemorySize).toBe(1024);
    expect(functionProps("ScheduledLambdaFunction").MemorySize).toBe(1024);
  });

  it("get an environment that lib/config.ts accepts, with every deployment parameter wired", () => {
    const parameters = parameterValues(withParams);
    for (const id of ["HttpLambdaFunction", "ScheduledLambdaFunction"]) {
      const variables = get(withParams.Resources[id]?.Properties, "Environment", "Variables");
      const env = resolveEnvironment(variables, parameters);
      const config = readReportConfig(env);
      expect(config.database).toEqual({
        kind: "data-api",
        resourceArn: DEPLOY_PARAMS.kongClusterArn[1],
        secretArn: DEPLOY_PARAMS.kongSecretArn[1],
        database: DEPLOY_PARAMS.kongDatabaseName[1],
        settings: "environment",
      });
      expect(config).toMatchObject({
        bucket: "resolved-reportbucket",
        prefix: DEPLOY_PARAMS.reportPrefix[1],
        urlTtlSeconds: 300,
        timeZone: "Europe/Paris",
        clusterName: "prod-eu-1",
        node: {
          kongVersion: "3.10.0.3",
          deploymentType: "hybrid",
          systemInfo: { uname: "Linux 6.1.0 aarch64", cores: 4 },
        },
      });
      expect(config.s3Endpoint).toBeUndefined();
      expect(readAdminPolicy(env)).toEqual({
        groups: ["platform-admins"],
        scopes: ["kong/report"],
        groupClaims: ["realm_access.roles"],
      });
    }
  });

  it("have a log group with a retention period each, as have the HTTP API access log and the state machine", () => {
    const logGroups = resourcesOfType(template, "AWS::Logs::LogGroup");
    expect(logGroups.map(([id]) => id).sort()).toEqual([
      "EstateAggregateLogGroup",
      "EstateCollectLogGroup",
      "EstateHttpLogGroup",
      "EstateStateMachineLogGroup",
      "HttpApiLogGroup",
      "HttpLogGroup",
      "ReportsLogGroup",
      "ScheduledLogGroup",
    ]);
    for (const [, group] of logGroups) expect(group.Properties?.RetentionInDays).toBe(30);
    expect(template.Resources.HttpLambdaFunction?.DependsOn).toContain("HttpLogGroup");
    expect(template.Resources.ScheduledLambdaFunction?.DependsOn).toContain("ScheduledLogGroup");
  });
});

describe("HTTP API", () => {
  it("routes every method of /license/report to the function: OPTIONS without a token, the rest through the JWT authorizer", () => {
    const routes = resourcesOfType(template, "AWS::ApiGatewayV2::Route")
      .map(([, route]) => route.Properties as Record<string, unknown>)
      .filter((route) => String(route.RouteKey).endsWith(" /license/report"));
    const target = { "Fn::Join": ["/", ["integrations", { Ref: "HttpApiIntegrationHttp" }]] };
    const jwt = { AuthorizationType: "JWT", AuthorizerId: { Ref: "HttpApiAuthorizerJwt" }, Target: target };
    expect(routes).toEqual([
      expect.objectContaining({ RouteKey: "GET /license/report", ...jwt }),
      expect.objectContaining({ RouteKey: "HEAD /license/report", ...jwt }),
      expect.objectContaining({ RouteKey: "OPTIONS /license/report", Target: target }),
      expect.objectContaining({ RouteKey: "ANY /license/report", ...jwt }),
    ]);
    const options = routes.find((route) => route.RouteKey === "OPTIONS /license/report");
    expect(options?.AuthorizationType ?? "NONE").toBe("NONE");
    // The local stack serves exactly these routes, with the same authorization.
    expect(
      routes.filter((route) => route.AuthorizationType === "JWT").map((route) => route.RouteKey),
    ).toEqual(LOCAL_ROUTES.filter((key) => key.endsWith(" /license/report")));
    expect(
      routes.filter((route) => route.AuthorizationType !== "JWT").map((route) => route.RouteKey),
    ).toEqual(LOCAL_PUBLIC_ROUTES.filter((key) => key.endsWith(" /license/report")));
  });

  it("routes GET and HEAD /license/reports to the listing function through the JWT authorizer", () => {
    const routes = resourcesOfType(template, "AWS::ApiGatewayV2::Route")
      .map(([, route]) => route.Properties as Record<string, unknown>)
      .filter((route) => String(route.RouteKey).endsWith(" /license/reports"));
    const target = { "Fn::Join": ["/", ["integrations", { Ref: "HttpApiIntegrationReports" }]] };
    const jwt = { AuthorizationType: "JWT", AuthorizerId: { Ref: "HttpApiAuthorizerJwt" }, Target: target };
    expect(routes).toEqual([
      expect.objectContaining({ RouteKey: "GET /license/reports", ...jwt }),
      expect.objectContaining({ RouteKey: "HEAD /license/reports", ...jwt }),
    ]);
  });

  it("routes GET /license/estate to the estate function through the JWT authorizer, nothing else", () => {
    const routes = resourcesOfType(template, "AWS::ApiGatewayV2::Route")
      .map(([, route]) => route.Properties as Record<string, unknown>)
      .filter((route) => String(route.RouteKey).endsWith(" /license/estate"));
    expect(routes).toEqual([
      expect.objectContaining({
        RouteKey: "GET /license/estate",
        AuthorizationType: "JWT",
        AuthorizerId: { Ref: "HttpApiAuthorizerJwt" },
        Target: { "Fn::Join": ["/", ["integrations", { Ref: "HttpApiIntegrationEstateHttp" }]] },
      }),
    ]);
  });

  it("checks the Cognito pool's tokens when no issuer is given, else the given issuer and audience", () => {
    const authorizer = props("HttpApiAuthorizerJwt");
    expect(authorizer).toMatchObject({
      AuthorizerType: "JWT",
      IdentitySource: ["$request.header.Authorization"],
    });
    const cognito = parameterValues(template);
    expect(evaluate(get(authorizer, "JwtConfiguration", "Issuer"), template, cognito)).toBe(
      "https://cognito-idp.${AWS::Region}.amazonaws.com/<UserPool>",
    );
    expect(evaluate(get(authorizer, "JwtConfiguration", "Audience"), template, cognito)).toEqual([
      "<UserPoolClient>",
    ]);
    const external = parameterValues(withParams);
    const jwt = get(withParams.Resources.HttpApiAuthorizerJwt?.Properties, "JwtConfiguration");
    expect(evaluate(get(jwt, "Issuer"), withParams, external)).toBe(DEPLOY_PARAMS.jwtIssuer[1]);
    expect(evaluate(get(jwt, "Audience"), withParams, external)).toEqual([DEPLOY_PARAMS.jwtAudience[1]]);
  });

  it("caps concurrent reports with reserved concurrency (0 = none) under the stage throttle", () => {
    const reserved = get(props("HttpLambdaFunction"), "ReservedConcurrentExecutions");
    expect(reserved).toEqual({
      "Fn::If": ["ReservesHttpConcurrency", { Ref: "HttpReservedConcurrency" }, { Ref: "AWS::NoValue" }],
    });
    expect(template.Parameters.HttpReservedConcurrency?.Default).toBe("5");
    expect(condition(template, "ReservesHttpConcurrency", parameterValues(template))).toBe(true);
    expect(
      condition(template, "ReservesHttpConcurrency", {
        ...parameterValues(template),
        HttpReservedConcurrency: "0",
      }),
    ).toBe(false);
    // A burst beyond the stage's 5 (then 2/s) gets API Gateway's 429 before any function runs.
    const throttle = get(props("HttpApiStage"), "DefaultRouteSettings") as { ThrottlingBurstLimit: number };
    expect(throttle.ThrottlingBurstLimit).toBeLessThanOrEqual(5);
  });

  it("throttles the default route", () => {
    expect(get(props("HttpApiStage"), "DefaultRouteSettings")).toEqual({
      ThrottlingBurstLimit: 5,
      ThrottlingRateLimit: 2,
    });
  });
});

describe("Cognito", () => {
  const cognitoIds = ["UserPool", "UserPoolClient", "AdminUserGroup"];

  it("creates a pool, a client and the admin group only when no issuer is given", () => {
    for (const id of cognitoIds) expect(template.Resources[id]?.Condition).toBe("CreateUserPool");
    expect(condition(template, "CreateUserPool", parameterValues(template))).toBe(true);
    expect(condition(withParams, "CreateUserPool", parameterValues(withParams))).toBe(false);
    expect(props("AdminUserGroup").GroupName).toEqual({ Ref: "AdminGroup" });
    expect(template.Parameters.AdminGroup?.Default).toBe("kong-report-admins");
    expect(get(props("UserPool"), "AdminCreateUserConfig", "AllowAdminCreateUserOnly")).toBe(true);
    expect(props("UserPoolClient").GenerateSecret).toBe(false);
  });
});

describe("schedule", () => {
  it("runs the scheduled handler monthly with EventBridge's own event, disabled unless switched on", () => {
    const rules = resourcesOfType(template, "AWS::Events::Rule");
    expect(rules.map(([id]) => id).sort()).toEqual(["EstateScheduleRule", "ScheduledEventsRuleSchedule1"]);
    const rule = props("ScheduledEventsRuleSchedule1");
    // cron(minutes hours day-of-month month day-of-week year): the 1st of every month.
    expect(rule.ScheduleExpression).toMatch(/^cron\(\d+ \d+ 1 \* \? \*\)$/);
    expect(get(rule, "Targets", 0, "Arn")).toEqual({ "Fn::GetAtt": ["ScheduledLambdaFunction", "Arn"] });
    // readScheduledEvent recognises the "Scheduled Event" only when no constant input replaces it.
    expect(get(rule, "Targets", 0, "Input")).toBeUndefined();
    expect(get(rule, "Targets", 0, "InputTransformer")).toBeUndefined();
    expect(evaluate(rule.State, template, parameterValues(template))).toBe("DISABLED");
    expect(template.Parameters.ScheduleState?.AllowedValues).toEqual(["ENABLED", "DISABLED"]);
    const switchedOn = get(withParams.Resources.ScheduledEventsRuleSchedule1?.Properties, "State");
    expect(evaluate(switchedOn, withParams, parameterValues(withParams))).toBe("ENABLED");
  });
});

describe("report bucket", () => {
  it("blocks all public access and encrypts by default", () => {
    const bucket = props("ReportBucket");
    expect(bucket.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(get(bucket, "BucketEncryption", "ServerSideEncryptionConfiguration", 0)).toEqual({
      ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" },
    });
    expect(get(bucket, "OwnershipControls", "Rules", 0, "ObjectOwnership")).toBe("BucketOwnerEnforced");
  });

  it("denies every request that does not use TLS", () => {
    const statements = get(props("ReportBucketPolicy"), "PolicyDocument", "Statement");
    const tls = asArray(statements).find(
      (statement) => String(get(statement, "Condition", "Bool", "aws:SecureTransport")) === "false",
    );
    expect(tls).toMatchObject({ Effect: "Deny", Principal: { AWS: "*" }, Action: "s3:*" });
    expect(get(tls, "Resource")).toEqual([
      { "Fn::GetAtt": ["ReportBucket", "Arn"] },
      { "Fn::Sub": "${ReportBucket.Arn}/*" },
    ]);
  });

  it("expires every prefix the product writes, the old layout too, and aborts incomplete uploads anywhere", () => {
    const rules = asArray(get(props("ReportBucket"), "LifecycleConfiguration", "Rules"));
    expect(rules).toEqual([
      {
        Id: "expire-scheduled-reports",
        Status: "Enabled",
        Prefix: { "Fn::Sub": "${ReportPrefix}scheduled/" },
        ExpirationInDays: { Ref: "ScheduledReportRetentionDays" },
      },
      {
        Id: "expire-adhoc-reports",
        Status: "Enabled",
        Prefix: { "Fn::Sub": "${ReportPrefix}adhoc/" },
        ExpirationInDays: { Ref: "ReportRetentionDays" },
      },
      {
        Id: "expire-estate-runs",
        Status: "Enabled",
        Prefix: { "Fn::Sub": "${ReportPrefix}estate/" },
        ExpirationInDays: { Ref: "ReportRetentionDays" },
      },
      {
        // <prefix>YYYY/MM/… keys of the layout before scheduled/ and adhoc/ (years 2000-2099): as long
        // as the old stack's one rule kept them (400 days by default), never shorter after an upgrade
        Id: "expire-legacy-layout-reports",
        Status: "Enabled",
        Prefix: { "Fn::Sub": "${ReportPrefix}20" },
        ExpirationInDays: { Ref: "ScheduledReportRetentionDays" },
      },
      {
        Id: "abort-incomplete-uploads",
        Status: "Enabled",
        Prefix: "",
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
      },
    ]);
    // Every key the code writes falls under an expiring rule: the retention classes of the report keys
    // (lib/history/report-key.ts) and the estate runs (<prefix>estate/, lib/use-cases).
    const expiring = rules
      .filter((rule) => get(rule, "ExpirationInDays") !== undefined)
      .map((rule) => String(get(rule, "Prefix", "Fn::Sub")).replace("${ReportPrefix}", ""));
    for (const written of [
      ...RETENTION_CLASSES.map((retention) => retentionPrefix("", retention)),
      "estate/",
    ]) {
      expect(expiring.some((prefix) => written.startsWith(prefix))).toBe(true);
    }
    expect(template.Parameters.ScheduledReportRetentionDays?.Default).toBe("400");
    expect(template.Parameters.ReportRetentionDays?.Default).toBe("90");
    expect(withParams.Parameters.ScheduledReportRetentionDays?.Default).toBe("800");
    expect(withParams.Parameters.ReportRetentionDays?.Default).toBe("730");
  });

  it("keeps versioning off (unique keys; see infra/bucket.yml)", () => {
    expect(props("ReportBucket").VersioningConfiguration).toBeUndefined();
  });
});

describe("IAM", () => {
  const statements = () => allowStatements(template, REPORT_ROLE_IDS);

  it("grants no wildcard action or resource, except the log delivery and network interfaces AWS requires", () => {
    const all = allowStatements(withParams);
    expect(all.length).toBeGreaterThan(0);
    for (const statement of all) {
      for (const action of statement.actions) expect(action, JSON.stringify(statement)).not.toContain("*");
      if (statement.sid === "DeliverStateMachineLogs") {
        // CloudWatch Logs' log-delivery actions take no resource ARN (AWS documents Resource "*").
        expect(statement.owner).toBe("EstateStateMachineRole");
        expect(statement.resources).toEqual(["*"]);
        expect(
          statement.actions.every((action) =>
            /^logs:(\w+LogDelivery|ListLogDeliveries|PutResourcePolicy|DescribeResourcePolicies|DescribeLogGroups)$/.test(
              action,
            ),
          ),
        ).toBe(true);
        continue;
      }
      if (statement.sid === "ManageFunctionNetworkInterfaces") {
        // A function in a VPC (infra/database-access.yml): EC2's Describe* take no resource ARN.
        expect(statement.owner).toBe("VpcNetworkInterfacesPolicy");
        expect(statement.resources).toEqual(["*"]);
        expect(
          statement.actions.every((action) =>
            /^ec2:\w+NetworkInterfaces?$|^ec2:DescribeSubnets$|^ec2:(Assign|Unassign)PrivateIpAddresses$/.test(
              action,
            ),
          ),
        ).toBe(true);
        continue;
      }
      for (const resource of statement.resources) {
        expect(resource, JSON.stringify(statement)).not.toBe("*");
        // A wildcard may only follow this stack's own report prefix or log-group name, or the
        // deployer's path of the estate's admin_token references (patterns refuse "/" and /aws/).
        const text = JSON.stringify(resource);
        const star = text.indexOf("*");
        if (star >= 0) {
          expect(text.slice(0, star)).toMatch(
            /(\$\{ReportPrefix\}|\$\{ReportPrefix\}estate\/|log-group:\/aws\/lambda\/kong-license-report-ci(-estate|-reports:)?|:execution:kong-license-report-ci-estate\/|:parameter\$\{EstateTokenParameterPath\}|:parameter\/aws\/reference\/secretsmanager\/\$\{EstateTokenSecretPrefix\}|:secret:\$\{EstateTokenSecretPrefix\})$/,
          );
        }
      }
    }
  });

  it("grants the report functions exactly the actions they use", () => {
    const actions = new Set(statements().flatMap((statement) => statement.actions));
    expect([...actions].sort()).toEqual([
      "kms:Decrypt",
      "logs:CreateLogGroup",
      "logs:CreateLogStream",
      "logs:PutLogEvents",
      "logs:TagResource",
      "rds-data:BeginTransaction",
      "rds-data:CommitTransaction",
      "rds-data:ExecuteStatement",
      "rds-data:RollbackTransaction",
      "s3:AbortMultipartUpload",
      "s3:GetObject",
      "s3:ListBucket",
      "s3:PutObject",
      "secretsmanager:GetSecretValue",
    ]);
  });

  it("scopes the report functions' Data API to the cluster, the secret to its ARN, and S3 to the report prefix", () => {
    const resourcesFor = (prefix: string) =>
      statements()
        .filter((statement) => statement.actions.some((action) => action.startsWith(prefix)))
        .map((statement) => ({ actions: statement.actions, resources: statement.resources }));
    expect(resourcesFor("rds-data:")).toEqual([
      // The report's statements run in one read-only transaction it begins and ends itself.
      {
        actions: [
          "rds-data:BeginTransaction",
          "rds-data:ExecuteStatement",
          "rds-data:CommitTransaction",
          "rds-data:RollbackTransaction",
        ],
        resources: [{ Ref: "KongClusterArn" }],
      },
    ]);
    expect(resourcesFor("secretsmanager:")).toEqual([
      { actions: ["secretsmanager:GetSecretValue"], resources: [{ Ref: "KongSecretArn" }] },
    ]);
    expect(resourcesFor("s3:")).toEqual([
      {
        actions: ["s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload"],
        resources: [{ "Fn::Sub": "${ReportBucket.Arn}/${ReportPrefix}*" }],
      },
      { actions: ["s3:ListBucket"], resources: [{ "Fn::GetAtt": ["ReportBucket", "Arn"] }] },
    ]);
    for (const statement of statements().filter((s) => s.actions.some((a) => a.startsWith("logs:")))) {
      for (const resource of statement.resources) {
        expect(JSON.stringify(resource)).toContain("log-group:/aws/lambda/kong-license-report-ci");
      }
    }
  });

  it("lets the functions list only keys under the report prefix", () => {
    const role = template.Resources.IamRoleLambdaExecution?.Properties;
    const listing = asArray(get(role, "Policies", 0, "PolicyDocument", "Statement")).filter((statement) =>
      JSON.stringify(statement).includes("s3:ListBucket"),
    );
    expect(listing).toEqual([
      {
        Sid: "ListReports",
        Effect: "Allow",
        Action: ["s3:ListBucket"],
        Resource: { "Fn::GetAtt": ["ReportBucket", "Arn"] },
        Condition: { StringLike: { "s3:prefix": [{ "Fn::Sub": "${ReportPrefix}*" }] } },
      },
    ]);
  });

  it("gives the listing function a role of its own: list the prefix, presign under it, write its log, nothing else", () => {
    expect(get(props("ReportsLambdaFunction"), "Role")).toEqual({ "Fn::GetAtt": ["ReportsListRole", "Arn"] });
    expect(allowStatements(template, ["ReportsListRole"])).toEqual([
      {
        owner: "ReportsListRole",
        sid: "WriteFunctionLogs",
        actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
        resources: [
          {
            "Fn::Sub":
              "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/kong-license-report-ci-reports:*",
          },
        ],
      },
      {
        owner: "ReportsListRole",
        sid: "ListReports",
        actions: ["s3:ListBucket"],
        resources: [{ "Fn::GetAtt": ["ReportBucket", "Arn"] }],
      },
      {
        owner: "ReportsListRole",
        sid: "LinkReports",
        actions: ["s3:GetObject"],
        resources: [{ "Fn::Sub": "${ReportBucket.Arn}/${ReportPrefix}*" }],
      },
    ]);
    const listing = asArray(get(props("ReportsListRole"), "Policies", 0, "PolicyDocument", "Statement"))[1];
    expect(get(listing, "Condition")).toEqual({
      StringLike: { "s3:prefix": [{ "Fn::Sub": "${ReportPrefix}*" }] },
    });
  });

  it("allows kms:Decrypt only via Secrets Manager and only when a key is given", () => {
    const policy = template.Resources.DecryptKongDatabaseSecretPolicy;
    expect(policy?.Condition).toBe("HasSecretKmsKey");
    expect(condition(template, "HasSecretKmsKey", parameterValues(template))).toBe(false);
    expect(condition(withParams, "HasSecretKmsKey", parameterValues(withParams))).toBe(true);
    expect(get(policy?.Properties, "PolicyDocument", "Statement", 0)).toMatchObject({
      Action: ["kms:Decrypt"],
      Resource: { Ref: "KongSecretKmsKeyArn" },
      Condition: {
        StringEquals: { "kms:ViaService": { "Fn::Sub": "secretsmanager.${AWS::Region}.amazonaws.com" } },
      },
    });
  });
});

describe("estate state machine", () => {
  const collectArn = { "Fn::GetAtt": ["EstateCollectLambdaFunction", "Arn"] };
  const aggregateArn = { "Fn::GetAtt": ["EstateAggregateLambdaFunction", "Arn"] };

  it("embeds the one ASL file as is and fills in exactly the two function ARNs", () => {
    const machine = props("EstateStateMachine");
    const asl = JSON.parse(readFileSync(join(ROOT, "infra/estate-state-machine.asl.json"), "utf8"));
    expect(machine.Definition).toEqual(asl);
    expect(machine.DefinitionSubstitutions).toEqual({
      EstateCollectFunctionArn: collectArn,
      EstateAggregateFunctionArn: aggregateArn,
    });
    expect(machine.StateMachineType).toBe("STANDARD");
    expect(machine.RoleArn).toEqual({ "Fn::GetAtt": ["EstateStateMachineRole", "Arn"] });
  });

  it("may invoke the two estate functions and nothing else", () => {
    const granted = allowStatements(withParams, ["EstateStateMachineRole"]).filter(
      (statement) => statement.sid !== "DeliverStateMachineLogs",
    );
    expect(granted).toEqual([
      expect.objectContaining({ actions: ["lambda:InvokeFunction"], resources: [collectArn, aggregateArn] }),
    ]);
    expect(
      get(props("EstateStateMachineRole"), "AssumeRolePolicyDocument", "Statement", 0, "Principal"),
    ).toEqual({
      Service: "states.amazonaws.com",
    });
  });

  it("may run its Distributed Map: start, describe and stop its own child executions, read the items and write the results in the runs' folder", () => {
    expect(allowStatements(withParams, ["EstateDistributedMapPolicy"])).toEqual([
      expect.objectContaining({
        actions: ["states:StartExecution"],
        resources: [
          {
            "Fn::Sub":
              "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:stateMachine:kong-license-report-ci-estate",
          },
        ],
      }),
      expect.objectContaining({
        actions: ["states:DescribeExecution", "states:StopExecution"],
        resources: [
          {
            "Fn::Sub":
              "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:execution:kong-license-report-ci-estate/*",
          },
        ],
      }),
      expect.objectContaining({
        actions: ["s3:GetObject", "s3:PutObject", "s3:ListMultipartUploadParts", "s3:AbortMultipartUpload"],
        resources: [{ "Fn::Sub": "${ReportBucket.Arn}/${ReportPrefix}estate/*" }],
      }),
    ]);
    expect(props("EstateDistributedMapPolicy").Roles).toEqual([{ Ref: "EstateStateMachineRole" }]);
    // The name the state machine gets, so the policy needs no reference to it (a cycle).
    expect(props("EstateStateMachine").StateMachineName).toBe("kong-license-report-ci-estate");
    const aggregate = get(props("EstateAggregateLambdaFunction"), "Environment", "Variables") as Record<
      string,
      unknown
    >;
    expect(aggregate.ESTATE_INLINE_MAP_MAX).toEqual({ Ref: "EstateInlineMapMax" });
    expect(template.Parameters.EstateInlineMapMax).toMatchObject({
      Type: "Number",
      MinValue: 0,
      MaxValue: 40,
    });
    expect(String(template.Parameters.EstateInlineMapMax?.Default)).toBe("40");
  });

  it("logs every execution to its own log group, without the inputs and outputs", () => {
    const logging = props("EstateStateMachine").LoggingConfiguration;
    expect(logging).toEqual({
      Level: "ALL",
      IncludeExecutionData: false,
      Destinations: [
        { CloudWatchLogsLogGroup: { LogGroupArn: { "Fn::GetAtt": ["EstateStateMachineLogGroup", "Arn"] } } },
      ],
    });
    expect(props("EstateStateMachineLogGroup")).toMatchObject({
      LogGroupName: "/aws/vendedlogs/states/kong-license-report-ci-estate",
      RetentionInDays: 30,
    });
  });

  it("is started monthly by a rule that is off unless switched on, with a role that may only start it", () => {
    const rule = props("EstateScheduleRule");
    expect(rule.ScheduleExpression).toMatch(/^cron\(\d+ \d+ 1 \* \? \*\)$/);
    expect(evaluate(rule.State, template, parameterValues(template))).toBe("DISABLED");
    const switchedOn = get(withParams.Resources.EstateScheduleRule?.Properties, "State");
    expect(evaluate(switchedOn, withParams, parameterValues(withParams))).toBe("ENABLED");
    expect(get(rule, "Targets", 0)).toMatchObject({
      Arn: { Ref: "EstateStateMachine" },
      RoleArn: { "Fn::GetAtt": ["EstateScheduleRole", "Arn"] },
      Input: '{"format":"tar"}',
    });
    expect(allowStatements(template, ["EstateScheduleRole"])).toEqual([
      expect.objectContaining({
        actions: ["states:StartExecution"],
        resources: [{ Ref: "EstateStateMachine" }],
      }),
    ]);
  });

  it("gives each estate function its own role: only the collector and the HTTP function reach databases", () => {
    const actionsOf = (role: string) =>
      [
        ...new Set(
          allowStatements(withParams)
            .filter((statement) => {
              if (statement.owner === role) return true;
              const roles = withParams.Resources[statement.owner]?.Properties?.Roles;
              return JSON.stringify(roles ?? []).includes(`"${role}"`);
            })
            .flatMap((statement) => statement.actions),
        ),
      ].sort();
    for (const [fn, role] of [
      ["EstateHttpLambdaFunction", "EstateHttpRole"],
      ["EstateCollectLambdaFunction", "EstateCollectRole"],
      ["EstateAggregateLambdaFunction", "EstateAggregateRole"],
    ]) {
      expect(props(fn as string).Role).toEqual({ "Fn::GetAtt": [role, "Arn"] });
    }
    const logs = ["logs:CreateLogStream", "logs:PutLogEvents"];
    const environments = ["s3:GetObject", "ssm:GetParameter"];
    const databases = [
      "kms:Decrypt",
      "rds-data:BeginTransaction",
      "rds-data:CommitTransaction",
      "rds-data:ExecuteStatement",
      "rds-data:RollbackTransaction",
      "rds-db:connect",
      "secretsmanager:GetSecretValue",
      "sts:AssumeRole",
    ];
    expect(actionsOf("EstateCollectRole")).toEqual(
      [...logs, ...environments, ...databases, "s3:AbortMultipartUpload", "s3:PutObject"].sort(),
    );
    expect(actionsOf("EstateAggregateRole")).toEqual(
      [...logs, ...environments, "s3:AbortMultipartUpload", "s3:PutObject"].sort(),
    );
    expect(actionsOf("EstateHttpRole")).toEqual(
      [
        ...logs,
        ...environments,
        ...databases,
        "s3:AbortMultipartUpload",
        "s3:PutObject",
        "states:StartExecution",
      ].sort(),
    );
  });

  it("assumes roles of other accounts only when listed, and only those", () => {
    const policy = withParams.Resources.EstateAssumeRolesPolicy;
    expect(policy?.Condition).toBe("HasEstateRoles");
    expect(condition(template, "HasEstateRoles", parameterValues(template))).toBe(false);
    expect(condition(withParams, "HasEstateRoles", parameterValues(withParams))).toBe(true);
    expect(get(policy?.Properties, "PolicyDocument", "Statement", 0)).toMatchObject({
      Action: "sts:AssumeRole",
      Resource: { "Fn::Split": [",", { Ref: "EstateRoleArns" }] },
    });
    expect(String(withParams.Parameters.EstateRoleArns?.Default)).toBe(DEPLOY_PARAMS.estateRoleArns[1]);
    const pattern = new RegExp(String(template.Parameters.EstateRoleArns?.AllowedPattern));
    expect(pattern.test(DEPLOY_PARAMS.estateRoleArns[1])).toBe(true);
    expect(pattern.test("*")).toBe(false);
    expect(pattern.test("arn:aws:iam::123456789012:role/a, arn:aws:iam::123456789012:role/b")).toBe(false);
  });

  describe("admin_token references (docs/estate.md, Secrets)", () => {
    const TOKEN_POLICIES = [
      "EstateReadTokenParametersPolicy",
      "EstateReadTokenSecretsPolicy",
      "EstateDecryptTokensPolicy",
    ];
    const KEY = DEPLOY_PARAMS.estateTokenKmsKeyArn[1];
    /** A policy's statements as CloudFormation resolves them (pseudo parameters: us-east-1, 123456789012). */
    const statementsOf = (id: string, values: Record<string, string>) =>
      get(
        evaluateTemplate(withParams.Resources[id]?.Properties, withParams, values),
        "PolicyDocument",
        "Statement",
      );
    const decryptVia = (services: string[]) => [
      {
        Sid: "DecryptEstateTokens",
        Effect: "Allow",
        Action: "kms:Decrypt",
        Resource: KEY,
        Condition: { StringEquals: { "kms:ViaService": services } },
      },
    ];

    it("grants nothing when no path is given", () => {
      const values = parameterDefaults(template);
      expect([
        values.EstateTokenParameterPath,
        values.EstateTokenSecretPrefix,
        values.EstateTokenKmsKeyArn,
      ]).toEqual(["", "", ""]);
      for (const id of TOKEN_POLICIES) expect(isCreated(template, id, values), id).toBe(false);
    });

    it("grants the collector and the HTTP function exactly the reads under the given paths, and the key via those services", () => {
      const values = parameterDefaults(withParams);
      for (const id of TOKEN_POLICIES) {
        expect(isCreated(withParams, id, values), id).toBe(true);
        expect(withParams.Resources[id]?.Properties?.Roles, id).toEqual([
          { Ref: "EstateCollectRole" },
          { Ref: "EstateHttpRole" },
        ]);
      }
      expect(statementsOf("EstateReadTokenParametersPolicy", values)).toEqual([
        {
          Sid: "ReadEstateTokenParameters",
          Effect: "Allow",
          Action: "ssm:GetParameter",
          Resource: "arn:aws:ssm:us-east-1:123456789012:parameter/kong/estate/tokens/*",
        },
      ]);
      expect(statementsOf("EstateReadTokenSecretsPolicy", values)).toEqual([
        {
          Sid: "ReadEstateTokenSecretReferences",
          Effect: "Allow",
          Action: "ssm:GetParameter",
          Resource: "arn:aws:ssm:us-east-1:123456789012:parameter/aws/reference/secretsmanager/kong/estate/*",
        },
        {
          Sid: "ReadEstateTokenSecrets",
          Effect: "Allow",
          Action: "secretsmanager:GetSecretValue",
          Resource: "arn:aws:secretsmanager:us-east-1:123456789012:secret:kong/estate/*",
        },
      ]);
      expect(statementsOf("EstateDecryptTokensPolicy", values)).toEqual(
        decryptVia(["ssm.us-east-1.amazonaws.com", "secretsmanager.us-east-1.amazonaws.com"]),
      );
    });

    it("decrypts only on behalf of the service whose path is given, and not at all without a key", () => {
      const parametersOnly = parameterDefaults(withParams, { EstateTokenSecretPrefix: "" });
      expect(isCreated(withParams, "EstateReadTokenSecretsPolicy", parametersOnly)).toBe(false);
      expect(statementsOf("EstateDecryptTokensPolicy", parametersOnly)).toEqual(
        decryptVia(["ssm.us-east-1.amazonaws.com"]),
      );
      const secretsOnly = parameterDefaults(withParams, { EstateTokenParameterPath: "" });
      expect(isCreated(withParams, "EstateReadTokenParametersPolicy", secretsOnly)).toBe(false);
      expect(statementsOf("EstateDecryptTokensPolicy", secretsOnly)).toEqual(
        decryptVia(["secretsmanager.us-east-1.amazonaws.com"]),
      );
      const noKey = parameterDefaults(withParams, { EstateTokenKmsKeyArn: "" });
      expect(isCreated(withParams, "EstateDecryptTokensPolicy", noKey)).toBe(false);
      expect(isCreated(withParams, "EstateReadTokenParametersPolicy", noKey)).toBe(true);
    });

    it("takes only paths that end in a slash and name neither the root nor AWS's own trees", () => {
      const accepts = (parameter: string) => {
        const pattern = new RegExp(String(template.Parameters[parameter]?.AllowedPattern));
        return (value: string) => pattern.test(value);
      };
      const path = accepts("EstateTokenParameterPath");
      for (const value of ["", "/kong/", "/kong/prod/", "/Kong_2.x/tokens-eu/"])
        expect(path(value), value).toBe(true);
      for (const value of [
        "/",
        "/kong",
        "kong/",
        "/kong/*",
        "//",
        "/aws/reference/secretsmanager/",
        "/AWS/",
        "/ssm/",
        "/awskong/",
      ]) {
        expect(path(value), value).toBe(false);
      }
      const secret = accepts("EstateTokenSecretPrefix");
      for (const value of ["", "kong/", "kong/prod/", "team+a@x/"]) expect(secret(value), value).toBe(true);
      for (const value of ["/", "kong", "kong*", "kong/*", "/kong/", "*/"])
        expect(secret(value), value).toBe(false);
    });

    it("refuses a key without a path before packaging", () => {
      const run = packageWith([`estateTokenKmsKeyArn=${KEY}`]);
      expect(run.status).toBe(2);
      expect(run.stderr).toContain(
        "--param estateTokenKmsKeyArn is given without --param estateTokenParameterPath or --param estateTokenSecretPrefix",
      );
      expect(run.stdout).not.toContain("osls package");
    });
  });

  it("passes the functions an environments location their configuration accepts, and the state machine to the HTTP function", () => {
    const values = parameterValues(withParams);
    const variables = (id: string) =>
      get(withParams.Resources[id]?.Properties, "Environment", "Variables") as Record<string, unknown>;
    const http = variables("EstateHttpLambdaFunction");
    const location = evaluate(http.ESTATE_ENVIRONMENTS, withParams, values);
    expect(location).toBe(`ssm:${DEPLOY_PARAMS.estateEnvironmentsParameter[1]}`);
    expect(http.ESTATE_STATE_MACHINE_ARN).toEqual({ Ref: "EstateStateMachine" });
    // The step functions must not know the state machine (it references them: a cycle).
    expect(variables("EstateCollectLambdaFunction").ESTATE_STATE_MACHINE_ARN).toBeUndefined();
    expect(variables("EstateAggregateLambdaFunction").ESTATE_STATE_MACHINE_ARN).toBeUndefined();
    const config = readEstateRunConfig({
      ESTATE_ENVIRONMENTS: String(location),
      ESTATE_CONCURRENCY: values.EstateConcurrency,
      ESTATE_INLINE_MAX: values.EstateInlineMax,
      ESTATE_STATE_MACHINE_ARN:
        "arn:aws:states:eu-west-1:123456789012:stateMachine:kong-license-report-ci-estate",
    });
    expect(config.environments).toEqual({ kind: "ssm", name: DEPLOY_PARAMS.estateEnvironmentsParameter[1] });
    expect(config.concurrency).toBe(Number(DEPLOY_PARAMS.estateConcurrency[1]));
    expect(config.inlineMaxEnvironments).toBe(Number(DEPLOY_PARAMS.estateInlineMax[1]));
    const object = evaluate(variables("EstateCollectLambdaFunction").ESTATE_ENVIRONMENTS, template, {
      ...parameterValues(template),
      EstateEnvironmentsObject: "kong-config/estate/environments.json",
    });
    expect(object).toBe("s3://kong-config/estate/environments.json");
  });
});

describe("parameters", () => {
  it("take their defaults from the deploy-time --param values", () => {
    for (const [name, [parameter, value]] of Object.entries(DEPLOY_PARAMS)) {
      expect(String(withParams.Parameters[parameter]?.Default), name).toBe(value);
    }
  });

  it("default to a deployable configuration except for the Kong database", () => {
    expect(parameterValues(template)).toMatchObject({
      KongClusterArn: "",
      KongSecretArn: "",
      KongDatabaseName: "kong",
      ReportUrlTtlSeconds: "900",
      ReportPrefix: "license-reports/",
      ScheduleState: "DISABLED",
      JwtIssuer: "",
    });
    // Empty ARNs are allowed (a direct connection needs none, infra/database-access.yml); the package
    // script says when no database is given at all (test/infra/database-access-template.test.ts).
    expect(new RegExp(String(template.Parameters.KongClusterArn?.AllowedPattern)).test("")).toBe(true);
    expect(new RegExp(String(template.Parameters.KongClusterArn?.AllowedPattern)).test("kong")).toBe(false);
    expect(
      new RegExp(String(template.Parameters.KongClusterArn?.AllowedPattern)).test(
        DEPLOY_PARAMS.kongClusterArn[1],
      ),
    ).toBe(true);
  });
});

describe("offline CloudFormation linter", () => {
  it("passes the packaged template on both sides of every condition", () => {
    expect(lintTemplate(template, LINT_VARIANTS)).toEqual([]);
    expect(lintTemplate(withParams)).toEqual([]);
  });

  it("catches misspelled properties and a dangling reference", () => {
    const broken = structuredClone(template);
    const fn = broken.Resources.HttpLambdaFunction as CloudFormationResource & {
      Properties: Record<string, unknown>;
    };
    fn.Properties.Runtme = fn.Properties.Runtime;
    const bucket = broken.Resources.ReportBucket?.Properties as Record<string, unknown>;
    bucket.PublicAccessBlockConfiguration = { BlockPublicAcls: true, BlockPublicPolicys: true };
    broken.Outputs.Dangling = { Value: { "Fn::GetAtt": ["NoSuchResource", "Arn"] } };
    const messages = lintTemplate(broken).map((finding) => `${finding.level}: ${finding.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        "crit: Runtme is not a valid property of AWS::Lambda::Function",
        "crit: BlockPublicPolicys is not a valid property of AWS::S3::Bucket.PublicAccessBlockConfiguration",
        "crit: No resource with logical name of NoSuchResource!",
      ]),
    );
  });
});

// --- helpers -----------------------------------------------------------------------------------------

/** `npm run package` with these `--param name=value`s into a scratch directory (removed after). */
function packageWith(params: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), "klr-package-params-"));
  try {
    const args = [
      "scripts/package.mjs",
      "--stage",
      "ci",
      "--out",
      dir,
      ...params.flatMap((param) => ["--param", param]),
    ];
    const run = spawnSync(process.execPath, args, { cwd: ROOT, encoding: "utf8" });
    return { status: run.status, stdout: run.stdout, stderr: run.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function readTemplate(dir: string): CloudFormationTemplate {
  return JSON.parse(readFileSync(join(dir, "cloudformation-template-update-stack.json"), "utf8"));
}

function props(id: string, from: CloudFormationTemplate = template): Record<string, unknown> {
  const resource = from.Resources[id];
  if (resource === undefined) throw new Error(`no resource ${id} in the template`);
  return resource.Properties ?? {};
}

function functionProps(id: string): Record<string, unknown> {
  expect(template.Resources[id]?.Type).toBe("AWS::Lambda::Function");
  return props(id);
}

function resourcesOfType(from: CloudFormationTemplate, type: string): [string, CloudFormationResource][] {
  return Object.entries(from.Resources).filter(([, resource]) => resource.Type === type);
}

/** Walks into nested objects and arrays; undefined when a step is missing. */
function get(value: unknown, ...path: (string | number)[]): unknown {
  let current = value;
  for (const step of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string | number, unknown>)[step];
  }
  return current;
}

function asArray(value: unknown): unknown[] {
  if (!Array.isArray(value)) throw new Error(`expected an array, got ${JSON.stringify(value)}`);
  return value;
}

function parameterValues(from: CloudFormationTemplate): Record<string, string> {
  return Object.fromEntries(
    Object.entries(from.Parameters).map(([name, parameter]) => [name, String(parameter.Default ?? "")]),
  );
}

/** Evaluates a condition the way CloudFormation does, for the given parameter values. */
function condition(from: CloudFormationTemplate, name: string, values: Record<string, string>): boolean {
  const result = evaluate(from.Conditions[name], from, values);
  if (typeof result !== "boolean") throw new Error(`condition ${name} did not evaluate to a boolean`);
  return result;
}

/**
 * A small CloudFormation evaluator for the intrinsics this template uses: Ref (parameters; resources
 * become `<LogicalId>`), Fn::Equals, Fn::Not, Fn::If and Condition. Anything else stays as written.
 */
function evaluate(node: unknown, from: CloudFormationTemplate, values: Record<string, string>): unknown {
  if (Array.isArray(node)) return node.map((item) => evaluate(item, from, values));
  if (node === null || typeof node !== "object") return node;
  const entries = Object.entries(node);
  const [key, argument] = entries[0] ?? [];
  if (entries.length === 1 && key !== undefined) {
    if (key === "Ref" && typeof argument === "string") {
      return argument in values ? values[argument] : `<${argument}>`;
    }
    if (key === "Condition" && typeof argument === "string") return condition(from, argument, values);
    if (key === "Fn::Equals") {
      const [left, right] = asArray(argument).map((item) => evaluate(item, from, values));
      return left === right;
    }
    if (key === "Fn::Not") return !evaluate(asArray(argument)[0], from, values);
    if (key === "Fn::If") {
      const [name, whenTrue, whenFalse] = asArray(argument);
      return evaluate(condition(from, String(name), values) ? whenTrue : whenFalse, from, values);
    }
    if (key === "Fn::Sub" && typeof argument === "string") {
      return argument.replace(/\$\{([A-Za-z0-9]+)\}/g, (whole, name: string) =>
        name in values ? (values[name] ?? "") : from.Resources[name] ? `<${name}>` : whole,
      );
    }
  }
  return Object.fromEntries(entries.map(([name, value]) => [name, evaluate(value, from, values)]));
}

/** The function environment as Lambda would see it: parameters resolved, the bucket named. */
function resolveEnvironment(
  variables: unknown,
  values: Record<string, string>,
  from: CloudFormationTemplate = withParams,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, raw] of Object.entries(variables as Record<string, unknown>)) {
    const value =
      get(raw, "Fn::If") === undefined && get(raw, "Fn::Sub") === undefined
        ? raw
        : evaluate(raw, from, values);
    const ref = get(value, "Ref");
    if (typeof value === "string") env[name] = value;
    else if (typeof ref === "string" && ref in values) env[name] = values[ref] ?? "";
    else if (typeof ref === "string") env[name] = `resolved-${ref.toLowerCase()}`;
    else throw new Error(`${name}: unexpected value ${JSON.stringify(value)}`);
  }
  return env;
}

interface AllowStatement {
  /** The role, or the policy resource, the statement is in. */
  owner: string;
  sid: string | undefined;
  actions: string[];
  resources: unknown[];
}

/** The role of the report functions (http, scheduled) and the policy added to it. */
const REPORT_ROLE_IDS = ["IamRoleLambdaExecution", "DecryptKongDatabaseSecretPolicy", "KongDataApiPolicy"];

function allowStatements(from: CloudFormationTemplate, owners?: readonly string[]): AllowStatement[] {
  const documents: [string, unknown][] = [];
  for (const [id, role] of resourcesOfType(from, "AWS::IAM::Role")) {
    for (const policy of asArray(role.Properties?.Policies ?? []))
      documents.push([id, get(policy, "PolicyDocument")]);
  }
  for (const type of ["AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"]) {
    for (const [id, policy] of resourcesOfType(from, type))
      documents.push([id, policy.Properties?.PolicyDocument]);
  }
  return documents
    .filter(([owner]) => owners === undefined || owners.includes(owner))
    .flatMap(([owner, document]) =>
      asArray(get(document, "Statement")).map((statement) => ({ owner, statement })),
    )
    .filter(({ statement }) => get(statement, "Effect") === "Allow")
    .map(({ owner, statement }) => {
      const action = get(statement, "Action");
      const resource = get(statement, "Resource");
      expect(get(statement, "NotAction")).toBeUndefined();
      expect(get(statement, "NotResource")).toBeUndefined();
      const sid = get(statement, "Sid");
      return {
        owner,
        sid: typeof sid === "string" ? sid : undefined,
        actions: (Array.isArray(action) ? action : [action]).map(String),
        resources: Array.isArray(resource) ? resource : [resource],
      };
    });
}
