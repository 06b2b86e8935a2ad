import { compileDiscreteRules, type DiscreteRule } from "../details/discrete-rules.ts";
import { formatDiscreteKey } from "../details/discrete-services.ts";
import { ApiAccessError, UnverifiedReportError } from "../errors.ts";
import type { AdminApiWorkspace, KongReport, OmittedKey, ReportDetails } from "../report/types.ts";
import { verifyReport } from "../report/verify-report.ts";
import { parseJsonText } from "../shared/json-text.ts";
import { TOOL } from "./collect-report.ts";

// The report from Kong's Admin API (hybrid control planes, DB-less gateways, clusters whose database
// cannot be reached): Kong's own GET /license/report, kept byte for byte and verified, and beside it
// what KLCR reads from the same API (workspaces, their services, the node).

/** A service as an API lists it: the fields of KLCR's key. */
export interface ApiService {
  readonly protocol: unknown;
  readonly host: unknown;
  readonly port: unknown;
  readonly path: unknown;
}

/** What the collector needs from Kong's Admin API (lib/kong-api's reader is one). */
export interface AdminApiPort {
  /** The API's address as messages show it (never a credential). */
  readonly description: string;
  readReport(signal?: AbortSignal): Promise<Buffer>;
  readNode(signal?: AbortSignal): Promise<{
    readonly version?: string;
    readonly nodeId?: string;
    readonly database?: string;
    readonly role?: string;
    readonly portal?: boolean;
  }>;
  readStatus(signal?: AbortSignal): Promise<string>;
  /** undefined: the node serves no /workspaces (its services are listed at /services). */
  listWorkspaces(
    signal?: AbortSignal,
  ): Promise<ReadonlyArray<{ readonly id?: string; readonly name: string }> | undefined>;
  listServices(workspace: string | undefined, signal?: AbortSignal): Promise<readonly ApiService[]>;
  readWorkspaceCounts(workspace: string, signal?: AbortSignal): Promise<Record<string, number> | undefined>;
}

export interface AdminApiCollectOptions {
  /** KLCR find/replace rules applied to every service key. */
  readonly rules?: readonly DiscreteRule[];
  /** Keep the distinct keys in details.discrete_services.list. */
  readonly includeList?: boolean;
  /** false: the report and the node only (no workspace or service is listed). */
  readonly details?: boolean;
  readonly clusterName?: string;
  readonly signal?: AbortSignal;
}

export interface AdminApiCollected {
  /** GET /license/report's bytes, exactly as Kong sent them: response.json. */
  readonly response: Buffer;
  /** The same report, parsed; its checksum verified. */
  readonly report: KongReport;
  readonly details: ReportDetails;
  /** Distinct service keys after the rules, across workspaces (empty with `details: false`). */
  readonly discreteServices: string[];
  /** GET /'s node_id: how two environments are told to be the same node. */
  readonly nodeId?: string;
}

const COUNT_KEYS = ["workspaces_count", "services_count", "routes_count", "consumers_count"] as const;

/**
 * Reads Kong's report and its details from the Admin API. The report is refused (UnverifiedReportError)
 * when its checksum does not match its content: it is never passed on. A DB-less node's report has no
 * `counters` (Kong keeps none there): the details say so in `omitted`, it is not an error.
 */
export async function collectFromAdminApi(
  port: AdminApiPort,
  options: AdminApiCollectOptions = {},
): Promise<AdminApiCollected> {
  const signal = options.signal;
  const response = await port.readReport(signal);
  const report = readKongReport(response, `Kong's Admin API at ${port.description}`);
  const node = await port.readNode(signal);
  const status = await port.readStatus(signal);
  const rules = compileDiscreteRules(options.rules ?? []);
  const workspaces: AdminApiWorkspace[] = [];
  const keys = new Set<string>();
  if (options.details !== false) {
    const listed = await port.listWorkspaces(signal);
    for (const workspace of [...(listed ?? [{ name: "default" }])].sort((a, b) =>
      compareText(a.name, b.name),
    )) {
      const services = await port.listServices(listed === undefined ? undefined : workspace.name, signal);
      const own = new Set(services.map((service) => rules.apply(formatDiscreteKey(service))));
      for (const key of own) keys.add(key);
      const counts =
        listed === undefined ? undefined : await port.readWorkspaceCounts(workspace.name, signal);
      workspaces.push({
        name: workspace.name,
        ...(workspace.id === undefined ? {} : { id: workspace.id }),
        services: services.length,
        discrete_services: own.size,
        ...(counts === undefined ? {} : { counts }),
      });
    }
  }
  const discreteServices = [...keys].sort(compareText);
  const details: ReportDetails = {
    generated_at: new Date(report.timestamp * 1000).toISOString(),
    checksum: report.checksum,
    ...(options.clusterName === undefined ? {} : { cluster: options.clusterName }),
    collector: { name: TOOL.name, version: TOOL.version, source: "admin-api" },
    admin_api: {
      url: port.description,
      kong_version: node.version ?? null,
      node_id: node.nodeId ?? null,
      database: node.database ?? null,
      role: node.role ?? null,
      status,
      dev_portal: node.portal ?? null,
      workspaces,
    },
    omitted: describeOmitted(report, node.database),
    warnings: describeWarnings(report, node.version),
    ...(options.details === false
      ? {}
      : {
          discrete_services: {
            count: discreteServices.length,
            rules: (options.rules ?? []).map((rule) => ({
              find: rule.find,
              replace_with: rule.replace_with,
            })),
            ...(options.includeList === true ? { list: discreteServices } : {}),
          },
        }),
  };
  return {
    response,
    report,
    details,
    discreteServices,
    ...(node.nodeId === undefined ? {} : { nodeId: node.nodeId }),
  };
}

/**
 * Kong's report bytes as a verified report: JSON, an object with Kong's counts, its checksum matching
 * its content. Anything else is refused, naming where it came from.
 */
export function readKongReport(bytes: Buffer, where: string): KongReport {
  const value = parseJsonText(
    bytes.toString("utf8"),
    (reason) => new ApiAccessError(`${where} answered GET /license/report with a body that ${reason}.`),
  );
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ApiAccessError(`${where} answered GET /license/report with something that is not a report.`);
  }
  const record = value as Record<string, unknown>;
  const wrong = COUNT_KEYS.filter((key) => record[key] !== undefined && !Number.isInteger(record[key]));
  if (!Number.isInteger(record.timestamp) || wrong.length > 0) {
    throw new ApiAccessError(
      `${where} answered GET /license/report with something that is not Kong's license report (${wrong.length > 0 ? `${wrong.join(", ")} not whole numbers` : "no timestamp"}).`,
    );
  }
  const check = verifyReport(record);
  if (check.claimed === null) {
    throw new UnverifiedReportError(
      `${where} answered a report without a checksum (Kong adds one from 3.5 on): it cannot be verified, so it is refused.`,
    );
  }
  if (!check.valid) {
    throw new UnverifiedReportError(
      `${where} answered a report whose checksum does not match its content (claims ${check.claimed}, its content hashes to ${check.computed}): refused as edited, never passed on.`,
    );
  }
  return record as unknown as KongReport;
}

/** Keys Kong left out of its report and why; a DB-less node keeps no request counters. */
function describeOmitted(report: KongReport, database: string | undefined): OmittedKey[] {
  if (report.counters !== undefined) return [];
  const dbless = report.deployment_info?.type === "dbless" || database === "off";
  return [
    {
      key: "counters",
      reason: dbless
        ? "a DB-less Kong node keeps no request counters: Kong's report has no counters there (not an error)"
        : "Kong's report has no counters (a data plane, or a hybrid node with telemetry disabled, keeps none)",
    },
  ];
}

function describeWarnings(report: KongReport, version: string | undefined): string[] {
  if (version === undefined || report.kong_version === undefined || report.kong_version === version)
    return [];
  return [`GET / says Kong ${version} but the report says ${report.kong_version}.`];
}

/** Names and keys here are unique (workspaces, a set's members): never equal. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : 1;
}
