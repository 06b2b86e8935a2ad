import { describe, expect, it } from "vitest";
import { classifyPlugins, selectTierClassifier } from "#lib/report/plugin-tiers.ts";

describe("Function: selectTierClassifier", () => {
  it("uses the exact list of a known minor", () => {
    const v38 = selectTierClassifier({ major: 3, minor: 8 });
    expect(v38.list).toBe("3.8");
    expect(v38.tierOf("redirect")).toBe("custom"); // free only from 3.9
    expect(v38.tierOf("confluent")).toBe("enterprise");
    expect(selectTierClassifier({ major: 3, minor: 9 }).tierOf("redirect")).toBe("free");
  });

  it("uses the newest list for newer versions and the oldest for older ones", () => {
    expect(selectTierClassifier({ major: 3, minor: 13 }).list).toBe("3.9");
    expect(selectTierClassifier(undefined).list).toBe("3.9");
    expect(selectTierClassifier({ major: 2, minor: 8 }).list).toBe("3.5");
    expect(selectTierClassifier({ major: 3, minor: 5 }).tierOf("ai-proxy")).toBe("custom");
    expect(selectTierClassifier({ major: 3, minor: 6 }).tierOf("ai-proxy")).toBe("free");
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
