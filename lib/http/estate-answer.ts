/** The 202 answer of GET /license/estate when the estate runs on the state machine. */
export interface StartedEstate {
  status: "started";
  message: string;
  execution_arn: string;
  started_at: string;
  environments: number;
  /** The execution in the Step Functions console. */
  console_url: string;
  /** The command that prints the link document once the execution succeeded. */
  follow: string;
}

export function describeStartedEstate(
  started: { readonly executionArn: string; readonly startDate: Date },
  environments: number,
  inlineMax: number,
): StartedEstate {
  const region = started.executionArn.split(":")[3] ?? "us-east-1";
  return {
    status: "started",
    message: `The estate has ${environments} environments, more than the ${inlineMax} that fit in one request (ESTATE_INLINE_MAX): it runs on the estate state machine. The execution's output is the estate's link document.`,
    execution_arn: started.executionArn,
    started_at: started.startDate.toISOString(),
    environments,
    console_url: `https://${region}.console.aws.amazon.com/states/home?region=${region}#/v2/executions/details/${started.executionArn}`,
    follow: `aws stepfunctions describe-execution --execution-arn ${started.executionArn} --query output --output text`,
  };
}
