import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["test/setup.ts"],
    // dist/ built once before the files run (when stale), never by a test file: see the file.
    globalSetup: ["test/global-setup.ts"],
    reporters: ["default", "./test/summary-reporter.ts"],
    // Each PGlite instance costs ~0.6 GB; two workers keep the suite within a 2-core, small-RAM runner.
    pool: "forks",
    maxWorkers: 2,
    // Generous on purpose: a shared 2-core runner under load makes a demo-database CLI run take 30 s
    // or more. A limit only decides how long a hung test takes to fail, never whether it passes.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // Coverage (v8) is part of `npm test`: per-folder branch floors, set from a full run on the
    // fresh-machine target (PGlite only, 2026-11-29: `node scripts/coverage-by-folder.mjs`) one point
    // under what was measured, none below 80 %. A folder that loses tested branches fails the run.
    // lib/report raised 2026-11-30 after the mutation survivors' tests: 96.6 % on PGlite with only
    // test/report, test/unit, test/details and test/fixtures (the full run can only cover more).
    // 2026-12-07, after the layers moved (issue 22): every floor one point under a PGlite-only run of
    // the new folders. lib/diff and lib/estate went down because code moved in (reading a report file
    // came from lib/cli, 72 % of its branches; the environments file split), not because tests left;
    // lib/cli and lib/output went up with the option tables and the page sections.
    // 2026-12-07, from two full runs of this commit (`node scripts/coverage-by-folder.mjs`): with
    // PostgreSQL (as .ci/run) and on a machine with nothing but Node (no KONG_TEST_DATABASE_URL, no
    // initdb on PATH); each floor one point under the lower of the two, rounded down, never raised
    // past it. Two went down, both for code that only a PostgreSQL server can run: lib/sql 83.6 %
    // without one (pg-sql-port's READ ONLY transaction and SQL_ASCII reading; 94.3 % with it) and
    // lib/compose 82.3 % (direct PostgreSQL over TLS from the Lambdas needs initdb; 88.5 % with it).
    // lib/usage is new.
    coverage: {
      provider: "v8",
      include: ["lib/**/*.ts", "handlers/**/*.ts"],
      reporter: ["text-summary", "json-summary"],
      thresholds: {
        lines: 95,
        branches: 87,
        "handlers/**": { branches: 89 },
        "lib/*.ts": { branches: 90 },
        "lib/aws/**": { branches: 92 },
        "lib/cli/**": { branches: 87 },
        "lib/collector/**": { branches: 99 },
        "lib/compose/**": { branches: 81 },
        "lib/config/**": { branches: 90 },
        "lib/demo/**": { branches: 99 },
        "lib/details/**": { branches: 83 },
        "lib/diff/**": { branches: 88 },
        "lib/estate/**": { branches: 89 },
        "lib/history/**": { branches: 84 },
        // 2026-12: Kong's Admin API and Konnect adapter, one point under its own tests' run.
        "lib/kong-api/**": { branches: 84 },
        "lib/http/**": { branches: 88 },
        "lib/middy/**": { branches: 90 },
        "lib/output/**": { branches: 93 },
        "lib/report/**": { branches: 95 },
        "lib/sql/**": { branches: 82 },
        "lib/shared/**": { branches: 96 },
        "lib/store/**": { branches: 99 },
        "lib/triggers/**": { branches: 97 },
        "lib/usage/**": { branches: 98 },
        "lib/use-cases/**": { branches: 96 },
      },
    },
  },
});
