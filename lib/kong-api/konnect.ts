import { ApiAccessError } from "../errors.ts";
import type { AdminService } from "./admin-api.ts";
import { createKongHttpClient, type KongHttpClient, pickTransportOptions } from "./http-client.ts";
import { readAllPagesIfServed } from "./paging.ts";

// Konnect's control-plane API, read as KLCR reads it (`deployment: "konnect"`): the control planes page
// by page, each one's services following `next`, plus its data-plane nodes. Plain data out; the
// collector (lib/collector/collect-konnect.ts) decides what counts.

const SERVICE = "Konnect";
/** Konnect's largest page of control planes (KLCR: "page size must be 100 or less"). */
const CONTROL_PLANE_PAGE = 100;
/** Core entities take up to 1,000 a page. */
const SERVICE_PAGE = 1000;
/** A runaway `meta.page.total` is not an organisation. */
const MAX_CONTROL_PLANE_PAGES = 1000;

export interface KonnectConnection {
  /** The regional API base, e.g. https://us.api.konghq.com/v2. */
  readonly url: string;
  /** A personal or system access token, sent as `Authorization: Bearer …`. */
  readonly token: string;
  readonly ca?: string;
  readonly insecure?: boolean;
  readonly timeoutMs?: number;
}

export interface KonnectControlPlaneRow {
  readonly id: string;
  readonly name: string;
  /** config.cluster_type, e.g. CLUSTER_TYPE_CONTROL_PLANE_GROUP; "" when Konnect did not say. */
  readonly clusterType: string;
}

export interface KonnectReader {
  readonly description: string;
  /** Every control plane of the organisation, page by page (`page[size]`, `page[number]`). */
  listControlPlanes(signal?: AbortSignal): Promise<KonnectControlPlaneRow[]>;
  readControlPlane(id: string, signal?: AbortSignal): Promise<KonnectControlPlaneRow>;
  /** The control plane's services following `next`; undefined when its type serves none (404). */
  listServices(id: string, signal?: AbortSignal): Promise<AdminService[] | undefined>;
  /** Its data-plane nodes (`page.total_count`); undefined when Konnect does not say (404, 403, no count). */
  countNodes(id: string, signal?: AbortSignal): Promise<number | undefined>;
}

export function createKonnectReader(connection: KonnectConnection): KonnectReader {
  const client = createKongHttpClient({
    baseUrl: connection.url,
    authHeader: "Authorization",
    authValue: `Bearer ${connection.token}`,
    ...pickTransportOptions(connection),
    service: SERVICE,
  });
  return {
    description: client.description,
    async listControlPlanes(signal) {
      const rows: KonnectControlPlaneRow[] = [];
      let pages = 1;
      for (let page = 1; page <= pages; page += 1) {
        const { value } = await client.getJson(
          `/control-planes?page%5Bsize%5D=${CONTROL_PLANE_PAGE}&page%5Bnumber%5D=${page}`,
          withSignal(signal),
        );
        const body = asRecord(value);
        if (!Array.isArray(body.data)) throw notKonnect(client, "/control-planes");
        for (const item of body.data) rows.push(readControlPlaneRow(item, client));
        // KLCR's count of pages, from meta.page.total; by the size Konnect says it used, if it says one.
        const meta = asRecord(asRecord(body.meta).page);
        const size =
          Number.isInteger(meta.size) && (meta.size as number) > 0
            ? (meta.size as number)
            : CONTROL_PLANE_PAGE;
        if (page === 1 && typeof meta.total === "number" && Number.isInteger(meta.total) && meta.total > 0) {
          pages = Math.min(Math.ceil(meta.total / size), MAX_CONTROL_PLANE_PAGES);
        }
        if (body.data.length === 0) break;
      }
      return rows;
    },
    async readControlPlane(id, signal) {
      const { value } = await client.getJson(`/control-planes/${encodeURIComponent(id)}`, withSignal(signal));
      return readControlPlaneRow(value, client);
    },
    async listServices(id, signal) {
      const items = await readAllPagesIfServed(
        client,
        `/control-planes/${encodeURIComponent(id)}/core-entities/services?size=${SERVICE_PAGE}`,
        SERVICE,
        withSignal(signal),
      );
      return items?.map((item) => ({
        protocol: item.protocol ?? null,
        host: item.host ?? null,
        port: item.port ?? null,
        path: item.path ?? null,
      }));
    },
    async countNodes(id, signal) {
      const answer = await client.getJson(
        `/control-planes/${encodeURIComponent(id)}/nodes?page%5Bsize%5D=${CONTROL_PLANE_PAGE}`,
        { ...withSignal(signal), allow: [403, 404] },
      );
      if (answer.status !== 200) return undefined;
      // Konnect's nodes answer: {items, page: {total_count}}; without the total, the items of this page.
      const body = asRecord(answer.value);
      const total = asRecord(body.page).total_count;
      if (typeof total === "number" && Number.isInteger(total)) return total;
      return Array.isArray(body.items) ? body.items.length : undefined;
    },
  };
}

function readControlPlaneRow(value: unknown, client: KongHttpClient): KonnectControlPlaneRow {
  const item = asRecord(value);
  if (typeof item.id !== "string" || item.id === "") throw notKonnect(client, "/control-planes");
  const clusterType = asRecord(item.config).cluster_type;
  return {
    id: item.id,
    name: typeof item.name === "string" ? item.name : item.id,
    clusterType: typeof clusterType === "string" ? clusterType : "",
  };
}

function notKonnect(client: KongHttpClient, path: string): ApiAccessError {
  return new ApiAccessError(
    `${SERVICE} at ${client.description} answered ${path} without control planes: is the address the regional API base, e.g. https://us.api.konghq.com/v2?`,
  );
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function withSignal(signal: AbortSignal | undefined): { signal?: AbortSignal } {
  return signal === undefined ? {} : { signal };
}
