// Bundles the Lambda handlers and the CLI with esbuild: ESM, Node 20, the AWS SDK inside.
// Usage: node scripts/build.mjs [--outdir DIR]   (npm run build: DIR = dist)
import { chmod, copyFile, mkdir, readdir, readFile, rm, stat } from "node:fs/promises";
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

const targets = [
  { entry: "handlers/http.ts", out: "http.mjs", banner: requireBanner },
  { entry: "handlers/scheduled.ts", out: "scheduled.mjs", banner: requireBanner },
  {
    entry: "bin/cli.ts",
    out: "cli.mjs",
    banner: requireBanner,
    executable: true,
    // PGlite loads its .wasm/.data files next to its own module: keep it as an installed dependency.
    external: ["@electric-sql/pglite"],
  },
];

// Start clean, but only ever delete the project's own dist/.
if (outdirAt === -1) await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });
for (const target of targets) {
  // esbuild keeps an entry's own "#!" line first; add one only when the entry has none.
  const source = await readFile(join(root, target.entry), "utf8");
  const shebang = target.executable === true && !source.startsWith("#!") ? "#!/usr/bin/env node\n" : "";
  await build({
    ...common,
    entryPoints: [join(root, target.entry)],
    outfile: join(dist, target.out),
    banner: { js: `${shebang}${target.banner}` },
    external: [...common.external, ...(target.external ?? [])],
  });
  if (target.executable === true) await chmod(join(dist, target.out), 0o755);
}

// The demo database (lib/demo/open-demo-database.ts) reads its SQL files next to its own module:
// in the bundle that is dist/, so they are copied there.
const demoSource = join(root, "lib", "demo");
const demoFiles = (await readdir(demoSource)).filter((name) => name.endsWith(".sql"));
await Promise.all(demoFiles.map((name) => copyFile(join(demoSource, name), join(dist, name))));

for (const target of targets) {
  const { size } = await stat(join(dist, target.out));
  console.log(`${join(dist, target.out)}  ${(size / 1024).toFixed(1)} KiB`);
}
console.log(`${dist}/ demo SQL: ${demoFiles.join(", ")}`);
