// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub strings, not JavaScript templates.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readEstateRunConfig } from "#lib/config/estate.ts";
import { readReportConfig } from "#lib/config/report.ts";
import { lintTemplate } from "../../scripts/lint-template.mjs";
import type { CloudFormationTemplate } from "../../scripts/package.mjs";
import { LINT_VARIANTS, runOslsPackage } from "../../scripts/package.mjs";

// infra/signing.yml: the KMS key that signs every stored tar's manifest. The key policy alone
// decides who signs: the report functions' role, with ECDSA_SHA_256 over a digest, and nobody else.

const ALIAS = "alias/kong-license-report-ci-report-signing";
const REPORT_ROLE = { "Fn::GetAtt": ["IamRoleLambdaExecution", "Arn"] };
/** The roles of the functions that store an estate tar: the aggregate step and GET /license/estate in-process. */
const ESTATE_STORING_ROLES = [
  { "Fn::GetAtt": ["EstateAggregateRole", "Arn"] },
  { "Fn::GetAtt": ["EstateHttpRole", "Arn"] },
];
const SIGNING_ROLES = [REPORT_ROLE, ...ESTATE_STORING_ROLES];
const REPORT_ENV = { KONG_DATABASE_URL: "postgres://kong@db/kong", REPORT_BUCKET: "reports" };
const ESTATE_ENV = { ESTATE_ENVIRONMENTS: "ssm:/kong/estate" };

let out: string;
let template: CloudFormationTemplate;

beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), "klr-signing-package-"));
  template = runOslsPackage({ stage: "ci", out, quiet: true }).template;
}, 300_000);

afterAll(() => {
  if (out) rmSync(out, { recursive: true, force: true });
});

interface KeyStatement {
  Sid: string;
  Effect: string;
  Principal: { AWS: unknown };
  Action: string | string[];
  Resource: string;
  Condition?: Record<string, Record<string, unknown>>;
}

function keyPolicy(): KeyStatement[] {
  const key = template.Resources.ReportSigningKey?.Properties as { KeyPolicy: { Statement: KeyStatement[] } };
  return key.KeyPolicy.Statement;
}

const actionsOf = (statement: KeyStatement) =>
  Array.isArray(statement.Action) ? statement.Action : [statement.Action];

describe("infra/signing.yml: the report signing key", () => {
  it("is an asymmetric P-256 signing key, kept when the stack goes (old signatures stay checkable)", () => {
    const key = template.Resources.ReportSigningKey;
    expect(key).toMatchObject({
      Type: "AWS::KMS::Key",
      DeletionPolicy: "Retain",
      UpdateReplacePolicy: "Retain",
      Properties: { KeySpec: "ECC_NIST_P256", KeyUsage: "SIGN_VERIFY", PendingWindowInDays: 30 },
    });
    expect(template.Resources.ReportSigningKeyAlias).toEqual({
      Type: "AWS::KMS::Alias",
      Properties: { AliasName: ALIAS, TargetKeyId: { Ref: "ReportSigningKey" } },
    });
  });

  it("lets only the roles that store a tar sign (the report functions, the estate aggregate step and GET /license/estate), with ECDSA_SHA_256 over a digest", () => {
    const signing = keyPolicy().filter((statement) =>
      actionsOf(statement).some((action) => action === "kms:Sign" || action.endsWith("*")),
    );
    expect(signing).toEqual([
      {
        Sid: "SignReportManifests",
        Effect: "Allow",
        Principal: { AWS: SIGNING_ROLES },
        Action: "kms:Sign",
        Resource: "*",
        Condition: { StringEquals: { "kms:SigningAlgorithm": "ECDSA_SHA_256", "kms:MessageType": "DIGEST" } },
      },
    ]);
    // That role is the one the report functions run with.
    for (const id of ["HttpLambdaFunction", "ScheduledLambdaFunction"]) {
      expect(template.Resources[id]?.Properties?.Role).toEqual(REPORT_ROLE);
    }
    expect(template.Resources.EstateAggregateLambdaFunction?.Properties?.Role).toEqual(
      ESTATE_STORING_ROLES[0],
    );
    expect(template.Resources.EstateHttpLambdaFunction?.Properties?.Role).toEqual(ESTATE_STORING_ROLES[1]);
    // The collector stores per-environment JSON only: it never signs.
    expect(JSON.stringify(SIGNING_ROLES)).not.toContain("EstateCollectRole");
  });

  it("lets every principal of the account read the public key, and the account administer the key without signing", () => {
    const byId = new Map(keyPolicy().map((statement) => [statement.Sid, statement]));
    expect(byId.get("ReadThePublicKeyToVerify")).toEqual({
      Sid: "ReadThePublicKeyToVerify",
      Effect: "Allow",
      Principal: { AWS: "*" },
      Action: ["kms:GetPublicKey", "kms:DescribeKey"],
      Resource: "*",
      Condition: { StringEquals: { "kms:CallerAccount": { Ref: "AWS::AccountId" } } },
    });
    expect(byId.get("ReadThePublicKeyToSign")).toMatchObject({
      Principal: { AWS: SIGNING_ROLES },
      Action: "kms:GetPublicKey",
    });
    const admin = byId.get("AdministerTheKey") as KeyStatement;
    expect(admin.Principal).toEqual({
      AWS: { "Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root" },
    });
    // PutKeyPolicy keeps the key manageable (KMS refuses a policy that locks its account out).
    expect(actionsOf(admin)).toContain("kms:PutKeyPolicy");
    for (const action of actionsOf(admin)) {
      expect(action).not.toMatch(
        /\*|^kms:(Sign|Verify|Encrypt|Decrypt|GenerateDataKey|ReEncrypt|CreateGrant)/,
      );
    }
    expect([...byId.keys()].sort()).toEqual([
      "AdministerTheKey",
      "ReadThePublicKeyToSign",
      "ReadThePublicKeyToVerify",
      "SignReportManifests",
    ]);
  });

  it("gives the functions that sign its alias in REPORT_SIGNING_KEY_ID, which lib/config accepts", () => {
    // Each function's own configuration reader, as the function reads the variable.
    const readers: [string, (signingKeyId: string) => unknown][] = [
      ["HttpLambdaFunction", (id) => readReportConfig({ ...REPORT_ENV, REPORT_SIGNING_KEY_ID: id }).signing],
      [
        "ScheduledLambdaFunction",
        (id) => readReportConfig({ ...REPORT_ENV, REPORT_SIGNING_KEY_ID: id }).signing,
      ],
      [
        "EstateAggregateLambdaFunction",
        (id) => readEstateRunConfig({ ...ESTATE_ENV, REPORT_SIGNING_KEY_ID: id }).signing,
      ],
      [
        "EstateHttpLambdaFunction",
        (id) => readEstateRunConfig({ ...ESTATE_ENV, REPORT_SIGNING_KEY_ID: id }).signing,
      ],
    ];
    for (const [id, readSigning] of readers) {
      const variables = template.Resources[id]?.Properties?.Environment as {
        Variables: Record<string, unknown>;
      };
      expect(variables.Variables.REPORT_SIGNING_KEY_ID, id).toBe(ALIAS);
      expect(readSigning(String(variables.Variables.REPORT_SIGNING_KEY_ID)), id).toEqual({
        signingKeyId: ALIAS,
      });
    }
  });

  it("outputs the key ARN, with the command that exports its public key for auditors, and its alias", () => {
    expect(template.Outputs?.ReportSigningKeyArn?.Value).toEqual({
      "Fn::GetAtt": ["ReportSigningKey", "Arn"],
    });
    expect(template.Outputs?.ReportSigningKeyArn?.Description).toContain(
      "aws kms get-public-key --key-id <this ARN> --query PublicKey --output text | base64 -d | openssl pkey -pubin -inform DER -out report-signing.pem",
    );
    expect(template.Outputs?.ReportSigningKeyAlias?.Value).toEqual({ Ref: "ReportSigningKeyAlias" });
  });

  it("passes cfn-lint", () => {
    expect(lintTemplate(template, LINT_VARIANTS)).toEqual([]);
  });
});
