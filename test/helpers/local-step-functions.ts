import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { listen } from "../../local/listen.ts";

/** An execution StartExecution accepted: the state machine and the input, parsed. */
export interface StartedExecution {
  readonly stateMachineArn: string;
  readonly executionArn: string;
  readonly input: unknown;
}

export interface LocalStepFunctions {
  /** http://127.0.0.1:PORT, for AWS_ENDPOINT_URL_SFN. */
  readonly url: string;
  readonly started: StartedExecution[];
  close(): Promise<void>;
}

/**
 * The Step Functions API's StartExecution (awsJson1_0, as @aws-sdk/client-sfn speaks it) for one
 * state machine: records each execution for the test to run with aws-local-stepfunctions; another
 * state machine ARN answers StateMachineDoesNotExist as the service does.
 */
export async function startLocalStepFunctions(stateMachineArn: string): Promise<LocalStepFunctions> {
  const started: StartedExecution[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const answer = (status: number, body: Record<string, unknown>) => {
        response.writeHead(status, { "content-type": "application/x-amz-json-1.0" });
        response.end(JSON.stringify(body));
      };
      const target = request.headers["x-amz-target"];
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as Record<string, unknown>;
      if (target !== "AWSStepFunctions.StartExecution") {
        answer(400, { __type: "UnknownOperationException", message: `${String(target)} is not emulated` });
        return;
      }
      if (body.stateMachineArn !== stateMachineArn) {
        answer(400, {
          __type: "StateMachineDoesNotExist",
          message: `State Machine Does Not Exist: '${String(body.stateMachineArn)}'`,
        });
        return;
      }
      const name = typeof body.name === "string" ? body.name : randomUUID();
      const executionArn = `${stateMachineArn.replace(":stateMachine:", ":execution:")}:${name}`;
      started.push({ stateMachineArn, executionArn, input: JSON.parse(String(body.input ?? "{}")) });
      answer(200, { executionArn, startDate: Date.now() / 1000 });
    });
  });
  const port = await listen(server, "127.0.0.1");
  return {
    url: `http://127.0.0.1:${port}`,
    started,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
