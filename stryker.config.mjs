// Mutation testing (issue 15): `npm run mutate`. Too slow for CI; CI runs coverage thresholds instead.
// Scope: the report rules, the details, the HTTP authorisation and the adapters' error mapping, in two
// tiers so that each mutant runs only against tests that can afford to run hundreds of times:
//   MUTATE_TIER=unit      pure rules (checksum, versions, tiers, months, licence choice, authorisation,
//                         error mapping) against the tests that need no database;
//   MUTATE_TIER=database  the SQL and the report/details assembly against the golden documents and
//                         the collector tests on PGlite.
// A tier's score is a lower bound for the whole suite (the other tests could only kill more).
import { readFileSync } from "node:fs";

/** `file:from-to`, from the line holding `marker` to the end of the file (the error mapping sits last). */
function fromMarker(file, marker) {
  const lines = readFileSync(file, "utf8").split("\n");
  const index = lines.findIndex((line) => line.includes(marker));
  if (index < 0) throw new Error(`${file} no longer contains "${marker}": update stryker.config.mjs`);
  return `${file}:${index + 1}-${lines.length}`;
}

const tiers = {
  unit: {
    mutate: [
      "lib/report/checksum.ts",
      "lib/report/kong-version.ts",
      "lib/report/plugin-tiers.ts",
      "lib/report/reporting-month.ts",
      "lib/report/license.ts",
      "lib/report/verify-report.ts",
      "lib/details/discrete-rules.ts",
      "lib/http/authorize.ts",
      // the adapters' error mapping only: the functions that turn driver/SDK failures into errors
      fromMarker("lib/sql/pg-sql-port.ts", "export function translatePgError"),
      "lib/aws/rds-data-errors.ts",
    ],
    vitestConfig: "vitest.mutate-unit.config.ts",
  },
  database: {
    mutate: [
      "lib/report/build-report.ts",
      "lib/collector/collect-report.ts",
      "lib/report/read-kong-facts.ts",
      "lib/report/probe-schema.ts",
      // the details, every file but discrete-rules.ts (pure, in the unit tier)
      "lib/details/collect-details.ts",
      "lib/details/details-context.ts",
      "lib/details/paging.ts",
      "lib/details/workspaces.ts",
      "lib/details/plugin-counts.ts",
      "lib/details/discrete-services.ts",
      "lib/details/counter-drift.ts",
      "lib/details/row-values.ts",
    ],
    vitestConfig: "vitest.mutate.config.ts",
  },
};
const tierName = process.env.MUTATE_TIER ?? "unit";
const tier = tiers[tierName];
if (tier === undefined) throw new Error(`MUTATE_TIER must be one of ${Object.keys(tiers).join(", ")}`);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  plugins: ["@stryker-mutator/vitest-runner"],
  vitest: { configFile: tier.vitestConfig },
  // A slow shared runner needs more than the default 5 minutes for the first full run.
  dryRunTimeoutMinutes: 60,
  mutate: tier.mutate,
  // Per-test coverage: each mutant runs only the tests that reach it.
  coverageAnalysis: "perTest",
  // Static mutants (module-level constants) would each need the whole test set; they are counted as ignored.
  ignoreStatic: true,
  concurrency: 2,
  // Added to each mutant's measured test time: a mutant that hangs is declared a timeout (killed) after this.
  timeoutMS: 10_000,
  thresholds: { high: 85, low: 75, break: null },
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: `reports/mutation/${tierName}.html` },
  jsonReporter: { fileName: `reports/mutation/${tierName}.json` },
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always",
};
