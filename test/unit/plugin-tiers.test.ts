import { describe, expect, it } from "vitest";
import tierLists from "#lib/report/plugin-tiers.json" with { type: "json" };
import { classifyPlugins, selectTierClassifier } from "#lib/report/plugin-tiers.ts";

describe("Function: selectTierClassifier", () => {
  it("uses the exact list of a known minor", () => {
    const v38 = selectTierClassifier({ major: 3, minor: 8 });
    expect(v38.list).toBe("3.8");
    expect(v38.tierOf("redirect")).toBe("custom"); // free only from 3.9
    expect(v38.tierOf("confluent")).toBe("enterprise");
    expect(selectTierClassifier({ major: 3, minor: 9 }).tierOf("redirect")).toBe("free");
  });

  it("uses the newest list (3.15) for newer versions and the oldest for older ones", () => {
    expect(selectTierClassifier({ major: 3, minor: 16 }).list).toBe("3.15");
    expect(selectTierClassifier({ major: 4, minor: 0 }).list).toBe("3.15");
    expect(selectTierClassifier(undefined).list).toBe("3.15");
    expect(selectTierClassifier({ major: 2, minor: 8 }).list).toBe("3.5");
    expect(selectTierClassifier({ major: 3, minor: 5 }).tierOf("ai-proxy")).toBe("custom");
    expect(selectTierClassifier({ major: 3, minor: 6 }).tierOf("ai-proxy")).toBe("free");
  });

  it.each(["3.10", "3.11", "3.12", "3.13", "3.14", "3.15"])("has its own list for Kong %s", (minor) => {
    const [major, minorNumber] = minor.split(".").map(Number) as [number, number];
    expect(selectTierClassifier({ major, minor: minorNumber }).list).toBe(minor);
  });

  // The first minor of each Kong-authored plugin new since 3.10 (reference notes on Kong 3.10+, §3.2).
  it.each([
    ["ai-rag-injector", "3.10"],
    ["ai-sanitizer", "3.10"],
    ["confluent-consume", "3.10"],
    ["kafka-consume", "3.10"],
    ["request-callout", "3.10"],
    ["ai-aws-guardrails", "3.11"],
    ["ai-prompt-compressor", "3.11"],
    ["datakit", "3.11"],
    ["solace-upstream", "3.11"],
    ["ace", "3.12"],
    ["ai-gcp-model-armor", "3.12"],
    ["ai-llm-as-judge", "3.12"],
    ["ai-mcp-oauth2", "3.12"],
    ["ai-mcp-proxy", "3.12"],
    ["ai-semantic-response-guard", "3.12"],
    ["solace-consume", "3.12"],
    ["solace-log", "3.12"],
    ["ai-lakera-guard", "3.13"],
    ["ai-a2a-proxy", "3.14"],
    ["ai-custom-guardrail", "3.14"],
    ["metering-and-billing", "3.14"],
  ])("classifies %s as enterprise from Kong %s on and as custom before", (name, first) => {
    const firstMinor = Number(first.split(".")[1]);
    expect(selectTierClassifier({ major: 3, minor: firstMinor }).tierOf(name)).toBe("enterprise");
    expect(selectTierClassifier({ major: 3, minor: 15 }).tierOf(name)).toBe("enterprise");
    expect(selectTierClassifier({ major: 3, minor: firstMinor - 1 }).tierOf(name)).toBe("custom");
  });

  it("keeps the 45 free plugins of 3.9 and grows the enterprise list as Kong published it", () => {
    const versions = (tierLists as { versions: Record<string, { free: string[]; enterprise: string[] }> })
      .versions;
    const counts = Object.fromEntries(
      Object.entries(versions).map(([minor, list]) => [minor, [list.free.length, list.enterprise.length]]),
    );
    expect(counts).toMatchObject({
      "3.9": [45, 48],
      "3.10": [45, 53],
      "3.11": [45, 57],
      "3.12": [45, 65],
      "3.13": [45, 66],
      "3.14": [45, 69],
      "3.15": [45, 69],
    });
  });

  it("classifies app-dynamics as custom, as Kong's lists leave it out", () => {
    expect(selectTierClassifier(undefined).tierOf("app-dynamics")).toBe("custom");
  });
});

describe("Function: classifyPlugins", () => {
  it("puts every name in exactly one tier with its count", () => {
    const tiers = classifyPlugins(
      [
        ["aws-lambda", 4],
        ["kafka-upstream", 4],
        ["my_plugin", 2],
      ],
      selectTierClassifier({ major: 3, minor: 9 }),
    );
    expect(tiers).toEqual({
      free: { "aws-lambda": 4 },
      enterprise: { "kafka-upstream": 4 },
      custom: { my_plugin: 2 },
    });
  });
});

describe("Function: classifyPlugins with names that are also Object.prototype's", () => {
  // Custom plugin names are the user's own: Kong counts a plugin called "constructor" like any other.
  const HOSTILE = ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf"] as const;

  it("counts each under its own name, never an inherited member", () => {
    // Prepare
    const counts = HOSTILE.map((name, index) => [name, index + 1] as const);

    // Act
    const tiers = classifyPlugins([...counts, ["constructor", 10]], selectTierClassifier(undefined));

    // Assess: JSON is what the report holds; 5 names, 11 + 2 + 3 + 4 + 5 rows
    expect(JSON.parse(JSON.stringify(tiers.custom))).toEqual(
      JSON.parse('{"constructor": 11, "__proto__": 2, "toString": 3, "hasOwnProperty": 4, "valueOf": 5}'),
    );
    expect(Object.keys(tiers.custom)).toEqual([...HOSTILE]);
    expect(Object.values(tiers.custom).reduce((sum, n) => sum + n, 0)).toBe(25);
    expect(Object.keys(tiers.free)).toEqual([]);
  });
});
