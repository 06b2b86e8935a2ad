/** The region part of an ARN (`arn:aws:rds:<region>:…`), if any. */
export function regionOfArn(arn: string): string | undefined {
  const region = arn.split(":")[3];
  return region === undefined || region === "" ? undefined : region;
}
