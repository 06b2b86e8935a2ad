import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { listen } from "./listen.ts";

// A fake of Kong Gateway Enterprise's Admin API, as far as a license collector reads it: GET /, /status,
// /license/report (bytes served exactly as given), /workspaces and /<ws>/services paged with `next`
// (Kong's `size`, an `offset` token), /workspaces/<ws>/meta. Kong-Admin-Token is checked when a token is
// set (401 with Kong's message), listed paths answer 403 (RBAC). Plain HTTP or TLS (a test certificate).
// Tests build its data from Kong's rules (the report signed with Kong's checksum); it never replays our
// collector's output.

/** A service as Kong lists it (the fields KLCR's key reads; `path` may be null). */
export interface FakeService {
  readonly id: string;
  readonly name?: string;
  readonly protocol: string;
  readonly host: string;
  readonly port: number;
  readonly path: string | null;
}

export interface FakeWorkspace {
  readonly id: string;
  readonly name: string;
  readonly services: readonly FakeService[];
  /** GET /workspaces/<name>/meta's counts; absent: 404 there (a Kong that does not serve them). */
  readonly counts?: Readonly<Record<string, number>>;
}

export interface FakeKongNode {
  /** GET /license/report's body, exactly. */
  readonly report: Buffer;
  readonly version: string;
  readonly nodeId: string;
  /** "postgres", or "off" for a DB-less node. */
  readonly database: string;
  readonly role: string;
  readonly portal: boolean;
  /** Undefined: no /workspaces (404); services at /services. */
  readonly workspaces?: readonly FakeWorkspace[];
  /** The node's services when it has no workspaces. */
  readonly services?: readonly FakeService[];
  /** Required Kong-Admin-Token; undefined: an Admin API without RBAC. */
  readonly token?: string;
  /** Paths (without query) answering 403 to a valid token. */
  readonly forbidden?: readonly string[];
  /** The most items one page holds, whatever `size` asks (small, so that tests walk pages). */
  readonly pageLimit?: number;
}

export interface FakeServer {
  readonly url: string;
  /** Every request: method, path with query, and the Kong-Admin-Token / Authorization header seen. */
  readonly requests: Array<{ method: string; path: string; token: string | undefined }>;
  close(): Promise<void>;
}

export interface TlsFiles {
  readonly key: string;
  readonly cert: string;
}

/** Starts the fake on 127.0.0.1 and a free port, over TLS when `tls` is given. */
export async function startFakeKongAdminApi(node: FakeKongNode, tls?: TlsFiles): Promise<FakeServer> {
  const requests: FakeServer["requests"] = [];
  const handler = (request: IncomingMessage, response: ServerResponse): void => {
    const url = new URL(request.url ?? "/", "http://fake");
    const token = header(request, "kong-admin-token");
    requests.push({ method: request.method ?? "GET", path: `${url.pathname}${url.search}`, token });
    answer(node, url, token, response);
  };
  return startServer(handler, requests, tls);
}

export async function startServer(
  handler: (request: IncomingMessage, response: ServerResponse) => void,
  requests: FakeServer["requests"],
  tls?: TlsFiles,
): Promise<FakeServer> {
  const server: Server = tls === undefined ? createHttpServer(handler) : createHttpsServer(tls, handler);
  const port = await listen(server, "127.0.0.1");
  return {
    url: `${tls === undefined ? "http" : "https"}://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/** Answers one request; `true` once the response is written. */
function answer(node: FakeKongNode, url: URL, token: string | undefined, response: ServerResponse): true {
  if (node.token !== undefined && token !== node.token) {
    return sendJson(response, 401, { message: "Invalid credentials. Token or User credentials required" });
  }
  if (node.forbidden?.includes(url.pathname) === true) {
    return sendJson(response, 403, { message: "you do not have permissions to read this resource" });
  }
  const path = url.pathname;
  if (path === "/") {
    return sendJson(response, 200, {
      version: node.version,
      node_id: node.nodeId,
      hostname: "kong-fake",
      tagline: "Welcome to kong",
      configuration: { database: node.database, role: node.role, portal: node.portal },
    });
  }
  if (path === "/status")
    return sendJson(response, 200, { database: { reachable: node.database !== "off" } });
  if (path === "/license/report") {
    response.writeHead(200, { "content-type": "application/json; charset=utf-8" });
    response.end(node.report);
    return true;
  }
  if (path === "/workspaces" && node.workspaces !== undefined) {
    return sendPage(response, url, "/workspaces", node.workspaces.map(toWorkspaceJson), node.pageLimit);
  }
  const meta = /^\/workspaces\/([^/]+)\/meta$/.exec(path);
  if (meta !== null) {
    const ws = node.workspaces?.find((item) => item.name === decodeURIComponent(meta[1] as string));
    if (ws?.counts === undefined) return sendJson(response, 404, { message: "Not found" });
    return sendJson(response, 200, { counts: ws.counts });
  }
  if (path === "/services" && node.workspaces === undefined) {
    return sendPage(response, url, "/services", node.services ?? [], node.pageLimit);
  }
  const services = /^\/([^/]+)\/services$/.exec(path);
  if (services !== null && node.workspaces !== undefined) {
    const name = decodeURIComponent(services[1] as string);
    const ws = node.workspaces.find((item) => item.name === name);
    if (ws !== undefined)
      return sendPage(response, url, `/${services[1]}/services`, ws.services, node.pageLimit);
  }
  return sendJson(response, 404, { message: "Not found" });
}

function toWorkspaceJson(ws: FakeWorkspace): Record<string, unknown> {
  return { id: ws.id, name: ws.name, comment: null, config: {}, meta: {} };
}

/** Kong's paging: `size` (capped), an opaque `offset`, and `next` = the path of the next page from Kong's root. */
export function sendPage(
  response: ServerResponse,
  url: URL,
  path: string,
  items: readonly unknown[],
  pageLimit = 1000,
): true {
  const size = Math.min(Number(url.searchParams.get("size") ?? "100") || 100, pageLimit);
  const offset = url.searchParams.get("offset");
  const start = offset === null ? 0 : Number(Buffer.from(offset, "base64url").toString("utf8"));
  const page = items.slice(start, start + size);
  const end = start + page.length;
  const nextOffset = Buffer.from(String(end), "utf8").toString("base64url");
  return sendJson(response, 200, {
    data: page,
    next: end < items.length ? `${path}?offset=${nextOffset}&size=${size}` : null,
    offset: end < items.length ? nextOffset : null,
  });
}

export function sendJson(response: ServerResponse, status: number, body: unknown): true {
  response.writeHead(status, { "content-type": "application/json; charset=utf-8" });
  response.end(JSON.stringify(body));
  return true;
}

export function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
