import { validateDiscreteRules } from "../details/discrete-rules.ts";
import { BadParameterError } from "../errors.ts";
import { isRecord } from "../shared/is-record.ts";
import { parseJsonText } from "../shared/json-text.ts";
import { API_ENTRY_KEYS, checkUnusedApiKeys, readApiSource, readDeployment } from "./api-entry.ts";
import { type Fail, quoteAll, type ReadText } from "./entry-fields.ts";
import { readSource, SOURCE_KEYS, type SourceKey } from "./environment-sources.ts";
import { type ReferenceSource, refuseReferences } from "./expand-references.ts";
import { readNodeFacts } from "./node-facts.ts";
import type { EnvironmentSpec, EstateConfig } from "./types.ts";

export interface ParseEnvironmentsOptions {
  /** How the file is named in messages (a path, an S3 key, an SSM parameter name). */
  readonly fileName: string;
  /** Where `${NAME}` references of secret fields are looked up: the CLI's environment, or none (AWS). */
  readonly references: ReferenceSource;
  /** The option or parameter that named the file, for the usage error; default "--environments". */
  readonly parameter?: string;
}

/**
 * More would not be an estate but a fleet; it also bounds what one run holds in memory (the state
 * machine's Distributed Map was simulated at 1,000: bench/estate-distributed.ts).
 */
export const MAX_ENVIRONMENTS = 1000;

const ENVIRONMENT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

const TOP_KEYS = ["environments", "discrete"];
const NODE_FACT_KEYS = ["kong_version", "deployment_type", "node_uname", "node_cores"];
const ENTRY_KEYS = [
  "environment",
  ...SOURCE_KEYS,
  "schema",
  ...NODE_FACT_KEYS,
  // KLCR's own keys (and TLS for them): an entry without a database source is read through them.
  ...API_ENTRY_KEYS,
];

/**
 * Reads an environments file (JSON, a superset of KLCR's `envs.json`) and validates all of it
 * before any database is touched: `${NAME}` expands in secret fields only (expand-references.ts),
 * and a duplicate name, an unknown key, a bad ARN or a refused or missing variable is a
 * BadParameterError (exit 2) naming the entry. Messages never echo a database URL or an expanded value.
 */
export function parseEnvironmentsFile(text: string, options: ParseEnvironmentsOptions): EstateConfig {
  const parameter = options.parameter ?? "--environments";
  const fail = (message: string): never => {
    throw new BadParameterError(parameter, `${options.fileName}: ${message}`);
  };
  // A BOM is accepted, the depth capped, and a syntax error never quotes the file (it may hold a password).
  const value = parseJsonText(text, (reason) =>
    fail(
      `${reason.replace(/^is /, "")}. Expected {"environments": [{"environment": "prod", "database_url": "postgres://…"}, …]}.`,
    ),
  );
  if (!isRecord(value)) {
    return fail('expected a JSON object {"environments": [...], "discrete": [...]}.');
  }
  const unknown = Object.keys(value).filter((key) => !TOP_KEYS.includes(key));
  if (unknown.length > 0) {
    fail(`unknown top-level key(s) ${quoteAll(unknown)}; allowed: "environments", "discrete".`);
  }
  const list = value.environments;
  if (!Array.isArray(list) || list.length === 0) {
    return fail('"environments" must be a non-empty array of {"environment": "<name>", <source>}.');
  }
  if (list.length > MAX_ENVIRONMENTS) {
    fail(`${list.length} environments; at most ${MAX_ENVIRONMENTS} are allowed in one estate.`);
  }
  const discrete =
    value.discrete === undefined
      ? []
      : validateDiscreteRules(value.discrete, `${options.fileName} "discrete"`);

  const seen = new Map<string, number>();
  const environments = list.map((entry: unknown, index) => {
    const spec = readEntry(entry, index, options.references, fail);
    const folded = spec.name.toLowerCase();
    const first = seen.get(folded);
    if (first !== undefined) {
      fail(
        `environment "${spec.name}" (entry #${index + 1}) has the same name as entry #${first + 1}; names must be unique (case does not count: they become folder names).`,
      );
    }
    seen.set(folded, index);
    return spec;
  });
  return { environments, discrete };
}

// One entry: its name, its keys, exactly one source and the node facts; every string expanded.
function readEntry(raw: unknown, index: number, references: ReferenceSource, fail: Fail): EnvironmentSpec {
  let label = `entry #${index + 1}`;
  if (!isRecord(raw)) return fail(`${label} must be an object {"environment": "<name>", <source>}.`);
  const name = raw.environment;
  if (typeof name !== "string" || !ENVIRONMENT_NAME.test(name)) {
    return fail(
      `${label}: "environment" must be a name of 1 to 63 letters, digits, ".", "_" or "-" starting with a letter or digit (it names the report's folder)${typeof name === "string" ? `; got ${JSON.stringify(name.slice(0, 80))}` : ""}.`,
    );
  }
  label = `environment "${name}" (entry #${index + 1})`;
  const at = (message: string): never => fail(`${label}: ${message}`);

  const unknown = Object.keys(raw).filter((key) => !ENTRY_KEYS.includes(key));
  if (unknown.length > 0) {
    at(`unknown key(s) ${quoteAll(unknown)}; allowed: ${quoteAll(ENTRY_KEYS)}.`);
  }
  const secrets: string[] = [];
  const text: ReadText = (key, object = raw, path = key) => {
    const item = object[key];
    if (item === undefined) return undefined;
    if (typeof item !== "string" || item.trim() === "") return at(`"${path}" must be a non-empty string.`);
    return refuseReferences(item, path, at);
  };

  const deployment = readDeployment(raw, at);
  const given = SOURCE_KEYS.filter((key) => raw[key] !== undefined);
  if (given.length > 1) at(`${quoteAll(given)} exclude each other: give exactly one source.`);
  if (deployment === "konnect" && given.length > 0) {
    at(
      `"deployment": "konnect" has no Kong database to read: drop ${quoteAll(given)} and give "admin_api" (Konnect's regional API base) and "admin_token".`,
    );
  }
  // No database source: KLCR's way, through Kong's Admin API or Konnect (api-entry.ts).
  if (given.length === 0) {
    const source = readApiSource(raw, deployment, references, secrets, at);
    const databaseOnly = ["schema", ...NODE_FACT_KEYS].filter((key) => raw[key] !== undefined);
    if (databaseOnly.length > 0) {
      at(
        `${quoteAll(databaseOnly)} apply to a database source only: Kong's Admin API serves its own report (and Konnect none).`,
      );
    }
    return { name, source, node: {}, secrets: [...new Set(secrets)] };
  }
  checkUnusedApiKeys(raw, references, secrets, at);
  const source = readSource(given[0] as SourceKey, raw, text, at, secrets, references);
  return { name, source, node: readNodeFacts(raw, text, at), secrets: [...new Set(secrets)] };
}
