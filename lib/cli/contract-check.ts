import type { Contract, Usage } from "../report/usage-types.ts";
import { formatCount } from "../shared/format.ts";
import { parseContract } from "../usage/contract.ts";
import { type FailOn, linesReaching } from "../usage/contract-lines.ts";
import type { CliIo, ExitCode } from "./io.ts";
import { readOptionFile } from "./user-file.ts";

/** What the contract check reads of a report's (or an estate's) usage. */
type ContractUsage = Pick<Usage, "as_of" | "contract" | "forecast">;

/** Exit code when a contract line reached the status `--fail-on` names (pipelines stop on it). */
const EXIT_CONTRACT_REACHED = 8;

/** Reads and validates `--contract FILE` before any query: a bad file is exit 2 naming the key. */
export async function readContractFile(
  path: string,
  env: CliIo["env"],
  option = "--contract",
): Promise<Contract> {
  return parseContract((await readOptionFile(path, option, env)).toString("utf8"), option);
}

/** The contract's lines for a terminal, one per limit, the forecast's month beside each. */
export function describeContract(usage: ContractUsage | undefined): string {
  const contract = usage?.contract;
  if (usage === undefined || contract === null || contract === undefined) return "";
  const lines = contract.lines.map((line) => {
    const forecast = usage.forecast.find((entry) => entry.unit === line.unit);
    const used =
      line.used === null ? "not measured" : `${formatCount(line.used)} of ${formatCount(line.limit)}`;
    const share = line.percent === null ? "" : ` (${line.percent.toFixed(1)} %)`;
    const crossing =
      forecast?.crosses_limit === undefined || forecast.crosses_limit === null
        ? ""
        : `; estimate: above the limit from ${forecast.crosses_limit}`;
    return `  ${line.status.toUpperCase().padEnd(7)} ${line.unit}: ${used}${share}${crossing}\n`;
  });
  return `Contract ${contract.name}, as of ${usage.as_of}:\n${lines.join("")}`;
}

/** 8 when a line reached `failOn` (saying which on stderr), else 0; 0 without `--fail-on`. */
export function checkFailOn(
  usage: ContractUsage | undefined,
  failOn: FailOn | undefined,
  stderr: (text: string) => void,
): ExitCode {
  if (failOn === undefined) return 0;
  const reached = linesReaching(usage?.contract ?? null, failOn);
  if (reached.length === 0) return 0;
  stderr(
    `${reached.length} contract line(s) at ${failOn === "warn" ? "warn or over" : "over"}: ${reached.map((line) => line.unit).join(", ")} (--fail-on ${failOn}, exit ${EXIT_CONTRACT_REACHED}).\n`,
  );
  return EXIT_CONTRACT_REACHED;
}
