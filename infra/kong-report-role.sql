-- Least-privilege database role for kong-license-report (Data API secret user or KONG_DATABASE_URL).
--
-- SELECT on exactly the Kong tables the report and the details read (lib/report/probe-schema.ts
-- KONG_TABLES; test/infra/database-role.test.ts fails when that list and this file differ), USAGE on
-- the schema holding them, CONNECT on the database. Nothing else: no pg_read_all_data, no other table,
-- no write. Tables an older or open-source schema lacks are skipped (the report omits what they hold).
--
-- What PostgreSQL grants every role through PUBLIC is taken back on this database, since a grant to
-- PUBLIC cannot be revoked for one role alone: TEMPORARY (temporary tables: a place to write), and on
-- PostgreSQL 14 and older CREATE on schema public (15 no longer grants it). The database owner (Kong's
-- own user) keeps both through ownership. A role that still holds them another way (a group role you
-- granted it) is named in a WARNING.
-- The role's default_transaction_read_only is only a second fence (a session may SET it off): the
-- fences that hold are the grants above, and the collector runs its statements in a READ ONLY
-- transaction of its own.
--
-- Run it as the database owner (or rds_superuser), connected to the Kong database, with the schema
-- holding Kong's tables first on the search_path (public by default):
--   psql "postgres://admin@kong-db:5432/kong" -v ON_ERROR_STOP=1 -f infra/kong-report-role.sql
--   psql ... -c "ALTER ROLE kong_report PASSWORD '…'"      -- scram-sha-256; put it in the secret
-- Another role name: PGOPTIONS='-c kong_report.role=my_reader' psql ... -f infra/kong-report-role.sql
-- Re-running it is safe (the role is created once; grants are idempotent). Run it again after a Kong
-- upgrade that adds one of the tables (e.g. rbac_users when moving to Enterprise).

DO $grant$
DECLARE
  reader text := coalesce(nullif(current_setting('kong_report.role', true), ''), 'kong_report');
  kong_schema text := current_schema();
  kong_table text;
BEGIN
  IF kong_schema IS NULL THEN
    RAISE EXCEPTION 'No schema on the search_path: set it to the schema holding the Kong tables (SET search_path = kong).';
  END IF;
  IF to_regclass(format('%I.schema_meta', kong_schema)) IS NULL THEN
    RAISE EXCEPTION 'Schema % has no schema_meta table: connect to the Kong database and put the schema holding the Kong tables first on the search_path.', kong_schema;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = reader) THEN
    EXECUTE format('CREATE ROLE %I LOGIN', reader);
  END IF;
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), reader);
  EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', kong_schema, reader);
  FOREACH kong_table IN ARRAY ARRAY[
    'schema_meta',
    'workspaces',
    'services',
    'routes',
    'consumers',
    'plugins',
    'rbac_users',
    'licenses',
    'license_data',
    'license_llm_data',
    'workspace_entity_counters',
    'clustering_data_planes'
  ] LOOP
    IF to_regclass(format('%I.%I', kong_schema, kong_table)) IS NOT NULL THEN
      EXECUTE format('GRANT SELECT ON TABLE %I.%I TO %I', kong_schema, kong_table, reader);
    END IF;
  END LOOP;
  -- No temporary tables: PUBLIC's grant is the only way an ordinary role gets TEMPORARY.
  EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
  IF current_setting('server_version_num')::int < 150000 THEN
    -- CVE-2018-1058: PostgreSQL 14 and older let every role create objects in schema public.
    EXECUTE 'REVOKE CREATE ON SCHEMA public FROM PUBLIC';
  END IF;
  IF has_database_privilege(reader, current_database(), 'TEMPORARY') THEN
    RAISE WARNING 'Role % can still create temporary tables in %: it holds TEMPORARY through another role; revoke it there.', reader, current_database();
  END IF;
  IF has_schema_privilege(reader, kong_schema, 'CREATE') THEN
    RAISE WARNING 'Role % can still create objects in schema %: revoke CREATE ON SCHEMA % from the role that grants it.', reader, kong_schema, kong_schema;
  END IF;
  -- The report runs SELECTs only; make that the role's default as a second fence.
  EXECUTE format('ALTER ROLE %I SET default_transaction_read_only = on', reader);
END
$grant$;
