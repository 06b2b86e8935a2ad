// Step Functions on one machine: the estate's ASL file (infra/estate-state-machine.asl.json) run by
// aws-local-stepfunctions (Map, Retry, Catch as the service runs them), each Lambda task resolved by a
// real handler the way the `arn:aws:states:::lambda:invoke` integration calls it. Used by the tests
// and by `npx tsx local/bin/estate-state-machine.ts`.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Context } from "aws-lambda";
import { StateMachine } from "aws-local-stepfunctions";

// aws-local-stepfunctions 3 uses Promise.withResolvers (Node 22); Node 20 lacks it.
const promiseStatics = Promise as unknown as { withResolvers?: () => unknown };
promiseStatics.withResolvers ??= () => {
  let resolve: unknown;
  let reject: unknown;
  const promise = new Promise((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
};

export const ASL_FILE = new URL("../infra/estate-state-machine.asl.json", import.meta.url);

/** The function ARNs the template substitutes into the definition (DefinitionSubstitutions). */
export const FUNCTION_ARNS = {
  EstateCollectFunctionArn:
    "arn:aws:lambda:us-east-1:123456789012:function:kong-license-report-test-estateCollect",
  EstateAggregateFunctionArn:
    "arn:aws:lambda:us-east-1:123456789012:function:kong-license-report-test-estateAggregate",
} as const;

/** The ASL file as written (placeholders unfilled). */
export function readAslText(): string {
  return readFileSync(ASL_FILE, "utf8");
}

/** The definition as CloudFormation deploys it: every `${Name}` replaced by its substitution. */
export function readDefinition(
  substitutions: Readonly<Record<string, string>> = FUNCTION_ARNS,
): Record<string, unknown> {
  const text = readAslText().replace(
    /\$\{([A-Za-z0-9]+)\}/g,
    (whole, name: string) => substitutions[name] ?? whole,
  );
  return JSON.parse(text) as Record<string, unknown>;
}

/** A middy-wrapped Lambda handler as the tests call it. */
export type LambdaHandler = (event: never, context: never) => Promise<unknown>;

/**
 * A task resolver that does what Step Functions' `arn:aws:states:::lambda:invoke` integration does:
 * invokes the function named by `FunctionName` with `Payload`, answers `{Payload, StatusCode}`, and
 * turns a function error into a task error named by its errorType whose Cause is Lambda's JSON
 * `{errorType, errorMessage, trace}`. `fault` may answer a Lambda service error instead (a fault no
 * local part can produce).
 */
export function lambdaInvokeResolver(
  functions: Readonly<Record<string, LambdaHandler>>,
  options: {
    readonly fault?: (payload: unknown) => string | undefined;
    readonly context?: () => Context;
  } = {},
) {
  return async (input: unknown): Promise<Record<string, unknown>> => {
    const { FunctionName, Payload } = input as { FunctionName: string; Payload: unknown };
    const handler = functions[FunctionName];
    if (handler === undefined) throw new Error(`No function ${FunctionName} in this test's account`);
    const fault = options.fault?.(Payload);
    if (fault !== undefined) throw Object.assign(new Error(`${fault}: Rate exceeded`), { name: fault });
    try {
      const context = (options.context ?? (() => lambdaContext(FunctionName, 300_000)))();
      const result = await handler(Payload as never, context as never);
      return { ExecutedVersion: "$LATEST", Payload: result, StatusCode: 200 };
    } catch (error) {
      const failure = error as Error;
      const cause = {
        errorType: failure.name,
        errorMessage: failure.message,
        trace: (failure.stack ?? "").split("\n"),
      };
      throw Object.assign(new Error(JSON.stringify(cause)), { name: failure.name });
    }
  };
}

/** The part of aws-local-stepfunctions' event log the tests read (its EventLog type is not exported). */
export interface EventLog {
  readonly type: string;
  readonly state?: { readonly name: string };
}

export const LOCAL_EXECUTION = {
  Id: "arn:aws:states:us-east-1:123456789012:execution:kong-license-report-test-estate:local-1",
  Name: "local-1",
} as const;

/**
 * Runs the deployed definition (placeholders filled) with aws-local-stepfunctions, every Lambda task
 * resolved by `lambdaInvokeResolver(functions)`; answers the execution's output and its event log.
 * Retry back-off is Step Functions' own wait, not code under test: it is zeroed (no real sleeps).
 */
export async function executeLocally(
  functions: Readonly<Record<string, LambdaHandler>>,
  input: unknown,
  options: { readonly fault?: (payload: unknown) => string | undefined } = {},
): Promise<{ output: unknown; events: EventLog[] }> {
  // The library types resolvers as JSON in, JSON out; ours are exactly that.
  const invoke = lambdaInvokeResolver(
    functions,
    options.fault === undefined ? {} : { fault: options.fault },
  ) as never;
  const machine = new StateMachine(readDefinition() as never);
  const execution = machine.run(input as never, {
    context: { Execution: LOCAL_EXECUTION },
    overrides: {
      taskResourceLocalHandlers: { PlanEstate: invoke, CollectEnvironment: invoke, BuildEstate: invoke },
      retryIntervalOverrides: { PlanEstate: 0, CollectEnvironment: 0, BuildEstate: 0 },
    },
  });
  const events: EventLog[] = [];
  const collecting = (async () => {
    for await (const event of execution.eventLogs) events.push(event as EventLog);
  })();
  const output = await execution.result;
  await collecting;
  return { output, events };
}

/** A Lambda context for one invocation of `functionArn` with `timeoutMs` to run. */
export function lambdaContext(functionArn: string, timeoutMs: number): Context {
  const deadline = Date.now() + timeoutMs;
  const functionName = functionArn.split(":").at(-1) ?? functionArn;
  return {
    awsRequestId: randomUUID(),
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: functionArn,
    memoryLimitInMB: "1024",
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: "local/[$LATEST]step-functions",
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
