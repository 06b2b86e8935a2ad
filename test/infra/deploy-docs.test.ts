import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CloudFormationTemplate } from "../../scripts/package.mjs";
import { readDeployParams, runOslsPackage } from "../../scripts/package.mjs";

// docs/deploy.md against the template `npm run package` writes: every function (with its timeout,
// memory and role), output, resource, parameter and IAM action of the template is in the doc, and
// the doc's tables name nothing the template does not have. One offline package, no AWS.

const ROOT = resolve(import.meta.dirname, "../..");
const DOC = readFileSync(join(ROOT, "docs", "deploy.md"), "utf8");
const STAGE = "ci";
/** What an IAM action or condition key looks like in the doc: `service:Name` (`s3:*` included). */
const ACTION_LIKE = /^[a-z0-9-]+:[A-Za-z*]+$/;

let out: string;
let template: CloudFormationTemplate;

beforeAll(() => {
  if (!existsSync(join(ROOT, "dist", "http.mjs"))) {
    const build = spawnSync(process.execPath, ["scripts/build.mjs"], { cwd: ROOT, encoding: "utf8" });
    if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}${build.stderr}`);
  }
  out = mkdtempSync(join(tmpdir(), "klr-deploy-docs-package-"));
  // The packaged defaults: every conditional resource is in the template whatever its condition.
  template = runOslsPackage({ stage: STAGE, out, quiet: true }).template;
}, 300_000);

afterAll(() => {
  if (out) rmSync(out, { recursive: true, force: true });
});

/** The text under a `## ` or `### ` heading, up to the next heading of the same or a higher level. */
function section(heading: string): string {
  const lines = DOC.split("\n");
  const start = lines.findIndex((line) => /^#{2,3} /.test(line) && line.replace(/^#+ /, "") === heading);
  if (start < 0) throw new Error(`docs/deploy.md has no heading "${heading}"`);
  const level = (lines[start] ?? "").indexOf(" ");
  const end = lines.findIndex(
    (line, index) => index > start && /^#{1,3} /.test(line) && line.indexOf(" ") <= level,
  );
  return lines.slice(start + 1, end < 0 ? undefined : end).join("\n");
}

/** The `code spans` of a text, fenced code blocks left out. */
function codeSpans(text: string): string[] {
  return [...text.replace(/```[\s\S]*?```/g, "").matchAll(/`([^`\n]+)`/g)].map((match) => match[1] ?? "");
}

/** The body rows of the markdown tables in a text (header rows left out), as cells. */
function tableRows(text: string): string[][] {
  const lines = text.split("\n");
  const separator = (line: string | undefined) => line !== undefined && /^\|[-| ]+\|$/.test(line);
  return lines
    .filter((line, index) => line.startsWith("|") && !separator(line) && !separator(lines[index + 1]))
    .map((line) =>
      line
        .slice(1, -1)
        .split(" | ")
        .map((cell) => cell.trim()),
    );
}

function resourcesOfType(type: string): [string, Record<string, unknown>][] {
  return Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === type)
    .map(([id, resource]) => [id, resource.Properties ?? {}]);
}

/** Every policy statement of the template (roles, policies, key and bucket policies, inside Fn::If too). */
function statements(): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item);
    } else if (node !== null && typeof node === "object") {
      if ("Effect" in node && "Action" in node) found.push(node as Record<string, unknown>);
      for (const value of Object.values(node)) walk(value);
    }
  };
  walk(template.Resources);
  return found;
}

function actionsOf(statement: Record<string, unknown>): string[] {
  return ([] as unknown[]).concat(statement.Action).map(String);
}

function conditionKeysOf(statement: Record<string, unknown>): string[] {
  const condition = (statement.Condition ?? {}) as Record<string, Record<string, unknown>>;
  return Object.values(condition).flatMap((operator) => Object.keys(operator));
}

describe("docs/deploy.md, Functions", () => {
  it("has one row per function with its deployed name, timeout, memory and role, and no other", () => {
    const functions = resourcesOfType("AWS::Lambda::Function");
    expect(functions).toHaveLength(6);
    const rows = tableRows(section("Functions"));
    const documented = rows.map((cells) => cells[0]);
    const names: string[] = [];
    for (const [id, properties] of functions) {
      const name = String(properties.FunctionName).replace(`kong-license-report-${STAGE}-`, "");
      names.push(`\`${name}\``);
      const row = rows.find((cells) => cells[0] === `\`${name}\``);
      expect(row, `${id}: no row for \`${name}\``).toBeDefined();
      const text = (row ?? []).join(" | ");
      const role = (properties.Role as { "Fn::GetAtt": [string, string] })["Fn::GetAtt"][0];
      expect(text).toContain(`\`kong-license-report-<stage>-${name}\``);
      expect(text).toContain(`| ${properties.Timeout} s |`);
      expect(text).toContain(`| ${properties.MemorySize} MB |`);
      expect(text).toContain(`\`${role}\``);
    }
    expect(documented.sort()).toEqual(names.sort());
  });
});

describe("docs/deploy.md, outputs, resources, parameters", () => {
  it("lists exactly the stack's outputs in its outputs table", () => {
    const documented = tableRows(section("Stack outputs and `$API`")).map((cells) => cells[0]);
    const outputs = Object.keys(template.Outputs).map((key) => `\`${key}\``);
    expect(outputs.length).toBeGreaterThanOrEqual(13);
    expect(documented.sort()).toEqual(outputs.sort());
  });

  it("names every resource in its resource table, and only resources of the template", () => {
    const firstCells = tableRows(section("What the stack creates")).map((cells) => cells[0] ?? "");
    const documented = firstCells.flatMap((cell) => codeSpans(cell));
    expect(documented.sort()).toEqual(Object.keys(template.Resources).sort());
  });

  it("names every CloudFormation parameter and every --param", () => {
    const spans = new Set(codeSpans(DOC));
    const { names } = readDeployParams(ROOT);
    const missing = [...Object.keys(template.Parameters), ...names].filter((name) => !spans.has(name));
    expect(missing).toEqual([]);
  });
});

describe("docs/deploy.md, IAM: every statement of every role", () => {
  const iam = () => codeSpans(section("IAM: every statement of every role"));

  it("names every action the template grants or denies", () => {
    const actions = new Set(statements().flatMap(actionsOf));
    expect(actions.size).toBeGreaterThan(40);
    const spans = new Set(iam());
    expect([...actions].filter((action) => !spans.has(action))).toEqual([]);
  });

  it("names no action or condition key the template does not have", () => {
    const known = new Set(
      statements().flatMap((statement) => [...actionsOf(statement), ...conditionKeysOf(statement)]),
    );
    const unknown = iam().filter((span) => ACTION_LIKE.test(span) && !known.has(span));
    expect(unknown).toEqual([]);
  });

  it("has every role and policy resource of the template", () => {
    const spans = iam().join(" ");
    const owners = [
      ...resourcesOfType("AWS::IAM::Role"),
      ...resourcesOfType("AWS::IAM::Policy"),
      ...resourcesOfType("AWS::IAM::ManagedPolicy"),
      ...resourcesOfType("AWS::KMS::Key"),
      ...resourcesOfType("AWS::S3::BucketPolicy"),
    ].map(([id]) => id);
    expect(owners.filter((id) => !spans.includes(id))).toEqual([]);
  });
});
