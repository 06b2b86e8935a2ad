import { DEFAULT_CONCURRENCY } from "../estate/collect-estate.ts";
import { defineCommand, OUT_OPTION, SIGNING_KEY_OPTION } from "./command-table.ts";

/** The most environments the CLI collects at once. */
export const MAX_CONCURRENCY = 32;

/** `estate`'s command line: the environments file and how to write the estate. */
export const ESTATE_COMMAND = defineCommand({
  name: "estate",
  summary: "the reports of many Kong environments in one verifiable estate",
  usage: "estate --environments FILE [options]",
  description: [
    "Collects the License Report of every Kong environment named in FILE (at most N at once) into",
    "one estate: each environment's report (each verifiable on its own), totals, discrete services",
    "across environments, and the environments that could not be read, with their error.",
  ],
  options: {
    environments: {
      type: "string",
      value: "FILE",
      help: [
        'JSON: {"environments": [{"environment": "prod", "database_url": "postgres://…"},',
        '{"environment": "us", "data_api": {"resource_arn", "secret_arn", "database",',
        '"region"?, "role_arn"?, "external_id"?, "endpoint"?}}, {"environment": "d", "demo": true},',
        '{"environment": "dp", "admin_api": "https://kong:8001", "admin_token": "…"},',
        '{"environment": "k", "deployment": "konnect", "admin_api": "https://us.api.konghq.com/v2",',
        '"admin_token": "kpat_…"}], "discrete": [{"find": regex, "replace_with": text}]}: a KLCR',
        `envs.json runs as it is; \${NAME} expands from the environment variables, so passwords`,
        "and tokens need not sit in the file (docs/estate.md)",
      ],
    },
    "as-of": {
      type: "string",
      value: "YYYY-MM",
      help: ["reporting month of every environment (default: this month in --time-zone)"],
    },
    "time-zone": { type: "string", value: "ZONE", help: ["IANA zone of the reporting month (default UTC)"] },
    format: {
      type: "string",
      value: "json|tar|klcr",
      help: [
        "json (default): estate.json; tar: estate-YYYY_MM_DD_HH_MM_PM.tar with estate.json,",
        "environments/<name>/response.json, summary.html, estate.csv, manifest.json;",
        "klcr: klcr.json in KLCR 2.3.1's shape (default file klcr.json)",
      ],
    },
    out: OUT_OPTION,
    "signing-key": SIGNING_KEY_OPTION,
    "include-details": {
      type: "boolean",
      help: [
        "add each environment's details (per-workspace counts, drift) to the estate",
        "(and environments/<name>/details.json to the tar)",
      ],
    },
    contract: {
      type: "string",
      value: "FILE",
      help: [
        "a contract (as for generate): its limits held against the estate's totals,",
        "discrete services counted across environments; estate.json gets usage",
      ],
    },
    "fail-on": {
      type: "string",
      value: "warn|over",
      help: ["exit 8 when a contract line reaches this status (needs --contract)"],
    },
    concurrency: {
      type: "string",
      value: "N",
      help: [`environments collected at once, 1 to ${MAX_CONCURRENCY} (default ${DEFAULT_CONCURRENCY})`],
    },
  },
  exitCodes: [
    "Exit codes: 0 every environment reported, 7 the estate was written but some environments failed",
    "(listed on stderr and in the estate), 8 a contract line reached --fail-on (before 7: the totals",
    "are a floor), 2 bad option or environments file, 6 write failed, 1 other.",
  ],
});
