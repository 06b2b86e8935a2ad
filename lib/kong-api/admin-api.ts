import { ApiAccessError } from "../errors.ts";
import { createKongHttpClient, type KongHttpClient, pickTransportOptions } from "./http-client.ts";
import { readAllPages, readAllPagesIfServed } from "./paging.ts";

// Kong Gateway Enterprise's Admin API, read as KLCR reads it: the report, the node, the workspaces and
// their services. The answers are plain data; what they mean (keys, counts, the checksum) is the
// collector's business (lib/collector/collect-admin-api.ts), wired to this reader in lib/compose.

const SERVICE = "Kong's Admin API";
/** The Admin API's largest page (Kong's `size` maximum). */
const PAGE_SIZE = 1000;

export interface AdminApiConnection {
  /** The Admin API's root, e.g. https://kong-admin:8001 (a path prefix behind a proxy is kept). */
  readonly url: string;
  /** Sent as Kong-Admin-Token; absent for an Admin API without RBAC. */
  readonly token?: string;
  readonly ca?: string;
  readonly insecure?: boolean;
  readonly timeoutMs?: number;
}

/** GET / as far as the collector needs it. */
export interface AdminNode {
  readonly version?: string;
  readonly nodeId?: string;
  readonly hostname?: string;
  /** configuration.database: "postgres", or "off" on a DB-less node. */
  readonly database?: string;
  /** configuration.role: "traditional", "control_plane", "data_plane". */
  readonly role?: string;
  /** configuration.portal (KLCR's dev_portal); undefined when not said. */
  readonly portal?: boolean;
}

export interface AdminWorkspace {
  readonly id?: string;
  readonly name: string;
}

/** A service's fields behind KLCR's key; null where Kong has none (a service without a path). */
export interface AdminService {
  readonly protocol: unknown;
  readonly host: unknown;
  readonly port: unknown;
  readonly path: unknown;
}

export interface AdminApiReader {
  readonly description: string;
  /** GET /license/report, its bytes exactly as Kong sent them. */
  readReport(signal?: AbortSignal): Promise<Buffer>;
  readNode(signal?: AbortSignal): Promise<AdminNode>;
  /** KLCR's `status`: "Healthy" when GET /status answers 200, else "HTTP <status>". */
  readStatus(signal?: AbortSignal): Promise<string>;
  /** Every workspace, page by page; undefined when the node serves no /workspaces (one implicit workspace). */
  listWorkspaces(signal?: AbortSignal): Promise<AdminWorkspace[] | undefined>;
  /** Every service of a workspace (or of the node, without workspaces), page by page. */
  listServices(workspace: string | undefined, signal?: AbortSignal): Promise<AdminService[]>;
  /** GET /workspaces/<ws>/meta's counts; undefined when Kong does not serve them there (404, 403). */
  readWorkspaceCounts(workspace: string, signal?: AbortSignal): Promise<Record<string, number> | undefined>;
}

/** A reader of one Admin API; the token stays inside its HTTP client. */
export function createAdminApiReader(connection: AdminApiConnection): AdminApiReader {
  const client = createKongHttpClient({
    baseUrl: connection.url,
    authHeader: "Kong-Admin-Token",
    ...(connection.token === undefined ? {} : { authValue: connection.token }),
    ...pickTransportOptions(connection),
    service: SERVICE,
  });
  return {
    description: client.description,
    async readReport(signal) {
      return (await client.get("/license/report", withSignal(signal))).body;
    },
    async readNode(signal) {
      const { value } = await client.getJson("/", withSignal(signal));
      return readNode(value, client);
    },
    async readStatus(signal) {
      const answer = await client.get("/status", { ...withSignal(signal), allow: [404, 500, 503] });
      return answer.status === 200 ? "Healthy" : `HTTP ${answer.status}`;
    },
    async listWorkspaces(signal) {
      const items = await readAllPagesIfServed(
        client,
        `/workspaces?size=${PAGE_SIZE}`,
        SERVICE,
        withSignal(signal),
      );
      return items?.flatMap((item) =>
        typeof item.name === "string"
          ? [{ name: item.name, ...(typeof item.id === "string" ? { id: item.id } : {}) }]
          : [],
      );
    },
    async listServices(workspace, signal) {
      const prefix = workspace === undefined ? "" : `/${encodeURIComponent(workspace)}`;
      const items = await readAllPages(
        client,
        `${prefix}/services?size=${PAGE_SIZE}`,
        SERVICE,
        withSignal(signal),
      );
      return items.map((item) => ({
        protocol: item.protocol ?? null,
        host: item.host ?? null,
        port: item.port ?? null,
        path: item.path ?? null,
      }));
    },
    async readWorkspaceCounts(workspace, signal) {
      const answer = await client.getJson(`/workspaces/${encodeURIComponent(workspace)}/meta`, {
        ...withSignal(signal),
        allow: [403, 404],
      });
      if (answer.status !== 200) return undefined;
      const counts = (answer.value as { counts?: unknown } | null)?.counts;
      if (typeof counts !== "object" || counts === null) return undefined;
      return Object.fromEntries(
        Object.entries(counts).filter((entry): entry is [string, number] => Number.isInteger(entry[1])),
      );
    },
  };
}

function readNode(value: unknown, client: KongHttpClient): AdminNode {
  if (typeof value !== "object" || value === null) {
    throw new ApiAccessError(`${SERVICE} at ${client.description} answered GET / with no node information.`);
  }
  const root = value as Record<string, unknown>;
  const configuration = (
    typeof root.configuration === "object" && root.configuration !== null ? root.configuration : {}
  ) as Record<string, unknown>;
  const text = (item: unknown): string | undefined => (typeof item === "string" ? item : undefined);
  const version = text(root.version);
  const nodeId = text(root.node_id);
  const hostname = text(root.hostname);
  const database = text(configuration.database);
  const role = text(configuration.role);
  return {
    ...(version === undefined ? {} : { version }),
    ...(nodeId === undefined ? {} : { nodeId }),
    ...(hostname === undefined ? {} : { hostname }),
    ...(database === undefined ? {} : { database }),
    ...(role === undefined ? {} : { role }),
    ...(typeof configuration.portal === "boolean" ? { portal: configuration.portal } : {}),
  };
}

function withSignal(signal: AbortSignal | undefined): { signal?: AbortSignal } {
  return signal === undefined ? {} : { signal };
}
