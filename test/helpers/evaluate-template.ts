import type { CloudFormationTemplate } from "../../scripts/package.mjs";

/**
 * A small CloudFormation evaluator for the intrinsics the stack's templates use, as CloudFormation
 * resolves them for given parameter values: Ref (parameters, pseudo parameters; a resource becomes
 * `<LogicalId>`), Fn::Equals, Fn::Not, Fn::And, Fn::Or, Fn::If (AWS::NoValue drops the key),
 * Condition, Fn::Split, Fn::Sub (`${Name}`, `${Resource.Attribute}` as `<Resource.Attribute>`) and
 * Fn::GetAtt (as `<Resource.Attribute>`).
 */
export function evaluateTemplate(
  node: unknown,
  template: CloudFormationTemplate,
  values: Readonly<Record<string, string>>,
): unknown {
  const pseudo: Record<string, string> = {
    "AWS::Partition": "aws",
    "AWS::Region": "us-east-1",
    "AWS::AccountId": "123456789012",
    "AWS::URLSuffix": "amazonaws.com",
  };
  const condition = (name: string): boolean => {
    const result = walk(template.Conditions[name]);
    if (typeof result !== "boolean") throw new Error(`condition ${name} is not a boolean`);
    return result;
  };
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk).filter((item) => item !== NO_VALUE);
    if (value === null || typeof value !== "object") return value;
    const entries = Object.entries(value);
    const [key, argument] = entries[0] ?? [];
    if (entries.length === 1 && key !== undefined) {
      const args = Array.isArray(argument) ? argument : [argument];
      switch (key) {
        case "Ref": {
          const name = String(argument);
          if (name === "AWS::NoValue") return NO_VALUE;
          if (name in values) return values[name];
          if (name in pseudo) return pseudo[name];
          return `<${name}>`;
        }
        case "Condition":
          return condition(String(argument));
        case "Fn::Equals":
          return walk(args[0]) === walk(args[1]);
        case "Fn::Not":
          return !walk(args[0]);
        case "Fn::And":
          return args.every((item) => walk(item) === true);
        case "Fn::Or":
          return args.some((item) => walk(item) === true);
        case "Fn::If":
          return walk(condition(String(args[0])) ? args[1] : args[2]);
        case "Fn::Split":
          return String(walk(args[1])).split(String(args[0]));
        case "Fn::GetAtt":
          return `<${args.join(".")}>`;
        case "Fn::Sub":
          return String(argument).replace(/\$\{([A-Za-z0-9:.]+)\}/g, (_whole, name: string) => {
            if (name in values) return values[name] ?? "";
            if (name in pseudo) return pseudo[name] ?? "";
            return `<${name}>`;
          });
      }
    }
    const result: Record<string, unknown> = {};
    for (const [name, item] of entries) {
      const evaluated = walk(item);
      if (evaluated !== NO_VALUE) result[name] = evaluated;
    }
    return result;
  };
  return walk(node);
}

const NO_VALUE = Symbol("AWS::NoValue");

/** The parameter values of a template as packaged (their defaults), with `overrides` on top. */
export function parameterDefaults(
  template: CloudFormationTemplate,
  overrides: Readonly<Record<string, string>> = {},
): Record<string, string> {
  return {
    ...Object.fromEntries(
      Object.entries(template.Parameters).map(([name, parameter]) => [name, String(parameter.Default ?? "")]),
    ),
    ...overrides,
  };
}

/** Whether a conditional resource exists for these values. */
export function isCreated(
  template: CloudFormationTemplate,
  id: string,
  values: Readonly<Record<string, string>>,
): boolean {
  const resource = template.Resources[id];
  if (resource === undefined) return false;
  if (resource.Condition === undefined) return true;
  return evaluateTemplate({ Condition: resource.Condition }, template, values) === true;
}
