import type { SqlParams, SqlValue } from "./port.ts";

export interface PositionalQuery {
  readonly text: string;
  readonly values: SqlValue[];
}

/**
 * Rewrites `:name` placeholders to `$1..$n` for drivers that only speak positional parameters.
 * Skips quoted strings, quoted identifiers, comments, dollar-quoted bodies and `::type` casts.
 */
export function toPositional(sql: string, params: SqlParams = {}): PositionalQuery {
  const order = new Map<string, number>();
  const values: SqlValue[] = [];
  let out = "";
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i] as string;
    const next = sql[i + 1];
    if (ch === "'" || ch === '"') {
      const end = findClosingQuote(sql, i, ch);
      out += sql.slice(i, end);
      i = end;
    } else if (ch === "-" && next === "-") {
      const end = sql.indexOf("\n", i);
      const stop = end === -1 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop;
    } else if (ch === "/" && next === "*") {
      const end = sql.indexOf("*/", i + 2);
      const stop = end === -1 ? sql.length : end + 2;
      out += sql.slice(i, stop);
      i = stop;
    } else if (ch === "$" && /^\$[A-Za-z_]*\$/.test(sql.slice(i))) {
      const tag = (/^\$[A-Za-z_]*\$/.exec(sql.slice(i)) as RegExpExecArray)[0];
      const end = sql.indexOf(tag, i + tag.length);
      const stop = end === -1 ? sql.length : end + tag.length;
      out += sql.slice(i, stop);
      i = stop;
    } else if (ch === ":" && next === ":") {
      out += "::";
      i += 2;
    } else if (ch === ":" && next !== undefined && /[A-Za-z_]/.test(next)) {
      const name = (/^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i + 1)) as RegExpExecArray)[0];
      if (!Object.hasOwn(params, name)) {
        throw new Error(`SQL parameter :${name} has no value`);
      }
      let position = order.get(name);
      if (position === undefined) {
        values.push(params[name] as SqlValue);
        position = values.length;
        order.set(name, position);
      }
      out += `$${position}`;
      i += name.length + 1;
    } else {
      out += ch;
      i += 1;
    }
  }
  return { text: out, values };
}

function findClosingQuote(sql: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < sql.length) {
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i += 1;
  }
  return sql.length;
}
