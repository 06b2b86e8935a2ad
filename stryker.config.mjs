// Mutation testing (issue 15): `npm run mutate`. Too slow for CI; CI runs coverage thresholds instead.
// Scope: the report rules, the details, the HTTP authorisation and the adapters' error mapping.
import { readFileSync } from "node:fs";

/** `file:from-to`, from the line holding `marker` to the end of the file (the error mapping sits last). */
function fromMarker(file, marker) {
  const lines = readFileSync(file, "utf8").split("\n");
  const index = lines.findIndex((line) => line.includes(marker));
  if (index < 0) throw new Error(`${file} no longer contains "${marker}": update stryker.config.mjs`);
  return `${file}:${index + 1}-${lines.length}`;
}

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  plugins: ["@stryker-mutator/vitest-runner"],
  vitest: { configFile: "vitest.mutate.config.ts" },
  // A slow shared runner needs more than the default 5 minutes for the first full run.
  dryRunTimeoutMinutes: 60,
  mutate: [
    "lib/report/**/*.ts",
    "lib/details/**/*.ts",
    "lib/http/authorize.ts",
    // the adapters' error mapping only: the functions that turn driver/SDK failures into errors
    fromMarker("lib/sql/pg-sql-port.ts", "export function translatePgError"),
    fromMarker("lib/aws/rds-data-sql-port.ts", "function classify("),
  ],
  // Per-test coverage: each mutant runs only the tests that reach it.
  coverageAnalysis: "perTest",
  // Static mutants (module-level constants) would each need the whole test set; they are counted as ignored.
  ignoreStatic: true,
  concurrency: 2,
  // Added to each mutant's measured test time: a mutant that hangs is declared a timeout (killed) after this.
  timeoutMS: 10_000,
  thresholds: { high: 85, low: 75, break: null },
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: "reports/mutation/index.html" },
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always",
};
