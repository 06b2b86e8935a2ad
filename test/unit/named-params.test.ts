import { describe, expect, it } from "vitest";
import { toPositional } from "#lib/sql/named-params.ts";

describe("Function: toPositional", () => {
  it("numbers each name once, in order of first use", () => {
    const { text, values } = toPositional("SELECT :a, :b, :a", { a: 1, b: "x" });
    expect(text).toBe("SELECT $1, $2, $1");
    expect(values).toEqual([1, "x"]);
  });

  it("leaves casts, strings, identifiers, comments and dollar quotes alone", () => {
    const sql = `SELECT x::text, ':no', ":no", $tag$ :no $tag$ -- :no
      /* :no */ FROM t WHERE y = :yes AND z LIKE '$ke$1$%'`;
    const { text, values } = toPositional(sql, { yes: true });
    expect(text).toContain("y = $1");
    expect(text).toContain("x::text");
    expect(text).toContain("'$ke$1$%'");
    expect(text.replace("'$ke$1$%'", "").match(/\$1/g)).toHaveLength(1);
    expect(values).toEqual([true]);
  });

  it("fails on a placeholder without a value", () => {
    expect(() => toPositional("SELECT :missing", {})).toThrow(/:missing has no value/);
  });
});
