import { defineConfig } from "vitest/config";
import base from "./vitest.config.ts";

// The mutation run's unit tier (stryker.config.mjs): tests of the pure rules that need no database,
// fast enough to run once per mutant. Stryker brings its own reporting.
export default defineConfig({
  test: {
    ...base.test,
    include: [
      "test/unit/**/*.test.ts",
      "test/details/discrete-rules.test.ts",
      "test/handlers/authorize.test.ts",
      "test/errors/data-api-errors.test.ts",
      // the adapter's own tests reach its error mapping too (aborts, redaction of parameter values)
      "test/data-api/rds-data-sql-port.test.ts",
      "test/sql/pg-sql-port.test.ts",
    ],
    reporters: ["default"],
  },
});
