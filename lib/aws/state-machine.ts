import { type SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";

export interface StartedExecution {
  readonly executionArn: string;
  readonly startDate: Date;
}

/** Starts one execution of the state machine with `input` as its JSON input. */
export async function startStateMachine(
  client: SFNClient,
  stateMachineArn: string,
  input: Readonly<Record<string, unknown>>,
): Promise<StartedExecution> {
  const started = await client.send(
    new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }),
  );
  return { executionArn: started.executionArn ?? "", startDate: started.startDate ?? new Date() };
}
