import type { QueryOptions, SqlPort } from "../sql/port.ts";
import type { SchemaFacts } from "./probe-schema.ts";
import type { ReportWindow } from "./reporting-month.ts";

/** Raw numbers read from a Kong database in one statement; all counts as exact decimal strings. */
export interface KongFacts {
  schemaMeta: Array<{ subsystem: string; executed: string[]; pending: string[] }>;
  /** Non-encrypted license payloads, best candidate first (newest updated_at second, then lowest id). */
  licenseCandidates: string[];
  encryptedLicenses: number;
  /** Per-label request sums within the window; undefined when `license_data` does not exist. */
  buckets: Array<[label: string, total: string]> | undefined;
  /** AI Gateway model-hours per month label and model; undefined when `license_llm_data` does not exist. */
  llmHours: Array<[label: string, model: string, hours: string]> | undefined;
  workspaces: string | undefined;
  rbacUsers: string | undefined;
  services: string;
  routes: string;
  consumers: string;
  plugins: Array<[name: string, count: string]>;
  uniqueRouteLambdas: string;
  /** Distinct brokers across all Kafka-family plugins on service-less routes (Kong 3.10+'s rule). */
  uniqueRouteKafkaFamily: string;
  /** Per Kafka-family plugin on service-less routes: distinct brokers and the first addresses. */
  routeKafkaBrokers: Array<[plugin: string, brokers: string, addresses: string[]]>;
  /** Data planes whose ttl is null or in the future; undefined without the table. */
  liveDataPlanes: string | undefined;
  dataPlaneVersions: string[];
}

// A plugin that counts for the serverless/Kafka totals: on a service-less route, not scoped to a
// service, consumer or consumer group (Kong's rule, kong-report.md §5). This is the plugin half;
// the route half (`route_id` names a route whose `service_id IS NULL`) is the join.
function routeOnlyPluginTest(schema: SchemaFacts): string {
  const consumerGroup = schema.hasColumn("plugins", "consumer_group_id")
    ? "AND p.consumer_group_id IS NULL"
    : "";
  return `p.service_id IS NULL AND p.consumer_id IS NULL ${consumerGroup}`;
}

const count = (from: string) => `(SELECT count(*)::text FROM ${from})`;

function schemaMetaSelect(): string {
  return `(SELECT coalesce(json_agg(json_build_object(
              'subsystem', subsystem,
              'executed', coalesce(to_json(executed), '[]'::json),
              'pending', coalesce(to_json(pending), '[]'::json))), '[]'::json)::text
            FROM schema_meta WHERE key = 'schema_meta')`;
}

function licenseSelects(schema: SchemaFacts): { candidates: string; encrypted: string } {
  if (!schema.hasTable("licenses")) return { candidates: "NULL", encrypted: "'0'" };
  // Kong compares updated_at as whole epoch seconds; on a tie the first row in id order wins.
  const order = schema.hasColumn("licenses", "updated_at")
    ? "floor(extract(epoch FROM updated_at)) DESC NULLS LAST, id"
    : "id";
  return {
    candidates: `(SELECT coalesce(json_agg(payload ORDER BY rn), '[]'::json)::text FROM (
                    SELECT payload, row_number() OVER (ORDER BY ${order}) AS rn
                      FROM licenses WHERE payload IS NOT NULL AND payload NOT LIKE '$ke$1$%'
                     ORDER BY rn LIMIT 20) l)`,
    encrypted: `(SELECT count(*)::text FROM licenses WHERE payload LIKE '$ke$1$%')`,
  };
}

function bucketsSelect(schema: SchemaFacts, bounded: boolean): string {
  if (!schema.hasTable("license_data")) return "NULL";
  if (!schema.hasColumn("license_data", "year")) {
    // Before EE 2.7 rows carried no month: everything is UNKNOWN.
    return `(SELECT coalesce(json_agg(json_build_array('UNKNOWN', total)), '[]'::json)::text
               FROM (SELECT sum(req_cnt)::text AS total FROM license_data HAVING count(*) > 0) t)`;
  }
  return `(SELECT coalesce(json_agg(json_build_array(label, total)), '[]'::json)::text FROM (
             SELECT CASE WHEN year = 0 OR month = 0 THEN 'UNKNOWN'
                         ELSE lpad(year::text, 4, '0') || '-' || lpad(month::text, 2, '0') END AS label,
                    sum(req_cnt)::text AS total
               FROM license_data
              WHERE year = 0 OR ((year > :min_year OR (year = :min_year AND month >= :min_month))${
                bounded ? " AND (year < :max_year OR (year = :max_year AND month <= :max_month))" : ""
              })
              GROUP BY 1) b)`;
}

/**
 * AI Gateway model-hours (Kong 3.10+'s `license_llm_data`: one row per model and hour) per month
 * and model, in the counters' window. Rows kept from 3.10's weekly counter have no month: they
 * count as UNKNOWN when their year is in the window.
 */
function llmHoursSelect(schema: SchemaFacts, bounded: boolean): string {
  if (!schema.hasTable("license_llm_data")) return "NULL";
  return `(SELECT coalesce(json_agg(json_build_array(label, model_name, hours) ORDER BY label, model_name), '[]'::json)::text
            FROM (SELECT CASE WHEN month = 0 THEN 'UNKNOWN'
                              ELSE lpad(year::text, 4, '0') || '-' || lpad(month::text, 2, '0') END AS label,
                         model_name, count(*)::text AS hours
                    FROM license_llm_data
                   WHERE (month = 0 AND year >= :min_year${bounded ? " AND year <= :max_year" : ""})
                      OR (month <> 0 AND (year > :min_year OR (year = :min_year AND month >= :min_month))${
                        bounded ? " AND (year < :max_year OR (year = :max_year AND month <= :max_month))" : ""
                      })
                   GROUP BY 1, 2) t)`;
}

/** Plugins whose brokers Kong counts in `unique_route_kafkas`: kafka-upstream up to 3.9, all four from 3.10. */
export const KAFKA_FAMILY = ["kafka-upstream", "kafka-consume", "confluent", "confluent-consume"] as const;

/** Addresses listed per plugin in the details (the counts are always exact). */
const LISTED_BROKERS = 100;

/**
 * The route-scoped rows behind the serverless/Kafka totals, from one pass over the aws-lambda and
 * Kafka-family rows, fetched by plugins_name_idx alone. No Kong index holds `config`, so these heap
 * pages are the main cost at scale; the scope test is evaluated per row (inside the CASEs), not as
 * index conditions, because ANDing the half-million-entry bitmaps of plugins_service_id_idx /
 * plugins_route_id_idx cost more than the few rows it saves. `OFFSET 0` fences keep whole configs
 * out of the join (only the function name and broker list travel) and make the route test one hash
 * join against the service-less routes (routes_service_id_idx) instead of a primary-key probe per
 * plugin. Read by several output columns, the CTE is evaluated once. Every Kafka-family plugin is
 * read whatever the Kong version: which of them count is decided after the version is known, and
 * the details show both readings.
 */
function routePluginsCte(schema: SchemaFacts): string {
  const routeOnly = routeOnlyPluginTest(schema);
  const family = KAFKA_FAMILY.map((name) => `'${name}'`).join(", ");
  return `route_plugins AS (
  SELECT c.name, c.function_name, (b->>'host') || ':' || (b->>'port') AS broker
    FROM (SELECT p.route_id, p.name,
                 CASE WHEN p.name = 'aws-lambda' AND ${routeOnly}
                           AND jsonb_typeof(p.config::jsonb->'function_name') = 'string'
                      THEN nullif(p.config::jsonb->>'function_name', '') END AS function_name,
                 CASE WHEN p.name IN (${family}) AND ${routeOnly}
                           AND jsonb_typeof(p.config::jsonb->'bootstrap_servers') = 'array'
                      THEN p.config::jsonb->'bootstrap_servers' END AS brokers
            FROM plugins p
           WHERE p.name IN ('aws-lambda', ${family})
          OFFSET 0) c
    JOIN (SELECT id FROM routes WHERE service_id IS NULL OFFSET 0) r ON r.id = c.route_id
    LEFT JOIN LATERAL jsonb_array_elements(c.brokers) b ON jsonb_typeof(b) = 'object')`;
}

function routeKafkaBrokersSelect(): string {
  return `(SELECT coalesce(json_agg(json_build_array(name, n, addresses) ORDER BY name), '[]'::json)::text
            FROM (SELECT name, count(DISTINCT broker)::text AS n,
                         (array_agg(DISTINCT broker ORDER BY broker))[1:${LISTED_BROKERS}] AS addresses
                    FROM route_plugins WHERE broker IS NOT NULL GROUP BY name) k)`;
}

/**
 * Builds the one statement that reads every number of the report, shaped to the schema present.
 * `bounded`: the request window also ends (at `:max_year`/`:max_month`), for a past reporting month.
 */
export function buildFactsStatement(schema: SchemaFacts, { bounded = false } = {}): string {
  const license = licenseSelects(schema);
  const hasDataPlanes = schema.hasTable("clustering_data_planes");
  const hasDpVersion = schema.hasColumn("clustering_data_planes", "version");
  const hasTtl = schema.hasColumn("clustering_data_planes", "ttl");
  const columns: Record<string, string> = {
    schema_meta: schemaMetaSelect(),
    license_candidates: license.candidates,
    encrypted_licenses: license.encrypted,
    buckets: bucketsSelect(schema, bounded),
    llm_hours: llmHoursSelect(schema, bounded),
    workspaces: schema.hasTable("workspaces") ? count("workspaces") : "NULL",
    rbac_users: schema.hasTable("rbac_users") ? count("rbac_users") : "NULL",
    services: count("services"),
    routes: count("routes"),
    consumers: schema.hasColumn("consumers", "type") ? count("consumers WHERE type = 0") : count("consumers"),
    plugins: `(SELECT coalesce(json_agg(json_build_array(name, n) ORDER BY name), '[]'::json)::text
                 FROM (SELECT name, count(*)::text AS n FROM plugins GROUP BY name) t)`,
    unique_route_lambdas: "(SELECT count(DISTINCT function_name)::text FROM route_plugins)",
    unique_route_kafka_family: "(SELECT count(DISTINCT broker)::text FROM route_plugins)",
    route_kafka_brokers: routeKafkaBrokersSelect(),
    live_data_planes: hasDataPlanes
      ? count(`clustering_data_planes${hasTtl ? " WHERE ttl IS NULL OR ttl >= now()" : ""}`)
      : "NULL",
    data_plane_versions: hasDpVersion
      ? `(SELECT coalesce(json_agg(DISTINCT version), '[]'::json)::text
            FROM clustering_data_planes WHERE version IS NOT NULL)`
      : "'[]'",
  };
  return `WITH ${routePluginsCte(schema)}
SELECT ${Object.entries(columns)
    .map(([name, expression]) => `${expression} AS ${name}`)
    .join(",\n       ")}`;
}

/** Reads all report numbers in a single round trip. */
export async function readKongFacts(
  sql: SqlPort,
  schema: SchemaFacts,
  window: ReportWindow,
  options: QueryOptions = {},
): Promise<KongFacts> {
  const { start, end } = window;
  const statement = buildFactsStatement(schema, { bounded: end !== undefined });
  const params = {
    ...(statement.includes(":min_year") ? { min_year: start.year, min_month: start.month } : {}),
    ...(statement.includes(":max_year") && end !== undefined
      ? { max_year: end.year, max_month: end.month }
      : {}),
  };
  const [row] = await sql.query(statement, params, options);
  if (row === undefined) throw new Error("the report statement returned no row");
  const json = <T>(text: string | null | undefined, fallback: T): T =>
    text === null || text === undefined ? fallback : (JSON.parse(text) as T);
  return {
    schemaMeta: json(row.schema_meta, []),
    licenseCandidates: json(row.license_candidates, []),
    encryptedLicenses: Number(row.encrypted_licenses ?? 0),
    buckets: row.buckets === null || row.buckets === undefined ? undefined : json(row.buckets, []),
    llmHours: row.llm_hours === null || row.llm_hours === undefined ? undefined : json(row.llm_hours, []),
    workspaces: row.workspaces ?? undefined,
    rbacUsers: row.rbac_users ?? undefined,
    services: row.services ?? "0",
    routes: row.routes ?? "0",
    consumers: row.consumers ?? "0",
    plugins: json(row.plugins, []),
    uniqueRouteLambdas: row.unique_route_lambdas ?? "0",
    uniqueRouteKafkaFamily: row.unique_route_kafka_family ?? "0",
    routeKafkaBrokers: json(row.route_kafka_brokers, []),
    liveDataPlanes: row.live_data_planes ?? undefined,
    dataPlaneVersions: json(row.data_plane_versions, []),
  };
}
