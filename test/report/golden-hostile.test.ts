import { afterAll, beforeAll, expect, it } from "vitest";
import { collectReport } from "#lib/collector/collect-report.ts";
import { buildReportFiles } from "#lib/output/report-files.ts";
import {
  describeGoldens,
  EE313_SCHEMA,
  ee313Collector,
  type Golden,
  NO_AI_GATEWAY_USE,
  NO_SYSTEM_INFO,
  NOW,
  noRouteKafkas,
  UNLICENSED,
  unlicensedUsage,
  untaggedUsage,
  usageWithoutContract,
} from "../helpers/golden.ts";
import {
  DATASETS,
  DEFAULT_WORKSPACE_ID,
  describeTargets,
  openTestDatabase,
  SCHEMAS,
  type TestDatabase,
} from "../helpers/kong-db.ts";

// Golden documents (issue 23) for hostile-names.sql: names that are markup, formulas, terminal
// escapes, bidi overrides and members of Object.prototype are counted and written as the text they
// are. Written from the fixture's header and Kong's rules (see test/helpers/golden.ts).

const W1 = "0b0b0000-0000-4000-8000-000000000001";
const W2 = "0b0b0000-0000-4000-8000-000000000002";
const W2_NAME = '=HYPERLINK("http://evil.example","x")\u001b[31m\u202eevil';

/** JSON.parse, so that "__proto__" is a key like any other in the expected document. */
const names = (json: string): Record<string, number> => JSON.parse(json) as Record<string, number>;

const GOLDENS: readonly Golden[] = [
  {
    name: "names that are markup, formulas, escapes, bidi overrides and Object.prototype members",
    sources: [SCHEMAS.ee313, DATASETS.hostileNames],
    response: {
      kong_version: "3.13.x", // the 3.13 schema's migrations
      deployment_info: { type: "traditional" }, // no clustering_data_planes rows
      license: UNLICENSED, // no licenses rows
      counters: { total_requests: 0, buckets: [] }, // license_data exists, empty
      workspaces_count: 3, // default, W1, W2
      rbac_users: 0,
      services_count: 2, // calc (default), markup (W1)
      routes_count: 0,
      consumers_count: 0,
      plugins_count: {
        tiers: {
          free: { "key-auth": 1 }, // row 1
          enterprise: {},
          // every other name is in neither 3.13 list: custom, counted under its own name
          custom: names(
            // constructor rows 2, 3 (disabled), 6; __proto__ rows 4, 9; the others one row each
            '{"constructor": 3, "__proto__": 2, "toString": 1, "hasOwnProperty": 1, "valueOf": 1}',
          ),
        },
        unique_route_lambdas: 0, // no aws-lambda
        unique_route_kafkas: 0, // no Kafka-family plugin
      },
      collector: ee313Collector({ license_from: "unlicensed" }),
    },
    details: {
      route_kafkas: noRouteKafkas("kafka-family"),
      ai_gateway: NO_AI_GATEWAY_USE,
      schema: EE313_SCHEMA,
      omitted: [NO_SYSTEM_INFO],
      warnings: [],
      // by workspace id: 0b0b…01, 0b0b…02, then default a0d6…
      workspaces: [
        {
          id: W1,
          name: "<script>alert(1)</script>",
          services: 1, // markup
          routes: 0,
          consumers: 0,
          plugins: { free: {}, enterprise: {}, custom: { constructor: 1, hasOwnProperty: 1, valueOf: 1 } },
          discrete_services: 1, // https://evil.example:443/<b>
        },
        {
          id: W2,
          name: W2_NAME,
          services: 0,
          routes: 0,
          consumers: 0,
          plugins: { free: {}, enterprise: {}, custom: names('{"__proto__": 1}') },
          discrete_services: 0,
        },
        {
          id: DEFAULT_WORKSPACE_ID,
          name: "default",
          services: 1, // calc
          routes: 0,
          consumers: 0,
          plugins: {
            free: { "key-auth": 1 },
            enterprise: {},
            custom: names('{"constructor": 2, "__proto__": 1, "toString": 1}'),
          },
          discrete_services: 1, // http://=cmd|' /C calc'!A0:80/
        },
      ],
      discrete_services: { count: 2, rules: [] },
      usage: usageWithoutContract(
        {
          gateway_services: 2, // services_count
          discrete_services: 2, // discrete_services.count
          api_requests_month: 0, // license_data empty
          ai_model_hours_month: 0, // license_llm_data empty
        },
        unlicensedUsage(0), // no licenses rows; rbac_users 0
      ),
      // No `team:` tag: every entity untagged. Plugins: the 9 rows above (disabled ones too, as Kong counts).
      usage_by_tag: untaggedUsage({ services: 2, discrete_services: 2, routes: 0, plugins: 9 }),
      entity_counters: {
        rows: [
          // the fixture writes counter rows for services and plugins only, from the live rows
          { entity_type: "services", counter_table: 2, live: 2, drift: 0 },
          { entity_type: "routes", counter_table: null, live: 0, drift: null },
          { entity_type: "consumers", counter_table: null, live: 0, drift: null },
          { entity_type: "plugins", counter_table: 9, live: 9, drift: 0 },
          { entity_type: "rbac_users", counter_table: null, live: 0, drift: null },
        ],
        drifted: [],
        workspaces: [],
        workspaces_drifted: 0,
      },
    },
  },
];

describeGoldens("Golden documents: hostile names", GOLDENS);

describeTargets("The files of a report of hostile names (%s)", (target) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(target);
  });
  afterAll(async () => {
    await db?.close();
  });

  it("write every name as text: escaped in the page, guarded in the CSV, no raw escape anywhere", async () => {
    // Prepare
    const sql = await db.createFixture(SCHEMAS.ee313, DATASETS.hostileNames);

    // Act
    const collected = await collectReport(sql, { now: NOW, details: {} });
    const files = new Map(
      buildReportFiles(collected, { format: "tar" }).map((file) => [
        file.name,
        file.content.toString("utf8"),
      ]),
    );

    // Assess
    const page = files.get("summary.html") ?? "";
    expect(page).not.toContain("<script>alert(1)</script>");
    expect(page).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(page).toContain("\\x1b[31m\\u202eevil");
    // The W2 row: a formula start becomes quoted text; the CSV keeps the name's exact characters
    // (data for a spreadsheet, where the guard is what matters).
    const csv = files.get("report.csv") ?? "";
    expect(csv).toContain(`\r\n"'${W2_NAME.replaceAll('"', '""')}",${W2},`);
    // The JSON files and the page hold no raw escape or override: \u001b, \u202e, or shown as text.
    for (const name of ["response.json", "details.json", "summary.html"]) {
      expect(files.get(name), name).not.toContain("\u001b");
      expect(files.get(name), name).not.toContain("\u202e");
    }
    expect(JSON.parse(files.get("details.json") ?? "").workspaces[1].name).toBe(W2_NAME);
  });
});
