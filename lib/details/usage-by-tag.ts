import { BadParameterError } from "../errors.ts";
import type { TagUsage, UsageByTag } from "../report/usage-types.ts";
import type { DetailsContext } from "./details-context.ts";
import { compileDiscreteRules } from "./discrete-rules.ts";
import { DISCRETE_KEY_SQL } from "./discrete-services.ts";
import { type PageSpec, readPages } from "./paging.ts";
import { toCount } from "./row-values.ts";

/** The prefix of the tags that name a team, unless configured (`--tag-prefix`, REPORT_TAG_PREFIX). */
export const DEFAULT_TAG_PREFIX = "team:";

/** The tables counted per tag, with their alias in the statement. */
const TAGGED_TABLES = [
  ["services", "s"],
  ["routes", "r"],
  ["plugins", "p"],
] as const;

// The rows sort tagged ('0') before untagged ('1'), then by tag in byte order.
const TAGGED = "'0'";
const UNTAGGED = "'1'";

/**
 * The distinct values of an entity's tags that start with `:prefix` (prefix removed), one row each,
 * or one NULL row when it has none: an entity with several values counts under each.
 */
function tagsOf(alias: string): string {
  return `LEFT JOIN LATERAL (SELECT DISTINCT substr(x, char_length(:prefix::text) + 1) AS tag
                               FROM unnest(${alias}.tags) x
                              WHERE left(x, char_length(:prefix::text)) = :prefix::text) t ON true`;
}

/** One grouped statement per table: (grp, tag, n) and, for services without rules, the distinct keys. */
function groupedTable(ctx: DetailsContext, table: string, alias: string, discrete: boolean): string {
  const distinct = discrete ? `, count(DISTINCT ${DISCRETE_KEY_SQL}) AS d` : "";
  if (!ctx.schema.hasColumn(table, "tags")) {
    return `SELECT ${UNTAGGED}::text AS grp, ''::text AS tag, count(*) AS n${distinct} FROM ${table} ${alias} GROUP BY 1, 2`;
  }
  return `SELECT CASE WHEN t.tag IS NULL THEN ${UNTAGGED} ELSE ${TAGGED} END::text AS grp,
                 coalesce(t.tag, '') AS tag, count(*) AS n${distinct}
            FROM ${table} ${alias} ${tagsOf(alias)}
           GROUP BY 1, 2`;
}

/**
 * Services, discrete services, routes and plugins per value of the tags starting with `prefix`
 * (Kong's own `tags`), untagged entities in a row of their own. Set-based: one grouped
 * statement per table joined on the tag, paged by tag; with discrete rules, the distinct
 * (tag, key) pairs are paged too and rewritten in JS (KLCR's regex semantics).
 */
export async function readUsageByTag(ctx: DetailsContext, prefix: string): Promise<UsageByTag> {
  const withoutRules = ctx.rules.length === 0;
  const [services, routes, plugins] = TAGGED_TABLES.map(([table, alias]) =>
    groupedTable(ctx, table, alias, table === "services" && withoutRules),
  ) as [string, string, string];
  const spec: PageSpec = {
    columns: "u.grp AS grp, u.tag AS tag, u.services, u.discrete, u.routes, u.plugins",
    output: ["grp", "tag", "services", "discrete", "routes", "plugins"],
    from: `(SELECT coalesce(s.grp, r.grp, p.grp) AS grp, coalesce(s.tag, r.tag, p.tag) AS tag,
                   coalesce(s.n, 0)::text AS services, ${withoutRules ? "coalesce(s.d, 0)" : "0"}::text AS discrete,
                   coalesce(r.n, 0)::text AS routes, coalesce(p.n, 0)::text AS plugins
              FROM (${services}) s
              FULL JOIN (${routes}) r ON r.grp = s.grp AND r.tag = s.tag
              FULL JOIN (${plugins}) p ON p.grp = coalesce(s.grp, r.grp) AND p.tag = coalesce(s.tag, r.tag)) u`,
    keys: ["u.grp", "u.tag"],
    keyColumns: ["grp", "tag"],
    size: "octet_length(u.tag) + 40",
    limit: ctx.paging.keys,
  };
  const rows: TagUsage[] = [];
  for await (const page of readPages(ctx, withPrefix(spec, prefix))) {
    for (const row of page) {
      rows.push({
        tag: row.grp === "1" ? null : (row.tag ?? ""),
        services: toCount(row.services),
        discrete_services: toCount(row.discrete),
        routes: toCount(row.routes),
        plugins: toCount(row.plugins),
      });
    }
  }
  if (!withoutRules) await addDiscreteWithRules(ctx, prefix, rows);
  return {
    prefix,
    without_tags_column: TAGGED_TABLES.map(([table]) => table).filter(
      (table) => ctx.schema.hasTable(table) && !ctx.schema.hasColumn(table, "tags"),
    ),
    rows,
  };
}

/** Distinct (tag, key) pairs of the services, rewritten by the rules and counted per tag. */
async function addDiscreteWithRules(ctx: DetailsContext, prefix: string, rows: TagUsage[]): Promise<void> {
  const compiled = compileDiscreteRules(ctx.rules);
  const tagged = ctx.schema.hasColumn("services", "tags");
  const grp = tagged
    ? `CASE WHEN t.tag IS NULL THEN ${UNTAGGED} ELSE ${TAGGED} END::text`
    : `${UNTAGGED}::text`;
  const keys = new Map<string, Set<string>>();
  const spec: PageSpec = {
    columns: "d.grp AS grp, d.tag AS tag, d.key AS key",
    output: ["grp", "tag", "key"],
    from: `(SELECT DISTINCT ${grp} AS grp, ${tagged ? "coalesce(t.tag, '')" : "''::text"} AS tag, ${DISCRETE_KEY_SQL} AS key
              FROM services s ${tagged ? tagsOf("s") : ""}) d`,
    keys: ["d.grp", "d.tag", "d.key"],
    keyColumns: ["grp", "tag", "key"],
    size: "octet_length(d.tag) + octet_length(d.key)",
    limit: ctx.paging.keys,
  };
  for await (const page of readPages(ctx, withPrefix(spec, prefix))) {
    for (const row of page) {
      const id = `${row.grp}\u0000${row.tag ?? ""}`;
      const set = keys.get(id) ?? new Set<string>();
      set.add(compiled.apply(row.key ?? ""));
      keys.set(id, set);
    }
  }
  for (const row of rows) {
    row.discrete_services = keys.get(`${row.tag === null ? "1" : "0"}\u0000${row.tag ?? ""}`)?.size ?? 0;
  }
}

/** The prefix travels only when the statement uses it: the Data API refuses a parameter it does not use. */
function withPrefix(spec: PageSpec, prefix: string): PageSpec {
  return spec.from.includes(":prefix") ? { ...spec, params: { prefix } } : spec;
}

/**
 * Validates a tag prefix (`--tag-prefix`, REPORT_TAG_PREFIX): 1 to 64 characters, none of them a
 * control character (Kong's tags are printable). It travels as a bound parameter, never as SQL.
 */
export function parseTagPrefix(value: string, parameter: string): string {
  if (value.length >= 1 && value.length <= 64 && !/\p{Cc}/u.test(value)) return value;
  throw new BadParameterError(
    parameter,
    `Invalid ${parameter}: expected 1 to 64 printable characters that Kong tags start with, e.g. "${DEFAULT_TAG_PREFIX}" (the default).`,
  );
}
