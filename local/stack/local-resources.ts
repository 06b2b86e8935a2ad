// What the local stack stands in for: the deployed routes and the deployment's parameters.

/** The deployed routes (serverless.yml): behind the JWT authorizer, and without one. */
export const LOCAL_ROUTES = [
  "GET /license/report",
  "HEAD /license/report",
  "ANY /license/report",
  "GET /license/reports",
  "HEAD /license/reports",
  "GET /license/estate",
] as const;
export const LOCAL_PUBLIC_ROUTES = ["OPTIONS /license/report"] as const;
export const DEFAULT_PORT = 3000;
/** Stand-ins for the deployment parameters (same shapes as the real ARNs, never used against AWS). */
export const LOCAL_RESOURCES = {
  clusterArn: "arn:aws:rds:us-east-1:123456789012:cluster:kong-local",
  secretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:kong-local-AbCdEf",
  bucket: "kong-license-reports-local",
  /** The estate functions' environments file (ESTATE_ENVIRONMENTS), an object beside the reports. */
  environmentsKey: "config/environments.json",
  prefix: "license-reports/",
  adminGroup: "kong-report-admins",
  issuer: "https://idp.local-stack.invalid",
  audience: "kong-license-report-local",
} as const;

/** The environments-file entry of the demo behind this stack's local Data API endpoint. */
export function localDataApiEnvironment(databaseName: string, dataApiUrl: string): Record<string, unknown> {
  return {
    environment: "local-data-api",
    data_api: {
      resource_arn: LOCAL_RESOURCES.clusterArn,
      secret_arn: LOCAL_RESOURCES.secretArn,
      database: databaseName,
      endpoint: dataApiUrl,
    },
  };
}
