import type { SchemaFacts } from "../report/probe-schema.ts";
import type { TierName } from "../report/types.ts";
import type { SqlParams, SqlRow } from "../sql/port.ts";
import type { DiscreteRule } from "./discrete-rules.ts";

/** What every part of the details reads: the schema, the caller's choices and one way to query. */
export interface DetailsContext {
  readonly schema: SchemaFacts;
  readonly paging: Required<DetailsPaging>;
  /** KLCR find/replace rules merging environment-specific hosts, applied in order. */
  readonly rules: readonly DiscreteRule[];
  /** Return the distinct keys behind the discrete-services count. */
  readonly includeList: boolean;
  readonly tierOf: (name: string) => TierName;
  /** How many per-workspace counter drifts to list (all are counted). */
  readonly maxWorkspaceDrifts: number;
  /** Runs one statement, refusing to start once the caller's signal has aborted. */
  run(text: string, params?: SqlParams): Promise<SqlRow[]>;
}

/** Page limits; defaults keep every response far below the Data API's 1 MiB. */
export interface DetailsPaging {
  /** Workspaces per page (each row: id, name, four counts). */
  workspaces?: number;
  /** Workspaces per plugin-count page (each row: one workspace's counts of every plugin name). */
  plugins?: number;
  /** Distinct discrete-service keys per page. */
  keys?: number;
  /** Byte budget per page, counted over the variable-length text of the rows plus 64 bytes each. */
  bytes?: number;
}

const DEFAULT_PAGING: Required<DetailsPaging> = {
  workspaces: 500,
  plugins: 500,
  keys: 2000,
  bytes: 256 * 1024,
};

/** The caller's limits over the defaults; refuses, by name, any that is not a positive integer. */
export function resolvePaging(paging: DetailsPaging | undefined): Required<DetailsPaging> {
  const resolved = { ...DEFAULT_PAGING, ...paging };
  for (const [name, value] of Object.entries(resolved)) {
    if (!Number.isInteger(value) || value < 1)
      throw new RangeError(`paging.${name} must be a positive integer`);
  }
  return resolved;
}
