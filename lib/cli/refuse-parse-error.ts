import { parseArgs } from "node:util";
import { BadParameterError } from "../errors.ts";
import { type CommandSpec, type OptionSpec, toParseArgsOptions } from "./command-table.ts";
import { PROGRAM } from "./format-help.ts";

/** One option as parseArgs read it (`tokens: true`). */
interface OptionToken {
  readonly name: string;
  readonly rawName: string;
  readonly value: string | undefined;
  readonly inlineValue: boolean | undefined;
}

/**
 * Turns a node:util parseArgs error into the command's refusal (exit 2). Its `code` says what is
 * wrong. Which argument is wrong comes from parseArgs' tokens of the same arguments read without its
 * checks: strict parsing stops at the first faulty option token, so the first token showing that
 * code's fault is the one. Nothing depends on the wording of Node's messages, which differ between
 * versions. Any other error (a faulty table, say) is returned as it is: it is not the user's fault.
 * parseArgs' third code, ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL, never comes: positionals are allowed
 * so that --help can win over them, and readCommandLine refuses them itself, by name.
 */
export function refuseParseError(command: CommandSpec, args: readonly string[], error: unknown): unknown {
  const code = String((error as { code?: unknown } | null)?.code);
  const describe = Object.hasOwn(FAULTS, code) ? FAULTS[code as keyof typeof FAULTS] : undefined;
  if (describe === undefined) return error;
  const { tokens } = parseArgs({
    args: [...args],
    options: toParseArgsOptions(command),
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  for (const token of tokens) {
    if (token.kind !== "option") continue;
    const option = Object.hasOwn(command.options, token.name) ? command.options[token.name] : undefined;
    const message = describe(command, token, option);
    if (message !== undefined) {
      return new BadParameterError(token.rawName, `${message} See ${PROGRAM} ${command.name} --help.`, {
        cause: error,
      });
    }
  }
  // Not reached with Node 20 or 24, whose checks are the ones above; a newer Node's stricter check
  // surfaces as itself rather than as a refusal naming the wrong argument.
  return error;
}

/** Per parseArgs error code: what is wrong with an option token, if it shows that fault. */
const FAULTS = {
  ERR_PARSE_ARGS_UNKNOWN_OPTION: (
    command: CommandSpec,
    token: OptionToken,
    option: OptionSpec | undefined,
  ) => (option === undefined ? describeUnknownOption(command, token.rawName) : undefined),
  ERR_PARSE_ARGS_INVALID_OPTION_VALUE: (
    _command: CommandSpec,
    token: OptionToken,
    option: OptionSpec | undefined,
  ) => (option === undefined ? undefined : describeValueFault(token, option)),
} as const;

function describeUnknownOption(command: CommandSpec, rawName: string): string {
  const near = rawName.startsWith("--") ? findNearestOption(command, rawName.slice(2)) : undefined;
  return near === undefined
    ? `unknown option '${rawName}' for ${command.name}.`
    : `unknown option '${rawName}' for ${command.name}: did you mean --${near}?`;
}

/** What is wrong with a known option's value, if anything. */
function describeValueFault(token: OptionToken, option: OptionSpec): string | undefined {
  const raw = token.rawName;
  if (option.type === "boolean") {
    return token.value === undefined
      ? undefined
      : `${raw} takes no value: give ${raw} alone, not ${raw}=${token.value}.`;
  }
  if (token.value === undefined) return `${raw} needs a value: ${raw} ${option.value}.`;
  // parseArgs refuses "--out --json" rather than guess that "--json" was meant as the file name.
  if (token.inlineValue !== true && token.value.length > 1 && token.value.startsWith("-")) {
    return `${raw} needs a value, not the option "${token.value}": ${raw} ${option.value} (write --${token.name}=${token.value} for a value that starts with "-").`;
  }
  return undefined;
}

/** The command's long option a typo most likely meant: at most two edits away, and not a short word. */
function findNearestOption(command: CommandSpec, typed: string): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of Object.keys(command.options)) {
    const distance = countEdits(typed, name);
    if (distance <= 2 && distance * 3 <= name.length && (best === undefined || distance < best.distance)) {
      best = { name, distance };
    }
  }
  return best?.name;
}

/**
 * Levenshtein distance. Written here rather than taken from a package: twelve lines, used only to
 * suggest an option name in a refusal.
 */
function countEdits(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] as number;
}
