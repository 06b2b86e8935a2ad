-- Kong Gateway Enterprise 3.13: the tables the license report reads, plus close neighbours.
--
-- Written for kong-license-report from Kong's migrations as described in the project's reference
-- notes, and cross-checked column by column against a real 3.13 database (schema_meta core
-- `028_3120_to_3130`, enterprise `026_31200_to_31300`). Used by the embedded demo database and
-- by the tests. Kong's triggers (tag sync, ttl clean-up) are left out on purpose: the ttl
-- trigger would delete expired clustering_data_planes rows that the tests need to see.
--
-- Rules for this file: no schema-qualified names (it is loaded into any schema through
-- search_path), no extensions, no psql meta-commands; it loads on PostgreSQL 15 and PGlite.
--
-- The `default` workspace id is fixed (a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30) so seed and test
-- data can reference it.

CREATE TABLE workspaces (
  id uuid NOT NULL,
  name text,
  comment text,
  created_at timestamp with time zone DEFAULT (CURRENT_TIMESTAMP(0) AT TIME ZONE 'UTC'::text),
  meta jsonb,
  config jsonb,
  updated_at timestamp with time zone DEFAULT (CURRENT_TIMESTAMP(0) AT TIME ZONE 'UTC'::text),
  CONSTRAINT workspaces_pkey PRIMARY KEY (id),
  CONSTRAINT workspaces_name_key UNIQUE (name)
);

CREATE TABLE certificates (
  id uuid NOT NULL,
  created_at timestamp with time zone DEFAULT (CURRENT_TIMESTAMP(0) AT TIME ZONE 'UTC'::text),
  cert text,
  key text,
  tags text[],
  ws_id uuid,
  cert_alt text,
  key_alt text,
  updated_at timestamp with time zone DEFAULT (CURRENT_TIMESTAMP(0) AT TIME ZONE 'UTC'::text),
  CONSTRAINT certificates_pkey PRIMARY KEY (id),
  CONSTRAINT certificates_id_ws_id_unique UNIQUE (id, ws_id),
  CONSTRAINT certificates_ws_id_fkey FOREIGN KEY (ws_id) REFERENCES workspaces (id) ON DELETE CASCADE
);
CREATE INDEX certificates_tags_idx ON certificates USING gin (tags);

CREATE TABLE services (
  id uuid NOT NULL,
  created_at timestamp with time zone,
  updated_at timestamp with time zone,
  name text,
  retries bigint,
  protocol text,
  host text,
  port bigint,
  path text,
  connect_timeout bigint,
  write_timeout bigint,
  read_timeout bigint,
  tags text[],
  client_certificate_id uuid,
  tls_verify boolean,
  tls_verify_depth smallint,
  ca_certificates uuid[],
  ws_id uuid,
  enabled boolean DEFAULT true,
  tls_sans jsonb,
  CONSTRAINT services_pkey PRIMARY KEY (id),
  CONSTRAINT services_id_ws_id_unique UNIQUE (id, ws_id),
  CONSTRAINT services_ws_id_name_unique UNIQUE (ws_id, name),
  CONSTRAINT services_client_certificate_id_fkey FOREIGN KEY (client_certificate_id, ws_id)
    REFERENCES certificates (id, ws_id),
  CONSTRAINT services_ws_id_fkey FOREIGN KEY (ws_id) REFERENCES workspaces (id) ON DELETE CASCADE
);
CREATE INDEX services_fkey_client_certificate ON services USING btree (client_certificate_id);
CREATE INDEX services_tags_idx ON services USING gin (tags);

CREATE TABLE routes (
  id uuid NOT NULL,
  created_at timestamp with time zone,
  updated_at timestamp with time zone,
  name text,
  service_id uuid,
  protocols text[],
  methods text[],
  hosts text[],
  paths text[],
  snis text[],
  sources jsonb[],
  destinations jsonb[],
  regex_priority bigint,
  strip_path boolean,
  preserve_host boolean,
  tags text[],
  https_redirect_status_code integer,
  headers jsonb,
  path_handling text DEFAULT 'v0'::text,
  ws_id uuid,
  request_buffering boolean,
  response_buffering boolean,
  expression text,
  priority bigint,
  CONSTRAINT routes_pkey PRIMARY KEY (id),
  CONSTRAINT routes_id_ws_id_unique UNIQUE (id, ws_id),
  CONSTRAINT routes_ws_id_name_unique UNIQUE (ws_id, name),
  CONSTRAINT routes_service_id_fkey FOREIGN KEY (service_id, ws_id) REFERENCES services (id, ws_id),
  CONSTRAINT routes_ws_id_fkey FOREIGN KEY (ws_id) REFERENCES workspaces (id) ON DELETE CASCADE
);
CREATE INDEX routes_service_id_idx ON routes USING btree (service_id);
CREATE INDEX routes_tags_idx ON routes USING gin (tags);

-- type: 0 proxy, 1 developer, 2 admin, 3 application; only type 0 is a licensed consumer.
CREATE TABLE consumers (
  id uuid NOT NULL,
  created_at timestamp with time zone DEFAULT (CURRENT_TIMESTAMP(0) AT TIME ZONE 'UTC'::text),
  username text,
  custom_id text,
  tags text[],
  ws_id uuid,
  username_lower text,
  updated_at timestamp with time zone DEFAULT (CURRENT_TIMESTAMP(0) AT TIME ZONE 'UTC'::text),
  type integer DEFAULT 0 NOT NULL,
  CONSTRAINT consumers_pkey PRIMARY KEY (id),
  CONSTRAINT consumers_id_ws_id_unique UNIQUE (id, ws_id),
  CONSTRAINT consumers_ws_id_custom_id_unique UNIQUE (ws_id, custom_id),
  CONSTRAINT consumers_ws_id_username_unique UNIQUE (ws_id, username),
  CONSTRAINT consumers_ws_id_fkey FOREIGN KEY (ws_id) REFERENCES workspaces (id) ON DELETE CASCADE
);
CREATE INDEX consumers_tags_idx ON consumers USING gin (tags);
CREATE INDEX consumers_type_idx ON consumers USING btree (type);
CREATE INDEX consumers_username_idx ON consumers USING btree (lower(username));

CREATE TABLE consumer_groups (
  id uuid NOT NULL,
  created_at timestamp with time zone DEFAULT (CURRENT_TIMESTAMP(0) AT TIME ZONE 'UTC'::text),
  name text,
  ws_id uuid DEFAULT 'a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30'::uuid,
  tags text[],
  updated_at timestamp with time zone DEFAULT (CURRENT_TIMESTAMP(0) AT TIME ZONE 'UTC'::text),
  CONSTRAINT consumer_groups_pkey PRIMARY KEY (id),
  CONSTRAINT consumer_groups_id_ws_id_unique UNIQUE (id, ws_id),
  CONSTRAINT consumer_groups_ws_id_name_unique UNIQUE (ws_id, name),
  CONSTRAINT consumer_groups_ws_id_fkey FOREIGN KEY (ws_id) REFERENCES workspaces (id) ON DELETE CASCADE
);
CREATE INDEX consumer_groups_name_idx ON consumer_groups USING btree (name);
CREATE INDEX consumer_groups_tags_idx ON consumer_groups USING gin (tags);

CREATE TABLE consumer_group_consumers (
  created_at timestamp with time zone DEFAULT (CURRENT_TIMESTAMP(0) AT TIME ZONE 'UTC'::text),
  consumer_group_id uuid NOT NULL,
  consumer_id uuid NOT NULL,
  cache_key text,
  updated_at timestamp with time zone DEFAULT (CURRENT_TIMESTAMP(0) AT TIME ZONE 'UTC'::text),
  CONSTRAINT consumer_group_consumers_pkey PRIMARY KEY (consumer_group_id, consumer_id),
  CONSTRAINT consumer_group_consumers_cache_key_key UNIQUE (cache_key),
  CONSTRAINT consumer_group_consumers_consumer_group_id_fkey FOREIGN KEY (consumer_group_id)
    REFERENCES consumer_groups (id) ON DELETE CASCADE,
  CONSTRAINT consumer_group_consumers_consumer_id_fkey FOREIGN KEY (consumer_id)
    REFERENCES consumers (id) ON DELETE CASCADE
);
CREATE INDEX consumer_group_consumers_consumer_id_idx ON consumer_group_consumers USING btree (consumer_id);
CREATE INDEX consumer_group_consumers_group_id_idx ON consumer_group_consumers USING btree (consumer_group_id);

-- Old-style consumer-group overrides: Kong's report does not count these rows.
CREATE TABLE consumer_group_plugins (
  id uuid NOT NULL,
  created_at timestamp with time zone DEFAULT (CURRENT_TIMESTAMP(0) AT TIME ZONE 'UTC'::text),
  consumer_group_id uuid,
  name text NOT NULL,
  cache_key text,
  config jsonb NOT NULL,
  ws_id uuid DEFAULT 'a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30'::uuid,
  updated_at timestamp with time zone DEFAULT (CURRENT_TIMESTAMP(0) AT TIME ZONE 'UTC'::text),
  CONSTRAINT consumer_group_plugins_pkey PRIMARY KEY (id),
  CONSTRAINT consumer_group_plugins_cache_key_key UNIQUE (cache_key),
  CONSTRAINT consumer_group_plugins_id_ws_id_unique UNIQUE (id, ws_id),
  CONSTRAINT consumer_group_plugins_consumer_group_id_fkey FOREIGN KEY (consumer_group_id, ws_id)
    REFERENCES consumer_groups (id, ws_id) ON DELETE CASCADE,
  CONSTRAINT consumer_group_plugins_ws_id_fkey FOREIGN KEY (ws_id) REFERENCES workspaces (id) ON DELETE CASCADE
);
CREATE INDEX consumer_group_plugins_group_id_idx ON consumer_group_plugins USING btree (consumer_group_id);
CREATE INDEX consumer_group_plugins_plugin_name_idx ON consumer_group_plugins USING btree (name);

CREATE TABLE plugins (
  id uuid NOT NULL,
  created_at timestamp with time zone DEFAULT (CURRENT_TIMESTAMP(0) AT TIME ZONE 'UTC'::text),
  name text NOT NULL,
  consumer_id uuid,
  service_id uuid,
  route_id uuid,
  config jsonb NOT NULL,
  enabled boolean NOT NULL,
  cache_key text,
  protocols text[],
  tags text[],
  ws_id uuid,
  instance_name text,
  updated_at timestamp with time zone DEFAULT (CURRENT_TIMESTAMP(0) AT TIME ZONE 'UTC'::text),
  ordering jsonb,
  consumer_group_id uuid,
  CONSTRAINT plugins_pkey PRIMARY KEY (id),
  CONSTRAINT plugins_cache_key_key UNIQUE (cache_key),
  CONSTRAINT plugins_id_ws_id_unique UNIQUE (id, ws_id),
  CONSTRAINT plugins_ws_id_instance_name_unique UNIQUE (ws_id, instance_name),
  CONSTRAINT plugins_consumer_group_id_fkey FOREIGN KEY (consumer_group_id)
    REFERENCES consumer_groups (id) ON DELETE CASCADE,
  CONSTRAINT plugins_consumer_id_fkey FOREIGN KEY (consumer_id, ws_id)
    REFERENCES consumers (id, ws_id) ON DELETE CASCADE,
  CONSTRAINT plugins_route_id_fkey FOREIGN KEY (route_id, ws_id) REFERENCES routes (id, ws_id) ON DELETE CASCADE,
  CONSTRAINT plugins_service_id_fkey FOREIGN KEY (service_id, ws_id)
    REFERENCES services (id, ws_id) ON DELETE CASCADE,
  CONSTRAINT plugins_ws_id_fkey FOREIGN KEY (ws_id) REFERENCES workspaces (id) ON DELETE CASCADE
);
CREATE INDEX plugins_consumer_id_idx ON plugins USING btree (consumer_id);
CREATE INDEX plugins_name_idx ON plugins USING btree (name);
CREATE INDEX plugins_route_id_idx ON plugins USING btree (route_id);
CREATE INDEX plugins_service_id_idx ON plugins USING btree (service_id);
CREATE INDEX plugins_tags_idx ON plugins USING gin (tags);

CREATE TABLE rbac_users (
  id uuid NOT NULL,
  name text NOT NULL,
  user_token text NOT NULL,
  user_token_ident text,
  comment text,
  enabled boolean NOT NULL,
  created_at timestamp with time zone DEFAULT (CURRENT_TIMESTAMP(0) AT TIME ZONE 'UTC'::text),
  ws_id uuid DEFAULT 'a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30'::uuid,
  updated_at timestamp with time zone DEFAULT (CURRENT_TIMESTAMP(0) AT TIME ZONE 'UTC'::text),
  CONSTRAINT rbac_users_pkey PRIMARY KEY (id),
  CONSTRAINT rbac_users_id_ws_id_unique UNIQUE (id, ws_id),
  CONSTRAINT rbac_users_user_token_key UNIQUE (user_token),
  CONSTRAINT rbac_users_ws_id_name_unique UNIQUE (ws_id, name),
  CONSTRAINT rbac_users_ws_id_fkey FOREIGN KEY (ws_id) REFERENCES workspaces (id) ON DELETE CASCADE
);
CREATE INDEX rbac_token_ident_idx ON rbac_users USING btree (user_token_ident);
CREATE INDEX rbac_users_name_idx ON rbac_users USING btree (name);
CREATE INDEX rbac_users_token_idx ON rbac_users USING btree (user_token);

-- payload: license JSON, or `$ke$1$...` when keyring-encrypted (3.8+). checksum: sha256 hex of payload.
CREATE TABLE licenses (
  id uuid NOT NULL,
  payload text NOT NULL,
  created_at timestamp with time zone,
  updated_at timestamp with time zone,
  checksum text,
  CONSTRAINT licenses_pkey PRIMARY KEY (id),
  CONSTRAINT licenses_payload_key UNIQUE (payload),
  CONSTRAINT licenses_checksum_key UNIQUE (checksum)
);

-- One row per node and calendar month; year = month = 0 for pre-2.7 rows (bucket UNKNOWN).
-- The real 3.13 database has license_creation_date inside the unique index (2.7-2.8 had
-- (node_id, year, month) only).
CREATE TABLE license_data (
  node_id uuid NOT NULL,
  req_cnt bigint,
  license_creation_date timestamp without time zone,
  year smallint NOT NULL,
  month smallint NOT NULL
);
CREATE UNIQUE INDEX license_data_key_idx ON license_data USING btree (node_id, license_creation_date, year, month);

-- AI Gateway sales counter (Kong 3.10+): one row per model and hour (the unique key says so);
-- rows carried over from 3.10's weekly counter have month = day = hour = 0. Columns, key and
-- index as in the real 3.13 database.
CREATE TABLE license_llm_data (
  id uuid NOT NULL,
  model_name text NOT NULL,
  license_creation_date timestamp without time zone,
  year smallint NOT NULL,
  week_of_year smallint NOT NULL,
  month smallint DEFAULT 0 NOT NULL,
  day smallint DEFAULT 0 NOT NULL,
  hour smallint DEFAULT 0 NOT NULL,
  CONSTRAINT license_llm_data_model_name_year_month_day_hour_key UNIQUE (model_name, year, month, day, hour)
);
CREATE INDEX license_llm_data_idx ON license_llm_data USING btree (id, model_name, year, month, day, hour);

CREATE TABLE workspace_entity_counters (
  workspace_id uuid NOT NULL,
  entity_type text NOT NULL,
  count integer,
  CONSTRAINT workspace_entity_counters_pkey PRIMARY KEY (workspace_id, entity_type),
  CONSTRAINT workspace_entity_counters_workspace_id_fkey FOREIGN KEY (workspace_id)
    REFERENCES workspaces (id) ON DELETE CASCADE
);

-- A control plane upserts one row per data plane with ttl = now + purge delay (14 days by default).
CREATE TABLE clustering_data_planes (
  id uuid NOT NULL,
  hostname text NOT NULL,
  ip text NOT NULL,
  last_seen timestamp with time zone DEFAULT (CURRENT_TIMESTAMP(0) AT TIME ZONE 'UTC'::text),
  config_hash text NOT NULL,
  ttl timestamp with time zone,
  version text,
  sync_status text DEFAULT 'unknown'::text NOT NULL,
  updated_at timestamp with time zone DEFAULT (CURRENT_TIMESTAMP(0) AT TIME ZONE 'UTC'::text),
  labels jsonb,
  cert_details jsonb,
  rpc_capabilities text[],
  CONSTRAINT clustering_data_planes_pkey PRIMARY KEY (id)
);
CREATE INDEX clustering_data_planes_ttl_idx ON clustering_data_planes USING btree (ttl);

CREATE TABLE schema_meta (
  key text NOT NULL,
  subsystem text NOT NULL,
  last_executed text,
  executed text[],
  pending text[],
  CONSTRAINT schema_meta_pkey PRIMARY KEY (key, subsystem)
);

CREATE TABLE locks (
  key text NOT NULL,
  owner text,
  ttl timestamp with time zone,
  CONSTRAINT locks_pkey PRIMARY KEY (key)
);
CREATE INDEX locks_ttl_idx ON locks USING btree (ttl);

CREATE TABLE parameters (
  key text NOT NULL,
  value text NOT NULL,
  created_at timestamp with time zone,
  updated_at timestamp with time zone DEFAULT (CURRENT_TIMESTAMP(0) AT TIME ZONE 'UTC'::text),
  CONSTRAINT parameters_pkey PRIMARY KEY (key)
);

-- What `kong migrations bootstrap` leaves behind.
INSERT INTO workspaces (id, name, comment, created_at, meta, config, updated_at) VALUES
  ('a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30', 'default', NULL, '2025-01-14 11:06:12+00', NULL, NULL, '2025-01-14 11:06:12+00');

INSERT INTO parameters (key, value, created_at, updated_at) VALUES
  ('cluster_id', '6f1c9e2a-3b7d-4c85-a0e4-91d2f7b3c5e8', NULL, '2025-01-14 11:06:14+00');

INSERT INTO schema_meta (key, subsystem, last_executed, executed, pending) VALUES
  ('schema_meta', 'core', '028_3120_to_3130',
    '{000_base,003_100_to_110,004_110_to_120,005_120_to_130,006_130_to_140,007_140_to_150,008_150_to_200,009_200_to_210,010_210_to_211,011_212_to_213,012_213_to_220,013_220_to_230,014_230_to_260,015_260_to_270,016_270_to_280,016_280_to_300,017_300_to_310,018_310_to_320,019_320_to_330,020_330_to_340,021_340_to_350,022_350_to_360,023_360_to_370,024_380_to_390,025_390_to_3100,026_3100_to_3110,027_3110_to_3120,028_3120_to_3130}',
    '{}'),
  ('schema_meta', 'enterprise', '026_31200_to_31300',
    '{000_base,006_1301_to_1500,006_1301_to_1302,010_1500_to_2100,007_1500_to_1504,008_1504_to_1505,007_1500_to_2100,009_1506_to_1507,009_2100_to_2200,010_2200_to_2211,010_2200_to_2300,010_2200_to_2300_1,011_2300_to_2600,012_2600_to_2700,012_2600_to_2700_1,013_2700_to_2800,014_2800_to_3000,015_3000_to_3100,016_3100_to_3200,017_3200_to_3300,018_3300_to_3400,019_3500_to_3600,020_3600_to_3700,021_3700_to_3800,021_3700_to_3800_1,023_3900_to_31000,023_3900_to_31000_1,023_3900_to_31000_2,023_3900_to_31000_3,023_3900_to_31000_4,024_31000_to_31100,024_31000_to_31100_1,025_31100_to_31200,026_31200_to_31300}',
    '{}'),
  ('schema_meta', 'acl', '004_212_to_213', '{000_base_acl,002_130_to_140,003_200_to_210,004_212_to_213}', '{}'),
  ('schema_meta', 'basic-auth', '003_200_to_210', '{000_base_basic_auth,002_130_to_140,003_200_to_210}', '{}'),
  ('schema_meta', 'key-auth', '004_320_to_330', '{000_base_key_auth,002_130_to_140,003_200_to_210,004_320_to_330}', '{}'),
  ('schema_meta', 'rate-limiting', '006_350_to_360',
    '{000_base_rate_limiting,003_10_to_112,004_200_to_210,005_320_to_330,006_350_to_360}', '{}'),
  ('schema_meta', 'oauth2', '007_320_to_330',
    '{000_base_oauth2,003_130_to_140,004_200_to_210,005_210_to_211,006_320_to_330,007_320_to_330}', '{}'),
  ('schema_meta', 'session', '003_330_to_3100', '{000_base_session,001_add_ttl_index,002_320_to_330,003_330_to_3100}', NULL),
  ('schema_meta', 'http-log', '001_280_to_300', '{001_280_to_300}', '{}'),
  ('schema_meta', 'ai-proxy', '001_360_to_370', '{001_360_to_370}', '{}'),
  ('schema_meta', 'openid-connect', '004_370_to_380',
    '{000_base_openid_connect,001_14_to_15,002_200_to_210,003_280_to_300,004_370_to_380}', '{}'),
  ('schema_meta', 'rate-limiting-advanced', '002_370_to_380', '{001_370_to_380,002_370_to_380}', '{}'),
  ('schema_meta', 'key-auth-enc', '001_200_to_210', '{000_base_key_auth_enc,001_200_to_210}', '{}'),
  ('schema_meta', 'degraphql', '000_base', '{000_base}', NULL),
  ('schema_meta', 'enterprise.acl', '001_1500_to_2100', '{001_1500_to_2100}', '{}'),
  ('schema_meta', 'enterprise.basic-auth', '003_3800_to_3900', '{001_1500_to_2100,002_2100_to_31300,003_3800_to_3900}', '{}'),
  ('schema_meta', 'enterprise.key-auth', '002_3900_to_31000', '{001_1500_to_2100,001_3800_to_3900,002_3900_to_31000}', '{}'),
  ('schema_meta', 'enterprise.oauth2', '002_2200_to_2211', '{001_1500_to_2100,002_2200_to_2211}', '{}'),
  ('schema_meta', 'enterprise.request-transformer-advanced', '001_1500_to_2100', '{001_1500_to_2100}', '{}');
