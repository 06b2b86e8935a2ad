import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import type { CommandSpec } from "#lib/cli/command-table.ts";
import { DIFF_COMMAND } from "#lib/cli/diff-command.ts";
import { ESTATE_COMMAND } from "#lib/cli/estate-table.ts";
import { GENERATE_COMMAND } from "#lib/cli/generate-table.ts";
import { HISTORY_COMMAND } from "#lib/cli/history-command.ts";
import { VERIFY_COMMAND } from "#lib/cli/verify-command.ts";
import { runCliCapturing } from "../helpers/run-cli.ts";

/** Where each command's options are documented for people who do not run --help. */
const PAGES: ReadonlyArray<readonly [CommandSpec, string]> = [
  [GENERATE_COMMAND, "docs/cli.md"],
  [VERIFY_COMMAND, "docs/cli.md"],
  [DIFF_COMMAND, "docs/cli.md"],
  [ESTATE_COMMAND, "docs/estate.md"],
  [HISTORY_COMMAND, "docs/history.md"],
];
/** `-h, --help`, the same on every command, is documented once, with the refusals. */
const HELP_PAGE = "docs/cli.md";

/** `--out` as a word of its own: not the start of `--out-dir`, not the end of `x--out`. */
function mentions(text: string, word: string): boolean {
  return new RegExp(`(?<![\\w-])${word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![\\w-])`).test(text);
}

describe("Documentation of the options", () => {
  it("covers every command the CLI has", async () => {
    const run = await runCliCapturing({}, ["--help"]);
    const listed = run.stdout.split("Commands:\n")[1]?.split("\n\n")[0]?.split("\n") ?? [];
    expect(listed.map((line) => line.trim().split(" ")[0])).toEqual(PAGES.map(([command]) => command.name));
  });

  it.each(PAGES.map(([command, page]) => [command.name, page, command] as const))(
    "%s: every option, alias and environment fallback is in its --help and in %s",
    async (name, page, command) => {
      const help = (await runCliCapturing({}, [name, "--help"])).stdout;
      const missing: string[] = [];
      for (const [option, spec] of Object.entries(command.options)) {
        const words = [`--${option}`];
        if (spec.short !== undefined) words.push(`-${spec.short}`);
        if (spec.type === "string" && spec.env !== undefined) words.push(spec.env);
        const file = option === "help" ? HELP_PAGE : page;
        const text = await readFile(file, "utf8");
        for (const word of words) {
          if (!mentions(help, word)) missing.push(`${word} is not in ${name} --help`);
          if (!mentions(text, word)) missing.push(`${word} is not in ${file}`);
        }
      }
      expect(missing).toEqual([]);
    },
  );
});
