import type { CollectedReport } from "../report/types.ts";

// A SQL_ASCII database stores names as the bytes it was given, UTF-8 or not. The SQL ports read
// such a database's bytes as they are (lib/sql/pg-sql-port.ts), and a byte sequence that is not
// UTF-8 arrives as U+FFFD: the report is still produced, and the details say which names changed.
const REPLACEMENT = "\uFFFD";

/** One warning per plugin name, workspace and listed discrete-service key that holds U+FFFD. */
export function describeReplacedCharacters(collected: CollectedReport): string[] {
  const tail =
    "its bytes that are not valid UTF-8 are shown as U+FFFD, so it may differ from the name in Kong.";
  const plugins = Object.values(collected.report.plugins_count.tiers)
    .flatMap((tier) => Object.keys(tier))
    .filter((name) => name.includes(REPLACEMENT))
    .map((name) => `Plugin name ${JSON.stringify(name)} (in plugins_count): ${tail}`);
  const workspaces = (collected.details.workspaces ?? [])
    .filter((workspace) => workspace.name.includes(REPLACEMENT))
    .map((workspace) => `Workspace ${JSON.stringify(workspace.name)} (id ${workspace.id}): ${tail}`);
  const keys = (collected.details.discrete_services?.list ?? [])
    .filter((key) => key.includes(REPLACEMENT))
    .map((key) => `Discrete-service key ${JSON.stringify(key)}: ${tail}`);
  return [...plugins, ...workspaces, ...keys];
}
