import { describe, expect, it } from "vitest";
import { BadParameterError } from "#lib/errors.ts";
import { parseContract } from "#lib/usage/contract.ts";
import { evaluateContract, lineStatus, linesReaching } from "#lib/usage/contract-lines.ts";

function errorOf(run: () => unknown): BadParameterError {
  try {
    run();
  } catch (error) {
    if (error instanceof BadParameterError) return error;
    throw error;
  }
  throw new Error("expected a BadParameterError");
}

const ISSUE_EXAMPLE = {
  name: "ACME-2026",
  term: { start: "2026-01", end: "2026-12" },
  limits: {
    gateway_services: 25,
    discrete_services: 20,
    api_requests_per_month: 5000000,
    api_requests_per_term: 40000000,
    ai_model_hours_per_month: 200,
  },
  warn_at_percent: 80,
};

describe("parseContract", () => {
  it("reads the issue's example whole, and a BOM-prefixed file with any subset of limits", () => {
    expect(parseContract(JSON.stringify(ISSUE_EXAMPLE), "--contract")).toStrictEqual(ISSUE_EXAMPLE);
    expect(
      parseContract(`\uFEFF{"name": "small", "limits": {"gateway_services": 3}}`, "--contract"),
    ).toStrictEqual({
      name: "small",
      limits: { gateway_services: 3 },
      warn_at_percent: 80, // the default
    });
  });

  it("refuses an unknown key anywhere, by its path, with what is allowed (exit 2)", () => {
    const top = errorOf(() => parseContract('{"name": "x", "limits": {}, "limit": {}}', "--contract"));
    expect(top.exitCode).toBe(2);
    expect(top.parameter).toBe("--contract");
    expect(top.message).toBe(
      '--contract: unknown key "limit"; allowed: name, term, limits, warn_at_percent.',
    );
    expect(
      errorOf(() => parseContract('{"name": "x", "limits": {"gateway_service": 1}}', "--contract")).message,
    ).toBe(
      '--contract: unknown key "limits.gateway_service"; allowed: limits.gateway_services, limits.discrete_services, limits.api_requests_per_month, limits.api_requests_per_term, limits.ai_model_hours_per_month.',
    );
    expect(
      errorOf(() =>
        parseContract(
          '{"name": "x", "limits": {}, "term": {"start": "2026-01", "end": "2026-02", "x": 1}}',
          "C",
        ),
      ).message,
    ).toBe('C: unknown key "term.x"; allowed: term.start, term.end.');
  });

  it("refuses a negative, fractional, zero or textual limit naming the key", () => {
    for (const bad of ["-1", "2.5", "0", '"25"']) {
      expect(
        errorOf(() => parseContract(`{"name": "x", "limits": {"discrete_services": ${bad}}}`, "--contract"))
          .message,
      ).toMatch(/^--contract: "limits\.discrete_services" must be a whole number of at least 1 \(got /);
    }
  });

  it("says what a limit was instead of a whole number, without quoting it", () => {
    const got = (limit: string) =>
      errorOf(() => parseContract(`{"name": "x", "limits": {"gateway_services": ${limit}}}`, "--contract"))
        .message;

    expect(got("null")).toBe(
      '--contract: "limits.gateway_services" must be a whole number of at least 1 (got null).',
    );
    expect(got("[25]")).toMatch(/\(got an array\)\.$/);
    expect(got('{"max": 25}')).toMatch(/\(got object\)\.$/);
    expect(got("true")).toMatch(/\(got boolean\)\.$/);
    expect(got('"twenty-five"')).toMatch(/\(got a string\)\.$/);
    expect(got("2.5")).toMatch(/\(got 2\.5\)\.$/);
    // The largest whole number JSON keeps exactly is taken; one past it is not.
    expect(got("9007199254740992")).toMatch(/\(got 9007199254740992\)\.$/);
    expect(
      parseContract('{"name": "x", "limits": {"gateway_services": 9007199254740991}}', "--contract").limits,
    ).toStrictEqual({ gateway_services: 9007199254740991 });
    // 1 is the smallest limit.
    expect(
      parseContract('{"name": "x", "limits": {"gateway_services": 1}}', "--contract").limits,
    ).toStrictEqual({
      gateway_services: 1,
    });
  });

  it("refuses a term that is not an object of two months", () => {
    const term = (value: string) =>
      errorOf(() => parseContract(`{"name": "x", "limits": {}, "term": ${value}}`, "--contract")).message;

    for (const value of ['"2026"', "[]", "null"]) {
      expect(term(value)).toBe(
        '--contract: "term" must be an object {"start": "YYYY-MM", "end": "YYYY-MM"}.',
      );
    }
    expect(term('{"start": 202601, "end": "2026-12"}')).toBe(
      '--contract: "term.start" must be a month "YYYY-MM".',
    );
    expect(term('{"start": "2026-01"}')).toBe('--contract: "term.end" must be a month "YYYY-MM".');
    // A one-month term is a term.
    expect(
      parseContract(
        '{"name": "x", "limits": {}, "term": {"start": "2026-01", "end": "2026-01"}}',
        "--contract",
      ).term,
    ).toStrictEqual({ start: "2026-01", end: "2026-01" });
  });

  it("takes a name of up to 200 characters and a warning level up to 100 %, fractions too", () => {
    const name = "n".repeat(200);
    expect(parseContract(JSON.stringify({ name, limits: {}, warn_at_percent: 100 }), "C")).toStrictEqual({
      name,
      limits: {},
      warn_at_percent: 100,
    });
    expect(parseContract('{"name": "x", "limits": {}, "warn_at_percent": 0.5}', "C").warn_at_percent).toBe(
      0.5,
    );
    expect(errorOf(() => parseContract(JSON.stringify({ name: `${name}n`, limits: {} }), "C")).message).toBe(
      'C: "name" must be a non-empty string of at most 200 characters.',
    );
    expect(errorOf(() => parseContract('{"name": "  ", "limits": {}}', "C")).message).toBe(
      'C: "name" must be a non-empty string of at most 200 characters.',
    );
  });

  it("refuses an end before the start, a month that is not YYYY-MM, and a term limit without a term", () => {
    expect(
      errorOf(() =>
        parseContract(
          '{"name": "x", "limits": {}, "term": {"start": "2026-05", "end": "2026-04"}}',
          "--contract",
        ),
      ).message,
    ).toBe('--contract: "term.end" (2026-04) is before "term.start" (2026-05).');
    expect(
      errorOf(() =>
        parseContract(
          '{"name": "x", "limits": {}, "term": {"start": "2026-13", "end": "2026-12"}}',
          "--contract",
        ),
      ).parameter,
    ).toBe("--contract term.start");
    expect(
      errorOf(() => parseContract('{"name": "x", "limits": {"api_requests_per_term": 5}}', "--contract"))
        .message,
    ).toBe(
      '--contract: "limits.api_requests_per_term" needs a "term" {"start": "YYYY-MM", "end": "YYYY-MM"}: the months it adds up.',
    );
  });

  it("refuses a missing name or limits, a bad warn_at_percent, and text that is not JSON", () => {
    expect(errorOf(() => parseContract('{"limits": {}}', "--contract")).message).toBe(
      '--contract: "name" must be a non-empty string of at most 200 characters.',
    );
    expect(errorOf(() => parseContract('{"name": "x"}', "--contract")).message).toMatch(
      /^--contract: "limits" must be an object with any of gateway_services, /,
    );
    for (const warn of ["0", "101", '"80"']) {
      expect(
        errorOf(() => parseContract(`{"name": "x", "limits": {}, "warn_at_percent": ${warn}}`, "--contract"))
          .message,
      ).toBe('--contract: "warn_at_percent" must be a number above 0 and at most 100 (default 80).');
    }
    expect(errorOf(() => parseContract("[1]", "--contract")).message).toMatch(/must be a JSON object/);
    expect(errorOf(() => parseContract("{nope", "--contract")).message).toMatch(
      /^--contract: the contract file is not valid JSON \(/,
    );
    expect(errorOf(() => parseContract("[".repeat(70), "--contract")).message).toMatch(/levels deep/);
  });
});

describe("contract lines", () => {
  it("is over above the limit, warn at or above warn_at_percent, ok below, unknown without a measure", () => {
    expect(lineStatus(26, 25, 80)).toBe("over"); // 26 > 25
    expect(lineStatus(25, 25, 80)).toBe("warn"); // at the limit is not above it
    expect(lineStatus(20, 25, 80)).toBe("warn"); // 20 × 100 = 2000 ≥ 80 × 25 = 2000
    expect(lineStatus(19, 25, 80)).toBe("ok"); // 1900 < 2000
    expect(lineStatus(null, 25, 80)).toBe("unknown");
    // 79.96 % rounds to 80.0 in `percent`, but the status compares exactly: ok.
    expect(lineStatus(7996, 10000, 80)).toBe("ok");
  });

  it("writes one line per limit in the documented order, percent to one decimal", () => {
    const usage = evaluateContract(
      { name: "C", limits: { ai_model_hours_per_month: 3, gateway_services: 6 }, warn_at_percent: 50 },
      {
        gateway_services: 4,
        discrete_services: 3,
        api_requests_month: 10,
        api_requests_term: null,
        ai_model_hours_month: null,
      },
    );
    expect(usage).toStrictEqual({
      name: "C",
      term: null,
      warn_at_percent: 50,
      lines: [
        // 4 / 6 = 66.666… % → 66.7; 4 × 100 ≥ 50 × 6 → warn
        { unit: "gateway_services", limit: 6, used: 4, percent: 66.7, status: "warn" },
        { unit: "ai_model_hours_per_month", limit: 3, used: null, percent: null, status: "unknown" },
      ],
    });
    expect(linesReaching(usage, "warn").map((line) => line.unit)).toStrictEqual(["gateway_services"]);
    expect(linesReaching(usage, "over")).toStrictEqual([]);
    expect(linesReaching(null, "warn")).toStrictEqual([]);
  });
});
