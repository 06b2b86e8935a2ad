import { describe, expect, it } from "vitest";
import {
  compileDiscreteRules,
  parseDiscreteRules,
  validateDiscreteRules,
} from "#lib/details/discrete-rules.ts";
import { BadParameterError } from "#lib/errors.ts";

function errorOf(run: () => unknown): BadParameterError {
  try {
    run();
  } catch (error) {
    if (error instanceof BadParameterError) return error;
    throw error;
  }
  throw new Error("expected a BadParameterError");
}

describe("parseDiscreteRules", () => {
  it("reads an array of rules and a KLCR input file's discrete array", () => {
    const rules = [{ find: "foo|bar", replace_with: "car" }];
    expect(parseDiscreteRules(JSON.stringify(rules))).toEqual(rules);
    const klcr = { environments: [{ environment: "prod", admin_api: "https://x:8001" }], discrete: rules };
    expect(parseDiscreteRules(JSON.stringify(klcr))).toEqual(rules);
    expect(parseDiscreteRules("[]")).toEqual([]);
  });

  it("names the bad rule and the parameter", () => {
    const bad = errorOf(() =>
      parseDiscreteRules(
        JSON.stringify([
          { find: "ok", replace_with: "" },
          { find: "(", replace_with: "x" },
        ]),
        "rules",
      ),
    );
    expect(bad.parameter).toBe("rules");
    expect(bad.status).toBe(400);
    expect(bad.message).toMatch(/^rules rule #2: "find" "\(" is not a valid regular expression \(/);

    expect(errorOf(() => parseDiscreteRules("{nope")).message).toMatch(
      /^discrete-rules is not valid JSON \(/,
    );
    expect(errorOf(() => parseDiscreteRules('{"find": "a"}')).message).toContain("must be a JSON array");
    expect(errorOf(() => parseDiscreteRules('["a"]')).message).toBe(
      'discrete-rules rule #1 must be an object {"find": "<regex>", "replace_with": "<text>"}.',
    );
    expect(errorOf(() => parseDiscreteRules('[{"find": "", "replace_with": "x"}]')).message).toBe(
      'discrete-rules rule #1: "find" must be a non-empty string (a regular expression).',
    );
    expect(errorOf(() => parseDiscreteRules('[{"find": "a"}]')).message).toBe(
      'discrete-rules rule #1: "replace_with" must be a string (it may be empty).',
    );
    expect(
      errorOf(() => parseDiscreteRules('[{"find": "a", "replace_with": "b", "master": "c"}]')).message,
    ).toBe('discrete-rules rule #1 has unknown key(s) "master"; only "find" and "replace_with" are allowed.');
    const many = Array.from({ length: 101 }, () => ({ find: "a", replace_with: "b" }));
    expect(errorOf(() => validateDiscreteRules(many)).message).toBe(
      "discrete-rules has 101 rules; at most 100 are allowed.",
    );
  });

  it("accepts the limits themselves: 100 rules, a 1000-character pattern", () => {
    const hundred = Array.from({ length: 100 }, (_, i) => ({ find: `a${i}`, replace_with: "b" }));
    expect(validateDiscreteRules(hundred)).toHaveLength(100);
    const longest = "x".repeat(1000);
    expect(validateDiscreteRules([{ find: longest, replace_with: "" }])).toEqual([
      { find: longest, replace_with: "" },
    ]);
    expect(errorOf(() => validateDiscreteRules([{ find: `${longest}x`, replace_with: "" }])).message).toBe(
      'discrete-rules rule #1: "find" is longer than 1000 characters.',
    );
  });

  it("says exactly what the top level must be, and reads `discrete` only from an object", () => {
    const topLevel =
      'discrete-rules must be a JSON array of {"find": "<regex>", "replace_with": "<text>"} (or a KLCR file with a "discrete" array).';
    expect(errorOf(() => parseDiscreteRules('{"find": "a"}')).message).toBe(topLevel);
    // A string that happens to contain the word is not a KLCR file.
    expect(errorOf(() => validateDiscreteRules("discrete")).message).toBe(topLevel);
    expect(errorOf(() => validateDiscreteRules({ discrete: "a" })).message).toBe(topLevel);
    expect(validateDiscreteRules({ discrete: [] })).toEqual([]);
    expect(
      errorOf(() => validateDiscreteRules([{ find: "a", replace_with: "", master: 1, slave: 2 }])).message,
    ).toBe(
      'discrete-rules rule #1 has unknown key(s) "master", "slave"; only "find" and "replace_with" are allowed.',
    );
    // a number as "find" is not a pattern
    expect(errorOf(() => validateDiscreteRules([{ find: 7, replace_with: "" }])).message).toBe(
      'discrete-rules rule #1: "find" must be a non-empty string (a regular expression).',
    );
    expect(errorOf(() => validateDiscreteRules([null], "rules")).message).toBe(
      'rules rule #1 must be an object {"find": "<regex>", "replace_with": "<text>"}.',
    );
  });
});

describe("compileDiscreteRules", () => {
  it("applies every rule in order, globally, with literal replacement text", () => {
    const rules = compileDiscreteRules([
      { find: "dev|stage|qa", replace_with: "prod" },
      { find: "\\.svc\\.cluster\\.local", replace_with: "" },
      { find: "(prod)", replace_with: "$1$&" },
    ]);
    // dev→prod and qa→prod, then the suffix goes, then each "prod" becomes the literal text "$1$&".
    expect(rules.apply("http://api.dev.svc.cluster.local:80/qa")).toBe("http://api.$1$&:80/$1$&");
    expect(rules.apply("grpc://grpcbin:9000null")).toBe("grpc://grpcbin:9000null");
  });

  it("is stateless between keys (global regexes keep no lastIndex)", () => {
    const rules = compileDiscreteRules([{ find: "a", replace_with: "b" }]);
    expect([rules.apply("aaa"), rules.apply("aaa"), rules.apply("xa")]).toEqual(["bbb", "bbb", "xb"]);
  });
});
