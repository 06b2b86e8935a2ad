/**
 * PostgreSQL types as the RDS Data API sees them: which `Field` member carries a value, the JDBC
 * `java.sql.Types` code and type name reported in `columnMetadata`, and the text formats it returns.
 */

/** How a column's values travel in a `Field`. */
export type ValueKind =
  | "bool"
  | "long"
  | "double"
  | "decimal"
  | "string"
  | "blob"
  | "date"
  | "time"
  | "timestamp"
  | "timestamptz"
  | "bit";

export type TypeInfo =
  | { readonly oid: number; readonly name: string; readonly jdbc: number; readonly kind: ValueKind }
  | {
      readonly oid: number;
      readonly name: string;
      readonly jdbc: number;
      readonly kind: "array";
      readonly element: TypeInfo;
    };

/** One `pg_type` row, for types the built-in table does not know (enums, domains, their arrays). */
export interface PgTypeRow {
  readonly oid: number;
  readonly typname: string;
  readonly typelem: number;
  readonly typcategory: string;
  readonly typtype: string;
  readonly typbasetype: number;
}

// java.sql.Types codes, as pgjdbc reports them.
const JDBC = {
  bit: -7,
  bigint: -5,
  binary: -2,
  char: 1,
  numeric: 2,
  integer: 4,
  smallint: 5,
  real: 7,
  double: 8,
  varchar: 12,
  date: 91,
  time: 92,
  timestamp: 93,
  other: 1111,
  sqlxml: 2009,
  array: 2003,
} as const;

const scalars: ReadonlyArray<readonly [number, string, number, ValueKind]> = [
  [16, "bool", JDBC.bit, "bool"],
  [17, "bytea", JDBC.binary, "blob"],
  [18, "char", JDBC.char, "string"],
  [19, "name", JDBC.varchar, "string"],
  [20, "int8", JDBC.bigint, "long"],
  [21, "int2", JDBC.smallint, "long"],
  [23, "int4", JDBC.integer, "long"],
  [25, "text", JDBC.varchar, "string"],
  [26, "oid", JDBC.bigint, "long"],
  [114, "json", JDBC.other, "string"],
  [142, "xml", JDBC.sqlxml, "string"],
  [700, "float4", JDBC.real, "double"],
  [701, "float8", JDBC.double, "double"],
  [1042, "bpchar", JDBC.char, "string"],
  [1043, "varchar", JDBC.varchar, "string"],
  [1082, "date", JDBC.date, "date"],
  [1083, "time", JDBC.time, "time"],
  [1114, "timestamp", JDBC.timestamp, "timestamp"],
  [1184, "timestamptz", JDBC.timestamp, "timestamptz"],
  [1186, "interval", JDBC.other, "string"],
  [1266, "timetz", JDBC.time, "string"],
  [1560, "bit", JDBC.bit, "bit"],
  [1700, "numeric", JDBC.numeric, "decimal"],
  [2950, "uuid", JDBC.other, "string"],
  [3802, "jsonb", JDBC.other, "string"],
];

// Array type OID → element type OID.
const arrays: ReadonlyArray<readonly [number, number]> = [
  [1000, 16],
  [1001, 17],
  [1003, 19],
  [1005, 21],
  [1007, 23],
  [1009, 25],
  [1014, 1042],
  [1015, 1043],
  [1016, 20],
  [1021, 700],
  [1022, 701],
  [1028, 26],
  [1115, 1114],
  [1182, 1082],
  [1183, 1083],
  [1185, 1184],
  [1231, 1700],
  [199, 114],
  [2951, 2950],
  [3807, 3802],
];

const builtIn = new Map<number, TypeInfo>();
for (const [oid, name, jdbc, kind] of scalars) builtIn.set(oid, { oid, name, jdbc, kind });
for (const [oid, elementOid] of arrays) {
  const element = builtIn.get(elementOid) as TypeInfo;
  builtIn.set(oid, { oid, name: `_${element.name}`, jdbc: JDBC.array, kind: "array", element });
}

/** Array element types the real Data API refuses to return (strict mode). */
export const UNSUPPORTED_ARRAY_ELEMENTS: ReadonlySet<string> = new Set(["uuid", "json", "jsonb"]);

/** The type of a result column, when it is one of the common built-in types. */
export function findBuiltInType(oid: number): TypeInfo | undefined {
  return builtIn.get(oid);
}

/**
 * Resolves types from `pg_type` rows: domains take their base type's mapping, arrays their element's,
 * enums and everything unknown travel as strings. Returns undefined while a referenced OID is missing.
 */
export function resolveType(oid: number, rows: ReadonlyMap<number, PgTypeRow>): TypeInfo | undefined {
  const known = builtIn.get(oid);
  if (known !== undefined) return known;
  const row = rows.get(oid);
  if (row === undefined) return undefined;
  if (row.typtype === "d") {
    const base = resolveType(row.typbasetype, rows);
    return base === undefined ? undefined : { ...base, oid, name: row.typname };
  }
  if (row.typcategory === "A" && row.typelem !== 0) {
    const element = resolveType(row.typelem, rows);
    return element === undefined
      ? undefined
      : { oid, name: row.typname, jdbc: JDBC.array, kind: "array", element };
  }
  if (row.typcategory === "B") return { oid, name: row.typname, jdbc: JDBC.bit, kind: "bool" };
  return {
    oid,
    name: row.typname,
    jdbc: row.typcategory === "E" ? JDBC.varchar : JDBC.other,
    kind: "string",
  };
}

/** OIDs a set of `pg_type` rows refers to but does not contain (element and base types). */
export function missingReferences(rows: ReadonlyMap<number, PgTypeRow>): number[] {
  const missing = new Set<number>();
  for (const row of rows.values()) {
    for (const ref of [row.typelem, row.typbasetype]) {
      if (ref !== 0 && !builtIn.has(ref) && !rows.has(ref)) missing.add(ref);
    }
  }
  return [...missing];
}

/** Display precision JDBC reports for a type (approximate for variable-length types). */
export function precisionOf(type: TypeInfo): number {
  switch (type.name) {
    case "int2":
      return 5;
    case "int4":
      return 10;
    case "int8":
    case "oid":
      return 19;
    case "float4":
      return 8;
    case "float8":
      return 17;
    case "bool":
    case "bit":
      return 1;
    case "date":
      return 13;
    case "time":
      return 15;
    case "timestamp":
    case "timestamptz":
      return 29;
    case "numeric":
      return 0;
    default:
      return 2147483647;
  }
}

/**
 * Formats date/time text the way the Data API returns it: `YYYY-MM-DD HH:MM:SS[.FFF]`, fraction cut
 * to milliseconds, and `timestamptz` without its offset (the session runs in UTC).
 */
export function formatDateTime(kind: "date" | "time" | "timestamp" | "timestamptz", text: string): string {
  if (kind === "date") return text;
  const withoutOffset = kind === "timestamptz" ? text.replace(/[+-]\d\d(?::\d\d){0,2}(?= BC$|$)/, "") : text;
  return withoutOffset.replace(/(\.\d{1,3})\d*/, "$1");
}

/** The elements of PostgreSQL's text form of an array, e.g. `{a,"b c",NULL}`; nested arrays nest. */
export type ParsedArray = Array<string | null | ParsedArray>;

export function parseArrayLiteral(text: string): ParsedArray {
  // Arrays with explicit bounds start with "[1:2]={...}".
  let i = text.startsWith("[") ? text.indexOf("=") + 1 : 0;
  const parseLevel = (): ParsedArray => {
    const out: ParsedArray = [];
    i += 1; // "{"
    while (i < text.length) {
      const ch = text[i];
      if (ch === "}") {
        i += 1;
        return out;
      }
      if (ch === ",") {
        i += 1;
      } else if (ch === "{") {
        out.push(parseLevel());
      } else if (ch === '"') {
        let value = "";
        i += 1;
        while (i < text.length && text[i] !== '"') {
          if (text[i] === "\\") i += 1;
          value += text[i] ?? "";
          i += 1;
        }
        i += 1;
        out.push(value);
      } else {
        let end = i;
        while (end < text.length && text[end] !== "," && text[end] !== "}") end += 1;
        const raw = text.slice(i, end).trim();
        out.push(raw === "NULL" ? null : raw);
        i = end;
      }
    }
    return out;
  };
  return parseLevel();
}

/** Whether a parsed array holds arrays (a multidimensional PostgreSQL array). */
export function isMultidimensional(value: ParsedArray): boolean {
  return value.some((item) => Array.isArray(item));
}
