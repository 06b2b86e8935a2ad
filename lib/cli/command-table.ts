import type { ParseArgsConfig } from "node:util";

type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig["options"]>;

interface OptionBase {
  /** A one-letter alias (`-o`). */
  readonly short?: string;
  /** The help text, one string per line. */
  readonly help: readonly string[];
  /**
   * Opens a help section with this heading; the options after it stay in that section until the next
   * one opens. The table's order is the help's order.
   */
  readonly section?: string;
}

/** A flag: present or absent, never given a value. */
export interface BooleanOption extends OptionBase {
  readonly type: "boolean";
}

/** An option that takes a value (`--out FILE`). */
export interface StringOption extends OptionBase {
  readonly type: "string";
  /** What the value looks like in the help and in the refusals (`URL`, `json|tar`). */
  readonly value: string;
  /** The environment variable read when the option is not given (the command's reader applies it). */
  readonly env?: string;
}

export type OptionSpec = BooleanOption | StringOption;

/** `-o, --out FILE|-`: where a command that writes a report or an estate writes it. */
export const OUT_OPTION = {
  type: "string",
  short: "o",
  value: "FILE|-",
  help: ["where to write (default: stdout for json, the tar name for tar)"],
} as const satisfies StringOption;

/** `--signing-key FILE`: `generate` and `estate` sign a tar's manifest with it. */
export const SIGNING_KEY_OPTION = {
  type: "string",
  value: "FILE",
  help: [
    "a PEM private key (EC P-256, or RSA of 2048 bits or more): the tar gets manifest.sig,",
    "a signature of its manifest.json that verify --public-key checks (tar only)",
  ],
} as const satisfies StringOption;

/** The arguments that are not options, for commands that take some (`verify FILE`, `diff OLD NEW`). */
export interface PositionalsSpec {
  /** How many exactly. */
  readonly count: number;
  /** What they are, as the refusal says it: `one FILE (a report .json or .tar)`. */
  readonly what: string;
}

/**
 * Everything a command's command line is: its help, its parser table and its refusals are all made
 * from this one description, so they cannot drift apart.
 */
export interface CommandSpec<O extends Record<string, OptionSpec> = Record<string, OptionSpec>> {
  readonly name: string;
  /** Its line in the top-level command list. */
  readonly summary: string;
  /** The usage line after the program name: `verify FILE`. */
  readonly usage: string;
  /** The paragraph under the usage line, one string per line. */
  readonly description: readonly string[];
  /** None: the command takes options only and refuses any other argument. */
  readonly positionals?: PositionalsSpec;
  readonly options: O;
  /** Lines after the options (where credentials come from, …). */
  readonly notes?: readonly string[];
  /** The exit-code footer, one string per line. */
  readonly exitCodes: readonly string[];
}

/** Every command has it; it is listed last, in the last section. */
export const HELP_OPTION = {
  type: "boolean",
  short: "h",
  help: ["this help"],
} as const satisfies BooleanOption;

/** A command's table with `-h, --help` added, so no command can forget it or word it differently. */
export function defineCommand<const O extends Record<string, OptionSpec>>(
  spec: CommandSpec<O>,
): CommandSpec<O & { readonly help: typeof HELP_OPTION }> {
  return { ...spec, options: { ...spec.options, help: HELP_OPTION } };
}

/** The parsed values of a command's options, typed from its table. */
export type OptionValues<O extends Record<string, OptionSpec>> = {
  readonly [K in keyof O]?: O[K]["type"] extends "boolean" ? boolean : string;
};

/** The node:util parseArgs table of a command. */
export function toParseArgsOptions(command: CommandSpec): ParseArgsOptionsConfig {
  const options: ParseArgsOptionsConfig = {};
  for (const [name, option] of Object.entries(command.options)) {
    options[name] =
      option.short === undefined ? { type: option.type } : { type: option.type, short: option.short };
  }
  return options;
}

/** How an option is written in the help: `-o, --out FILE|-`, `    --demo`. */
export function formatOptionLabel(name: string, option: OptionSpec): string {
  const long = option.type === "string" ? `--${name} ${option.value}` : `--${name}`;
  return option.short === undefined ? `    ${long}` : `-${option.short}, ${long}`;
}
