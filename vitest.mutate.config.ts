import { defineConfig } from "vitest/config";
import base from "./vitest.config.ts";

// The tests that exercise the mutation scope (stryker.config.mjs); Stryker brings its own reporting.
export default defineConfig({
  test: {
    ...base.test,
    include: [
      "test/unit/**/*.test.ts",
      "test/report/**/*.test.ts",
      "test/details/**/*.test.ts",
      "test/errors/**/*.test.ts",
      "test/sql/**/*.test.ts",
      "test/handlers/authorize.test.ts",
      "test/data-api/rds-data-sql-port.test.ts",
    ],
    reporters: ["default"],
  },
});
