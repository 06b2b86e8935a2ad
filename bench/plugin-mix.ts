/**
 * The plugin population of the synthetic estates: names in per-mille shares (free, enterprise,
 * aws-lambda, kafka-upstream and custom plugins) with configs of realistic size, modelled on the
 * rows of a real Kong 3.13 database (openid-connect is the big one, as in real estates).
 */

export type PluginKind = "normal" | "lambda" | "kafka";

export interface PluginShare {
  readonly name: string;
  /** Rows per 1,000 plugins. */
  readonly perMille: number;
  readonly kind: PluginKind;
  readonly config: Record<string, unknown>;
}

const rateLimiting = {
  day: null,
  hour: null,
  path: null,
  year: null,
  month: null,
  redis: {
    ssl: false,
    host: null,
    port: 6379,
    timeout: 2000,
    database: 0,
    password: null,
    username: null,
    ssl_verify: false,
    server_name: null,
    cloud_authentication: {
      aws_region: null,
      auth_provider: null,
      aws_cache_name: null,
      azure_client_id: null,
      azure_tenant_id: null,
      aws_access_key_id: null,
      aws_is_serverless: true,
      aws_assume_role_arn: null,
      azure_client_secret: null,
      aws_role_session_name: null,
      aws_secret_access_key: null,
      gcp_service_account_json: null,
    },
  },
  minute: 60,
  policy: "local",
  second: null,
  limit_by: "consumer",
  sync_rate: -1,
  error_code: 429,
  header_name: null,
  error_message: "API rate limit exceeded",
  fault_tolerant: true,
  hide_client_headers: false,
};

const keyAuth = {
  realm: null,
  anonymous: null,
  key_names: ["apikey"],
  key_in_body: false,
  key_in_query: true,
  key_in_header: true,
  identity_realms: [{ id: null, scope: "cp", region: null }],
  hide_credentials: false,
  run_on_preflight: true,
};

const httpLog = {
  http_endpoint: "http://logs.internal:8080/kong",
  method: "POST",
  content_type: "application/json",
  timeout: 10000,
  keepalive: 60000,
  retry_count: null,
  queue_size: null,
  flush_timeout: null,
  headers: null,
  custom_fields_by_lua: null,
  queue: {
    max_batch_size: 1,
    max_coalescing_delay: 1,
    max_entries: 10000,
    max_bytes: null,
    max_retry_time: 60,
    initial_retry_delay: 0.01,
    max_retry_delay: 60,
    concurrency_limit: 1,
  },
};

const awsLambda = {
  aws_key: null,
  aws_secret: null,
  aws_assume_role_arn: null,
  aws_role_session_name: "kong",
  aws_sts_endpoint_url: null,
  aws_region: "eu-west-1",
  function_name: "placeholder",
  qualifier: null,
  invocation_type: "RequestResponse",
  log_type: "Tail",
  timeout: 60000,
  keepalive: 60000,
  port: 443,
  disable_https: false,
  unhandled_status: null,
  forward_request_method: false,
  forward_request_uri: false,
  forward_request_headers: false,
  forward_request_body: false,
  is_proxy_integration: false,
  awsgateway_compatible: false,
  proxy_url: null,
  skip_large_bodies: true,
  base64_encode_body: true,
  aws_imds_protocol_version: "v1",
  empty_arrays_mode: "legacy",
  awsgateway_compatible_payload_version: "1.0",
};

const kafkaUpstream = {
  bootstrap_servers: [],
  topic: "orders",
  timeout: 10000,
  keepalive: 60000,
  keepalive_enabled: false,
  authentication: { strategy: null, mechanism: null, user: null, password: null, tokenauth: null },
  security: { ssl: false, certificate_id: null },
  forward_method: false,
  forward_uri: false,
  forward_headers: false,
  forward_body: true,
  producer_request_acks: 1,
  producer_request_timeout: 2000,
  producer_request_limits_messages_per_request: 200,
  producer_request_limits_bytes_per_request: 1048576,
  producer_request_retries_max_attempts: 10,
  producer_request_retries_backoff_timeout: 100,
  producer_async: true,
  producer_async_flush_timeout: 1000,
  producer_async_buffering_limits_messages_in_memory: 50000,
  cluster_name: null,
  message_by_lua_functions: null,
  schema_registry: null,
};

// openid-connect rows carry ~200 keys, most of them null or defaults: several KB of JSON.
const openidConnect: Record<string, unknown> = {
  issuer: "https://idp.example.com/realms/kong/.well-known/openid-configuration",
  client_id: ["kong-gateway"],
  client_secret: ["{vault://aws/oidc-secret}"],
  auth_methods: ["authorization_code", "bearer", "introspection", "session"],
  scopes: ["openid", "profile", "email"],
  ...Object.fromEntries(
    Array.from({ length: 180 }, (_, i) => [
      `option_${String(i).padStart(3, "0")}`,
      i % 4 === 0 ? false : null,
    ]),
  ),
};

function genericConfig(seed: string): Record<string, unknown> {
  return {
    enabled_for: [seed],
    timeout: 10000,
    keepalive: 60000,
    header_name: null,
    message: null,
    status_code: null,
    allow: null,
    deny: null,
    config_version: 1,
    strategy: "memory",
    cache_ttl: 300,
    content_type: ["application/json"],
    hide_headers: false,
  };
}

const cors = {
  origins: ["*"],
  methods: ["GET", "HEAD", "PUT", "PATCH", "POST", "DELETE", "OPTIONS", "TRACE", "CONNECT"],
  headers: null,
  exposed_headers: null,
  credentials: false,
  max_age: null,
  preflight_continue: false,
  private_network: false,
};

const acl = {
  deny: null,
  allow: ["Default"],
  hide_groups_header: false,
  include_consumer_groups: false,
  always_use_authenticated_groups: false,
};

const share = (name: string, perMille: number, config?: Record<string, unknown>): PluginShare => ({
  name,
  perMille,
  kind: "normal",
  config: config ?? genericConfig(name),
});

/** 1,000 per mille: ~62% free, ~31% enterprise (+2% kafka-upstream), 3% aws-lambda, 2.5% custom. */
export const PLUGIN_MIX: readonly PluginShare[] = [
  // free
  share("rate-limiting", 100, rateLimiting),
  share("key-auth", 90, keyAuth),
  share("cors", 70, cors),
  share("acl", 50, acl),
  share("request-transformer", 50),
  share("response-transformer", 40),
  share("http-log", 40, httpLog),
  share("prometheus", 30),
  share("ip-restriction", 30),
  share("correlation-id", 25),
  share("jwt", 20),
  share("basic-auth", 15),
  share("proxy-cache", 15),
  share("file-log", 10),
  share("bot-detection", 10),
  share("request-termination", 10),
  share("pre-function", 10),
  share("ai-proxy", 5),
  // enterprise
  share("openid-connect", 70, openidConnect),
  share("rate-limiting-advanced", 60, rateLimiting),
  share("request-transformer-advanced", 40),
  share("response-transformer-advanced", 25),
  share("oas-validation", 20),
  share("mtls-auth", 15),
  share("kafka-log", 15),
  share("canary", 10),
  share("jq", 10),
  share("opa", 10),
  share("route-by-header", 10),
  share("jwt-signer", 10),
  share("degraphql", 5),
  share("ai-proxy-advanced", 5),
  // the two that feed unique_route_lambdas / unique_route_kafkas
  { name: "aws-lambda", perMille: 30, kind: "lambda", config: awsLambda },
  { name: "kafka-upstream", perMille: 20, kind: "kafka", config: kafkaUpstream },
  // custom (app-dynamics ships with Kong but is in neither list)
  share("app-dynamics", 5),
  share("corp-header-injector", 8),
  share("legacy-soap-auth", 5),
  share("tenant-router", 4),
  share("audit-trail", 3),
];

/** Slot h (0..999) → plugin share, so SQL can pick a name by `hash % 1000` with a hash join. */
export function buildSlots(): Array<{ h: number; name: string; kind: PluginKind; config: unknown }> {
  const slots: Array<{ h: number; name: string; kind: PluginKind; config: unknown }> = [];
  for (const entry of PLUGIN_MIX) {
    for (let i = 0; i < entry.perMille; i += 1) {
      slots.push({ h: slots.length, name: entry.name, kind: entry.kind, config: entry.config });
    }
  }
  if (slots.length !== 1000) throw new Error(`plugin mix sums to ${slots.length}‰, not 1000‰`);
  return slots;
}
