import { BadParameterError } from "../errors.ts";
import { compareYearMonth, parseAsOf } from "../report/reporting-month.ts";
import { CONTRACT_LIMITS, type Contract, type ContractLimit } from "../report/usage-types.ts";
import { parseJsonText } from "../shared/json-text.ts";

const DEFAULT_WARN_AT_PERCENT = 80;
const TOP_KEYS = ["name", "term", "limits", "warn_at_percent"] as const;
const TERM_KEYS = ["start", "end"] as const;
const MAX_NAME_LENGTH = 200;

/** The shape a contract file has, for messages. */
const CONTRACT_SHAPE =
  '{"name": "ACME-2026", "term": {"start": "2026-01", "end": "2026-12"}, "limits": {"gateway_services": 25, …}, "warn_at_percent": 80}';

/**
 * Parses and validates a contract file as a whole: an unknown key, a limit that is not a whole
 * number of at least 1, a month that is not `YYYY-MM` or an end before the start is refused with
 * the key named. `parameter` names where the text came from (`--contract`, REPORT_CONTRACT).
 */
export function parseContract(text: string, parameter: string): Contract {
  const refuse = (message: string, cause?: unknown) =>
    new BadParameterError(parameter, `${parameter}: ${message}`, cause === undefined ? undefined : { cause });
  const value = parseJsonText(text, (reason, cause) =>
    refuse(`the contract file ${reason}; expected ${CONTRACT_SHAPE}.`, cause),
  );
  if (!isRecord(value)) throw refuse(`the contract must be a JSON object ${CONTRACT_SHAPE}.`);
  refuseUnknownKeys(value, TOP_KEYS, "", refuse);

  const name = value.name;
  if (typeof name !== "string" || name.trim() === "" || name.length > MAX_NAME_LENGTH) {
    throw refuse(`"name" must be a non-empty string of at most ${MAX_NAME_LENGTH} characters.`);
  }
  const term = value.term === undefined ? undefined : readTerm(value.term, parameter, refuse);
  const limits = readLimits(value.limits, refuse);
  if (limits.api_requests_per_term !== undefined && term === undefined) {
    throw refuse(
      '"limits.api_requests_per_term" needs a "term" {"start": "YYYY-MM", "end": "YYYY-MM"}: the months it adds up.',
    );
  }
  const warn = value.warn_at_percent ?? DEFAULT_WARN_AT_PERCENT;
  if (typeof warn !== "number" || !Number.isFinite(warn) || warn <= 0 || warn > 100) {
    throw refuse(
      `"warn_at_percent" must be a number above 0 and at most 100 (default ${DEFAULT_WARN_AT_PERCENT}).`,
    );
  }
  return { name, ...(term === undefined ? {} : { term }), limits, warn_at_percent: warn };
}

function readTerm(
  value: unknown,
  parameter: string,
  refuse: (message: string) => BadParameterError,
): { start: string; end: string } {
  if (!isRecord(value)) throw refuse('"term" must be an object {"start": "YYYY-MM", "end": "YYYY-MM"}.');
  refuseUnknownKeys(value, TERM_KEYS, "term.", refuse);
  const month = (key: "start" | "end") => {
    const text = value[key];
    if (typeof text !== "string") throw refuse(`"term.${key}" must be a month "YYYY-MM".`);
    return { text, month: parseAsOf(text, `${parameter} term.${key}`) };
  };
  const start = month("start");
  const end = month("end");
  if (compareYearMonth(end.month, start.month) < 0) {
    throw refuse(`"term.end" (${end.text}) is before "term.start" (${start.text}).`);
  }
  return { start: start.text, end: end.text };
}

function readLimits(
  value: unknown,
  refuse: (message: string) => BadParameterError,
): Partial<Record<ContractLimit, number>> {
  if (!isRecord(value)) {
    throw refuse(`"limits" must be an object with any of ${CONTRACT_LIMITS.join(", ")}.`);
  }
  refuseUnknownKeys(value, CONTRACT_LIMITS, "limits.", refuse);
  const limits: Partial<Record<ContractLimit, number>> = {};
  for (const key of CONTRACT_LIMITS) {
    const limit = value[key];
    if (limit === undefined) continue;
    if (typeof limit !== "number" || !Number.isSafeInteger(limit) || limit < 1) {
      throw refuse(`"limits.${key}" must be a whole number of at least 1 (got ${describe(limit)}).`);
    }
    limits[key] = limit;
  }
  return limits;
}

function refuseUnknownKeys(
  value: Record<string, unknown>,
  allowed: readonly string[],
  path: string,
  refuse: (message: string) => BadParameterError,
): void {
  const unknown = Object.keys(value).find((key) => !allowed.includes(key));
  if (unknown === undefined) return;
  throw refuse(
    `unknown key ${JSON.stringify(`${path}${unknown}`)}; allowed: ${allowed.map((key) => `${path}${key}`).join(", ")}.`,
  );
}

function describe(value: unknown): string {
  if (typeof value === "number") return String(value);
  if (typeof value === "string") return "a string";
  return value === null ? "null" : Array.isArray(value) ? "an array" : typeof value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
