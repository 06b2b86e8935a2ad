import { defineConfig } from "vitest/config";
import base from "./vitest.config.ts";

// The mutation run's database tier (stryker.config.mjs): the golden documents and the collector tests
// on PGlite. Stryker brings its own reporting.
export default defineConfig({
  test: {
    ...base.test,
    include: [
      "test/report/**/*.test.ts",
      "test/details/**/*.test.ts",
      "test/fixtures/fixtures.test.ts",
      // the pure helpers beside the SQL (formatDbVersion): no database, no cost
      "test/unit/**/*.test.ts",
    ],
    // 3,000 workspaces: it tests paging, not a rule, and would dominate every mutant's run.
    exclude: ["test/details/paging-large.test.ts"],
    // One PGlite per worker, each fixture loaded once and shared across files and mutants
    // (test/helpers/kong-db.ts): a mutant costs its tests, not ~100 fixture loads.
    isolate: false,
    env: { KONG_TEST_REUSE_PGLITE: "1" },
    reporters: ["default"],
  },
});
