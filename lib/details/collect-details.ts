import type { SchemaFacts } from "../report/probe-schema.ts";
import type { ReportDetails, TierName } from "../report/types.ts";
import type { SqlPort } from "../sql/port.ts";
import { compareEntityCounters, describeDrift } from "./counter-drift.ts";
import { type DetailsContext, type DetailsPaging, resolvePaging } from "./details-context.ts";
import type { DiscreteRule } from "./discrete-rules.ts";
import { readDiscreteServices } from "./discrete-services.ts";
import { addPlugins } from "./plugin-counts.ts";
import { DEFAULT_TAG_PREFIX, readUsageByTag } from "./usage-by-tag.ts";
import { readImplicitWorkspace, readWorkspaces } from "./workspaces.ts";

export interface CollectDetailsOptions {
  schema: SchemaFacts;
  /** KLCR find/replace rules merging environment-specific hosts, applied in order. */
  rules?: readonly DiscreteRule[];
  /** Return the distinct keys behind the discrete-services count. */
  includeList?: boolean;
  tierOf: (name: string) => TierName;
  signal?: AbortSignal;
  paging?: DetailsPaging;
  /** How many per-workspace counter drifts to list (all are counted). */
  maxWorkspaceDrifts?: number;
  /** Usage by team: the prefix of Kong tags whose values group it (default `team:`). */
  tagPrefix?: string;
}

export type CollectedDetails = Pick<
  ReportDetails,
  "workspaces" | "discrete_services" | "entity_counters" | "usage_by_tag"
> & {
  /** Notes for `details.warnings` (missing tables, drift). */
  warnings: string[];
};

const DEFAULT_MAX_WORKSPACE_DRIFTS = 100;

/**
 * The details beyond Kong's report: per-workspace counts, discrete services and the drift of
 * `workspace_entity_counters`. Set-based SQL with keyset paging: a fixed number of aggregate
 * statements, plus pages that grow only with the number of workspaces and distinct keys.
 */
export async function collectDetails(
  sql: SqlPort,
  options: CollectDetailsOptions,
): Promise<CollectedDetails> {
  const ctx = createContext(sql, options);
  const warnings: string[] = [];
  const perWorkspace =
    ctx.schema.hasTable("workspaces") &&
    ["services", "routes", "consumers", "plugins"].every((t) => ctx.schema.hasColumn(t, "ws_id"));
  const workspaces = perWorkspace ? await readWorkspaces(ctx) : [await readImplicitWorkspace(ctx)];
  if (!perWorkspace) {
    warnings.push(
      "This schema has no per-workspace columns (Kong before 2.1): all entities are shown in one implicit workspace.",
    );
  }
  await addPlugins(ctx, workspaces, perWorkspace);
  const discrete = await readDiscreteServices(ctx, workspaces, perWorkspace);
  const entityCounters = await compareEntityCounters(ctx, perWorkspace);
  if (entityCounters === undefined) {
    warnings.push("workspace_entity_counters does not exist in this schema: no counter drift comparison.");
  } else {
    warnings.push(...describeDrift(entityCounters));
  }
  const byTag = await readUsageByTag(ctx, options.tagPrefix ?? DEFAULT_TAG_PREFIX);
  if (byTag.without_tags_column.length > 0) {
    warnings.push(
      `${byTag.without_tags_column.join(", ")} ha${byTag.without_tags_column.length === 1 ? "s" : "ve"} no tags column in this schema: their entities count as untagged in the usage by tag.`,
    );
  }
  return {
    workspaces,
    discrete_services: discrete,
    ...(entityCounters === undefined ? {} : { entity_counters: entityCounters }),
    usage_by_tag: byTag,
    warnings,
  };
}

// The paging is checked here, before any statement runs, so that a bad value fails by name.
function createContext(sql: SqlPort, options: CollectDetailsOptions): DetailsContext {
  const paging = resolvePaging(options.paging);
  const queryOptions = options.signal === undefined ? {} : { signal: options.signal };
  return {
    schema: options.schema,
    paging,
    rules: options.rules ?? [],
    includeList: options.includeList === true,
    tierOf: options.tierOf,
    maxWorkspaceDrifts: options.maxWorkspaceDrifts ?? DEFAULT_MAX_WORKSPACE_DRIFTS,
    run: (text, params = {}) => {
      options.signal?.throwIfAborted();
      return sql.query(text, params, queryOptions);
    },
  };
}
