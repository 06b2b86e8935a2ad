import { relative } from "node:path";
import { describeEnvVariables } from "./env-files.ts";
import { LOCAL_RESOURCES } from "./local-resources.ts";
import type { LocalStack } from "./start-local-stack.ts";

/** The copy-paste instructions printed at start (also written as `source`-able variables). */
export function describeLocalStack(stack: LocalStack, envFile?: string, environmentsFile?: string): string {
  const url = stack.reportUrl;
  const source = envFile === undefined ? undefined : relative(process.cwd(), envFile) || envFile;
  return [
    "",
    "Kong License Report - local stack (no AWS)",
    `  database  ${stack.database}`,
    `  Data API  ${stack.dataApiUrl}`,
    `  S3        ${stack.s3Endpoint}  bucket ${stack.bucket}`,
    `  HTTP API  ${url}  (JWT: issuer ${LOCAL_RESOURCES.issuer}, audience ${LOCAL_RESOURCES.audience})`,
    "",
    "Tokens (valid 8 hours; the admin is in the group kong-report-admins, the other user is not):",
    ...(source === undefined
      ? []
      : [`  source ${source}          # sets the variables below in another shell`]),
    ...Object.entries(describeEnvVariables(stack)).map(([name, value]) => `  export ${name}='${value}'`),
    "",
    "Then, in another shell in this directory:",
    "  # the link document (JSON with a presigned S3 URL)",
    `  curl -sS -H "Authorization: Bearer $ADMIN_TOKEN" "$REPORT_URL?format=tar"`,
    "  # download the tar in one go (303 to the presigned URL), unpack it and verify the checksum",
    `  curl -sSL --fail-with-body -o report.tar -H "Authorization: Bearer $ADMIN_TOKEN" "$REPORT_URL?format=tar&redirect=true" \\`,
    "    && tar -xf report.tar && npm run --silent cli -- verify response.json",
    "  # the stored reports, newest first, each with a fresh download link (pages: &next=<next>)",
    `  curl -sS -H "Authorization: Bearer $ADMIN_TOKEN" "$REPORTS_URL?limit=10"`,
    "  # the estate of the environments file in the local S3 (in-process, as deployed without the state machine)",
    `  curl -sS -H "Authorization: Bearer $ADMIN_TOKEN" "$ESTATE_URL?format=json"`,
    "  # the CLI against this stack's S3: the stored reports, and an upload of its own",
    `  export AWS_ENDPOINT_URL_S3="$LOCAL_S3_ENDPOINT" AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_REGION=us-east-1`,
    '  npm run --silent cli -- history --s3-bucket "$LOCAL_BUCKET"',
    '  npm run --silent cli -- generate --demo --format tar --s3-bucket "$LOCAL_BUCKET"',
    "  # a signed-in user who is not an admin: 403",
    `  curl -sS -i -H "Authorization: Bearer $USER_TOKEN" "$REPORT_URL"`,
    "  # no token: 401 from the JWT check",
    `  curl -sS -i "$REPORT_URL"`,
    ...(environmentsFile === undefined
      ? []
      : [
          "  # an estate of two local databases (the Data API one and the embedded demo): docs/estate.md",
          `  AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local npm run --silent cli -- estate --environments ${relative(process.cwd(), environmentsFile) || environmentsFile} --format tar`,
        ]),
    "",
    "Ctrl-C stops everything.",
    "",
  ].join("\n");
}
