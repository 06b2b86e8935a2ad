import { type CommandSpec, formatOptionLabel, type OptionSpec } from "./command-table.ts";

export const PROGRAM = "kong-license-report";

/** Spaces between the widest option label and its help. */
const GUTTER = 3;

/**
 * A command's `--help`, laid out from its table: usage, description, the option sections with their
 * help in one aligned column, notes, and the exit codes last.
 */
export function formatHelp(command: CommandSpec): string {
  const entries = Object.entries(command.options);
  const labels = entries.map(([name, option]) => formatOptionLabel(name, option));
  const width = Math.max(...labels.map((label) => label.length)) + GUTTER;
  const blocks: string[][] = [[`Usage: ${PROGRAM} ${command.usage}`], [...command.description]];
  let section: string[] | undefined;
  entries.forEach(([, option], index) => {
    if (section === undefined || option.section !== undefined) {
      section = option.section === undefined ? [] : [`${option.section}:`];
      blocks.push(section);
    }
    const [first = "", ...rest] = helpLines(option);
    section.push(`  ${(labels[index] as string).padEnd(width)}${first}`);
    for (const line of rest) section.push(`  ${" ".repeat(width)}${line}`);
  });
  if (command.notes !== undefined) blocks.push([...command.notes]);
  blocks.push([...command.exitCodes]);
  return `${blocks.map((lines) => lines.join("\n")).join("\n\n")}\n`;
}

/** An option's help, with its environment fallback as the last line. */
function helpLines(option: OptionSpec): readonly string[] {
  return option.type === "string" && option.env !== undefined
    ? [...option.help, `(or the environment variable ${option.env})`]
    : option.help;
}

/** The top-level help: what the program is and its commands, one line each. */
export function formatProgramHelp(commands: readonly CommandSpec[]): string {
  const width = Math.max(...commands.map((command) => command.name.length)) + GUTTER;
  return [
    `Usage: ${PROGRAM} <command> [options]`,
    "",
    "Kong Gateway's License Report straight from the Kong PostgreSQL database.",
    "",
    "Commands:",
    ...commands.map((command) => `  ${command.name.padEnd(width)}${command.summary}`),
    "",
    `Run "${PROGRAM} <command> --help" for a command's options.`,
    "",
  ].join("\n");
}
