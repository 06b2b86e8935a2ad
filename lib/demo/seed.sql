-- Demo Kong Enterprise 3.15 deployment for kong-license-report (load on top of schema.sql, the
-- 3.13 schema; this file adds the 3.14 and 3.15 migrations).
--
-- A fictitious company with four busy workspaces (default, payments, partners, internal) and an
-- empty one (sandbox), run as a hybrid control plane with three live data planes. All names,
-- hosts and keys are made up; the licence key is obviously fake and its signature is not valid.
-- Ids are fixed; request counters and data-plane times are computed from now() so the report
-- always shows a full 12-month window.
--
-- What the report shows (3.15 rules, UTC):
--   workspaces_count 5, services_count 21, routes_count 40, consumers_count 15 (of 20: 3
--   developers and 2 admins are not counted), rbac_users 6
--   plugins: 59 rows, 5 disabled; tiers (3.15 lists)
--     free       acl 1, aws-lambda 10, correlation-id 1, cors 1, http-log 2, ip-restriction 2, jwt 1,
--                key-auth 4, prometheus 1, proxy-cache 1, rate-limiting 2, redirect 1,
--                request-termination 1, request-transformer 1, response-transformer 1
--     enterprise ai-a2a-proxy 1, ai-lakera-guard 1, ai-rag-injector 1, canary 1, confluent 1,
--                datakit 1 (disabled), jwt-signer 1, kafka-consume 1, kafka-upstream 6,
--                metering-and-billing 1, mtls-auth 1, oas-validation 1, openid-connect 4,
--                rate-limiting-advanced 3, request-transformer-advanced 1
--     custom     my-header-injector 3, tenant-router 1
--   unique_route_lambdas 5   image-resize, pdf-render (used twice, in two workspaces),
--                            arn:aws:lambda:eu-west-1:111122223333:function:payment-notify,
--                            partner-sync (twice), hr-export (disabled)
--   unique_route_kafkas 7    Kafka family (3.10+): kafka-upstream's kafka-1.internal:9092,
--                            kafka-2.internal:9092, kafka-3.internal:9092, kafka-1.internal:9093,
--                            10.20.0.11:9092 (5, the count up to 3.9), plus kafka-consume's
--                            kafka-4.internal:9092 and confluent's pkc-7x2q1.eu-west-1.aws.confluent.cloud:9092
--   AI Gateway (details only): 99 model-hours over the last 6 months (see license_llm_data below)
--   license FAKE key "DEMO-0000-FAKE-LICENSE-NOT-VALID", expires 31 December of next year
--   deployment_info hybrid, connected_dp_count 3 (a fourth, decommissioned DP has expired)
--   counters: 12 monthly buckets (current month and the 11 before) from three data planes, an
--   UNKNOWN bucket from pre-2.7 rows; the decommissioned DP adds months 12-14 ago (outside)
--   details: 16 discrete services overall (catalog.internal:8080/v1 x3, httpbin.org x2,
--   payments.internal:8443/api x2, partners.example.com x2; search-api has a NULL path);
--   per workspace 4 + 5 + 4 + 4 = 17; workspace_entity_counters drift: partners routes 11 vs 9 live.

INSERT INTO workspaces (id, name, comment, created_at, meta, config, updated_at) VALUES
  ('de0a0000-0000-4000-8000-000000000001', 'payments', 'Card payments, refunds and ledger', '2025-02-03 09:00:00+00', '{"color": "#3a5f17", "thumbnail": null}', '{"portal": false}', '2025-02-03 09:00:00+00'),
  ('de0a0000-0000-4000-8000-000000000002', 'partners', 'APIs published to partner companies', '2025-02-10 14:30:00+00', '{"color": "#74be2e", "thumbnail": null}', '{"portal": false}', '2025-02-10 14:30:00+00'),
  ('de0a0000-0000-4000-8000-000000000003', 'internal', 'Corporate tools behind SSO', '2025-03-01 08:15:00+00', '{"color": "#af1d45", "thumbnail": null}', '{"portal": false}', '2025-03-01 08:15:00+00'),
  ('de0a0000-0000-4000-8000-000000000004', 'sandbox', 'Playground, nothing deployed yet', '2025-06-20 16:45:00+00', '{"color": "#e97c5c", "thumbnail": null}', '{"portal": false}', '2025-06-20 16:45:00+00');

INSERT INTO certificates (id, created_at, cert, key, tags, ws_id, updated_at) VALUES
  ('de1f0000-0000-4000-8000-000000000001', '2025-02-03 09:05:00+00',
   '-----BEGIN CERTIFICATE-----\nDEMO-PLACEHOLDER-NOT-A-REAL-CERTIFICATE\n-----END CERTIFICATE-----',
   '-----BEGIN PRIVATE KEY-----\nDEMO-PLACEHOLDER-NOT-A-REAL-KEY\n-----END PRIVATE KEY-----',
   '{pci}', 'de0a0000-0000-4000-8000-000000000001', '2025-02-03 09:05:00+00');

INSERT INTO services (id, created_at, updated_at, name, retries, protocol, host, port, path,
                      connect_timeout, write_timeout, read_timeout, tags, ws_id, enabled) VALUES
  ('de5e0000-0000-4000-8000-000000000001', '2025-02-01 10:00:00+00', '2025-02-01 10:00:00+00', 'catalog-api', 5, 'http', 'catalog.internal', 8080, '/v1', 60000, 60000, 60000, '{catalog}', 'a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30', true),
  ('de5e0000-0000-4000-8000-000000000002', '2025-02-02 10:01:00+00', '2025-02-02 10:01:00+00', 'catalog-api-canary', 5, 'http', 'catalog.internal', 8080, '/v1', 60000, 60000, 60000, '{catalog,canary}', 'a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30', true),
  ('de5e0000-0000-4000-8000-000000000003', '2025-02-03 10:02:00+00', '2025-02-03 10:02:00+00', 'search-api', 5, 'http', 'search.internal', 9200, NULL, 60000, 60000, 60000, '{search}', 'a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30', true),
  ('de5e0000-0000-4000-8000-000000000004', '2025-02-04 10:03:00+00', '2025-02-04 10:03:00+00', 'httpbin', 5, 'https', 'httpbin.org', 443, '/anything', 60000, 60000, 60000, NULL, 'a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30', true),
  ('de5e0000-0000-4000-8000-000000000005', '2025-02-05 10:04:00+00', '2025-02-05 10:04:00+00', 'httpbin-echo', 5, 'https', 'httpbin.org', 443, '/anything', 60000, 60000, 60000, NULL, 'a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30', true),
  ('de5e0000-0000-4000-8000-000000000006', '2025-02-06 10:05:00+00', '2025-02-06 10:05:00+00', 'legacy-soap', 5, 'http', 'soap.legacy.internal', 80, '/ws', 60000, 60000, 60000, '{legacy}', 'a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30', true),
  ('de5e0000-0000-4000-8000-000000000007', '2025-03-07 10:06:00+00', '2025-03-07 10:06:00+00', 'payments-api', 5, 'https', 'payments.internal', 8443, '/api', 60000, 60000, 60000, '{pci}', 'de0a0000-0000-4000-8000-000000000001', true),
  ('de5e0000-0000-4000-8000-000000000008', '2025-03-08 10:07:00+00', '2025-03-08 10:07:00+00', 'refunds-api', 5, 'https', 'payments.internal', 8443, '/api', 60000, 60000, 60000, '{pci}', 'de0a0000-0000-4000-8000-000000000001', true),
  ('de5e0000-0000-4000-8000-000000000009', '2025-03-09 10:08:00+00', '2025-03-09 10:08:00+00', 'ledger', 5, 'http', 'ledger.internal', 8080, '/ledger', 60000, 60000, 60000, '{pci}', 'de0a0000-0000-4000-8000-000000000001', true),
  ('de5e0000-0000-4000-8000-000000000010', '2025-03-10 10:09:00+00', '2025-03-10 10:09:00+00', 'fraud-check', 5, 'http', 'fraud.internal', 8080, '/score', 60000, 60000, 60000, NULL, 'de0a0000-0000-4000-8000-000000000001', true),
  ('de5e0000-0000-4000-8000-000000000011', '2025-03-11 10:10:00+00', '2025-03-11 10:10:00+00', 'card-vault', 5, 'https', 'vault.payments.internal', 443, '/v2', 60000, 60000, 60000, '{pci}', 'de0a0000-0000-4000-8000-000000000001', true),
  ('de5e0000-0000-4000-8000-000000000012', '2025-03-12 10:11:00+00', '2025-03-12 10:11:00+00', 'payouts', 5, 'https', 'payments.internal', 8443, '/api/payouts', 60000, 60000, 60000, '{pci}', 'de0a0000-0000-4000-8000-000000000001', true),
  ('de5e0000-0000-4000-8000-000000000013', '2025-04-13 10:12:00+00', '2025-04-13 10:12:00+00', 'partner-gateway', 5, 'https', 'partners.example.com', 443, '/', 60000, 60000, 60000, NULL, 'de0a0000-0000-4000-8000-000000000002', true),
  ('de5e0000-0000-4000-8000-000000000014', '2025-04-14 10:13:00+00', '2025-04-14 10:13:00+00', 'partner-orders', 5, 'https', 'partners.example.com', 443, '/', 60000, 60000, 60000, NULL, 'de0a0000-0000-4000-8000-000000000002', true),
  ('de5e0000-0000-4000-8000-000000000015', '2025-04-15 10:14:00+00', '2025-04-15 10:14:00+00', 'partner-inventory', 5, 'https', 'inventory.partners.internal', 443, '/v3', 60000, 60000, 60000, NULL, 'de0a0000-0000-4000-8000-000000000002', true),
  ('de5e0000-0000-4000-8000-000000000016', '2025-04-16 10:15:00+00', '2025-04-16 10:15:00+00', 'weather-proxy', 5, 'https', 'api.weather.example', 443, '/v1', 60000, 60000, 60000, NULL, 'de0a0000-0000-4000-8000-000000000002', true),
  ('de5e0000-0000-4000-8000-000000000017', '2025-04-17 10:16:00+00', '2025-04-17 10:16:00+00', 'partner-webhooks', 5, 'http', 'hooks.partners.internal', 8080, '/events', 60000, 60000, 60000, NULL, 'de0a0000-0000-4000-8000-000000000002', true),
  ('de5e0000-0000-4000-8000-000000000018', '2025-04-18 10:17:00+00', '2025-04-18 10:17:00+00', 'hr-portal', 5, 'http', 'hr.corp.internal', 8080, '/', 60000, 60000, 60000, '{corp}', 'de0a0000-0000-4000-8000-000000000003', true),
  ('de5e0000-0000-4000-8000-000000000019', '2025-05-19 10:18:00+00', '2025-05-19 10:18:00+00', 'metrics-api', 5, 'http', 'metrics.corp.internal', 9090, '/api/v1', 60000, 60000, 60000, '{corp}', 'de0a0000-0000-4000-8000-000000000003', true),
  ('de5e0000-0000-4000-8000-000000000020', '2025-05-20 10:19:00+00', '2025-05-20 10:19:00+00', 'admin-tools', 5, 'http', 'tools.corp.internal', 8080, '/', 60000, 60000, 60000, '{corp}', 'de0a0000-0000-4000-8000-000000000003', true),
  ('de5e0000-0000-4000-8000-000000000021', '2025-05-21 10:20:00+00', '2025-05-21 10:20:00+00', 'catalog-internal', 5, 'http', 'catalog.internal', 8080, '/v1', 60000, 60000, 60000, '{corp,catalog}', 'de0a0000-0000-4000-8000-000000000003', true);

INSERT INTO routes (id, created_at, updated_at, name, service_id, protocols, methods, hosts, paths,
                    regex_priority, strip_path, preserve_host, tags, https_redirect_status_code, path_handling,
                    ws_id, request_buffering, response_buffering) VALUES
  ('de7a0000-0000-4000-8000-000000000001', '2025-02-01 11:00:00+00', '2025-02-01 11:00:00+00', 'catalog-list', 'de5e0000-0000-4000-8000-000000000001', '{http,https}', '{GET}', NULL, '{/catalog}', 0, true, false, NULL, 426, 'v0', 'a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30', true, true),
  ('de7a0000-0000-4000-8000-000000000002', '2025-02-02 11:01:00+00', '2025-02-02 11:01:00+00', 'catalog-thumbnails', 'de5e0000-0000-4000-8000-000000000001', '{http,https}', '{GET}', NULL, '{/catalog/thumbnails}', 0, true, false, NULL, 426, 'v0', 'a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30', true, true),
  ('de7a0000-0000-4000-8000-000000000003', '2025-02-03 11:02:00+00', '2025-02-03 11:02:00+00', 'catalog-canary', 'de5e0000-0000-4000-8000-000000000002', '{http,https}', '{GET}', '{canary.shop.example}', '{/catalog}', 0, true, false, NULL, 426, 'v0', 'a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30', true, true),
  ('de7a0000-0000-4000-8000-000000000004', '2025-02-04 11:03:00+00', '2025-02-04 11:03:00+00', 'search', 'de5e0000-0000-4000-8000-000000000003', '{http,https}', '{GET,POST}', NULL, '{/search}', 0, true, false, NULL, 426, 'v0', 'a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30', true, true),
  ('de7a0000-0000-4000-8000-000000000005', '2025-02-05 11:04:00+00', '2025-02-05 11:04:00+00', 'search-suggest', 'de5e0000-0000-4000-8000-000000000003', '{http,https}', '{GET}', NULL, '{/suggest}', 0, true, false, NULL, 426, 'v0', 'a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30', true, true),
  ('de7a0000-0000-4000-8000-000000000006', '2025-02-06 11:05:00+00', '2025-02-06 11:05:00+00', 'httpbin-anything', 'de5e0000-0000-4000-8000-000000000004', '{http,https}', NULL, NULL, '{/anything}', 0, true, false, NULL, 426, 'v0', 'a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30', true, true),
  ('de7a0000-0000-4000-8000-000000000007', '2025-02-07 11:06:00+00', '2025-02-07 11:06:00+00', 'httpbin-status', 'de5e0000-0000-4000-8000-000000000004', '{http,https}', '{GET}', NULL, '{/status}', 0, true, false, NULL, 426, 'v0', 'a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30', true, true),
  ('de7a0000-0000-4000-8000-000000000008', '2025-02-08 11:07:00+00', '2025-02-08 11:07:00+00', 'echo', 'de5e0000-0000-4000-8000-000000000005', '{http,https}', NULL, NULL, '{/echo}', 0, true, false, NULL, 426, 'v0', 'a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30', true, true),
  ('de7a0000-0000-4000-8000-000000000009', '2025-02-09 11:08:00+00', '2025-02-09 11:08:00+00', 'soap-endpoint', 'de5e0000-0000-4000-8000-000000000006', '{http,https}', '{POST}', NULL, '{/soap}', 0, true, false, NULL, 426, 'v0', 'a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30', true, true),
  ('de7a0000-0000-4000-8000-000000000010', '2025-02-10 11:09:00+00', '2025-02-10 11:09:00+00', 'image-resize', NULL, '{https}', '{POST}', NULL, '{/images/resize}', 0, true, false, NULL, 426, 'v0', 'a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30', true, true),
  ('de7a0000-0000-4000-8000-000000000011', '2025-03-11 11:10:00+00', '2025-03-11 11:10:00+00', 'pdf-render', NULL, '{https}', '{POST}', NULL, '{/documents/render}', 0, true, false, NULL, 426, 'v0', 'a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30', true, true),
  ('de7a0000-0000-4000-8000-000000000012', '2025-03-12 11:11:00+00', '2025-03-12 11:11:00+00', 'image-resize-v2', NULL, '{https}', '{POST}', NULL, '{/v2/images/resize}', 0, true, false, NULL, 426, 'v0', 'a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30', true, true),
  ('de7a0000-0000-4000-8000-000000000013', '2025-03-13 11:12:00+00', '2025-03-13 11:12:00+00', 'events-ingest', NULL, '{https}', '{POST}', NULL, '{/events}', 0, true, false, NULL, 426, 'v0', 'a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30', true, true),
  ('de7a0000-0000-4000-8000-000000000014', '2025-03-14 11:13:00+00', '2025-03-14 11:13:00+00', 'healthz', NULL, '{https}', '{GET}', NULL, '{/healthz}', 0, true, false, NULL, 426, 'v0', 'a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30', true, true),
  ('de7a0000-0000-4000-8000-000000000015', '2025-03-15 11:14:00+00', '2025-03-15 11:14:00+00', 'payments-create', 'de5e0000-0000-4000-8000-000000000007', '{http,https}', '{POST}', NULL, '{/payments}', 0, true, false, NULL, 426, 'v0', 'de0a0000-0000-4000-8000-000000000001', true, true),
  ('de7a0000-0000-4000-8000-000000000016', '2025-03-16 11:15:00+00', '2025-03-16 11:15:00+00', 'payments-read', 'de5e0000-0000-4000-8000-000000000007', '{http,https}', '{GET}', NULL, '{/payments}', 0, true, false, NULL, 426, 'v0', 'de0a0000-0000-4000-8000-000000000001', true, true),
  ('de7a0000-0000-4000-8000-000000000017', '2025-03-17 11:16:00+00', '2025-03-17 11:16:00+00', 'refunds', 'de5e0000-0000-4000-8000-000000000008', '{http,https}', '{POST}', NULL, '{/refunds}', 0, true, false, NULL, 426, 'v0', 'de0a0000-0000-4000-8000-000000000001', true, true),
  ('de7a0000-0000-4000-8000-000000000018', '2025-03-18 11:17:00+00', '2025-03-18 11:17:00+00', 'ledger-entries', 'de5e0000-0000-4000-8000-000000000009', '{http,https}', '{GET}', NULL, '{/ledger}', 0, true, false, NULL, 426, 'v0', 'de0a0000-0000-4000-8000-000000000001', true, true),
  ('de7a0000-0000-4000-8000-000000000019', '2025-03-19 11:18:00+00', '2025-03-19 11:18:00+00', 'fraud-score', 'de5e0000-0000-4000-8000-000000000010', '{http,https}', '{POST}', NULL, '{/fraud/score}', 0, true, false, NULL, 426, 'v0', 'de0a0000-0000-4000-8000-000000000001', true, true),
  ('de7a0000-0000-4000-8000-000000000020', '2025-03-20 11:19:00+00', '2025-03-20 11:19:00+00', 'card-tokenize', 'de5e0000-0000-4000-8000-000000000011', '{http,https}', '{POST}', NULL, '{/cards/tokenize}', 0, true, false, NULL, 426, 'v0', 'de0a0000-0000-4000-8000-000000000001', true, true),
  ('de7a0000-0000-4000-8000-000000000021', '2025-04-21 11:20:00+00', '2025-04-21 11:20:00+00', 'payouts-run', 'de5e0000-0000-4000-8000-000000000012', '{http,https}', '{POST}', NULL, '{/payouts}', 0, true, false, NULL, 426, 'v0', 'de0a0000-0000-4000-8000-000000000001', true, true),
  ('de7a0000-0000-4000-8000-000000000022', '2025-04-22 11:21:00+00', '2025-04-22 11:21:00+00', 'payment-notify', NULL, '{https}', '{POST}', NULL, '{/notify}', 0, true, false, NULL, 426, 'v0', 'de0a0000-0000-4000-8000-000000000001', true, true),
  ('de7a0000-0000-4000-8000-000000000023', '2025-04-23 11:22:00+00', '2025-04-23 11:22:00+00', 'receipt-render', NULL, '{https}', '{POST}', NULL, '{/receipts/render}', 0, true, false, NULL, 426, 'v0', 'de0a0000-0000-4000-8000-000000000001', true, true),
  ('de7a0000-0000-4000-8000-000000000024', '2025-04-24 11:23:00+00', '2025-04-24 11:23:00+00', 'payment-events', NULL, '{https}', '{POST}', NULL, '{/payment-events}', 0, true, false, NULL, 426, 'v0', 'de0a0000-0000-4000-8000-000000000001', true, true),
  ('de7a0000-0000-4000-8000-000000000025', '2025-04-25 11:24:00+00', '2025-04-25 11:24:00+00', 'ledger-events', NULL, '{https}', '{POST}', NULL, '{/ledger-events}', 0, true, false, NULL, 426, 'v0', 'de0a0000-0000-4000-8000-000000000001', true, true),
  ('de7a0000-0000-4000-8000-000000000026', '2025-04-26 11:25:00+00', '2025-04-26 11:25:00+00', 'partner-api', 'de5e0000-0000-4000-8000-000000000013', '{http,https}', NULL, '{api.partners.example.com}', '{/partners}', 0, true, false, NULL, 426, 'v0', 'de0a0000-0000-4000-8000-000000000002', true, true),
  ('de7a0000-0000-4000-8000-000000000027', '2025-04-27 11:26:00+00', '2025-04-27 11:26:00+00', 'partner-api-v2', 'de5e0000-0000-4000-8000-000000000013', '{http,https}', NULL, '{api.partners.example.com}', '{/v2/partners}', 0, true, false, NULL, 426, 'v0', 'de0a0000-0000-4000-8000-000000000002', true, true),
  ('de7a0000-0000-4000-8000-000000000028', '2025-04-01 11:27:00+00', '2025-04-01 11:27:00+00', 'orders', 'de5e0000-0000-4000-8000-000000000014', '{http,https}', '{GET,POST}', NULL, '{/orders}', 0, true, false, NULL, 426, 'v0', 'de0a0000-0000-4000-8000-000000000002', true, true),
  ('de7a0000-0000-4000-8000-000000000029', '2025-04-02 11:28:00+00', '2025-04-02 11:28:00+00', 'inventory', 'de5e0000-0000-4000-8000-000000000015', '{http,https}', '{GET}', NULL, '{/inventory}', 0, true, false, NULL, 426, 'v0', 'de0a0000-0000-4000-8000-000000000002', true, true),
  ('de7a0000-0000-4000-8000-000000000030', '2025-04-03 11:29:00+00', '2025-04-03 11:29:00+00', 'weather', 'de5e0000-0000-4000-8000-000000000016', '{http,https}', '{GET}', NULL, '{/weather}', 0, true, false, NULL, 426, 'v0', 'de0a0000-0000-4000-8000-000000000002', true, true),
  ('de7a0000-0000-4000-8000-000000000031', '2025-05-04 11:30:00+00', '2025-05-04 11:30:00+00', 'webhooks', 'de5e0000-0000-4000-8000-000000000017', '{http,https}', '{POST}', NULL, '{/webhooks}', 0, true, false, NULL, 426, 'v0', 'de0a0000-0000-4000-8000-000000000002', true, true),
  ('de7a0000-0000-4000-8000-000000000032', '2025-05-05 11:31:00+00', '2025-05-05 11:31:00+00', 'partner-sync', NULL, '{https}', '{POST}', NULL, '{/sync}', 0, true, false, NULL, 426, 'v0', 'de0a0000-0000-4000-8000-000000000002', true, true),
  ('de7a0000-0000-4000-8000-000000000033', '2025-05-06 11:32:00+00', '2025-05-06 11:32:00+00', 'partner-sync-v2', NULL, '{https}', '{POST}', NULL, '{/v2/sync}', 0, true, false, NULL, 426, 'v0', 'de0a0000-0000-4000-8000-000000000002', true, true),
  ('de7a0000-0000-4000-8000-000000000034', '2025-05-07 11:33:00+00', '2025-05-07 11:33:00+00', 'partner-events', NULL, '{https}', '{POST}', NULL, '{/partner-events}', 0, true, false, NULL, 426, 'v0', 'de0a0000-0000-4000-8000-000000000002', true, true),
  ('de7a0000-0000-4000-8000-000000000035', '2025-05-08 11:34:00+00', '2025-05-08 11:34:00+00', 'hr', 'de5e0000-0000-4000-8000-000000000018', '{http,https}', NULL, '{intranet.corp.example}', '{/hr}', 0, true, false, NULL, 426, 'v0', 'de0a0000-0000-4000-8000-000000000003', true, true),
  ('de7a0000-0000-4000-8000-000000000036', '2025-05-09 11:35:00+00', '2025-05-09 11:35:00+00', 'metrics', 'de5e0000-0000-4000-8000-000000000019', '{http,https}', '{GET}', NULL, '{/metrics}', 0, true, false, NULL, 426, 'v0', 'de0a0000-0000-4000-8000-000000000003', true, true),
  ('de7a0000-0000-4000-8000-000000000037', '2025-05-10 11:36:00+00', '2025-05-10 11:36:00+00', 'tools', 'de5e0000-0000-4000-8000-000000000020', '{http,https}', NULL, '{intranet.corp.example}', '{/tools}', 0, true, false, NULL, 426, 'v0', 'de0a0000-0000-4000-8000-000000000003', true, true),
  ('de7a0000-0000-4000-8000-000000000038', '2025-05-11 11:37:00+00', '2025-05-11 11:37:00+00', 'catalog-mirror', 'de5e0000-0000-4000-8000-000000000021', '{http,https}', '{GET}', '{intranet.corp.example}', '{/catalog}', 0, true, false, NULL, 426, 'v0', 'de0a0000-0000-4000-8000-000000000003', true, true),
  ('de7a0000-0000-4000-8000-000000000039', '2025-05-12 11:38:00+00', '2025-05-12 11:38:00+00', 'hr-export', NULL, '{https}', '{POST}', NULL, '{/hr/export}', 0, true, false, NULL, 426, 'v0', 'de0a0000-0000-4000-8000-000000000003', true, true),
  ('de7a0000-0000-4000-8000-000000000040', '2025-05-13 11:39:00+00', '2025-05-13 11:39:00+00', 'audit-stream', NULL, '{https}', '{POST}', NULL, '{/audit}', 0, true, false, NULL, 426, 'v0', 'de0a0000-0000-4000-8000-000000000003', true, true);

INSERT INTO consumers (id, created_at, username, custom_id, tags, ws_id, username_lower, updated_at, type) VALUES
  ('dec00000-0000-4000-8000-000000000001', '2025-02-03 12:00:00+00', 'web-shop', 'shop-001', NULL, 'a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30', 'web-shop', '2025-02-03 12:00:00+00', 0),
  ('dec00000-0000-4000-8000-000000000002', '2025-02-04 12:01:00+00', 'mobile-app', 'mob-002', NULL, 'a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30', 'mobile-app', '2025-02-04 12:01:00+00', 0),
  ('dec00000-0000-4000-8000-000000000003', '2025-02-05 12:02:00+00', 'search-indexer', NULL, NULL, 'a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30', 'search-indexer', '2025-02-05 12:02:00+00', 0),
  ('dec00000-0000-4000-8000-000000000004', '2025-02-06 12:03:00+00', 'qa-bot', NULL, NULL, 'a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30', 'qa-bot', '2025-02-06 12:03:00+00', 0),
  ('dec00000-0000-4000-8000-000000000005', '2025-02-07 12:04:00+00', 'kong-admin-alice', NULL, NULL, 'a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30', 'kong-admin-alice', '2025-02-07 12:04:00+00', 2),
  ('dec00000-0000-4000-8000-000000000006', '2025-03-08 12:05:00+00', 'kong-admin-bob', NULL, NULL, 'a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30', 'kong-admin-bob', '2025-03-08 12:05:00+00', 2),
  ('dec00000-0000-4000-8000-000000000007', '2025-03-09 12:06:00+00', 'checkout', 'chk-100', NULL, 'de0a0000-0000-4000-8000-000000000001', 'checkout', '2025-03-09 12:06:00+00', 0),
  ('dec00000-0000-4000-8000-000000000008', '2025-03-10 12:07:00+00', 'merchant-portal', 'mp-101', NULL, 'de0a0000-0000-4000-8000-000000000001', 'merchant-portal', '2025-03-10 12:07:00+00', 0),
  ('dec00000-0000-4000-8000-000000000009', '2025-03-11 12:08:00+00', 'settlement-job', NULL, NULL, 'de0a0000-0000-4000-8000-000000000001', 'settlement-job', '2025-03-11 12:08:00+00', 0),
  ('dec00000-0000-4000-8000-000000000010', '2025-03-12 12:09:00+00', 'risk-engine', NULL, NULL, 'de0a0000-0000-4000-8000-000000000001', 'risk-engine', '2025-03-12 12:09:00+00', 0),
  ('dec00000-0000-4000-8000-000000000011', '2025-04-13 12:10:00+00', 'acme-corp', 'acme', NULL, 'de0a0000-0000-4000-8000-000000000002', 'acme-corp', '2025-04-13 12:10:00+00', 0),
  ('dec00000-0000-4000-8000-000000000012', '2025-04-14 12:11:00+00', 'globex', 'globex', NULL, 'de0a0000-0000-4000-8000-000000000002', 'globex', '2025-04-14 12:11:00+00', 0),
  ('dec00000-0000-4000-8000-000000000013', '2025-04-15 12:12:00+00', 'initech', 'initech', NULL, 'de0a0000-0000-4000-8000-000000000002', 'initech', '2025-04-15 12:12:00+00', 0),
  ('dec00000-0000-4000-8000-000000000014', '2025-04-16 12:13:00+00', 'umbrella', 'umbrella', NULL, 'de0a0000-0000-4000-8000-000000000002', 'umbrella', '2025-04-16 12:13:00+00', 0),
  ('dec00000-0000-4000-8000-000000000015', '2025-04-17 12:14:00+00', 'stark-industries', 'stark', NULL, 'de0a0000-0000-4000-8000-000000000002', 'stark-industries', '2025-04-17 12:14:00+00', 0),
  ('dec00000-0000-4000-8000-000000000016', '2025-05-18 12:15:00+00', 'dev-jane@acme.example', NULL, NULL, 'de0a0000-0000-4000-8000-000000000002', 'dev-jane@acme.example', '2025-05-18 12:15:00+00', 1),
  ('dec00000-0000-4000-8000-000000000017', '2025-05-19 12:16:00+00', 'dev-raj@globex.example', NULL, NULL, 'de0a0000-0000-4000-8000-000000000002', 'dev-raj@globex.example', '2025-05-19 12:16:00+00', 1),
  ('dec00000-0000-4000-8000-000000000018', '2025-05-20 12:17:00+00', 'dev-li@initech.example', NULL, NULL, 'de0a0000-0000-4000-8000-000000000002', 'dev-li@initech.example', '2025-05-20 12:17:00+00', 1),
  ('dec00000-0000-4000-8000-000000000019', '2025-05-21 12:18:00+00', 'grafana', NULL, NULL, 'de0a0000-0000-4000-8000-000000000003', 'grafana', '2025-05-21 12:18:00+00', 0),
  ('dec00000-0000-4000-8000-000000000020', '2025-05-22 12:19:00+00', 'ci-pipeline', NULL, NULL, 'de0a0000-0000-4000-8000-000000000003', 'ci-pipeline', '2025-05-22 12:19:00+00', 0);

INSERT INTO consumer_groups (id, created_at, name, ws_id, tags, updated_at) VALUES
  ('dec90000-0000-4000-8000-000000000001', '2025-03-01 13:00:00+00', 'premium', 'de0a0000-0000-4000-8000-000000000001', NULL, '2025-03-01 13:00:00+00'),
  ('dec90000-0000-4000-8000-000000000002', '2025-03-02 13:00:00+00', 'partners-gold', 'de0a0000-0000-4000-8000-000000000002', NULL, '2025-03-02 13:00:00+00');

INSERT INTO consumer_group_consumers (created_at, consumer_group_id, consumer_id, cache_key, updated_at) VALUES
  ('2025-03-05 13:00:00+00', 'dec90000-0000-4000-8000-000000000001', 'dec00000-0000-4000-8000-000000000007', 'consumer_group_consumers:dec90000-0000-4000-8000-000000000001:dec00000-0000-4000-8000-000000000007::::de0a0000-0000-4000-8000-000000000001', '2025-03-05 13:00:00+00'),
  ('2025-03-05 13:00:00+00', 'dec90000-0000-4000-8000-000000000001', 'dec00000-0000-4000-8000-000000000008', 'consumer_group_consumers:dec90000-0000-4000-8000-000000000001:dec00000-0000-4000-8000-000000000008::::de0a0000-0000-4000-8000-000000000001', '2025-03-05 13:00:00+00'),
  ('2025-03-05 13:00:00+00', 'dec90000-0000-4000-8000-000000000002', 'dec00000-0000-4000-8000-000000000011', 'consumer_group_consumers:dec90000-0000-4000-8000-000000000002:dec00000-0000-4000-8000-000000000011::::de0a0000-0000-4000-8000-000000000002', '2025-03-05 13:00:00+00'),
  ('2025-03-05 13:00:00+00', 'dec90000-0000-4000-8000-000000000002', 'dec00000-0000-4000-8000-000000000012', 'consumer_group_consumers:dec90000-0000-4000-8000-000000000002:dec00000-0000-4000-8000-000000000012::::de0a0000-0000-4000-8000-000000000002', '2025-03-05 13:00:00+00');

INSERT INTO rbac_users (id, name, user_token, user_token_ident, comment, enabled, created_at, ws_id, updated_at) VALUES
  ('deba0000-0000-4000-8000-000000000001', 'kong_admin', '$2b$09$DEMO.FAKE.BCRYPT.HASH.0001.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', '12345', 'Super admin created by kong migrations bootstrap', true, '2025-02-01 08:00:00+00', 'a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30', '2025-02-01 08:00:00+00'),
  ('deba0000-0000-4000-8000-000000000002', 'alice', '$2b$09$DEMO.FAKE.BCRYPT.HASH.0002.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', '2468a', 'Kong Manager admin', true, '2025-03-01 08:00:00+00', 'a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30', '2025-03-01 08:00:00+00'),
  ('deba0000-0000-4000-8000-000000000003', 'bob', '$2b$09$DEMO.FAKE.BCRYPT.HASH.0003.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', '369cf', 'Kong Manager admin', true, '2025-04-01 08:00:00+00', 'a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30', '2025-04-01 08:00:00+00'),
  ('deba0000-0000-4000-8000-000000000004', 'payments-ops', '$2b$09$DEMO.FAKE.BCRYPT.HASH.0004.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', '48d14', NULL, true, '2025-05-01 08:00:00+00', 'de0a0000-0000-4000-8000-000000000001', '2025-05-01 08:00:00+00'),
  ('deba0000-0000-4000-8000-000000000005', 'partner-manager', '$2b$09$DEMO.FAKE.BCRYPT.HASH.0005.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', '5b059', NULL, true, '2025-06-01 08:00:00+00', 'de0a0000-0000-4000-8000-000000000002', '2025-06-01 08:00:00+00'),
  ('deba0000-0000-4000-8000-000000000006', 'ci-bot', '$2b$09$DEMO.FAKE.BCRYPT.HASH.0006.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', '6d39e', 'Automation token for decK', true, '2025-07-01 08:00:00+00', 'de0a0000-0000-4000-8000-000000000003', '2025-07-01 08:00:00+00');

INSERT INTO plugins (id, created_at, name, consumer_id, service_id, route_id, config, enabled, cache_key,
                     protocols, tags, ws_id, instance_name, updated_at, ordering, consumer_group_id) VALUES
  ('de910000-0000-4000-8000-000000000001', '2025-03-01 14:00:00+00', 'prometheus', NULL, NULL, NULL,
   '{"per_consumer": false, "status_code_metrics": true, "latency_metrics": true}',
   true, 'plugins:prometheus:::::a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30', '{grpc,grpcs,http,https}', NULL, 'a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30', NULL, '2025-03-01 14:00:00+00', NULL, NULL),
  ('de910000-0000-4000-8000-000000000002', '2025-03-02 14:01:00+00', 'correlation-id', NULL, NULL, NULL,
   '{"header_name": "Kong-Request-ID", "generator": "uuid#counter", "echo_downstream": true}',
   true, 'plugins:correlation-id:::::a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30', '{grpc,grpcs,http,https}', NULL, 'a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30', NULL, '2025-03-02 14:01:00+00', NULL, NULL),
  ('de910000-0000-4000-8000-000000000003', '2025-03-03 14:02:00+00', 'key-auth', NULL, 'de5e0000-0000-4000-8000-000000000001', NULL,
   '{"key_names": ["apikey"], "hide_credentials": true}',
   true, 'plugins:key-auth::de5e0000-0000-4000-8000-000000000001:::a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30', '{grpc,grpcs,http,https}', NULL, 'a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30', NULL, '2025-03-03 14:02:00+00', NULL, NULL),
  ('de910000-0000-4000-8000-000000000004', '2025-03-04 14:03:00+00', 'key-auth', NULL, 'de5e0000-0000-4000-8000-000000000003', NULL,
   '{"key_names": ["apikey"], "hide_credentials": true}',
   true, 'plugins:key-auth::de5e0000-0000-4000-8000-000000000003:::a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30', '{grpc,grpcs,http,https}', NULL, 'a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30', NULL, '2025-03-04 14:03:00+00', NULL, NULL),
  ('de910000-0000-4000-8000-000000000005', '2025-03-05 14:04:00+00', 'rate-limiting', NULL, 'de5e0000-0000-4000-8000-000000000001', NULL,
   '{"minute": 600, "policy": "local", "limit_by": "consumer"}',
   true, 'plugins:rate-limiting::de5e0000-0000-4000-8000-000000000001:::a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30', '{grpc,grpcs,http,https}', NULL, 'a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30', NULL, '2025-03-05 14:04:00+00', NULL, NULL),
  ('de910000-0000-4000-8000-000000000006', '2025-03-06 14:05:00+00', 'cors', NULL, NULL, 'de7a0000-0000-4000-8000-000000000004',
   '{"origins": ["https://shop.example"], "credentials": true}',
   true, 'plugins:cors:de7a0000-0000-4000-8000-000000000004::::a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30', '{grpc,grpcs,http,https}', NULL, 'a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30', NULL, '2025-03-06 14:05:00+00', NULL, NULL),
  ('de910000-0000-4000-8000-000000000007', '2025-03-07 14:06:00+00', 'proxy-cache', NULL, NULL, 'de7a0000-0000-4000-8000-000000000001',
   '{"strategy": "memory", "cache_ttl": 60, "content_type": ["application/json"]}',
   true, 'plugins:proxy-cache:de7a0000-0000-4000-8000-000000000001::::a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30', '{grpc,grpcs,http,https}', NULL, 'a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30', NULL, '2025-03-07 14:06:00+00', NULL, NULL),
  ('de910000-0000-4000-8000-000000000008', '2025-03-08 14:07:00+00', 'canary', NULL, 'de5e0000-0000-4000-8000-000000000002', NULL,
   '{"percentage": 10, "upstream_host": "catalog-canary.internal", "hash": "consumer"}',
   true, 'plugins:canary::de5e0000-0000-4000-8000-000000000002:::a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30', '{grpc,grpcs,http,https}', NULL, 'a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30', NULL, '2025-03-08 14:07:00+00', NULL, NULL),
  ('de910000-0000-4000-8000-000000000009', '2025-03-09 14:08:00+00', 'request-transformer-advanced', NULL, 'de5e0000-0000-4000-8000-000000000006', NULL,
   '{"add": {"headers": ["X-Soap-Bridge:true"]}}',
   true, 'plugins:request-transformer-advanced::de5e0000-0000-4000-8000-000000000006:::a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30', '{grpc,grpcs,http,https}', NULL, 'a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30', NULL, '2025-03-09 14:08:00+00', NULL, NULL),
  ('de910000-0000-4000-8000-000000000010', '2025-03-10 14:09:00+00', 'my-header-injector', NULL, NULL, NULL,
   '{"header_name": "X-Team", "header_value": "storefront"}',
   true, 'plugins:my-header-injector:::::a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30', '{grpc,grpcs,http,https}', NULL, 'a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30', NULL, '2025-03-10 14:09:00+00', NULL, NULL),
  -- disabled custom plugin
  ('de910000-0000-4000-8000-000000000011', '2025-03-11 14:10:00+00', 'my-header-injector', NULL, NULL, 'de7a0000-0000-4000-8000-000000000008',
   '{"header_name": "X-Echo", "header_value": "1"}',
   false, 'plugins:my-header-injector:de7a0000-0000-4000-8000-000000000008::::a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30', '{grpc,grpcs,http,https}', NULL, 'a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30', NULL, '2025-03-11 14:10:00+00', NULL, NULL),
  ('de910000-0000-4000-8000-000000000012', '2025-03-12 14:11:00+00', 'request-termination', NULL, NULL, 'de7a0000-0000-4000-8000-000000000014',
   '{"status_code": 200, "message": "ok"}',
   true, 'plugins:request-termination:de7a0000-0000-4000-8000-000000000014::::a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30', '{grpc,grpcs,http,https}', NULL, 'a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30', NULL, '2025-03-12 14:11:00+00', NULL, NULL),
  -- route has a service: not a unique route lambda
  ('de910000-0000-4000-8000-000000000013', '2025-04-13 14:12:00+00', 'aws-lambda', NULL, NULL, 'de7a0000-0000-4000-8000-000000000002',
   '{"aws_region": "eu-west-1", "function_name": "thumbnailer", "invocation_type": "RequestResponse", "log_type": "Tail", "timeout": 60000, "keepalive": 60000, "port": 443, "forward_request_body": true, "forward_request_headers": true}',
   true, 'plugins:aws-lambda:de7a0000-0000-4000-8000-000000000002::::a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30', '{grpc,grpcs,http,https}', NULL, 'a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30', NULL, '2025-04-13 14:12:00+00', NULL, NULL),
  ('de910000-0000-4000-8000-000000000014', '2025-04-14 14:13:00+00', 'aws-lambda', NULL, NULL, 'de7a0000-0000-4000-8000-000000000010',
   '{"aws_region": "eu-west-1", "function_name": "image-resize", "invocation_type": "RequestResponse", "log_type": "Tail", "timeout": 60000, "keepalive": 60000, "port": 443, "forward_request_body": true, "forward_request_headers": true}',
   true, 'plugins:aws-lambda:de7a0000-0000-4000-8000-000000000010::::a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30', '{grpc,grpcs,http,https}', NULL, 'a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30', NULL, '2025-04-14 14:13:00+00', NULL, NULL),
  ('de910000-0000-4000-8000-000000000015', '2025-04-15 14:14:00+00', 'aws-lambda', NULL, NULL, 'de7a0000-0000-4000-8000-000000000011',
   '{"aws_region": "eu-west-1", "function_name": "pdf-render", "invocation_type": "RequestResponse", "log_type": "Tail", "timeout": 60000, "keepalive": 60000, "port": 443, "forward_request_body": true, "forward_request_headers": true}',
   true, 'plugins:aws-lambda:de7a0000-0000-4000-8000-000000000011::::a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30', '{grpc,grpcs,http,https}', NULL, 'a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30', NULL, '2025-04-15 14:14:00+00', NULL, NULL),
  -- same function as image-resize
  ('de910000-0000-4000-8000-000000000016', '2025-04-16 14:15:00+00', 'aws-lambda', NULL, NULL, 'de7a0000-0000-4000-8000-000000000012',
   '{"aws_region": "eu-west-1", "function_name": "image-resize", "invocation_type": "RequestResponse", "log_type": "Tail", "timeout": 60000, "keepalive": 60000, "port": 443, "forward_request_body": true, "forward_request_headers": true}',
   true, 'plugins:aws-lambda:de7a0000-0000-4000-8000-000000000012::::a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30', '{grpc,grpcs,http,https}', NULL, 'a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30', NULL, '2025-04-16 14:15:00+00', NULL, NULL),
  ('de910000-0000-4000-8000-000000000017', '2025-04-17 14:16:00+00', 'kafka-upstream', NULL, NULL, 'de7a0000-0000-4000-8000-000000000013',
   '{"bootstrap_servers": [{"host": "kafka-1.internal", "port": 9092}, {"host": "kafka-2.internal", "port": 9092}], "topic": "storefront-events", "timeout": 10000, "keepalive": 60000, "forward_body": true, "forward_headers": false, "producer_async": true}',
   true, 'plugins:kafka-upstream:de7a0000-0000-4000-8000-000000000013::::a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30', '{grpc,grpcs,http,https}', NULL, 'a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30', NULL, '2025-04-17 14:16:00+00', NULL, NULL),
  -- disabled global logger
  ('de910000-0000-4000-8000-000000000018', '2025-04-18 14:17:00+00', 'http-log', NULL, NULL, NULL,
   '{"http_endpoint": "http://logs.internal:8080/kong", "method": "POST", "timeout": 10000}',
   false, 'plugins:http-log:::::a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30', '{grpc,grpcs,http,https}', NULL, 'a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30', NULL, '2025-04-18 14:17:00+00', NULL, NULL),
  ('de910000-0000-4000-8000-000000000019', '2025-04-19 14:18:00+00', 'openid-connect', NULL, 'de5e0000-0000-4000-8000-000000000007', NULL,
   '{"issuer": "https://login.example.com/.well-known/openid-configuration", "auth_methods": ["bearer", "client_credentials"]}',
   true, 'plugins:openid-connect::de5e0000-0000-4000-8000-000000000007:::de0a0000-0000-4000-8000-000000000001', '{grpc,grpcs,http,https}', NULL, 'de0a0000-0000-4000-8000-000000000001', NULL, '2025-04-19 14:18:00+00', NULL, NULL),
  ('de910000-0000-4000-8000-000000000020', '2025-04-20 14:19:00+00', 'openid-connect', NULL, 'de5e0000-0000-4000-8000-000000000008', NULL,
   '{"issuer": "https://login.example.com/.well-known/openid-configuration", "auth_methods": ["bearer"]}',
   true, 'plugins:openid-connect::de5e0000-0000-4000-8000-000000000008:::de0a0000-0000-4000-8000-000000000001', '{grpc,grpcs,http,https}', NULL, 'de0a0000-0000-4000-8000-000000000001', NULL, '2025-04-20 14:19:00+00', NULL, NULL),
  ('de910000-0000-4000-8000-000000000021', '2025-04-21 14:20:00+00', 'rate-limiting-advanced', NULL, 'de5e0000-0000-4000-8000-000000000007', NULL,
   '{"limit": [100], "window_size": [60], "strategy": "local", "namespace": "payments"}',
   true, 'plugins:rate-limiting-advanced::de5e0000-0000-4000-8000-000000000007:::de0a0000-0000-4000-8000-000000000001', '{grpc,grpcs,http,https}', NULL, 'de0a0000-0000-4000-8000-000000000001', NULL, '2025-04-21 14:20:00+00', NULL, NULL),
  -- consumer-group scoped
  ('de910000-0000-4000-8000-000000000022', '2025-04-22 14:21:00+00', 'rate-limiting-advanced', NULL, NULL, NULL,
   '{"limit": [1000], "window_size": [60], "strategy": "local", "namespace": "premium"}',
   true, 'plugins:rate-limiting-advanced::::dec90000-0000-4000-8000-000000000001:de0a0000-0000-4000-8000-000000000001', '{grpc,grpcs,http,https}', NULL, 'de0a0000-0000-4000-8000-000000000001', NULL, '2025-04-22 14:21:00+00', NULL, 'dec90000-0000-4000-8000-000000000001'),
  ('de910000-0000-4000-8000-000000000023', '2025-04-23 14:22:00+00', 'mtls-auth', NULL, 'de5e0000-0000-4000-8000-000000000011', NULL,
   '{"ca_certificates": ["de1f0000-0000-4000-8000-000000000001"], "skip_consumer_lookup": true}',
   true, 'plugins:mtls-auth::de5e0000-0000-4000-8000-000000000011:::de0a0000-0000-4000-8000-000000000001', '{grpc,grpcs,http,https}', NULL, 'de0a0000-0000-4000-8000-000000000001', NULL, '2025-04-23 14:22:00+00', NULL, NULL),
  ('de910000-0000-4000-8000-000000000024', '2025-04-24 14:23:00+00', 'ip-restriction', NULL, 'de5e0000-0000-4000-8000-000000000009', NULL,
   '{"allow": ["10.0.0.0/8"], "status": 403}',
   true, 'plugins:ip-restriction::de5e0000-0000-4000-8000-000000000009:::de0a0000-0000-4000-8000-000000000001', '{grpc,grpcs,http,https}', NULL, 'de0a0000-0000-4000-8000-000000000001', NULL, '2025-04-24 14:23:00+00', NULL, NULL),
  ('de910000-0000-4000-8000-000000000025', '2025-05-25 14:24:00+00', 'request-transformer', NULL, NULL, 'de7a0000-0000-4000-8000-000000000021',
   '{"add": {"headers": ["X-Payments:1"]}}',
   true, 'plugins:request-transformer:de7a0000-0000-4000-8000-000000000021::::de0a0000-0000-4000-8000-000000000001', '{grpc,grpcs,http,https}', NULL, 'de0a0000-0000-4000-8000-000000000001', NULL, '2025-05-25 14:24:00+00', NULL, NULL),
  -- disabled enterprise plugin
  ('de910000-0000-4000-8000-000000000026', '2025-05-26 14:25:00+00', 'jwt-signer', NULL, 'de5e0000-0000-4000-8000-000000000010', NULL,
   '{"channel_token_optional": true, "access_token_signing_algorithm": "RS256"}',
   false, 'plugins:jwt-signer::de5e0000-0000-4000-8000-000000000010:::de0a0000-0000-4000-8000-000000000001', '{grpc,grpcs,http,https}', NULL, 'de0a0000-0000-4000-8000-000000000001', NULL, '2025-05-26 14:25:00+00', NULL, NULL),
  ('de910000-0000-4000-8000-000000000027', '2025-05-27 14:26:00+00', 'aws-lambda', NULL, NULL, 'de7a0000-0000-4000-8000-000000000022',
   '{"aws_region": "eu-west-1", "function_name": "arn:aws:lambda:eu-west-1:111122223333:function:payment-notify", "invocation_type": "RequestResponse", "log_type": "Tail", "timeout": 60000, "keepalive": 60000, "port": 443, "forward_request_body": true, "forward_request_headers": true}',
   true, 'plugins:aws-lambda:de7a0000-0000-4000-8000-000000000022::::de0a0000-0000-4000-8000-000000000001', '{grpc,grpcs,http,https}', NULL, 'de0a0000-0000-4000-8000-000000000001', NULL, '2025-05-27 14:26:00+00', NULL, NULL),
  -- consumer-group scoped: not a unique route lambda
  ('de910000-0000-4000-8000-000000000028', '2025-05-01 14:27:00+00', 'aws-lambda', NULL, NULL, 'de7a0000-0000-4000-8000-000000000022',
   '{"aws_region": "eu-west-1", "function_name": "payment-notify-premium", "invocation_type": "RequestResponse", "log_type": "Tail", "timeout": 60000, "keepalive": 60000, "port": 443, "forward_request_body": true, "forward_request_headers": true}',
   true, 'plugins:aws-lambda:de7a0000-0000-4000-8000-000000000022:::dec90000-0000-4000-8000-000000000001:de0a0000-0000-4000-8000-000000000001', '{grpc,grpcs,http,https}', NULL, 'de0a0000-0000-4000-8000-000000000001', NULL, '2025-05-01 14:27:00+00', NULL, 'dec90000-0000-4000-8000-000000000001'),
  -- same function as default/pdf-render
  ('de910000-0000-4000-8000-000000000029', '2025-05-02 14:28:00+00', 'aws-lambda', NULL, NULL, 'de7a0000-0000-4000-8000-000000000023',
   '{"aws_region": "eu-west-1", "function_name": "pdf-render", "invocation_type": "RequestResponse", "log_type": "Tail", "timeout": 60000, "keepalive": 60000, "port": 443, "forward_request_body": true, "forward_request_headers": true}',
   true, 'plugins:aws-lambda:de7a0000-0000-4000-8000-000000000023::::de0a0000-0000-4000-8000-000000000001', '{grpc,grpcs,http,https}', NULL, 'de0a0000-0000-4000-8000-000000000001', NULL, '2025-05-02 14:28:00+00', NULL, NULL),
  ('de910000-0000-4000-8000-000000000030', '2025-05-03 14:29:00+00', 'kafka-upstream', NULL, NULL, 'de7a0000-0000-4000-8000-000000000024',
   '{"bootstrap_servers": [{"host": "kafka-1.internal", "port": 9092}, {"host": "kafka-3.internal", "port": 9092}], "topic": "payments", "timeout": 10000, "keepalive": 60000, "forward_body": true, "forward_headers": false, "producer_async": true}',
   true, 'plugins:kafka-upstream:de7a0000-0000-4000-8000-000000000024::::de0a0000-0000-4000-8000-000000000001', '{grpc,grpcs,http,https}', NULL, 'de0a0000-0000-4000-8000-000000000001', NULL, '2025-05-03 14:29:00+00', NULL, NULL),
  ('de910000-0000-4000-8000-000000000031', '2025-05-04 14:30:00+00', 'kafka-upstream', NULL, NULL, 'de7a0000-0000-4000-8000-000000000025',
   '{"bootstrap_servers": [{"host": "kafka-3.internal", "port": 9092}], "topic": "ledger", "timeout": 10000, "keepalive": 60000, "forward_body": true, "forward_headers": false, "producer_async": true}',
   true, 'plugins:kafka-upstream:de7a0000-0000-4000-8000-000000000025::::de0a0000-0000-4000-8000-000000000001', '{grpc,grpcs,http,https}', NULL, 'de0a0000-0000-4000-8000-000000000001', NULL, '2025-05-04 14:30:00+00', NULL, NULL),
  -- route has a service: not counted
  ('de910000-0000-4000-8000-000000000032', '2025-05-05 14:31:00+00', 'kafka-upstream', NULL, NULL, 'de7a0000-0000-4000-8000-000000000021',
   '{"bootstrap_servers": [{"host": "kafka-9.internal", "port": 9092}], "topic": "payouts", "timeout": 10000, "keepalive": 60000, "forward_body": true, "forward_headers": false, "producer_async": true}',
   true, 'plugins:kafka-upstream:de7a0000-0000-4000-8000-000000000021::::de0a0000-0000-4000-8000-000000000001', '{grpc,grpcs,http,https}', NULL, 'de0a0000-0000-4000-8000-000000000001', NULL, '2025-05-05 14:31:00+00', NULL, NULL),
  ('de910000-0000-4000-8000-000000000033', '2025-05-06 14:32:00+00', 'oas-validation', NULL, NULL, 'de7a0000-0000-4000-8000-000000000015',
   '{"api_spec": "openapi: 3.0.0", "validate_request_body": true}',
   true, 'plugins:oas-validation:de7a0000-0000-4000-8000-000000000015::::de0a0000-0000-4000-8000-000000000001', '{grpc,grpcs,http,https}', NULL, 'de0a0000-0000-4000-8000-000000000001', NULL, '2025-05-06 14:32:00+00', NULL, NULL),
  ('de910000-0000-4000-8000-000000000034', '2025-05-07 14:33:00+00', 'key-auth', NULL, 'de5e0000-0000-4000-8000-000000000013', NULL,
   '{"key_names": ["x-partner-key"], "hide_credentials": true}',
   true, 'plugins:key-auth::de5e0000-0000-4000-8000-000000000013:::de0a0000-0000-4000-8000-000000000002', '{grpc,grpcs,http,https}', NULL, 'de0a0000-0000-4000-8000-000000000002', NULL, '2025-05-07 14:33:00+00', NULL, NULL),
  ('de910000-0000-4000-8000-000000000035', '2025-05-08 14:34:00+00', 'key-auth', NULL, 'de5e0000-0000-4000-8000-000000000014', NULL,
   '{"key_names": ["x-partner-key"], "hide_credentials": true}',
   true, 'plugins:key-auth::de5e0000-0000-4000-8000-000000000014:::de0a0000-0000-4000-8000-000000000002', '{grpc,grpcs,http,https}', NULL, 'de0a0000-0000-4000-8000-000000000002', NULL, '2025-05-08 14:34:00+00', NULL, NULL),
  ('de910000-0000-4000-8000-000000000036', '2025-05-09 14:35:00+00', 'acl', NULL, 'de5e0000-0000-4000-8000-000000000013', NULL,
   '{"allow": ["partners"], "hide_groups_header": true}',
   true, 'plugins:acl::de5e0000-0000-4000-8000-000000000013:::de0a0000-0000-4000-8000-000000000002', '{grpc,grpcs,http,https}', NULL, 'de0a0000-0000-4000-8000-000000000002', NULL, '2025-05-09 14:35:00+00', NULL, NULL),
  -- consumer-group scoped
  ('de910000-0000-4000-8000-000000000037', '2025-06-10 14:36:00+00', 'rate-limiting-advanced', NULL, NULL, NULL,
   '{"limit": [5000], "window_size": [3600], "strategy": "local", "namespace": "gold"}',
   true, 'plugins:rate-limiting-advanced::::dec90000-0000-4000-8000-000000000002:de0a0000-0000-4000-8000-000000000002', '{grpc,grpcs,http,https}', NULL, 'de0a0000-0000-4000-8000-000000000002', NULL, '2025-06-10 14:36:00+00', NULL, 'dec90000-0000-4000-8000-000000000002'),
  -- consumer scoped
  ('de910000-0000-4000-8000-000000000038', '2025-06-11 14:37:00+00', 'rate-limiting', 'dec00000-0000-4000-8000-000000000013', NULL, NULL,
   '{"hour": 1000, "policy": "local", "limit_by": "consumer"}',
   true, 'plugins:rate-limiting:::dec00000-0000-4000-8000-000000000013::de0a0000-0000-4000-8000-000000000002', '{grpc,grpcs,http,https}', NULL, 'de0a0000-0000-4000-8000-000000000002', NULL, '2025-06-11 14:37:00+00', NULL, NULL),
  ('de910000-0000-4000-8000-000000000039', '2025-06-12 14:38:00+00', 'response-transformer', NULL, 'de5e0000-0000-4000-8000-000000000016', NULL,
   '{"remove": {"headers": ["Server"]}}',
   true, 'plugins:response-transformer::de5e0000-0000-4000-8000-000000000016:::de0a0000-0000-4000-8000-000000000002', '{grpc,grpcs,http,https}', NULL, 'de0a0000-0000-4000-8000-000000000002', NULL, '2025-06-12 14:38:00+00', NULL, NULL),
  ('de910000-0000-4000-8000-000000000040', '2025-06-13 14:39:00+00', 'redirect', NULL, NULL, 'de7a0000-0000-4000-8000-000000000026',
   '{"location": "https://api.partners.example.com/v2", "status_code": 301, "keep_incoming_path": true}',
   true, 'plugins:redirect:de7a0000-0000-4000-8000-000000000026::::de0a0000-0000-4000-8000-000000000002', '{grpc,grpcs,http,https}', NULL, 'de0a0000-0000-4000-8000-000000000002', NULL, '2025-06-13 14:39:00+00', NULL, NULL),
  -- custom plugin
  ('de910000-0000-4000-8000-000000000041', '2025-06-14 14:40:00+00', 'tenant-router', NULL, 'de5e0000-0000-4000-8000-000000000013', NULL,
   '{"header": "X-Tenant", "default_upstream": "partners.example.com"}',
   true, 'plugins:tenant-router::de5e0000-0000-4000-8000-000000000013:::de0a0000-0000-4000-8000-000000000002', '{grpc,grpcs,http,https}', NULL, 'de0a0000-0000-4000-8000-000000000002', NULL, '2025-06-14 14:40:00+00', NULL, NULL),
  ('de910000-0000-4000-8000-000000000042', '2025-06-15 14:41:00+00', 'my-header-injector', NULL, 'de5e0000-0000-4000-8000-000000000014', NULL,
   '{"header_name": "X-Partner", "header_value": "yes"}',
   true, 'plugins:my-header-injector::de5e0000-0000-4000-8000-000000000014:::de0a0000-0000-4000-8000-000000000002', '{grpc,grpcs,http,https}', NULL, 'de0a0000-0000-4000-8000-000000000002', NULL, '2025-06-15 14:41:00+00', NULL, NULL),
  ('de910000-0000-4000-8000-000000000043', '2025-06-16 14:42:00+00', 'aws-lambda', NULL, NULL, 'de7a0000-0000-4000-8000-000000000032',
   '{"aws_region": "us-east-1", "function_name": "partner-sync", "invocation_type": "RequestResponse", "log_type": "Tail", "timeout": 60000, "keepalive": 60000, "port": 443, "forward_request_body": true, "forward_request_headers": true}',
   true, 'plugins:aws-lambda:de7a0000-0000-4000-8000-000000000032::::de0a0000-0000-4000-8000-000000000002', '{grpc,grpcs,http,https}', NULL, 'de0a0000-0000-4000-8000-000000000002', NULL, '2025-06-16 14:42:00+00', NULL, NULL),
  -- same function as partner-sync
  ('de910000-0000-4000-8000-000000000044', '2025-06-17 14:43:00+00', 'aws-lambda', NULL, NULL, 'de7a0000-0000-4000-8000-000000000033',
   '{"aws_region": "us-east-1", "function_name": "partner-sync", "invocation_type": "RequestResponse", "log_type": "Tail", "timeout": 60000, "keepalive": 60000, "port": 443, "forward_request_body": true, "forward_request_headers": true}',
   true, 'plugins:aws-lambda:de7a0000-0000-4000-8000-000000000033::::de0a0000-0000-4000-8000-000000000002', '{grpc,grpcs,http,https}', NULL, 'de0a0000-0000-4000-8000-000000000002', NULL, '2025-06-17 14:43:00+00', NULL, NULL),
  ('de910000-0000-4000-8000-000000000045', '2025-06-18 14:44:00+00', 'kafka-upstream', NULL, NULL, 'de7a0000-0000-4000-8000-000000000034',
   '{"bootstrap_servers": [{"host": "kafka-1.internal", "port": 9092}, {"host": "kafka-1.internal", "port": 9093}], "topic": "partners", "timeout": 10000, "keepalive": 60000, "forward_body": true, "forward_headers": false, "producer_async": true}',
   true, 'plugins:kafka-upstream:de7a0000-0000-4000-8000-000000000034::::de0a0000-0000-4000-8000-000000000002', '{grpc,grpcs,http,https}', NULL, 'de0a0000-0000-4000-8000-000000000002', NULL, '2025-06-18 14:44:00+00', NULL, NULL),
  ('de910000-0000-4000-8000-000000000046', '2025-06-19 14:45:00+00', 'http-log', NULL, NULL, NULL,
   '{"http_endpoint": "https://siem.example.com/ingest", "method": "POST", "timeout": 10000}',
   true, 'plugins:http-log:::::de0a0000-0000-4000-8000-000000000002', '{grpc,grpcs,http,https}', NULL, 'de0a0000-0000-4000-8000-000000000002', NULL, '2025-06-19 14:45:00+00', NULL, NULL),
  ('de910000-0000-4000-8000-000000000047', '2025-06-20 14:46:00+00', 'openid-connect', NULL, 'de5e0000-0000-4000-8000-000000000018', NULL,
   '{"issuer": "https://sso.corp.example/.well-known/openid-configuration", "auth_methods": ["session", "authorization_code"]}',
   true, 'plugins:openid-connect::de5e0000-0000-4000-8000-000000000018:::de0a0000-0000-4000-8000-000000000003', '{grpc,grpcs,http,https}', NULL, 'de0a0000-0000-4000-8000-000000000003', NULL, '2025-06-20 14:46:00+00', NULL, NULL),
  ('de910000-0000-4000-8000-000000000048', '2025-06-21 14:47:00+00', 'openid-connect', NULL, 'de5e0000-0000-4000-8000-000000000020', NULL,
   '{"issuer": "https://sso.corp.example/.well-known/openid-configuration", "auth_methods": ["session", "authorization_code"]}',
   true, 'plugins:openid-connect::de5e0000-0000-4000-8000-000000000020:::de0a0000-0000-4000-8000-000000000003', '{grpc,grpcs,http,https}', NULL, 'de0a0000-0000-4000-8000-000000000003', NULL, '2025-06-21 14:47:00+00', NULL, NULL),
  ('de910000-0000-4000-8000-000000000049', '2025-07-22 14:48:00+00', 'ip-restriction', NULL, NULL, NULL,
   '{"allow": ["10.0.0.0/8", "192.168.0.0/16"], "status": 403}',
   true, 'plugins:ip-restriction:::::de0a0000-0000-4000-8000-000000000003', '{grpc,grpcs,http,https}', NULL, 'de0a0000-0000-4000-8000-000000000003', NULL, '2025-07-22 14:48:00+00', NULL, NULL),
  ('de910000-0000-4000-8000-000000000050', '2025-07-23 14:49:00+00', 'jwt', NULL, 'de5e0000-0000-4000-8000-000000000019', NULL,
   '{"key_claim_name": "iss", "claims_to_verify": ["exp"]}',
   true, 'plugins:jwt::de5e0000-0000-4000-8000-000000000019:::de0a0000-0000-4000-8000-000000000003', '{grpc,grpcs,http,https}', NULL, 'de0a0000-0000-4000-8000-000000000003', NULL, '2025-07-23 14:49:00+00', NULL, NULL),
  -- disabled: still counted
  ('de910000-0000-4000-8000-000000000051', '2025-07-24 14:50:00+00', 'aws-lambda', NULL, NULL, 'de7a0000-0000-4000-8000-000000000039',
   '{"aws_region": "eu-west-1", "function_name": "hr-export", "invocation_type": "RequestResponse", "log_type": "Tail", "timeout": 60000, "keepalive": 60000, "port": 443, "forward_request_body": true, "forward_request_headers": true}',
   false, 'plugins:aws-lambda:de7a0000-0000-4000-8000-000000000039::::de0a0000-0000-4000-8000-000000000003', '{grpc,grpcs,http,https}', NULL, 'de0a0000-0000-4000-8000-000000000003', NULL, '2025-07-24 14:50:00+00', NULL, NULL),
  ('de910000-0000-4000-8000-000000000052', '2025-07-25 14:51:00+00', 'kafka-upstream', NULL, NULL, 'de7a0000-0000-4000-8000-000000000040',
   '{"bootstrap_servers": [{"host": "10.20.0.11", "port": 9092}], "topic": "audit", "timeout": 10000, "keepalive": 60000, "forward_body": true, "forward_headers": false, "producer_async": true}',
   true, 'plugins:kafka-upstream:de7a0000-0000-4000-8000-000000000040::::de0a0000-0000-4000-8000-000000000003', '{grpc,grpcs,http,https}', NULL, 'de0a0000-0000-4000-8000-000000000003', NULL, '2025-07-25 14:51:00+00', NULL, NULL);

-- Not counted by the report: an old-style consumer-group override.
INSERT INTO consumer_group_plugins (id, created_at, consumer_group_id, name, cache_key, config, ws_id, updated_at) VALUES
  ('dec90000-0000-4000-8000-0000000000aa', '2025-03-05 13:30:00+00', 'dec90000-0000-4000-8000-000000000001', 'rate-limiting-advanced',
   'consumer_group_plugins:dec90000-0000-4000-8000-000000000001:rate-limiting-advanced::::de0a0000-0000-4000-8000-000000000001',
   '{"config": {"limit": [2000], "window_size": [60]}}', 'de0a0000-0000-4000-8000-000000000001', '2025-03-05 13:30:00+00');

-- The current licence (expires 31 December of next year, whenever the demo is loaded) and the
-- previous one, stored keyring-encrypted (Kong cannot read such a row until the keyring is unlocked).
INSERT INTO licenses (id, payload, created_at, updated_at)
SELECT 'de1c0000-0000-4000-8000-000000000002'::uuid,
       json_build_object('license', json_build_object(
         'payload', json_build_object(
           'admin_seats', '10',
           'customer', 'Demo Retail Ltd (FAKE DEMO LICENSE)',
           'dataplanes', '5',
           'license_creation_date', to_char(date_trunc('year', now() AT TIME ZONE 'UTC'), 'YYYY-MM-DD'),
           'license_expiration_date',
             to_char(date_trunc('year', now() AT TIME ZONE 'UTC') + interval '2 years' - interval '1 day', 'YYYY-MM-DD'),
           'license_key', 'DEMO-0000-FAKE-LICENSE-NOT-VALID',
           'product_subscription', 'Kong Enterprise Edition',
           'support_plan', 'None'),
         'signature', 'DEMO-FAKE-SIGNATURE-0000000000000000000000000000000000000000000000000000000000000000',
         'version', '1'))::text,
       date_trunc('year', now()), date_trunc('year', now())
UNION ALL
SELECT 'de1c0000-0000-4000-8000-000000000001'::uuid,
       '$ke$1$-9d3c7a1e55f0-b2e4c6a8d0f1e3a5c7b9d1f3-4f6e8d0c2b4a69788796a5b4c3d2e1f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7',
       date_trunc('year', now()) - interval '1 year', date_trunc('year', now()) - interval '1 year';

UPDATE licenses SET checksum = encode(sha256(convert_to(payload, 'UTF8')), 'hex');

-- Three live data planes (ttl = last status + 14 days, Kong's default purge delay) and one
-- decommissioned a month ago whose row Kong's clean-up has not removed yet.
INSERT INTO clustering_data_planes (id, hostname, ip, last_seen, config_hash, ttl, version, sync_status,
                                    updated_at, labels, cert_details, rpc_capabilities) VALUES
  ('ded90000-0000-4000-8000-000000000001', 'kong-dp-eu-1', '10.0.1.21', now() - interval '7 seconds', 'c8f2e9a41b7d3c5e0f6a2b8d4c1e7f93',
   now() - interval '7 seconds' + interval '14 days', '3.13.0.1', 'normal', now() - interval '7 seconds',
   '{"region": "eu-west-1", "zone": "a"}', '{"expiry": 1924992000}', '{kong.sync.v2,kong.debug.log_level.v1,kong.test}'),
  ('ded90000-0000-4000-8000-000000000002', 'kong-dp-eu-2', '10.0.2.22', now() - interval '14 seconds', 'c8f2e9a41b7d3c5e0f6a2b8d4c1e7f93',
   now() - interval '14 seconds' + interval '14 days', '3.13.0.1', 'normal', now() - interval '14 seconds',
   '{"region": "eu-west-1", "zone": "b"}', '{"expiry": 1924992000}', '{kong.sync.v2,kong.debug.log_level.v1,kong.test}'),
  ('ded90000-0000-4000-8000-000000000003', 'kong-dp-us-1', '10.1.1.31', now() - interval '21 seconds', 'c8f2e9a41b7d3c5e0f6a2b8d4c1e7f93',
   now() - interval '21 seconds' + interval '14 days', '3.13.0.0', 'normal', now() - interval '21 seconds',
   '{"region": "us-east-1", "zone": "a"}', '{"expiry": 1924992000}', '{kong.sync.v2,kong.debug.log_level.v1,kong.test}'),
  ('ded90000-0000-4000-8000-000000000004', 'kong-dp-old-1', '10.0.9.41', now() - interval '45 days', '0a1b2c3d4e5f60718293a4b5c6d7e8f9',
   now() - interval '31 days', '3.12.1.0', 'normal', now() - interval '45 days',
   '{"region": "eu-west-1", "zone": "c"}', NULL, '{kong.sync.v2}');

-- Monthly request counters per data plane for the last 15 months, relative to now() in UTC
-- (month 0 is the current month); traffic grows over time and differs per node. The
-- decommissioned data plane only has rows 12-14 months ago. Two pre-2.7 rows have year = month = 0.
INSERT INTO license_data (node_id, req_cnt, license_creation_date, year, month)
SELECT node.id,
       node.base + (14 - m.n) * node.step + (m.n * 7919 + node.seed * 104729) % 50000,
       date_trunc('year', now() AT TIME ZONE 'UTC'),
       extract(year FROM date_trunc('month', now() AT TIME ZONE 'UTC') - m.n * interval '1 month')::smallint,
       extract(month FROM date_trunc('month', now() AT TIME ZONE 'UTC') - m.n * interval '1 month')::smallint
FROM (VALUES
        ('ded90000-0000-4000-8000-000000000001'::uuid, 1200000, 45000, 1, 0, 14),
        ('ded90000-0000-4000-8000-000000000002'::uuid, 1100000, 52000, 2, 0, 14),
        ('ded90000-0000-4000-8000-000000000003'::uuid, 400000, 30000, 3, 0, 14),
        ('ded90000-0000-4000-8000-000000000004'::uuid, 900000, 0, 4, 12, 14)
     ) AS node (id, base, step, seed, first_month, last_month)
CROSS JOIN generate_series(0, 14) AS m (n)
WHERE m.n BETWEEN node.first_month AND node.last_month;

INSERT INTO license_data (node_id, req_cnt, license_creation_date, year, month) VALUES
  ('ded90000-0000-4000-8000-000000000001', 1250000, '2019-03-03 00:00:00', 0, 0),
  ('ded90000-0000-4000-8000-000000000002', 830412, '2019-03-03 00:00:00', 0, 0);

-- Kong 3.14 and 3.15: the demo runs the newest Kong. Their migration names are not public; they
-- follow the pattern of the real 3.13 database (core 028_3120_to_3130, enterprise
-- 026_31200_to_31300), so the report reads 3.15.x and uses Kong's 3.15 plugin lists.
UPDATE schema_meta
   SET executed = executed || '{029_3130_to_3140,030_3140_to_3150}'::text[], last_executed = '030_3140_to_3150'
 WHERE key = 'schema_meta' AND subsystem = 'core';
UPDATE schema_meta
   SET executed = executed || '{027_31300_to_31400,028_31400_to_31500}'::text[], last_executed = '028_31400_to_31500'
 WHERE key = 'schema_meta' AND subsystem = 'enterprise';

-- Plugins that shipped in 3.10-3.14: Kafka consumption and Confluent on the service-less event
-- routes (counted in unique_route_kafkas since 3.10), AI Gateway and governance plugins.
INSERT INTO plugins (id, created_at, name, consumer_id, service_id, route_id, config, enabled, cache_key,
                     protocols, tags, ws_id, instance_name, updated_at, ordering, consumer_group_id) VALUES
  ('de910000-0000-4000-8000-000000000101', '2026-03-02 10:00:00+00', 'kafka-consume', NULL, NULL, 'de7a0000-0000-4000-8000-000000000013',
   '{"mode": "server-sent-events", "topics": [{"name": "events"}], "bootstrap_servers": [{"host": "kafka-1.internal", "port": 9092}, {"host": "kafka-4.internal", "port": 9092}]}',
   true, NULL, '{http,https}', '{events}', 'a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30', NULL, '2026-03-02 10:00:00+00', NULL, NULL),
  ('de910000-0000-4000-8000-000000000102', '2026-03-03 10:00:00+00', 'confluent', NULL, NULL, 'de7a0000-0000-4000-8000-000000000024',
   '{"topic": "payment-events", "bootstrap_servers": [{"host": "pkc-7x2q1.eu-west-1.aws.confluent.cloud", "port": 9092}]}',
   true, NULL, '{http,https}', '{pci}', 'de0a0000-0000-4000-8000-000000000001', NULL, '2026-03-03 10:00:00+00', NULL, NULL),
  ('de910000-0000-4000-8000-000000000103', '2026-03-04 10:00:00+00', 'ai-rag-injector', NULL, NULL, NULL, '{}',
   true, NULL, '{http,https}', '{ai}', 'de0a0000-0000-4000-8000-000000000003', NULL, '2026-03-04 10:00:00+00', NULL, NULL),
  ('de910000-0000-4000-8000-000000000104', '2026-03-05 10:00:00+00', 'ai-lakera-guard', NULL, NULL, NULL, '{}',
   true, NULL, '{http,https}', '{ai}', 'de0a0000-0000-4000-8000-000000000003', NULL, '2026-03-05 10:00:00+00', NULL, NULL),
  ('de910000-0000-4000-8000-000000000105', '2026-04-06 10:00:00+00', 'ai-a2a-proxy', NULL, NULL, NULL, '{}',
   true, NULL, '{http,https}', '{ai}', 'de0a0000-0000-4000-8000-000000000003', NULL, '2026-04-06 10:00:00+00', NULL, NULL),
  ('de910000-0000-4000-8000-000000000106', '2026-04-07 10:00:00+00', 'metering-and-billing', NULL, NULL, NULL, '{}',
   true, NULL, '{http,https}', NULL, 'de0a0000-0000-4000-8000-000000000002', NULL, '2026-04-07 10:00:00+00', NULL, NULL),
  ('de910000-0000-4000-8000-000000000107', '2026-04-08 10:00:00+00', 'datakit', NULL, NULL, NULL, '{}',
   false, NULL, '{http,https}', NULL, 'de0a0000-0000-4000-8000-000000000002', NULL, '2026-04-08 10:00:00+00', NULL, NULL);

-- AI Gateway sales counter: one row per model and hour, computed from now() like the request
-- counters. Months 0-5 ago: openai/gpt-4o 12 - n hours, anthropic/claude-sonnet-4 6 hours each;
-- months 3-5 ago: mistral/mistral-large 2 hours each. Total 57 + 36 + 6 = 99 model-hours.
INSERT INTO license_llm_data (id, model_name, license_creation_date, year, week_of_year, month, day, hour)
SELECT md5(model.name || ':' || m.n || ':' || h.n)::uuid, model.name, '2025-01-01 00:00:00',
       extract(year FROM day.start)::smallint, extract(week FROM day.start)::smallint,
       extract(month FROM day.start)::smallint, 1, h.n
FROM (VALUES ('openai/gpt-4o', 12, 1, 0, 5), ('anthropic/claude-sonnet-4', 6, 0, 0, 5),
             ('mistral/mistral-large', 2, 0, 3, 5)) AS model (name, hours, fewer_per_month, first_month, last_month)
CROSS JOIN generate_series(0, 5) AS m (n)
CROSS JOIN LATERAL (SELECT date_trunc('month', now() AT TIME ZONE 'UTC') - m.n * interval '1 month' AS start) AS day
CROSS JOIN LATERAL generate_series(0, model.hours - model.fewer_per_month * m.n - 1) AS h (n)
WHERE m.n BETWEEN model.first_month AND model.last_month;

-- As Kong's DAO hooks keep them, with one drift: the partners routes counter says 11 while the
-- workspace has 9 routes (e.g. rows deleted straight in the database).
INSERT INTO workspace_entity_counters (workspace_id, entity_type, count)
SELECT ws_id, 'services', count(*) FROM services GROUP BY ws_id
UNION ALL SELECT ws_id, 'routes', count(*) FROM routes GROUP BY ws_id
UNION ALL SELECT ws_id, 'consumers', count(*) FROM consumers WHERE type = 0 GROUP BY ws_id
UNION ALL SELECT ws_id, 'plugins', count(*) FROM plugins GROUP BY ws_id
UNION ALL SELECT ws_id, 'rbac_users', count(*) FROM rbac_users GROUP BY ws_id
UNION ALL SELECT ws_id, 'certificates', count(*) FROM certificates GROUP BY ws_id;

UPDATE workspace_entity_counters SET count = count + 2
WHERE workspace_id = 'de0a0000-0000-4000-8000-000000000002' AND entity_type = 'routes';
