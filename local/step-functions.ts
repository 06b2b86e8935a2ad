// Step Functions on one machine: the estate's ASL file (infra/estate-state-machine.asl.json) run by
// aws-local-stepfunctions (Map, Retry, Catch as the service runs them), each Lambda task resolved by a
// real handler the way the `arn:aws:states:::lambda:invoke` integration calls it. Used by the tests
// and by `npx tsx local/bin/estate-state-machine.ts`.
//
// aws-local-stepfunctions 3 runs inline Maps only: it has no ItemReader, ResultWriter, child
// executions or tolerated failures. The Distributed Map state is therefore run by runDistributedMap
// below, which does what the service does around it (reads the items from S3, starts one child
// execution per item with the state's ItemSelector, at most MaxConcurrency at once, applies
// ToleratedFailurePercentage, writes the results and their manifest to S3 in ResultWriter's format)
// while each child execution is the state's own ItemProcessor run by aws-local-stepfunctions.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
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
  readonly state?: { readonly name: string; readonly input?: unknown; readonly output?: unknown };
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
  options: {
    readonly fault?: (payload: unknown) => string | undefined;
    /** The S3 client of the Distributed Map's ItemReader and ResultWriter (its state needs one). */
    readonly s3?: S3Client;
  } = {},
): Promise<{ output: unknown; events: EventLog[]; mapRuns: DistributedMapRun[] }> {
  // The library types resolvers as JSON in, JSON out; ours are exactly that.
  const invoke = lambdaInvokeResolver(
    functions,
    options.fault === undefined ? {} : { fault: options.fault },
  ) as never;
  const definition = readDefinition() as { States: Record<string, Record<string, unknown>> };
  const events: EventLog[] = [];
  const mapRuns: DistributedMapRun[] = [];
  const handlers: Record<string, unknown> = {
    PlanEstate: invoke,
    CollectEnvironment: invoke,
    BuildEstate: invoke,
    BuildEstateFromResults: invoke,
  };
  // Each Distributed Map state becomes a Task of the same name, ResultPath and Next, run here.
  for (const [name, state] of Object.entries(definition.States)) {
    if (!isDistributedMap(state)) continue;
    definition.States[name] = {
      Type: "Task",
      Resource: "arn:aws:states:::local:distributed-map",
      ...(state.ResultPath === undefined ? {} : { ResultPath: state.ResultPath }),
      ...(state.Next === undefined ? { End: true } : { Next: state.Next }),
    };
    handlers[name] = async (mapInput: unknown) => {
      if (options.s3 === undefined) throw new Error(`The Distributed Map ${name} needs an S3 client`);
      const run = await runDistributedMap(state, mapInput, { invoke, s3: options.s3, events });
      mapRuns.push(run);
      return run.output;
    };
  }
  const machine = new StateMachine(definition as never, { validationOptions: { noValidate: true } });
  const execution = machine.run(input as never, {
    context: { Execution: LOCAL_EXECUTION },
    overrides: {
      taskResourceLocalHandlers: handlers as never,
      retryIntervalOverrides: {
        PlanEstate: 0,
        CollectEnvironment: 0,
        BuildEstate: 0,
        BuildEstateFromResults: 0,
      },
    },
  });
  const collecting = (async () => {
    for await (const event of execution.eventLogs) events.push(event as EventLog);
  })();
  const output = await execution.result;
  await collecting;
  return { output, events, mapRuns };
}

/** What one Distributed Map run did: its output (where the results are) and its children. */
export interface DistributedMapRun {
  readonly output: { MapRunArn: string; ResultWriterDetails: { Bucket: string; Key: string } };
  readonly items: number;
  readonly succeeded: number;
  readonly failed: number;
  /** The result files written (manifest first). */
  readonly keys: readonly string[];
}

function isDistributedMap(state: Record<string, unknown>): boolean {
  const processor = state.ItemProcessor as { ProcessorConfig?: { Mode?: string } } | undefined;
  return state.Type === "Map" && processor?.ProcessorConfig?.Mode === "DISTRIBUTED";
}

/**
 * One Distributed Map state, as the service runs it: ItemReader (a JSON array in S3), ItemSelector,
 * MaxConcurrency(Path), one child execution per item (its ItemProcessor by aws-local-stepfunctions,
 * its Lambda tasks by `invoke`), ToleratedFailurePercentage, ResultWriter (SUCCEEDED_0.json,
 * FAILED_0.json and manifest.json under `<Prefix>/<map run id>/`).
 */
export async function runDistributedMap(
  state: Record<string, unknown>,
  input: unknown,
  options: { readonly invoke: unknown; readonly s3: S3Client; readonly events?: EventLog[] },
): Promise<DistributedMapRun> {
  const reader = state.ItemReader as { Parameters: Record<string, unknown> };
  const source = fillTemplate(reader.Parameters, input, {}) as { Bucket: string; Key: string };
  const object = await options.s3.send(new GetObjectCommand({ Bucket: source.Bucket, Key: source.Key }));
  const items = JSON.parse((await object.Body?.transformToString("utf8")) ?? "[]") as unknown[];
  if (!Array.isArray(items)) throw new Error("States.ItemReaderFailed: the items object is not a JSON array");
  const concurrency =
    typeof state.MaxConcurrencyPath === "string"
      ? Number(readPath(state.MaxConcurrencyPath, input, {}))
      : Number(state.MaxConcurrency ?? 0);
  const processor = structuredClone(state.ItemProcessor) as Record<string, unknown>;
  delete processor.ProcessorConfig;
  const taskNames = Object.entries(processor.States as Record<string, { Type: string }>)
    .filter(([, child]) => child.Type === "Task")
    .map(([name]) => name);
  const label = String(state.Label ?? "map");
  const mapRunId = randomUUID();
  const machineName = LOCAL_EXECUTION.Id.split(":")[6] ?? "local";
  const succeeded: Record<string, unknown>[] = [];
  const failed: Record<string, unknown>[] = [];
  const runChild = async (item: unknown, index: number) => {
    const childInput = fillTemplate(state.ItemSelector as Record<string, unknown>, input, {
      Map: { Item: { Index: index, Value: item } },
    });
    const name = randomUUID();
    const started = new Date().toISOString();
    const record = {
      ExecutionArn: `arn:aws:states:us-east-1:123456789012:execution:${machineName}/${label}:${name}`,
      Input: JSON.stringify(childInput),
      InputDetails: { Included: true },
      Name: name,
      StartDate: started,
      StateMachineArn: `arn:aws:states:us-east-1:123456789012:stateMachine:${machineName}/${label}`,
    };
    const child = new StateMachine(processor as never, { validationOptions: { noValidate: true } });
    const execution = child.run(childInput as never, {
      overrides: {
        taskResourceLocalHandlers: Object.fromEntries(
          taskNames.map((task) => [task, options.invoke]),
        ) as never,
        retryIntervalOverrides: Object.fromEntries(taskNames.map((task) => [task, 0])),
      },
    });
    const collecting = (async () => {
      for await (const event of execution.eventLogs) options.events?.push(event as EventLog);
    })();
    try {
      const output = await execution.result;
      succeeded.push({
        ...record,
        Output: JSON.stringify(output),
        OutputDetails: { Included: true },
        RedriveCount: 0,
        RedriveStatus: "NOT_REDRIVABLE",
        RedriveStatusReason: "Execution is SUCCEEDED and cannot be redriven",
        Status: "SUCCEEDED",
        StopDate: new Date().toISOString(),
      });
    } catch (error) {
      // aws-local-stepfunctions rejects with an ExecutionError whose cause is the state's error.
      const outer = error as Error & { cause?: unknown };
      const failure = outer.cause instanceof Error ? outer.cause : outer;
      failed.push({
        ...record,
        Error: failure.name,
        Cause: failure.message,
        RedriveCount: 0,
        RedriveStatus: "REDRIVABLE",
        Status: "FAILED",
        StopDate: new Date().toISOString(),
      });
    } finally {
      await collecting;
    }
  };
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < items.length; index = next++) await runChild(items[index], index);
  };
  const workers = concurrency > 0 ? Math.min(concurrency, items.length) : items.length;
  await Promise.all(Array.from({ length: workers }, worker));

  const writer = state.ResultWriter as { Parameters: Record<string, unknown> };
  const target = fillTemplate(writer.Parameters, input, {}) as { Bucket: string; Prefix: string };
  const folder = `${target.Prefix.replace(/\/$/, "")}/${mapRunId}/`;
  const put = async (key: string, body: unknown) => {
    const text = JSON.stringify(body);
    await options.s3.send(
      new PutObjectCommand({ Bucket: target.Bucket, Key: key, Body: text, ContentType: "application/json" }),
    );
    return { Key: key, Size: Buffer.byteLength(text) };
  };
  const files: Record<string, { Key: string; Size: number }[]> = { FAILED: [], PENDING: [], SUCCEEDED: [] };
  if (succeeded.length > 0) files.SUCCEEDED?.push(await put(`${folder}SUCCEEDED_0.json`, succeeded));
  if (failed.length > 0) files.FAILED?.push(await put(`${folder}FAILED_0.json`, failed));
  const mapRunArn = `arn:aws:states:us-east-1:123456789012:mapRun:${machineName}/${label}:${mapRunId}`;
  const manifestKey = `${folder}manifest.json`;
  await put(manifestKey, { DestinationBucket: target.Bucket, MapRunArn: mapRunArn, ResultFiles: files });
  const tolerated = Number(state.ToleratedFailurePercentage ?? 0);
  if (items.length > 0 && (failed.length / items.length) * 100 > tolerated) {
    throw Object.assign(
      new Error(`${failed.length} of ${items.length} child executions failed, more than ${tolerated} %`),
      { name: "States.ExceedToleratedFailureThreshold" },
    );
  }
  return {
    output: { MapRunArn: mapRunArn, ResultWriterDetails: { Bucket: target.Bucket, Key: manifestKey } },
    items: items.length,
    succeeded: succeeded.length,
    failed: failed.length,
    keys: [manifestKey, ...Object.values(files).flatMap((list) => list.map((file) => file.Key))],
  };
}

/** A payload template's fields, `.$` ones read by path (`$.a.b` from the input, `$$.x` from the context). */
function fillTemplate(
  template: Record<string, unknown>,
  input: unknown,
  context: unknown,
): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(template).map(([key, value]) =>
      key.endsWith(".$") ? [key.slice(0, -2), readPath(String(value), input, context)] : [key, value],
    ),
  );
}

/** `$`, `$.a.b` or `$$.a.b`: the simple paths the estate's definition uses. */
function readPath(path: string, input: unknown, context: unknown): unknown {
  const [root, rest] = path.startsWith("$$") ? [context, path.slice(2)] : [input, path.slice(1)];
  let value = root;
  for (const step of rest.split(".").filter((part) => part !== "")) {
    value = (value as Record<string, unknown> | undefined)?.[step];
  }
  return value;
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
