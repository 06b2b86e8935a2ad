// Types for scripts/package.mjs (plain Node so `npm run package` needs no TypeScript loader).
export declare const EXPECTED_ARTIFACTS: Readonly<Record<string, readonly string[]>>;
export declare const LINT_VARIANTS: Readonly<Record<string, Readonly<Record<string, string>>>>;
export declare function offlineEnvironment(env?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
export declare function listZipEntries(zip: Buffer): string[];
export declare function runOslsPackage(options: {
  stage: string;
  region?: string;
  out: string;
  params?: readonly string[];
  quiet?: boolean;
}): { template: CloudFormationTemplate; seconds: number };

export declare function readDeployParams(root?: string): {
  names: string[];
  parameterOf: Map<string, string>;
};
export declare function parseParamFlags(
  flags: readonly string[],
  known: readonly string[],
): { values: Map<string, string>; problems: string[] };
export declare function checkParamValues(
  template: CloudFormationTemplate,
  values: ReadonlyMap<string, string>,
  parameterOf: ReadonlyMap<string, string>,
): string[];

export interface CloudFormationResource {
  Type: string;
  Condition?: string;
  DependsOn?: string | string[];
  Properties?: Record<string, unknown>;
  [attribute: string]: unknown;
}

export interface CloudFormationTemplate {
  Parameters: Record<string, { Type: string; Default?: string | number; [key: string]: unknown }>;
  Conditions: Record<string, unknown>;
  Resources: Record<string, CloudFormationResource>;
  Outputs: Record<string, { Value: unknown; Condition?: string; [key: string]: unknown }>;
  [section: string]: unknown;
}
