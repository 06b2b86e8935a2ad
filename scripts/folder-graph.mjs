// The folder graph of lib/ (and handlers/, bin/): which folder imports which, and any cycle between
// folders. Imports are read with TypeScript's own pre-processor (the same reading tsc does), so
// type-only imports count: a cycle of types is still a cycle a newcomer has to untangle.
// Usage: node scripts/folder-graph.mjs           prints the graph, lowest folders first
//        node scripts/folder-graph.mjs --check   also exits 1 when folders import each other in a cycle
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const roots = ["lib", "handlers", "bin"];

function listSources(folder) {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return listSources(path);
    return /\.(ts|mts)$/.test(name) && !name.endsWith(".d.ts") ? [path] : [];
  });
}

/** lib/report/checksum.ts → lib/report; lib/errors.ts → lib/errors.ts; handlers/http.ts → handlers. */
function folderOf(file) {
  const parts = relative(root, file).split("/");
  if (parts[0] !== "lib") return parts[0];
  return parts.length === 2 ? parts.join("/") : `lib/${parts[1]}`;
}

const edges = new Map();
for (const file of roots.flatMap((folder) => listSources(join(root, folder)))) {
  const from = folderOf(file);
  if (!edges.has(from)) edges.set(from, new Map());
  const { importedFiles } = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
  for (const { fileName } of importedFiles) {
    const target = fileName.startsWith("#lib/")
      ? join(root, "lib", fileName.slice(5))
      : fileName.startsWith(".")
        ? resolve(dirname(file), fileName)
        : undefined;
    if (target === undefined || !roots.some((r) => target.startsWith(`${join(root, r)}/`))) continue;
    const to = folderOf(target);
    if (to === from) continue;
    const counts = edges.get(from);
    counts.set(to, (counts.get(to) ?? 0) + 1);
  }
}

// Tarjan's strongly connected components: every component of more than one folder is a cycle.
const index = new Map();
const low = new Map();
const stack = [];
const onStack = new Set();
const cycles = [];
let next = 0;
function visit(node) {
  index.set(node, next);
  low.set(node, next);
  next += 1;
  stack.push(node);
  onStack.add(node);
  for (const to of edges.get(node)?.keys() ?? []) {
    if (!index.has(to)) {
      visit(to);
      low.set(node, Math.min(low.get(node), low.get(to)));
    } else if (onStack.has(to)) low.set(node, Math.min(low.get(node), index.get(to)));
  }
  if (low.get(node) === index.get(node)) {
    const component = [];
    let member;
    do {
      member = stack.pop();
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1) cycles.push(component.sort());
  }
}
for (const node of edges.keys()) if (!index.has(node)) visit(node);

// Lowest first: a folder's floor is one above the highest floor it imports (cycles share one).
const floor = new Map();
function floorOf(node, seen = new Set()) {
  if (floor.has(node)) return floor.get(node);
  if (seen.has(node)) return 0;
  seen.add(node);
  const below = [...(edges.get(node)?.keys() ?? [])].map((to) => floorOf(to, seen));
  const value = below.length === 0 ? 1 : Math.max(...below) + 1;
  floor.set(node, value);
  return value;
}
const nodes = [...edges.keys()].sort((a, b) => floorOf(a) - floorOf(b) || a.localeCompare(b));
for (const node of nodes) {
  const targets = [...(edges.get(node) ?? new Map())]
    .sort((a, b) => floorOf(a[0]) - floorOf(b[0]) || a[0].localeCompare(b[0]))
    .map(([to, count]) => `${to} (${count})`);
  console.log(
    `${String(floorOf(node)).padStart(2)}  ${node}${targets.length === 0 ? "" : ` → ${targets.join(", ")}`}`,
  );
}
console.log(
  cycles.length === 0
    ? `${nodes.length} folders, no cycle between folders.`
    : `${cycles.length} cycle(s) between folders: ${cycles.map((c) => c.join(" ↔ ")).join("; ")}`,
);
if (process.argv.includes("--check") && cycles.length > 0) process.exitCode = 1;
