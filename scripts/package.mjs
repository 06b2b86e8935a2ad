#!/usr/bin/env node
// `npm run package`: esbuild bundles (npm run build) → `osls package` → offline CloudFormation lint.
// Runs with no AWS credentials at all (they are removed from the environment below) and no network.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { loadResourceSpecification } from "./cfn-spec.mjs";
import { checkDatabaseAccess } from "./database-access-params.mjs";
import { withExclusiveLock } from "./exclusive-lock.mjs";
import { lintTemplate } from "./lint-template.mjs";
import { requireFromTool } from "./tool-packages.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Each function's zip must hold exactly its bundle (and the RDS CA bundles where it may connect directly). */
export const EXPECTED_ARTIFACTS = {
  "http.zip": ["dist/http.mjs", "dist/rds-ca-bundle.pem"],
  "scheduled.zip": ["dist/rds-ca-bundle.pem", "dist/scheduled.mjs"],
  "reports.zip": ["dist/reports-http.mjs"],
  "estateHttp.zip": ["dist/estate-http.mjs", "dist/rds-ca-bundle.pem"],
  "estateCollect.zip": ["dist/estate-collect.mjs", "dist/rds-ca-bundle.pem"],
  "estateAggregate.zip": ["dist/estate-aggregate.mjs"],
};

/**
 * Parameter values the linter evaluates the template with: the packaged defaults (Cognito pool, no KMS
 * key, schedule off), and the other side of every condition (external issuer, KMS key, schedule on).
 */
export const LINT_VARIANTS = {
  "cognito (defaults)": {
    KongClusterArn: "arn:aws:rds:us-east-1:123456789012:cluster:kong",
    KongSecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:kong-db-AbCdEf",
    EstateEnvironmentsObject: "kong-config/estate/environments.json",
    ContractObject: "kong-config/contract.json",
  },
  "external issuer, KMS key, schedule on": {
    KongClusterArn: "arn:aws:rds:us-east-1:123456789012:cluster:kong",
    KongSecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:kong-db-AbCdEf",
    KongSecretKmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
    JwtIssuer: "https://idp.example.com/realms/kong",
    JwtAudience: "kong-license-report",
    ScheduleState: "ENABLED",
    EstateEnvironmentsParameter: "/kong/estate/environments",
    ContractParameter: "/kong/contract",
    AlarmEmail: "platform-team@example.com",
    EstateClusterArns:
      "arn:aws:rds:us-east-1:123456789012:cluster:kong-eu,arn:aws:rds:us-east-1:123456789012:cluster:kong-us",
    EstateSecretArns: "arn:aws:secretsmanager:us-east-1:123456789012:secret:kong-eu-AbCdEf",
    EstateRoleArns: "arn:aws:iam::210987654321:role/kong-license-report-reader",
    EstateTokenParameterPath: "/kong/",
    EstateTokenSecretPrefix: "kong/",
    EstateTokenKmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
    EstateScheduleState: "ENABLED",
  },
  "direct PostgreSQL (IAM) in a VPC with both endpoints": {
    KongPgDbResourceId: "db-ABCDEFGHIJKLMNOPQRSTUVWXY0",
    KongPgHost: "kong.c1a2b3d4e5f6.us-east-1.rds.amazonaws.com",
    KongPgUser: "kong_report",
    KongPgDatabase: "kong",
    VpcSubnetIds: "subnet-0a1b2c3d4e5f60718,subnet-0b1c2d3e4f5a60718",
    VpcSecurityGroupIds: "sg-0a1b2c3d4e5f60718",
    VpcId: "vpc-0a1b2c3d4e5f60718",
    VpcS3EndpointRouteTableIds: "rtb-0a1b2c3d4e5f60718",
    VpcSecretsManagerEndpoint: "ENABLED",
    EstateDbUserArns:
      "arn:aws:rds-db:us-east-1:123456789012:dbuser:db-ABCDEFGHIJKLMNOPQRSTUVWXY0/kong_report",
    EstateEnvironmentsObject: "kong-config/estate/environments.json",
    EstateTokenSecretPrefix: "kong/estate/",
    EstateTokenKmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
  },
  "direct PostgreSQL (secret) in a VPC, no endpoints": {
    KongPgSecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-0a1b2c3d-AbCdEf",
    KongPgDatabase: "kong",
    VpcSubnetIds: "subnet-0a1b2c3d4e5f60718",
    VpcSecurityGroupIds: "sg-0a1b2c3d4e5f60718,sg-0b1c2d3e4f5a60718",
    EstateEnvironmentsParameter: "/kong/estate/environments",
    EstateTokenParameterPath: "/kong/estate/tokens/",
    EstateTokenKmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
  },
};

const CREDENTIAL_VARIABLES = [
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_SECURITY_TOKEN",
  "AWS_PROFILE",
  "AWS_DEFAULT_PROFILE",
  "AWS_ROLE_ARN",
  "AWS_WEB_IDENTITY_TOKEN_FILE",
  "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
  "AWS_CONTAINER_CREDENTIALS_FULL_URI",
  "AWS_CONTAINER_AUTHORIZATION_TOKEN",
];

/** The environment osls runs in: no credentials, no shared config files, no telemetry, no metadata service. */
export function offlineEnvironment(env = process.env) {
  const clean = { ...env };
  for (const name of CREDENTIAL_VARIABLES) delete clean[name];
  return {
    ...clean,
    AWS_CONFIG_FILE: "/nonexistent/aws-config",
    AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/aws-credentials",
    AWS_EC2_METADATA_DISABLED: "true",
    SLS_TELEMETRY_DISABLED: "1",
    SLS_NOTIFICATIONS_MODE: "off",
  };
}

/** Names of the entries in a zip archive, read from its central directory. */
export function listZipEntries(zip) {
  const endOfDirectory = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (endOfDirectory < 0) throw new Error("not a zip archive");
  const count = zip.readUInt16LE(endOfDirectory + 10);
  let offset = zip.readUInt32LE(endOfDirectory + 16);
  const names = [];
  for (let index = 0; index < count; index += 1) {
    if (zip.readUInt32LE(offset) !== 0x02014b50) throw new Error("corrupt zip central directory");
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    names.push(zip.toString("utf8", offset + 46, offset + 46 + nameLength));
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}

/**
 * Runs `osls package` offline into `out`; returns the update-stack template and the run time.
 * `quiet` captures osls's output (shown only when it fails).
 */
export function runOslsPackage({ stage, region = "us-east-1", out, params = [], quiet = false }) {
  // osls lives in the tool package tools/deploy/, installed on first use (not by the root npm ci).
  const require = requireFromTool("deploy");
  const manifest = require.resolve("osls/package.json");
  const osls = join(dirname(manifest), require(manifest).bin.osls);
  const args = [osls, "package", "--stage", stage, "--region", region, "--package", out];
  for (const param of params) args.push(`--param=${param}`);
  // osls builds the zips inside the service folder: two runs at once (test workers, two terminals)
  // take each other's zips ("http.zip is missing", "not a zip archive"). One at a time; the time
  // reported is the run's own, not the wait.
  const lock = join(ROOT, "node_modules", ".cache", "kong-license-report", "osls-package.lock");
  const { run, seconds } = withExclusiveLock(lock, () => {
    const started = performance.now();
    const run = spawnSync(process.execPath, args, {
      cwd: ROOT,
      env: offlineEnvironment(),
      stdio: quiet ? "pipe" : "inherit",
      encoding: "utf8",
    });
    return { run, seconds: (performance.now() - started) / 1000 };
  });
  if (run.status !== 0) {
    const output = quiet ? `\n${run.stdout}${run.stderr}` : "";
    throw new Error(`osls package failed (exit ${run.status ?? run.signal})${output}`);
  }
  const template = JSON.parse(readFileSync(join(out, "cloudformation-template-update-stack.json"), "utf8"));
  return { template, seconds };
}

function checkArtifacts(out) {
  const problems = [];
  for (const [zip, expected] of Object.entries(EXPECTED_ARTIFACTS)) {
    const path = join(out, zip);
    if (!existsSync(path)) {
      problems.push(`${zip} is missing`);
      continue;
    }
    const entries = listZipEntries(readFileSync(path)).filter((name) => !name.endsWith("/"));
    if (entries.join() !== expected.join()) {
      problems.push(
        `${zip} holds ${entries.join(", ") || "nothing"}; expected exactly ${expected.join(", ")}`,
      );
    }
  }
  return problems;
}

/** Settings CloudFormation cannot cross-check: an external issuer needs its audience. */
function checkParameters(template) {
  const value = (name) => String(template.Parameters[name]?.Default ?? "");
  const problems = [];
  if (value("JwtIssuer") !== "" && value("JwtAudience") === "") {
    problems.push(
      "--param jwtIssuer is given without --param jwtAudience (the aud or client_id of its tokens)",
    );
  }
  const database = checkDatabaseAccess(template);
  for (const note of database.notes) console.log(`note: ${note}`);
  return [...problems, ...database.problems];
}

/**
 * The `--param` names the stack reads (every `${param:name}` in serverless.yml and infra/*.yml) and,
 * for those that are a CloudFormation parameter's Default, that parameter's logical id.
 */
export function readDeployParams(root = ROOT) {
  const files = [
    join(root, "serverless.yml"),
    ...readdirSync(join(root, "infra"))
      .filter((name) => name.endsWith(".yml"))
      .map((name) => join(root, "infra", name)),
  ];
  const names = new Set();
  const parameterOf = new Map();
  for (const file of files) {
    let parameter;
    let inParameters = false;
    for (const line of readFileSync(file, "utf8").split("\n")) {
      if (/^\S/.test(line)) inParameters = /^Parameters:\s*$/.test(line);
      const key = /^ {2}([A-Za-z0-9]+):\s*$/.exec(line);
      if (key) parameter = key[1];
      for (const match of line.matchAll(/\$\{param:([A-Za-z0-9_-]+)/g)) {
        names.add(match[1]);
        if (inParameters && parameter && /^ {4}Default:/.test(line)) parameterOf.set(match[1], parameter);
      }
    }
  }
  return { names: [...names].sort(), parameterOf };
}

/** Parses repeated `--param name=value` flags; unknown names are errors naming the allowed ones. */
export function parseParamFlags(flags, known) {
  const values = new Map();
  const problems = [];
  for (const flag of flags) {
    const equals = flag.indexOf("=");
    const name = equals < 0 ? flag : flag.slice(0, equals);
    if (equals <= 0) {
      problems.push(`--param "${flag}" is not name=value (e.g. --param reportUrlTtlSeconds=900)`);
    } else if (!known.includes(name)) {
      const close = known.filter(
        (candidate) => editDistance(candidate.toLowerCase(), name.toLowerCase()) <= 2,
      );
      problems.push(
        `--param ${name} is not a parameter of this stack${close.length > 0 ? ` (did you mean ${close.join(" or ")}?)` : ""}. Allowed names: ${known.join(", ")}`,
      );
    } else if (values.has(name)) {
      problems.push(`--param ${name} is given twice; give it once`);
    } else {
      values.set(name, flag.slice(equals + 1));
    }
  }
  return { values, problems };
}

/**
 * Checks each given value as the packaged template will hold it against its parameter's own
 * constraints (Type Number, MinValue/MaxValue, AllowedValues, AllowedPattern, Min/MaxLength), so
 * a value CloudFormation would refuse at deploy time is refused now, naming the --param.
 */
export function checkParamValues(template, values, parameterOf) {
  const problems = [];
  for (const [name, raw] of values) {
    const id = parameterOf.get(name);
    const parameter = id === undefined ? undefined : template.Parameters?.[id];
    if (parameter === undefined) continue;
    const value = String(parameter.Default ?? raw);
    const shown = `--param ${name}=${JSON.stringify(value)}`;
    const why = parameter.ConstraintDescription ? ` (${parameter.ConstraintDescription})` : "";
    if (parameter.Type === "Number") {
      const number = /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : Number.NaN;
      if (Number.isNaN(number)) {
        problems.push(`${shown} is not a number (${id} is a Number parameter)`);
        continue;
      }
      const min = parameter.MinValue === undefined ? undefined : Number(parameter.MinValue);
      const max = parameter.MaxValue === undefined ? undefined : Number(parameter.MaxValue);
      if ((min !== undefined && number < min) || (max !== undefined && number > max)) {
        problems.push(`${shown} is out of range: ${id} allows ${min ?? "-∞"} to ${max ?? "∞"}${why}`);
      }
    }
    if (Array.isArray(parameter.AllowedValues) && !parameter.AllowedValues.map(String).includes(value)) {
      const allowed = parameter.AllowedValues.map((v) => (v === "" ? '"" (empty)' : String(v)));
      problems.push(`${shown} is not allowed: ${id} takes one of ${allowed.join(", ")}`);
    }
    if (parameter.AllowedPattern !== undefined && !new RegExp(parameter.AllowedPattern).test(value)) {
      problems.push(`${shown} does not match ${id}'s pattern ${parameter.AllowedPattern}${why}`);
    }
    if (parameter.MinLength !== undefined && value.length < Number(parameter.MinLength)) {
      problems.push(`${shown} is shorter than ${parameter.MinLength} characters (${id})`);
    }
    if (parameter.MaxLength !== undefined && value.length > Number(parameter.MaxLength)) {
      problems.push(`${shown} is longer than ${parameter.MaxLength} characters (${id})`);
    }
  }
  return problems;
}

function editDistance(a, b) {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i += 1) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length];
}

function formatResources(template) {
  const entries = Object.entries(template.Resources);
  const width = Math.max(...entries.map(([id]) => id.length));
  const lines = entries.map(
    ([id, resource]) =>
      `  ${id.padEnd(width)}  ${resource.Type}${resource.Condition ? `  (if ${resource.Condition})` : ""}`,
  );
  return [`Resources (${entries.length}):`, ...lines].join("\n");
}

const HELP = `Usage: npm run package -- [--stage dev] [--region us-east-1] [--out DIR] [--param name=value ...]

Packages the service with osls (no AWS credentials, no network), lints the CloudFormation template
offline and prints its resources. Run after \`npm run build\` (npm run package does both).

  --stage NAME        stage to package (default dev)
  --region NAME       region (default us-east-1)
  --out DIR           output directory (default .serverless)
  --param name=value  deployment parameter baked into the template defaults (repeatable),
                      e.g. --param kongClusterArn=arn:aws:rds:... ; see docs/deploy.md.
                      Unknown names and values outside the parameter's constraints exit 2.`;

function main() {
  const { values } = parseArgs({
    options: {
      stage: { type: "string", default: "dev" },
      region: { type: "string", default: "us-east-1" },
      out: { type: "string", default: ".serverless" },
      param: { type: "string", multiple: true, default: [] },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const missing = Object.values(EXPECTED_ARTIFACTS)
    .flat()
    .filter((file) => !existsSync(join(ROOT, file)));
  if (missing.length > 0) {
    console.error(`Missing ${missing.join(", ")}: run \`npm run build\` first (npm run package does).`);
    return 1;
  }
  // Names first (osls would silently drop a misspelled one), values once the template holds them.
  const deployParams = readDeployParams();
  const given = parseParamFlags(values.param, deployParams.names);
  if (
    given.values.has("jwtIssuer") &&
    given.values.get("jwtIssuer") !== "" &&
    !given.values.has("jwtAudience")
  ) {
    given.problems.push(
      "--param jwtIssuer is given without --param jwtAudience (the aud or client_id of its tokens)",
    );
  }
  if (
    [given.values.get("estateEnvironmentsObject"), given.values.get("estateEnvironmentsParameter")].every(
      (value) => value !== undefined && value !== "",
    )
  ) {
    given.problems.push(
      "--param estateEnvironmentsObject and --param estateEnvironmentsParameter are both given; the environments file lives in one of them",
    );
  }
  const givenValue = (name) => given.values.get(name) !== undefined && given.values.get(name) !== "";
  if (
    givenValue("estateTokenKmsKeyArn") &&
    !givenValue("estateTokenParameterPath") &&
    !givenValue("estateTokenSecretPrefix")
  ) {
    given.problems.push(
      "--param estateTokenKmsKeyArn is given without --param estateTokenParameterPath or --param estateTokenSecretPrefix; the key decrypts the admin_token parameters or secrets under one of them",
    );
  }
  for (const problem of given.problems) console.error(`package: ${problem}`);
  if (given.problems.length > 0) return 2;
  const out = resolve(ROOT, values.out);
  const { template, seconds } = runOslsPackage({
    stage: values.stage,
    region: values.region,
    out,
    params: values.param,
  });
  console.log(`osls package: ${seconds.toFixed(1)} s, no AWS credentials in the environment`);
  const valueProblems = checkParamValues(template, given.values, deployParams.parameterOf);
  for (const problem of valueProblems) console.error(`package: ${problem}`);
  if (valueProblems.length > 0) return 2;

  const artifactProblems = [...checkArtifacts(out), ...checkParameters(template)];
  for (const problem of artifactProblems) console.error(`package: ${problem}`);

  const lintStarted = performance.now();
  const findings = lintTemplate(template, LINT_VARIANTS);
  const lintSeconds = (performance.now() - lintStarted) / 1000;
  for (const finding of findings) {
    console.error(`cfn-lint ${finding.level} [${finding.variant}] ${finding.message} @ ${finding.resource}`);
  }
  const errors = findings.filter((finding) => finding.level === "crit");
  console.log(
    `cfn-lint (spec ${loadResourceSpecification().ResourceSpecificationVersion}): ${errors.length} errors, ${findings.length - errors.length} warnings ` +
      `over ${Object.keys(LINT_VARIANTS).length} parameter variants in ${lintSeconds.toFixed(1)} s`,
  );
  console.log(formatResources(template));
  console.log(`Template: ${join(out, "cloudformation-template-update-stack.json")}`);
  return errors.length > 0 || artifactProblems.length > 0 ? 1 : 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  try {
    process.exitCode = main();
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  }
}
