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

  it("runs a Distributed Map above the inline Map's size: items and results in S3, its own failures tolerated up to 10 %", () => {
    const { States } = readDefinition() as { States: Record<string, State> };
    expect(States.ChooseMap).toEqual({
      Type: "Choice",
      Comment: expect.any(String),
      Choices: [{ Variable: "$.distributed", BooleanEquals: true, Next: "CollectManyEnvironments" }],
      Default: "CollectEnvironments",
    });
    const map = States.CollectManyEnvironments as State & {
      ItemProcessor: { ProcessorConfig: unknown; StartAt: string; States: Record<string, State> };
    };
    expect(map).toMatchObject({
      Type: "Map",
      ItemReader: {
        Resource: "arn:aws:states:::s3:getObject",
        ReaderConfig: { InputType: "JSON" },
        Parameters: { "Bucket.$": "$.items.bucket", "Key.$": "$.items.key" },
      },
      ItemSelector: { "run.$": "$.run", "environment.$": "$$.Map.Item.Value.environment" },
      MaxConcurrencyPath: "$.concurrency",
      ToleratedFailurePercentage: 10,
      ResultWriter: {
        Resource: "arn:aws:states:::s3:putObject",
        Parameters: { "Bucket.$": "$.items.bucket", "Prefix.$": "$.results_prefix" },
      },
      ResultPath: "$.map_run",
      Next: "BuildEstateFromResults",
    });
    expect(map.ItemProcessor.ProcessorConfig).toEqual({ Mode: "DISTRIBUTED", ExecutionType: "STANDARD" });
    // The same collector, Retry and Catch as the inline Map's item, under names of their own.
    const inline = (
      States.CollectEnvironments as State & { ItemProcessor: { States: Record<string, State> } }
    ).ItemProcessor.States;
    const { Catch: catchOne, ...one } = map.ItemProcessor.States.CollectOneEnvironment as State;
    const { Catch: catchInline, ...inlineOne } = inline.CollectEnvironment as State;
    expect(one).toEqual(inlineOne);
    expect(catchOne).toEqual([
      { ErrorEquals: ["States.ALL"], ResultPath: "$.failure", Next: "RecordOneFailure" },
    ]);
    expect(map.ItemProcessor.States.RecordOneFailure).toEqual(inline.RecordFailure);
    expect(
      (States.BuildEstateFromResults as { Parameters: { Payload: unknown } }).Parameters.Payload,
    ).toEqual({
      step: "aggregate",
      "run.$": "$.run",
      "results.$": "$.map_run.ResultWriterDetails",
    });
  });

  it("names every state once, across the Maps' item processors", () => {
    const names: string[] = [];
    const walk = (states: Record<string, State>) => {
      for (const [name, state] of Object.entries(states)) {
        names.push(name);
        const inner = (state as { ItemProcessor?: { States: Record<string, State> } }).ItemProcessor;
        if (inner !== undefined) walk(inner.States);
      }
    };
    walk((readDefinition() as { States: Record<string, State> }).States);
    expect(new Set(names).size).toBe(names.length);
  });
});
