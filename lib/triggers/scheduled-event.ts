import type { ScheduledEvent } from "aws-lambda";
import { BadParameterError } from "../errors.ts";
import type { ReportFormat } from "../output/file-name.ts";
import { parseFormat, parseInclude, parseMonth, type ReportOptions } from "../use-cases/report-options.ts";

/** Scheduled and console runs archive the month: the tar (report, details, summary page, CSV) by default. */
const SCHEDULED_DEFAULT_FORMAT: ReportFormat = "tar";

/** Fields a console test event (or a schedule's constant input) may carry; all optional. */
const EVENT_FIELDS = ["format", "asOf", "details", "include"] as const;

/** A console test event or a schedule's constant input: `{ "format": "tar", "asOf": "2026-10" }`. */
export interface ConsoleEvent {
  readonly format?: string;
  readonly asOf?: string;
  readonly details?: boolean;
  readonly include?: string | readonly string[];
}

/** What the scheduled Lambda is invoked with: an EventBridge schedule or a console test event. */
export type ScheduledTriggerEvent = ScheduledEvent | ConsoleEvent;

export interface ScheduledRequest extends ReportOptions {
  /** "schedule" for an EventBridge scheduled event, "manual" for a console or CLI invocation. */
  readonly trigger: "schedule" | "manual";
}

/**
 * Reads the options of the scheduled handler's event. An EventBridge "Scheduled Event" takes every
 * default; any other event is a console test event `{ "format", "asOf", "details", "include" }`
 * whose unknown fields or wrong values are rejected.
 */
export function readScheduledEvent(event: unknown): ScheduledRequest {
  if (event === null || event === undefined) return { ...defaults(), trigger: "manual" };
  if (typeof event !== "object" || Array.isArray(event)) {
    throw new BadParameterError(
      "event",
      `The event must be a JSON object such as {"format":"tar","asOf":"2026-10"} (all fields optional), not ${Array.isArray(event) ? "an array" : typeof event}.`,
    );
  }
  const record = event as Readonly<Record<string, unknown>>;
  if (record["detail-type"] === "Scheduled Event" && record.source === "aws.events") {
    return { ...defaults(), trigger: "schedule" };
  }
  const unknown = Object.keys(record).filter((name) => !(EVENT_FIELDS as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new BadParameterError(
      unknown[0] ?? "event",
      `Unknown field${unknown.length > 1 ? "s" : ""} ${unknown.map((name) => `"${name}"`).join(", ")} in the event. Allowed: format ("json" or "tar"), asOf ("YYYY-MM"), details (true or false), include ("details"). Example: {"format":"tar","asOf":"2026-10"}.`,
    );
  }
  const format = readOptional(record, "format", "string");
  const asOf = readOptional(record, "asOf", "string");
  const details = readOptional(record, "details", "boolean");
  return {
    trigger: "manual",
    format: format === undefined ? SCHEDULED_DEFAULT_FORMAT : parseFormat(format, "format"),
    details: details ?? true,
    includeDetails: parseInclude(readInclude(record.include), "include"),
    ...(asOf === undefined ? {} : { asOf: parseMonth(asOf, "asOf") }),
  };
}

function defaults(): ReportOptions {
  return { format: SCHEDULED_DEFAULT_FORMAT, details: true, includeDetails: false };
}

function readOptional(
  record: Readonly<Record<string, unknown>>,
  name: string,
  type: "string",
): string | undefined;
function readOptional(
  record: Readonly<Record<string, unknown>>,
  name: string,
  type: "boolean",
): boolean | undefined;
function readOptional(
  record: Readonly<Record<string, unknown>>,
  name: string,
  type: "string" | "boolean",
): string | boolean | undefined {
  const value = record[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== type) {
    throw new BadParameterError(name, `Field "${name}" must be a ${type}, not ${JSON.stringify(value)}.`);
  }
  return value as string | boolean;
}

function readInclude(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === "string") return value.split(",").map((item) => item.trim());
  if (Array.isArray(value) && value.every((item) => typeof item === "string")) return value;
  throw new BadParameterError(
    "include",
    `Field "include" must be "details" or ["details"], not ${JSON.stringify(value)}.`,
  );
}
