import type {
  ColumnMetadata,
  ExecuteStatementCommandOutput,
  Field,
  SqlParameter,
} from "@aws-sdk/client-rds-data";
import { QueryError } from "../errors.ts";
import type { SqlParams, SqlRow } from "../sql/port.ts";

// The Data API's typed fields ↔ the SqlPort's values. Rows come back as PostgreSQL's text output
// prints them, so that the Data API and the pg adapter give equal rows.

/**
 * Parameters: strings → stringValue (no type hint: the collector casts, e.g. `:id::uuid`),
 * integers → longValue, other numbers → doubleValue, booleans → booleanValue, null → isNull.
 */
export function toSqlParameters(params: SqlParams | undefined): SqlParameter[] {
  if (params === undefined) return [];
  return Object.entries(params).map(([name, value]): SqlParameter => {
    if (value === null) return { name, value: { isNull: true } };
    if (typeof value === "string") return { name, value: { stringValue: value } };
    if (typeof value === "boolean") return { name, value: { booleanValue: value } };
    if (Number.isSafeInteger(value)) return { name, value: { longValue: value } };
    if (Number.isInteger(value)) {
      throw new QueryError(
        `SQL parameter :${name} is an integer beyond 2^53; pass it as a string and cast it in SQL.`,
      );
    }
    return { name, value: { doubleValue: value } };
  });
}

/** The records of one ExecuteStatement as rows of text, named by the column metadata. */
export function toRows(output: ExecuteStatementCommandOutput, target: string): SqlRow[] {
  const records = output.records ?? [];
  if (records.length === 0) return [];
  const columns = output.columnMetadata;
  if (columns === undefined) throw new QueryError(`The Data API answered ${target} without column metadata.`);
  const names = columns.map((column: ColumnMetadata, i) => column.label ?? column.name ?? `?column?${i}`);
  const singlePrecision = columns.map(
    (column) => column.typeName === "float4" || column.typeName === "_float4",
  );
  return records.map((record) => {
    const row: SqlRow = {};
    record.forEach((field, i) => {
      row[names[i] ?? `?column?${i}`] = toPgText(field, singlePrecision[i] === true);
    });
    return row;
  });
}

/** A Field as PostgreSQL's text output prints the value (what the pg adapter returns). */
function toPgText(field: Field, singlePrecision: boolean): string | null {
  if (field.isNull === true) return null;
  if (field.stringValue !== undefined) return field.stringValue;
  if (field.booleanValue !== undefined) return field.booleanValue ? "t" : "f";
  if (field.longValue !== undefined) return String(field.longValue);
  if (field.doubleValue !== undefined) return formatFloat(field.doubleValue, singlePrecision);
  if (field.blobValue !== undefined) return `\\x${Buffer.from(field.blobValue).toString("hex")}`;
  if (field.arrayValue !== undefined) return formatArray(field.arrayValue, singlePrecision);
  return null;
}

type ArrayItem = string | number | boolean | null | undefined | ArrayItem[];

function formatArray(array: NonNullable<Field["arrayValue"]>, singlePrecision: boolean): string {
  const items: ArrayItem[] =
    array.arrayValues?.map((nested) => (nested === null ? null : [formatArray(nested, singlePrecision)])) ??
    array.stringValues ??
    array.longValues ??
    array.doubleValues ??
    array.booleanValues ??
    [];
  const element = (item: ArrayItem): string => {
    if (item === null || item === undefined) return "NULL";
    if (Array.isArray(item)) return String(item[0]);
    if (typeof item === "boolean") return item ? "t" : "f";
    if (typeof item === "number")
      return array.doubleValues === undefined ? String(item) : formatFloat(item, singlePrecision);
    return /^$|[{},"\\\s]|^NULL$/i.test(item) ? `"${item.replace(/["\\]/g, "\\$&")}"` : item;
  };
  return `{${items.map(element).join(",")}}`;
}

/**
 * A float as PostgreSQL ≥ 12 prints it: shortest round-trip digits, in exponent form from 1e15
 * (float8; 1e6 for float4) and below 1e-4, with at least two exponent digits.
 */
function formatFloat(value: number, singlePrecision: boolean): string {
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "Infinity" : "-Infinity";
  const abs = Math.abs(value);
  if (abs !== 0 && (abs >= (singlePrecision ? 1e6 : 1e15) || abs < 1e-4)) {
    return value.toExponential().replace(/e([+-])(\d)$/, "e$10$2");
  }
  return String(value);
}
