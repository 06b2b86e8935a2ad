import { toPositional } from "../../lib/sql/named-params.ts";
import {
  formatDateTime,
  isMultidimensional,
  type ParsedArray,
  parseArrayLiteral,
  precisionOf,
  type TypeInfo,
  UNSUPPORTED_ARRAY_ELEMENTS,
  type ValueKind,
} from "./pg-types.ts";

/**
 * The RDS Data API's JSON protocol (restJson1, as `@aws-sdk/client-rds-data` speaks it): request and
 * response shapes, typed errors, and the mapping from PostgreSQL results to `Field`s.
 */

/** A `Field` union member as it travels on the wire (blobs as base64). */
export type WireField =
  | { isNull: true }
  | { booleanValue: boolean }
  | { longValue: RawNumber }
  | { doubleValue: RawNumber }
  | { stringValue: string }
  | { blobValue: string }
  | { arrayValue: WireArray };

export type WireArray =
  | { booleanValues: Array<boolean | null> }
  | { longValues: Array<RawNumber | null> }
  | { doubleValues: Array<RawNumber | null> }
  | { stringValues: Array<string | null> }
  | { arrayValues: WireArray[] };

export interface WireParameter {
  readonly name?: string;
  readonly value?: Record<string, unknown>;
  readonly typeHint?: string;
}

export interface ResultOptions {
  readonly longReturnType: "LONG" | "STRING";
  readonly decimalReturnType: "STRING" | "DOUBLE_OR_LONG";
  readonly strictArrays: boolean;
}

/** Every error type the service answers, with its HTTP status (from the SDK's error schemas). */
export const ERROR_STATUS = {
  AccessDeniedException: 403,
  ForbiddenException: 403,
  BadRequestException: 400,
  DatabaseErrorException: 400,
  DatabaseResumingException: 400,
  HttpEndpointNotEnabledException: 400,
  InvalidResourceStateException: 400,
  InvalidSecretException: 400,
  SecretsErrorException: 400,
  UnsupportedResultException: 400,
  StatementTimeoutException: 400,
  DatabaseNotFoundException: 404,
  NotFoundException: 404,
  TransactionNotFoundException: 404,
  ThrottlingException: 429,
  InternalServerErrorException: 500,
  ServiceUnavailableError: 503,
  DatabaseUnavailableException: 504,
  UnknownOperationException: 404,
  SerializationException: 400,
  MissingAuthenticationTokenException: 403,
} as const;

export type DataApiErrorType = keyof typeof ERROR_STATUS;

/** An error answered with `x-amzn-ErrorType: <type>` and a `{message}` body, as the service does. */
export class DataApiFault extends Error {
  override readonly name = "DataApiFault";
  readonly type: DataApiErrorType;
  readonly extra: Readonly<Record<string, unknown>>;
  constructor(type: DataApiErrorType, message: string, extra: Record<string, unknown> = {}) {
    super(message);
    this.type = type;
    this.extra = extra;
  }
  get status(): number {
    return ERROR_STATUS[this.type];
  }
}

/** A JSON number kept as its exact digits: a Java `long` is exact on the wire even when JS would round it. */
export class RawNumber {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

/** JSON.stringify that writes RawNumber digits as they are. */
export function stringifyWire(value: unknown): string {
  if (value instanceof RawNumber) return value.text;
  if (value === null || value === undefined) return "null";
  if (Array.isArray(value)) return `[${value.map(stringifyWire).join(",")}]`;
  if (typeof value === "object") {
    const members: string[] = [];
    for (const [key, member] of Object.entries(value)) {
      if (member !== undefined) members.push(`${JSON.stringify(key)}:${stringifyWire(member)}`);
    }
    return `{${members.join(",")}}`;
  }
  return JSON.stringify(value);
}

/** A positional statement ready for a backend: `$n` text, text values (or bytes), parameter type OIDs. */
export interface PreparedStatement {
  readonly text: string;
  readonly values: Array<string | Uint8Array | null>;
  readonly paramTypes: number[];
}

// typeHint → the PostgreSQL type the parameter is bound as (what JDBC would send).
const hintTypes: Readonly<Record<string, number>> = {
  DATE: 1082,
  DECIMAL: 1700,
  JSON: 114,
  TIME: 1083,
  TIMESTAMP: 1114,
  UUID: 2950,
};

/**
 * Rewrites `:name` placeholders and binds each parameter with the type JDBC would give it: a string
 * without typeHint is a varchar (so `uuid_col = :id` fails as on the real service), a long an int8.
 */
export function prepareStatement(sql: string, parameters: readonly WireParameter[] = []): PreparedStatement {
  const bound = new Map<string, { value: string | Uint8Array | null; type: number }>();
  for (const parameter of parameters) {
    if (typeof parameter.name !== "string" || parameter.name === "") {
      throw new DataApiFault("BadRequestException", "Parameter name must not be empty.");
    }
    bound.set(parameter.name, bindParameter(parameter));
  }
  const names = Object.fromEntries([...bound.keys()].map((name) => [name, name]));
  let positional: { text: string; values: unknown[] };
  try {
    positional = toPositional(sql, names);
  } catch (error) {
    const missing = /:(\w+) has no value/.exec(String(error))?.[1] ?? "";
    throw new DataApiFault("BadRequestException", `No value specified for parameter ${missing}.`);
  }
  const used = positional.values.map(
    (name) => bound.get(name as string) as { value: string | Uint8Array | null; type: number },
  );
  return { text: positional.text, values: used.map((p) => p.value), paramTypes: used.map((p) => p.type) };
}

function bindParameter(parameter: WireParameter): { value: string | Uint8Array | null; type: number } {
  const value = parameter.value ?? {};
  const hint = parameter.typeHint;
  if (hint !== undefined && hintTypes[hint] === undefined) {
    throw new DataApiFault(
      "BadRequestException",
      `Invalid typeHint ${hint}: use DATE, DECIMAL, JSON, TIME, TIMESTAMP or UUID.`,
    );
  }
  if ("arrayValue" in value)
    throw new DataApiFault("BadRequestException", "Array parameters are not supported.");
  if (value.isNull === true) return { value: null, type: 0 };
  if (typeof value.stringValue === "string")
    return { value: value.stringValue, type: hint === undefined ? 1043 : (hintTypes[hint] as number) };
  if (typeof value.longValue === "number") return { value: String(value.longValue), type: 20 };
  if (typeof value.doubleValue === "number") return { value: String(value.doubleValue), type: 701 };
  if (typeof value.booleanValue === "boolean") return { value: String(value.booleanValue), type: 16 };
  if (typeof value.blobValue === "string") return { value: Buffer.from(value.blobValue, "base64"), type: 17 };
  throw new DataApiFault("BadRequestException", `Parameter ${parameter.name} has no value.`);
}

/** One result column and its resolved type. */
export interface ResultColumn {
  readonly name: string;
  readonly type: TypeInfo;
}

/** One row of raw PostgreSQL text → one record of `records` (a list of Fields). */
export function toRecord(
  columns: readonly ResultColumn[],
  row: ReadonlyArray<string | null>,
  options: ResultOptions,
): WireField[] {
  return columns.map((column, i) => toField(column.type, row[i] ?? null, options));
}

/** Rows → the `formattedRecords` JSON string (objects keyed by column label). */
export function toFormattedRecords(
  columns: readonly ResultColumn[],
  rows: ReadonlyArray<ReadonlyArray<string | null>>,
  options: ResultOptions,
): string {
  const seen = new Set<string>();
  for (const { name } of columns) {
    if (seen.has(name)) {
      throw new DataApiFault(
        "BadRequestException",
        `The result set contains duplicate column name ${name}; formatRecordsAs JSON needs unique column names.`,
      );
    }
    seen.add(name);
  }
  const objects = rows.map((row) =>
    Object.fromEntries(
      columns.map((column, i) => [column.name, toJsonValue(column.type, row[i] ?? null, options)]),
    ),
  );
  return stringifyWire(objects);
}

/** `columnMetadata` entries, shaped as pgjdbc describes a result set. */
export function toColumnMetadata(columns: readonly ResultColumn[]): Array<Record<string, unknown>> {
  return columns.map(({ name, type }) => ({
    name,
    label: name,
    type: type.jdbc,
    typeName: type.name,
    schemaName: "",
    tableName: "",
    isAutoIncrement: false,
    isSigned: type.kind === "long" || type.kind === "double" || type.kind === "decimal",
    isCurrency: false,
    isCaseSensitive: type.kind === "string",
    nullable: 2,
    precision: precisionOf(type),
    scale: type.kind === "double" ? precisionOf(type) : 0,
    arrayBaseColumnType: type.kind === "array" ? type.element.jdbc : 0,
  }));
}

function toField(type: TypeInfo, text: string | null, options: ResultOptions): WireField {
  if (text === null) return { isNull: true };
  if (type.kind === "array") return { arrayValue: toWireArray(type, parseArrayLiteral(text), options) };
  switch (type.kind) {
    case "bool":
      return { booleanValue: text === "t" };
    case "bit":
      return text.length === 1 ? { booleanValue: text === "1" } : { stringValue: text };
    case "long":
      return options.longReturnType === "STRING" ? { stringValue: text } : { longValue: new RawNumber(text) };
    case "double":
      return isJsonNumber(text) ? { doubleValue: new RawNumber(text) } : { stringValue: text };
    case "decimal":
      if (options.decimalReturnType === "STRING" || !isJsonNumber(text)) return { stringValue: text };
      return /^-?\d+$/.test(text) ? { longValue: new RawNumber(text) } : { doubleValue: new RawNumber(text) };
    case "blob":
      return { blobValue: byteaToBase64(text) };
    case "date":
    case "time":
    case "timestamp":
    case "timestamptz":
      return { stringValue: formatDateTime(type.kind, text) };
    default:
      return { stringValue: text };
  }
}

function toWireArray(
  type: TypeInfo & { kind: "array" },
  items: ParsedArray,
  options: ResultOptions,
): WireArray {
  const element = type.element;
  if (options.strictArrays && UNSUPPORTED_ARRAY_ELEMENTS.has(element.name)) {
    throw new DataApiFault(
      "UnsupportedResultException",
      `The result contains the unsupported data type ${type.name}.`,
    );
  }
  if (isMultidimensional(items)) {
    if (options.strictArrays) {
      throw new DataApiFault(
        "UnsupportedResultException",
        "The result contains a multidimensional array, which is not supported.",
      );
    }
    return {
      arrayValues: items.map((item) => toWireArray(type, Array.isArray(item) ? item : [item], options)),
    };
  }
  const scalars = items as Array<string | null>;
  const each = <T>(map: (text: string) => T): Array<T | null> =>
    scalars.map((item) => (item === null ? null : map(item)));
  switch (element.kind as ValueKind | "array") {
    case "bool":
      return { booleanValues: each((text) => text === "t") };
    case "long":
      return options.longReturnType === "STRING"
        ? { stringValues: each((text) => text) }
        : { longValues: each((text) => new RawNumber(text)) };
    case "double":
      return { doubleValues: each((text) => new RawNumber(isJsonNumber(text) ? text : "null")) };
    case "date":
    case "time":
    case "timestamp":
    case "timestamptz":
      return { stringValues: each((text) => formatDateTime(element.kind as "date", text)) };
    default:
      return { stringValues: each((text) => text) };
  }
}

function toJsonValue(type: TypeInfo, text: string | null, options: ResultOptions): unknown {
  const field = toField(type, text, options);
  if ("isNull" in field) return null;
  if ("arrayValue" in field) return unwrapArray(field.arrayValue);
  return Object.values(field)[0];
}

function unwrapArray(array: WireArray): unknown[] {
  if ("arrayValues" in array) return array.arrayValues.map(unwrapArray);
  return Object.values(array)[0] as unknown[];
}

function isJsonNumber(text: string): boolean {
  return /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/.test(text);
}

function byteaToBase64(text: string): string {
  // PostgreSQL's default bytea_output is hex: "\x0a1b...".
  if (text.startsWith("\\x")) return Buffer.from(text.slice(2), "hex").toString("base64");
  return Buffer.from(text, "latin1").toString("base64");
}

/** Shapes of PostgreSQL errors from pg and PGlite (both are pg-protocol DatabaseErrors). */
interface PgErrorShape {
  readonly code?: unknown;
  readonly severity?: unknown;
  readonly message?: unknown;
  readonly detail?: unknown;
  readonly hint?: unknown;
  readonly position?: unknown;
}

/** Whether an error came from the PostgreSQL server (it carries a SQLSTATE). */
export function isPgError(error: unknown): boolean {
  const code = (error as PgErrorShape | null)?.code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code);
}

/** A PostgreSQL error as the Data API reports it: pgjdbc's message plus `; SQLState: XXXXX`. */
export function toDatabaseFault(error: unknown, dbConnectionId?: number): DataApiFault {
  const { code, severity, message, detail, hint, position } = error as PgErrorShape;
  let text = `${typeof severity === "string" ? severity : "ERROR"}: ${String(message)}`;
  if (typeof detail === "string") text += `\n  Detail: ${detail}`;
  if (typeof hint === "string") text += `\n  Hint: ${hint}`;
  if (typeof position === "string") text += `\n  Position: ${position}`;
  text += `; SQLState: ${String(code)}`;
  if (code === "57014") {
    return new DataApiFault(
      "StatementTimeoutException",
      text,
      dbConnectionId === undefined ? {} : { dbConnectionId },
    );
  }
  return new DataApiFault("DatabaseErrorException", text);
}
