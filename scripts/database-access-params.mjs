// The deployment's way to the Kong database (infra/database-access.yml), checked on the packaged
// template's parameter defaults (the --param values and the serverless.yml params: block) before a
// deploy: what CloudFormation would take but the functions would refuse at their first report.
// (osls does not pass a template's Rules section through, so these live here.)

/**
 * @param {{ Parameters: Record<string, { Default?: unknown }> }} template
 * @returns {{ problems: string[], notes: string[] }}
 */
export function checkDatabaseAccess(template) {
  const value = (name) => String(template.Parameters[name]?.Default ?? "");
  const given = (name) => value(name) !== "";
  const problems = [];
  const notes = [];
  const dataApi = given("KongClusterArn") || given("KongSecretArn");
  const secret = given("KongPgSecretArn");
  const iam = given("KongPgDbResourceId");
  if (dataApi && (secret || iam)) {
    problems.push(
      `--param kongClusterArn/kongSecretArn (the Data API) and --param ${secret ? "kongPgSecretArn" : "kongPgDbResourceId"} (a direct connection) exclude each other; give one way to the Kong database`,
    );
  }
  if (dataApi && !(given("KongClusterArn") && given("KongSecretArn"))) {
    problems.push("the Data API needs both --param kongClusterArn and --param kongSecretArn");
  }
  if (secret && iam) {
    problems.push(
      "--param kongPgSecretArn and --param kongPgDbResourceId (IAM authentication) exclude each other",
    );
  }
  if (iam) {
    const missing = ["KongPgHost", "KongPgUser", "KongPgDatabase"].filter((name) => !given(name));
    if (missing.length > 0) {
      problems.push(
        `--param kongPgDbResourceId (IAM authentication) needs ${missing.map((name) => `--param ${name[0]?.toLowerCase()}${name.slice(1)}`).join(", ")}`,
      );
    }
  }
  if (!dataApi && !secret && !iam) {
    notes.push(
      "no Kong database given (--param kongClusterArn and kongSecretArn for the Data API, kongPgSecretArn, or kongPgDbResourceId with kongPgHost, kongPgUser and kongPgDatabase): the report functions will refuse every report until one is set",
    );
  }
  if (given("VpcSubnetIds") && !given("VpcSecurityGroupIds")) {
    problems.push(
      "--param vpcSubnetIds needs --param vpcSecurityGroupIds (one admitted by the database's security group)",
    );
  }
  if (!given("VpcSubnetIds") && given("VpcSecurityGroupIds")) {
    problems.push("--param vpcSecurityGroupIds is given without --param vpcSubnetIds");
  }
  const endpoints = given("VpcS3EndpointRouteTableIds") || value("VpcSecretsManagerEndpoint") === "ENABLED";
  if (endpoints && !(given("VpcId") && given("VpcSubnetIds"))) {
    problems.push(
      "the VPC endpoints (--param vpcS3EndpointRouteTableIds, vpcSecretsManagerEndpoint) need --param vpcId and --param vpcSubnetIds",
    );
  }
  if ((secret || iam) && !given("VpcSubnetIds")) {
    notes.push(
      "a direct connection without --param vpcSubnetIds: the functions run outside any VPC and reach only a publicly accessible database",
    );
  }
  return { problems, notes };
}
