import { readFile } from "node:fs/promises";
import pg from "pg";
import { buildSlots } from "./plugin-mix.ts";
import { type BenchSize, benchDatabaseName, withDatabase } from "./sizes.ts";

/**
 * Synthetic Kong Enterprise 3.13 databases for the benchmark, generated set-based with
 * `generate_series` (one INSERT … SELECT per table) and reused between runs: a marker row in
 * `parameters` records the size and generator version, written last, so an interrupted
 * generation is redone and a finished one is skipped.
 *
 * Shape (deterministic: every id and choice is a hash of the row number):
 * - entities spread round-robin over the workspaces; 20% of routes are service-less;
 * - plugins: ~62% free, ~33% enterprise, 3% aws-lambda, 2% kafka-upstream, 2.5% custom,
 *   10% disabled; scoped global 3%, service 35%, route 50%, consumer 10%, consumer group 2%;
 *   aws-lambda / kafka-upstream mostly on service-less routes, some disqualified (route with
 *   a service, service- or consumer-scoped, consumer group), a few without function_name /
 *   bootstrap_servers;
 * - consumers: 93% proxy (type 0); license_data: one row per node and month plus legacy
 *   UNKNOWN rows; one licence; hybrid data planes; workspace_entity_counters in sync except
 *   one drifted row.
 */

/** Bump when the generated data changes: existing databases are then regenerated. */
export const GENERATOR_VERSION = 1;
const MARKER_KEY = "kong_license_report.bench";
const DEFAULT_WS = "a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30";
const schemaFile = new URL("../lib/demo/schema.sql", import.meta.url);

export interface EnsureResult {
  readonly url: string;
  readonly generated: boolean;
  /** Seconds the generation took (0 when reused). */
  readonly seconds: number;
}

export interface EnsureOptions {
  readonly regenerate?: boolean;
  readonly log?: (line: string) => void;
}

/** Makes sure `kong_bench_<size>` holds exactly this size; generates it when it does not. */
export async function ensureBenchDatabase(
  adminUrl: string,
  size: BenchSize,
  options: EnsureOptions = {},
): Promise<EnsureResult> {
  const log = options.log ?? (() => undefined);
  const database = benchDatabaseName(size.name);
  const url = withDatabase(adminUrl, database);
  const marker = JSON.stringify({ generator: GENERATOR_VERSION, ...size });
  if (options.regenerate !== true && (await readMarker(adminUrl, database)) === marker) {
    return { url, generated: false, seconds: 0 };
  }
  const started = performance.now();
  await recreateDatabase(adminUrl, database);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(await readFile(schemaFile, "utf8"));
    for (const [label, statement, params] of generationSteps(size)) {
      const stepStarted = performance.now();
      await client.query(statement, params);
      log(`  ${size.name} ${label}: ${((performance.now() - stepStarted) / 1000).toFixed(1)} s`);
    }
    await assertConsistent(client);
    const vacuumStarted = performance.now();
    await vacuumUntilAllVisible(client);
    log(`  ${size.name} vacuum analyze: ${((performance.now() - vacuumStarted) / 1000).toFixed(1)} s`);
    await client.query("INSERT INTO parameters (key, value, created_at) VALUES ($1, $2, now())", [
      MARKER_KEY,
      marker,
    ]);
  } finally {
    await client.end();
  }
  return { url, generated: true, seconds: (performance.now() - started) / 1000 };
}

async function readMarker(adminUrl: string, database: string): Promise<string | undefined> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const { rowCount } = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (rowCount === 0) return undefined;
  } finally {
    await admin.end();
  }
  const client = new pg.Client({ connectionString: withDatabase(adminUrl, database) });
  await client.connect();
  try {
    const { rows } = await client.query<{ value: string }>("SELECT value FROM parameters WHERE key = $1", [
      MARKER_KEY,
    ]);
    return rows[0]?.value;
  } catch {
    return undefined;
  } finally {
    await client.end();
  }
}

async function recreateDatabase(adminUrl: string, database: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.query(
      `CREATE DATABASE ${database} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'`,
    );
  } finally {
    await admin.end();
  }
}

type Step = readonly [label: string, sql: string, params?: unknown[]];

function generationSteps(size: BenchSize): Step[] {
  const W = size.workspaces;
  const S = size.services;
  const R = size.routes;
  const C = size.consumers;
  const lambdaPool = Math.max(10, Math.floor(size.plugins / 250));
  const brokerPool = Math.max(5, Math.floor(size.plugins / 2000));
  const consumersPerWs = Math.floor(C / W);
  return [
    [
      "session",
      // Rows are consistent by construction (checked after the load); skipping the FK triggers
      // and WAL flushes keeps L generation to minutes.
      `SET session_replication_role = replica;
       SET synchronous_commit = off;
       SET maintenance_work_mem = '512MB';
       SET work_mem = '64MB';
       SET jit = off;
       CREATE FUNCTION pg_temp.h(seed bigint, k bigint) RETURNS bigint IMMUTABLE LANGUAGE sql
         AS $$ SELECT hashint8(k * 1000003 + seed)::bigint & 2147483647 $$;
       CREATE FUNCTION pg_temp.uid(kind text, i bigint) RETURNS uuid IMMUTABLE LANGUAGE sql
         AS $$ SELECT md5(kind || ':' || i)::uuid $$;
       CREATE FUNCTION pg_temp.ws(w bigint) RETURNS uuid IMMUTABLE LANGUAGE sql
         AS $$ SELECT CASE WHEN w = 0 THEN '${DEFAULT_WS}'::uuid ELSE md5('ws:' || w)::uuid END $$;
       -- route r: every 5th is service-less; the others belong to service (7r mod S) + 1 and its workspace
       CREATE FUNCTION pg_temp.route_service(r bigint) RETURNS bigint IMMUTABLE LANGUAGE sql
         AS $$ SELECT CASE WHEN r % 5 = 0 THEN NULL ELSE (r * 7) % ${S} + 1 END $$;
       CREATE FUNCTION pg_temp.route_ws(r bigint) RETURNS bigint IMMUTABLE LANGUAGE sql
         AS $$ SELECT CASE WHEN r % 5 = 0 THEN r % ${W} ELSE ((r * 7) % ${S} + 1) % ${W} END $$;
       CREATE TEMP TABLE slot (h int PRIMARY KEY, name text NOT NULL, kind text NOT NULL, config jsonb NOT NULL)`,
    ],
    [
      "plugin mix",
      `INSERT INTO pg_temp.slot SELECT h, name, kind, config
         FROM jsonb_to_recordset($1::jsonb) AS x(h int, name text, kind text, config jsonb)`,
      [JSON.stringify(buildSlots())],
    ],
    [
      `workspaces (${W})`,
      `INSERT INTO workspaces (id, name, comment, created_at, meta, config, updated_at)
       SELECT pg_temp.ws(w), 'ws-' || lpad(w::text, 4, '0'), 'team ' || w, '2024-01-01'::timestamptz + w * interval '1 hour',
              '{"color": null, "thumbnail": null}'::jsonb, '{"portal": false, "meta": {}}'::jsonb, now()
         FROM generate_series(1, ${W - 1}) w`,
    ],
    [
      "consumer groups, rbac users",
      `INSERT INTO consumer_groups (id, name, ws_id)
       SELECT pg_temp.uid('cg', w), 'gold', pg_temp.ws(w) FROM generate_series(0, ${W - 1}) w;
       INSERT INTO rbac_users (id, name, user_token, user_token_ident, enabled, ws_id)
       SELECT pg_temp.uid('rbac', i), 'admin-' || i, md5('token:' || i), left(md5('token:' || i), 5), true,
              pg_temp.ws(i % ${W})
         FROM generate_series(1, ${W * 2 + 1}) i`,
    ],
    [
      `services (${S})`,
      `INSERT INTO services (id, created_at, updated_at, name, retries, protocol, host, port, path,
                             connect_timeout, write_timeout, read_timeout, tls_verify, ws_id, enabled)
       SELECT pg_temp.uid('service', s), ts, ts, 'svc-' || s, 5,
              CASE WHEN s % 4 = 0 THEN 'http' ELSE 'https' END,
              'backend-' || (s % ${Math.max(1, Math.ceil(S * 0.6))}) || '.svc.cluster.local',
              CASE WHEN s % 4 = 0 THEN 80 WHEN s % 7 = 0 THEN 8443 ELSE 443 END,
              CASE WHEN s % 3 = 0 THEN NULL ELSE '/api/v' || (1 + s % 3) END,
              60000, 60000, 60000, NULL, pg_temp.ws(s % ${W}), true
         FROM generate_series(1, ${S}) s, LATERAL (SELECT '2024-02-01'::timestamptz + s * interval '1 minute' AS ts) t`,
    ],
    [
      `routes (${R})`,
      `INSERT INTO routes (id, created_at, updated_at, name, service_id, protocols, methods, hosts, paths,
                           regex_priority, strip_path, preserve_host, https_redirect_status_code,
                           path_handling, ws_id, request_buffering, response_buffering)
       SELECT pg_temp.uid('route', r), ts, ts, 'route-' || r,
              pg_temp.uid('service', pg_temp.route_service(r)),
              '{http,https}', CASE WHEN r % 3 = 0 THEN '{GET,POST}'::text[] END,
              ARRAY['api-' || (r % 50) || '.example.com'], ARRAY['/r/' || r], 0, true, false, 426, 'v0',
              pg_temp.ws(pg_temp.route_ws(r)), true, true
         FROM generate_series(1, ${R}) r, LATERAL (SELECT '2024-03-01'::timestamptz + r * interval '10 seconds' AS ts) t`,
    ],
    [
      `consumers (${C})`,
      `INSERT INTO consumers (id, created_at, username, custom_id, ws_id, username_lower, updated_at, type)
       SELECT pg_temp.uid('consumer', c), ts, 'User-' || c, 'cid-' || c, pg_temp.ws(c % ${W}), 'user-' || c, ts,
              CASE WHEN c % 20 = 0 THEN 1 WHEN c % 50 = 1 THEN 3 WHEN c % 97 = 2 THEN 2 ELSE 0 END
         FROM generate_series(1, ${C}) c, LATERAL (SELECT '2024-04-01'::timestamptz + c * interval '1 second' AS ts) t`,
    ],
    [
      `plugins (${size.plugins})`,
      `INSERT INTO plugins (id, created_at, name, consumer_id, service_id, route_id, config, enabled, cache_key,
                            protocols, ws_id, updated_at, consumer_group_id)
       SELECT pg_temp.uid('plugin', k), ts, name,
              pg_temp.uid('consumer', c_no), pg_temp.uid('service', s_no), pg_temp.uid('route', r_no),
              config, enabled,
              'plugins:' || name || ':' || coalesce(r_no::text, '') || ':' || coalesce(s_no::text, '') || ':'
                || coalesce(c_no::text, '') || ':' || coalesce(cg_no::text, '') || ':' || k,
              '{grpc,grpcs,http,https}',
              pg_temp.ws(CASE WHEN r_no IS NOT NULL THEN pg_temp.route_ws(r_no)
                              WHEN s_no IS NOT NULL THEN s_no % ${W}
                              WHEN c_no IS NOT NULL THEN c_no % ${W}
                              WHEN cg_no IS NOT NULL THEN cg_no
                              ELSE k % ${W} END),
              ts, pg_temp.uid('cg', cg_no)
         FROM (
           SELECT k, ts, name, enabled,
                  CASE kind
                    WHEN 'lambda' THEN jsonb_set(config, '{function_name}',
                      CASE WHEN m < 3 THEN 'null'::jsonb
                           WHEN m < 5 THEN '""'::jsonb
                           WHEN m < 20 THEN to_jsonb('fn-' || pg_temp.h(7, k) % ${lambdaPool})
                           ELSE to_jsonb('arn:aws:lambda:eu-west-1:123456789012:function:fn-' || pg_temp.h(7, k) % ${lambdaPool}) END)
                    WHEN 'kafka' THEN
                      CASE WHEN m < 2 THEN config - 'bootstrap_servers'
                           WHEN m < 4 THEN config
                           ELSE jsonb_set(config, '{bootstrap_servers}', (
                             SELECT jsonb_agg(jsonb_build_object(
                                      'host', 'kafka-' || (pg_temp.h(8, k) + j) % ${brokerPool} || '.broker.internal',
                                      'port', 9092 + j % 2))
                               FROM generate_series(0, pg_temp.h(9, k) % 3) j)) END
                    ELSE config END AS config,
                  CASE WHEN scope IN ('route', 'sl-route', 'svc-route', 'sl-route+consumer', 'sl-route+cg') THEN
                    CASE scope WHEN 'route' THEN 1 + x % ${R}
                               WHEN 'svc-route' THEN 5 * (x % ${Math.floor(R / 5)}) + 1
                               ELSE 5 * (1 + x % ${Math.floor(R / 5)}) END END AS r_no,
                  CASE scope WHEN 'service' THEN 1 + x % ${S} END AS s_no,
                  CASE scope WHEN 'consumer' THEN 1 + x % ${C}
                             -- a consumer of the route's workspace
                             WHEN 'sl-route+consumer' THEN ${W} * (1 + y % ${Math.max(1, consumersPerWs - 1)})
                                                             + (5 * (1 + x % ${Math.floor(R / 5)})) % ${W} END AS c_no,
                  CASE scope WHEN 'cg' THEN x % ${W}
                             WHEN 'sl-route+cg' THEN (5 * (1 + x % ${Math.floor(R / 5)})) % ${W} END AS cg_no
             FROM (
               SELECT k, '2024-05-01'::timestamptz + k * interval '1 second' AS ts, s.name, s.kind, s.config,
                      pg_temp.h(5, k) % 10 <> 0 AS enabled,
                      pg_temp.h(6, k) % 100 AS m, pg_temp.h(3, k) AS x, pg_temp.h(4, k) AS y,
                      CASE WHEN s.kind = 'normal' THEN
                             CASE WHEN sc < 3 THEN 'global' WHEN sc < 38 THEN 'service' WHEN sc < 88 THEN 'route'
                                  WHEN sc < 98 THEN 'consumer' ELSE 'cg' END
                           ELSE
                             CASE WHEN sc < 65 THEN 'sl-route' WHEN sc < 75 THEN 'svc-route' WHEN sc < 85 THEN 'service'
                                  WHEN sc < 90 THEN 'sl-route+consumer' WHEN sc < 95 THEN 'global' ELSE 'sl-route+cg' END
                      END AS scope
                 FROM (SELECT k, pg_temp.h(1, k) % 1000 AS h, pg_temp.h(2, k) % 100 AS sc
                         FROM generate_series(1, ${size.plugins}) k) g
                 JOIN pg_temp.slot s ON s.h = g.h
             ) chosen
         ) p`,
    ],
    [
      `license_data (${size.nodes} nodes × ${size.months} months), licence, data planes`,
      `INSERT INTO license_data (node_id, req_cnt, license_creation_date, year, month)
       SELECT pg_temp.uid('node', n), 1000000 + pg_temp.h(10, n * 1000 + j) % 50000000, '2024-01-01',
              extract(year FROM d)::smallint, extract(month FROM d)::smallint
         FROM generate_series(1, ${size.nodes}) n, generate_series(0, ${size.months - 1}) j,
              LATERAL (SELECT date_trunc('month', now() AT TIME ZONE 'UTC') - j * interval '1 month' AS d) t;
       INSERT INTO license_data (node_id, req_cnt, license_creation_date, year, month)
       SELECT pg_temp.uid('node', n), 123456789, '2021-06-01', 0, 0
         FROM generate_series(1, ${size.nodes}) n WHERE n % 4 = 0;
       INSERT INTO licenses (id, payload, created_at, updated_at)
       VALUES (pg_temp.uid('license', 1),
               '{"license":{"payload":{"admin_seats":"50","customer":"Bench Corp (FAKE LICENSE)","dataplanes":"${size.nodes}","license_creation_date":"2024-01-01","license_expiration_date":"2030-12-31","license_key":"FAKE-BENCH-LICENSE-KEY-${size.name}","product_subscription":"Kong Enterprise Edition","support_plan":"Platinum"},"signature":"0000","version":"1"}}',
               '2024-01-01', '2024-01-01');
       UPDATE licenses SET checksum = encode(sha256(convert_to(payload, 'UTF8')), 'hex');
       INSERT INTO clustering_data_planes (id, hostname, ip, last_seen, config_hash, ttl, version, sync_status)
       SELECT pg_temp.uid('node', n), 'dp-' || n || '.internal', '10.0.' || (n / 250) || '.' || (n % 250 + 1), now(),
              md5('config'), now() + interval '14 days', '3.13.0.1', 'normal'
         FROM generate_series(1, ${size.nodes}) n`,
    ],
    [
      "workspace_entity_counters",
      `INSERT INTO workspace_entity_counters (workspace_id, entity_type, count)
       SELECT ws_id, 'services', count(*) FROM services GROUP BY ws_id
       UNION ALL SELECT ws_id, 'routes', count(*) FROM routes GROUP BY ws_id
       UNION ALL SELECT ws_id, 'consumers', count(*) FROM consumers WHERE type = 0 GROUP BY ws_id
       UNION ALL SELECT ws_id, 'plugins', count(*) FROM plugins GROUP BY ws_id
       UNION ALL SELECT ws_id, 'rbac_users', count(*) FROM rbac_users GROUP BY ws_id;
       -- counters drift in real estates (direct DB edits, races): one row is off by two
       UPDATE workspace_entity_counters SET count = count + 2
        WHERE workspace_id = pg_temp.ws(1 % ${W}) AND entity_type = 'routes'`,
    ],
  ];
}

/**
 * Kong's autovacuum would have run: visibility maps let counts use index-only scans. VACUUM
 * cannot mark a page all-visible while an inserter's commit is not yet flushed (asynchronous
 * commit) or an older snapshot is open, so it is repeated until the big tables are all-visible.
 */
async function vacuumUntilAllVisible(client: pg.Client): Promise<void> {
  await client.query("SET synchronous_commit = on");
  for (let attempt = 1; ; attempt += 1) {
    await client.query("VACUUM (ANALYZE)");
    const { rows } = await client.query<{ relname: string; relpages: number; relallvisible: number }>(
      `SELECT relname, relpages, relallvisible FROM pg_class
        WHERE relname IN ('plugins', 'routes', 'services', 'consumers') AND relkind = 'r'`,
    );
    const behind = rows.filter((row) => row.relallvisible < row.relpages);
    if (behind.length === 0) return;
    if (attempt >= 5) {
      throw new Error(
        `VACUUM left ${behind.map((row) => `${row.relname} ${row.relallvisible}/${row.relpages}`).join(", ")} pages all-visible: is a long transaction open on the server?`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 1000 * attempt));
  }
}

/** The foreign keys skipped during the load, checked set-based instead. */
async function assertConsistent(client: pg.Client): Promise<void> {
  const { rows } = await client.query<Record<string, string>>(`
SELECT (SELECT count(*) FROM routes r WHERE r.service_id IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM services s WHERE s.id = r.service_id AND s.ws_id = r.ws_id))::text AS routes,
       (SELECT count(*) FROM plugins p WHERE p.route_id IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM routes r WHERE r.id = p.route_id AND r.ws_id = p.ws_id))::text AS plugin_routes,
       (SELECT count(*) FROM plugins p WHERE p.service_id IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM services s WHERE s.id = p.service_id AND s.ws_id = p.ws_id))::text AS plugin_services,
       (SELECT count(*) FROM plugins p WHERE p.consumer_id IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM consumers c WHERE c.id = p.consumer_id AND c.ws_id = p.ws_id))::text AS plugin_consumers,
       (SELECT count(*) FROM plugins p WHERE p.consumer_group_id IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM consumer_groups g WHERE g.id = p.consumer_group_id))::text AS plugin_groups,
       (SELECT count(*) FROM plugins p
          WHERE NOT EXISTS (SELECT 1 FROM workspaces w WHERE w.id = p.ws_id))::text AS plugin_workspaces`);
  const broken = Object.entries(rows[0] ?? {}).filter(([, n]) => n !== "0");
  if (broken.length > 0) {
    throw new Error(`generated rows break foreign keys: ${broken.map(([fk, n]) => `${fk} ${n}`).join(", ")}`);
  }
}
