import aslValidator from "asl-validator";
import { describe, expect, it } from "vitest";
import { FUNCTION_ARNS, readAslText, readDefinition } from "../../local/step-functions.ts";

// The one ASL file (infra/estate-state-machine.asl.json), checked by asl-validator as written and as
// deployed (placeholders filled), plus the properties the estate relies on.

type State = Record<string, unknown>;

describe("estate state machine definition", () => {
  it("is valid Amazon States Language, with its paths and ARNs checked", () => {
    // Act
    const result = aslValidator(readDefinition() as never, { checkPaths: true, checkArn: true });

    // Assess
    expect(result.errorsText("\n")).toBe("");
    expect(result.isValid).toBe(true);
  });

  it("has exactly the placeholders the template substitutes", () => {
    const placeholders = [...readAslText().matchAll(/\$\{([A-Za-z0-9]+)\}/g)].map((match) => match[1]);
    expect([...new Set(placeholders)].sort()).toEqual(Object.keys(FUNCTION_ARNS).sort());
  });

  it("is refused by the validator when a state is broken (the check can fail)", () => {
    const definition = readDefinition() as { States: Record<string, State> };
    const broken = structuredClone(definition);
    (broken.States.PlanEstate as State).Next = "NoSuchState";

    const result = aslValidator(broken as never);

    expect(result.isValid).toBe(false);
    expect(result.errorsText("\n")).toMatch(/NoSuchState/);
  });

  it("maps the collector with Retry on Lambda service errors and a resuming cluster, and Catch on everything", () => {
    const { States } = readDefinition() as { States: Record<string, State> };
    const map = States.CollectEnvironments as State & { ItemProcessor: { States: Record<string, State> } };
    expect(map).toMatchObject({
      Type: "Map",
      ItemsPath: "$.environments",
      MaxConcurrencyPath: "$.concurrency",
    });
    const collect = map.ItemProcessor.States.CollectEnvironment as State & {
      Retry: { ErrorEquals: string[] }[];
      Catch: { ErrorEquals: string[]; Next: string }[];
    };
    expect(collect.Resource).toBe("arn:aws:states:::lambda:invoke");
    expect(collect.Parameters).toEqual({
      FunctionName: FUNCTION_ARNS.EstateCollectFunctionArn,
      "Payload.$": "$",
    });
    const retried = collect.Retry.flatMap((retry) => retry.ErrorEquals);
    expect(retried).toEqual(
      expect.arrayContaining([
        "Lambda.ServiceException",
        "Lambda.TooManyRequestsException",
        "DatabaseResumingError",
      ]),
    );
    expect(retried).not.toContain("States.ALL");
    expect(collect.Catch).toEqual([
      expect.objectContaining({ ErrorEquals: ["States.ALL"], Next: "RecordFailure" }),
    ]);
    // The plan and the aggregate step run on the other function, and only names and keys travel.
    for (const name of ["PlanEstate", "BuildEstate"]) {
      expect((States[name] as { Parameters: { FunctionName: string } }).Parameters.FunctionName).toBe(
        FUNCTION_ARNS.EstateAggregateFunctionArn,
      );
    }
  });
});
