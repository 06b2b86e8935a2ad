import { describe, expect, it } from "vitest";
import { ESTATE_HELP } from "#lib/cli/estate-command.ts";
import { HISTORY_HELP } from "#lib/cli/history-command.ts";
import { runCliCapturing } from "../helpers/run-cli.ts";

/** The options-only preamble estate, history and generate share (readCommandLine). */
describe("options-only commands", () => {
  it.each([
    ["estate", ESTATE_HELP],
    ["history", HISTORY_HELP],
  ])("%s --help prints its help, even with a stray argument, and opens nothing", async (command, help) => {
    const run = await runCliCapturing({}, [command, "--help", "extra"]);
    expect(run).toEqual({ code: 0, stdout: help, stderr: "" });
  });

  it.each(["estate", "history", "generate"])(
    "%s refuses a stray argument by name (exit 2)",
    async (command) => {
      const run = await runCliCapturing({}, [command, "extra", "more"]);
      expect(run).toEqual({
        code: 2,
        stdout: "",
        stderr: `Unexpected argument "extra": ${command} takes options only. See --help.\n`,
      });
    },
  );
});
