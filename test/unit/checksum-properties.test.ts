import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { computeChecksum, type JsonValue, serializeInspect } from "#lib/report/checksum.ts";

/**
 * Invariants of the inspect 3.1.3 serialisation that need no Lua: the real-Lua vectors pin exact
 * bytes (checksum.test.ts); these check that whatever a report can hold keeps the same rules.
 * Numbers are integers below 1e14, which LuaJIT's %.14g prints exactly, so the text parses back.
 */

// Seeded so a failure reproduces; fast-check prints the counterexample and the seed.
const runs = { seed: 20261129, numRuns: 300 } as const;

const text = fc.string({ unit: "binary", maxLength: 12 });
const key = fc.oneof(
  text,
  fc.constantFrom(
    "end",
    "nil",
    "and",
    "aws-lambda",
    "_x",
    "Zed",
    "1st",
    "é",
    "ｚ",
    "🚀",
    "\u007f",
    "a\u0000",
  ),
);
const scalar = fc.oneof(
  text,
  fc.integer({ min: 0, max: 99_999_999_999_999 }),
  fc.boolean(),
  fc.constant(null),
);
const { value: jsonValue } = fc.letrec<{ value: JsonValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    scalar,
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(key, tie("value"), { maxKeys: 5 }),
  ),
}));
const report = fc.dictionary(key, jsonValue, { maxKeys: 8 });

describe("Function: serializeInspect (properties)", () => {
  it("orders the keys of every table bytewise (UTF-8), as LuaJIT's string < does", () => {
    fc.assert(
      fc.property(report, (value) => {
        const parsed = parseInspect(serializeInspect(value));
        for (const keys of parsed.keyLists) {
          const sorted = [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
          expect(keys).toEqual(sorted);
        }
      }),
      runs,
    );
  });

  it("parses back to the value it serialised (an empty array reads back as an empty table)", () => {
    fc.assert(
      fc.property(report, (value) => {
        expect(parseInspect(serializeInspect(value)).value).toEqual(normalise(value));
      }),
      runs,
    );
  });

  it("does not depend on the order the keys were inserted in", () => {
    fc.assert(
      fc.property(report, (value) => {
        const reversed = Object.fromEntries(Object.entries(value).reverse());
        expect(serializeInspect(reversed)).toBe(serializeInspect(value));
      }),
      runs,
    );
  });

  it("writes no raw control byte except the layout's newlines, indented two spaces per level", () => {
    fc.assert(
      fc.property(report, (value) => {
        const output = serializeInspect(value);
        // biome-ignore lint/suspicious/noControlCharactersInRegex: the point is that none appear
        expect(output).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/);
        for (const line of output.split("\n")) {
          const indent = /^ */.exec(line)?.[0].length ?? 0;
          expect(indent % 2).toBe(0);
        }
      }),
      runs,
    );
  });

  it("hashes the serialisation without the top-level checksum key, in lowercase hex", () => {
    fc.assert(
      fc.property(report, fc.string(), (value, stale) => {
        const { checksum: _dropped, ...content } = value;
        const expected = createHash("sha1").update(serializeInspect(content), "utf8").digest("hex");
        expect(computeChecksum({ ...value, checksum: stale })).toBe(expected);
        expect(expected).toMatch(/^[0-9a-f]{40}$/);
      }),
      runs,
    );
  });
});

/** Empty arrays and empty objects are the same Lua table `{}`. */
function normalise(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.length === 0 ? {} : value.map(normalise);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalise(v)]));
  }
  return value;
}

/**
 * A reader for the Lua table literals inspect prints from JSON values (strings, integers,
 * booleans, `<userdata 1>` for null, sequences, keyed tables), written from the Lua grammar and
 * independent of the serialiser. It collects each table's keys in printed order.
 */
function parseInspect(source: string): { value: JsonValue; keyLists: string[][] } {
  const bytes = Buffer.from(source, "utf8");
  const keyLists: string[][] = [];
  let at = 0;

  const fail = (what: string): never => {
    throw new Error(`${what} at byte ${at}: ${JSON.stringify(bytes.subarray(at, at + 20).toString())}`);
  };
  const peek = () => bytes[at];
  const skipSpace = () => {
    while (peek() === 0x20 || peek() === 0x0a) at += 1;
  };
  const expectText = (literal: string) => {
    if (bytes.subarray(at, at + literal.length).toString("latin1") !== literal) fail(`expected ${literal}`);
    at += literal.length;
  };

  const readString = (): string => {
    const quote = peek();
    at += 1;
    const out: number[] = [];
    for (;;) {
      const byte = bytes[at];
      if (byte === undefined) return fail("unterminated string");
      if (byte === quote) {
        at += 1;
        return Buffer.from(out).toString("utf8");
      }
      if (byte === 0x5c && quote === 0x22) {
        const next = bytes[at + 1] ?? fail("dangling backslash");
        const named: Record<number, number> = { 97: 7, 98: 8, 116: 9, 110: 10, 118: 11, 102: 12, 114: 13 };
        if (next === 0x5c || next === 0x22) {
          out.push(next);
          at += 2;
        } else if (named[next] !== undefined) {
          out.push(named[next]);
          at += 2;
        } else {
          // \ddd: up to three decimal digits, Lua's rule
          let end = at + 1;
          while (end < at + 4 && (bytes[end] ?? 0) >= 0x30 && (bytes[end] ?? 0) <= 0x39) end += 1;
          if (end === at + 1) fail("unknown escape");
          out.push(Number(bytes.subarray(at + 1, end).toString("latin1")));
          at = end;
        }
      } else {
        out.push(byte);
        at += 1;
      }
    }
  };

  const readValue = (): JsonValue => {
    skipSpace();
    const byte = peek();
    if (byte === 0x7b) return readTable();
    if (byte === 0x22 || byte === 0x27) return readString();
    for (const [word, literal] of [
      ["true", true],
      ["false", false],
      ["<userdata 1>", null],
    ] as const) {
      if (bytes.subarray(at, at + word.length).toString() === word) {
        at += word.length;
        return literal;
      }
    }
    const number = /^-?\d+/.exec(bytes.subarray(at, at + 24).toString("latin1"))?.[0] ?? fail("value");
    at += number.length;
    return Number(number);
  };

  const readKey = (): string => {
    if (peek() === 0x5b) {
      at += 1;
      const key = readString();
      expectText("]");
      return key;
    }
    const name = /^[_A-Za-z][_A-Za-z0-9]*/.exec(bytes.subarray(at, at + 200).toString("latin1"))?.[0];
    if (name === undefined) return fail("key");
    at += name.length;
    return name;
  };

  const readTable = (): JsonValue => {
    expectText("{");
    const sequence: JsonValue[] = [];
    const entries: Array<[string, JsonValue]> = [];
    skipSpace();
    while (peek() !== 0x7d) {
      if (sequence.length + entries.length > 0) {
        expectText(",");
        skipSpace();
      }
      // A keyed entry is `[string] = ` or `name = `; anything else is a sequence element.
      const name = /^[_A-Za-z][_A-Za-z0-9]*/.exec(bytes.subarray(at, at + 200).toString("latin1"))?.[0];
      const keyed =
        peek() === 0x5b ||
        (name !== undefined && bytes.subarray(at + name.length, at + name.length + 3).toString() === " = ");
      if (keyed) {
        const key = readKey();
        expectText(" = ");
        entries.push([key, readValue()]);
      } else {
        sequence.push(readValue());
      }
      skipSpace();
    }
    at += 1;
    if (sequence.length > 0 && entries.length > 0) fail("mixed table");
    keyLists.push(entries.map(([k]) => k));
    if (sequence.length > 0) return sequence;
    return Object.fromEntries(entries);
  };

  const value = readValue();
  if (at !== bytes.length) fail("trailing text");
  return { value, keyLists };
}
