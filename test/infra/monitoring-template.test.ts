// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub strings, not JavaScript templates.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EVENT_DETAIL_TYPE, EVENT_SOURCE } from "#lib/aws/report-events.ts";
import { METRICS_NAMESPACE } from "#lib/aws/usage-metrics.ts";
import { readMonitoringConfig } from "#lib/config/monitoring.ts";
import { lintTemplate } from "../../scripts/lint-template.mjs";
import type { CloudFormationTemplate } from "../../scripts/package.mjs";
import { runOslsPackage } from "../../scripts/package.mjs";

let defaults: CloudFormationTemplate;
let configured: CloudFormationTemplate;
const folders: string[] = [];

function packageTemplate(params: string[] = []): CloudFormationTemplate {
  const out = mkdtempSync(join(tmpdir(), "klr-monitoring-package-"));
  folders.push(out);
  return runOslsPackage({ stage: "ci", out, params, quiet: true }).template;
}

function resource(template: CloudFormationTemplate, id: string) {
  const found = template.Resources[id];
  if (found === undefined) throw new Error(`no resource ${id} in the template`);
  return found;
}

beforeAll(() => {
  defaults = packageTemplate();
  configured = packageTemplate([
    "alarmEmail=platform-team@example.com",
    "licenseExpiryAlarmDays=45",
    "contractParameter=/kong/contract",
    "tagPrefix=owner:",
    "eventBusName=kong-reports",
  ]);
}, 300_000);

afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

describe("the packaged template: alarms, topic, event permissions (infra/monitoring.yml)", () => {
  it("alarms when a cluster's license expires within LicenseExpiryAlarmDays (default 30), per cluster", () => {
    expect(defaults.Parameters.LicenseExpiryAlarmDays).toMatchObject({ Type: "Number", Default: "30" });
    expect(configured.Parameters.LicenseExpiryAlarmDays?.Default).toBe("45");
    expect(resource(defaults, "LicenseExpiryAlarm")).toStrictEqual({
      Type: "AWS::CloudWatch::Alarm",
      Properties: {
        AlarmName: "kong-license-report-ci-license-expiry",
        AlarmDescription: {
          "Fn::Sub":
            "A Kong cluster's license expires within ${LicenseExpiryAlarmDays} days (DaysToLicenseExpiry, from its last report).",
        },
        Metrics: [
          {
            Id: "days",
            Expression: `SELECT MIN(DaysToLicenseExpiry) FROM SCHEMA(${METRICS_NAMESPACE}, Cluster) GROUP BY Cluster`,
            Period: 3600,
            ReturnData: true,
          },
        ],
        ComparisonOperator: "LessThanOrEqualToThreshold",
        Threshold: { Ref: "LicenseExpiryAlarmDays" },
        EvaluationPeriods: 1,
        DatapointsToAlarm: 1,
        TreatMissingData: "ignore",
        AlarmActions: [{ Ref: "AlarmTopic" }],
        OKActions: [{ Ref: "AlarmTopic" }],
      },
    });
  });

  it("alarms when any contract line of a cluster is at warn or over", () => {
    expect(resource(defaults, "ContractAlarm").Properties).toMatchObject({
      Metrics: [
        {
          Id: "lines",
          Expression: `SELECT MAX(ContractLinesAtWarnOrOver) FROM SCHEMA(${METRICS_NAMESPACE}, Cluster) GROUP BY Cluster`,
          Period: 3600,
          ReturnData: true,
        },
      ],
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
      Threshold: 1,
      TreatMissingData: "ignore",
      AlarmActions: [{ Ref: "AlarmTopic" }],
    });
  });

  it("notifies an SNS topic, with an e-mail subscription only when AlarmEmail is given", () => {
    expect(resource(defaults, "AlarmTopic")).toStrictEqual({
      Type: "AWS::SNS::Topic",
      Properties: { TopicName: "kong-license-report-ci-alarms", DisplayName: "Kong license report alarms" },
    });
    expect(resource(defaults, "AlarmEmailSubscription")).toStrictEqual({
      Type: "AWS::SNS::Subscription",
      Condition: "HasAlarmEmail",
      Properties: { TopicArn: { Ref: "AlarmTopic" }, Protocol: "email", Endpoint: { Ref: "AlarmEmail" } },
    });
    expect(defaults.Parameters.AlarmEmail?.Default).toBe("");
    expect(configured.Parameters.AlarmEmail?.Default).toBe("platform-team@example.com");
    expect(defaults.Outputs?.AlarmTopicArn?.Value).toEqual({ Ref: "AlarmTopic" });
  });

  it("lets the report functions put events on the one bus and read only the configured contract", () => {
    const policy = resource(defaults, "ReportMonitoringPolicy").Properties as {
      Roles: unknown[];
      PolicyDocument: { Statement: unknown[] };
    };
    expect(policy.Roles).toEqual([{ Ref: "IamRoleLambdaExecution" }]);
    const [events, object, parameter] = policy.PolicyDocument.Statement;
    expect(events).toStrictEqual({
      Sid: "PutReportEventsOnTheOneBus",
      Effect: "Allow",
      Action: "events:PutEvents",
      Resource: {
        "Fn::Sub": "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/${EventBusName}",
      },
    });
    expect(object).toMatchObject({
      "Fn::If": ["HasContractObject", { Action: "s3:GetObject" }, { Ref: "AWS::NoValue" }],
    });
    expect(JSON.stringify(parameter)).toContain('"Action":"ssm:GetParameter"');
    expect(JSON.stringify(policy)).not.toMatch(/"Resource":"\*"/);
  });

  it("gives the report functions REPORT_CONTRACT, REPORT_TAG_PREFIX and REPORT_EVENT_BUS, which their config reads", () => {
    for (const id of ["HttpLambdaFunction", "ScheduledLambdaFunction"]) {
      const variables = (
        resource(configured, id).Properties as { Environment: { Variables: Record<string, unknown> } }
      ).Environment.Variables;
      expect(variables.REPORT_TAG_PREFIX).toEqual({ Ref: "TagPrefix" });
      expect(variables.REPORT_EVENT_BUS).toEqual({ Ref: "EventBusName" });
      expect(variables.REPORT_CONTRACT).toEqual({
        "Fn::If": [
          "HasContractObject",
          { "Fn::Sub": "s3://${ContractObject}" },
          { "Fn::If": ["HasContractParameter", { "Fn::Sub": "ssm:${ContractParameter}" }, ""] },
        ],
      });
    }
    expect(configured.Parameters.TagPrefix?.Default).toBe("owner:");
    expect(configured.Parameters.EventBusName?.Default).toBe("kong-reports");
    // The values those parameters resolve to are what the functions accept.
    expect(
      readMonitoringConfig({
        REPORT_CONTRACT: "ssm:/kong/contract",
        REPORT_TAG_PREFIX: String(configured.Parameters.TagPrefix?.Default),
        REPORT_EVENT_BUS: String(configured.Parameters.EventBusName?.Default),
      }),
    ).toStrictEqual({
      contract: { kind: "ssm", name: "/kong/contract" },
      tagPrefix: "owner:",
      eventBus: "kong-reports",
    });
    expect([EVENT_SOURCE, EVENT_DETAIL_TYPE]).toEqual(["kong-license-report", "License Report Generated"]);
  });

  it("is cfn-lint clean with and without the optional parameters, both sides of each condition", () => {
    const required = {
      KongClusterArn: "arn:aws:rds:us-east-1:123456789012:cluster:kong",
      KongSecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:kong-db-AbCdEf",
    };
    expect(
      lintTemplate(defaults, {
        defaults: required,
        object: { ...required, ContractObject: "cfg/contract.json" },
      }),
    ).toEqual([]);
    expect(lintTemplate(configured, { configured: required })).toEqual([]);
  });
});
