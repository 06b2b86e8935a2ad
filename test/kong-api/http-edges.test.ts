import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiAccessError, TimeoutError } from "#lib/errors.ts";
import { createAdminApiReader } from "#lib/kong-api/admin-api.ts";
import { createKongHttpClient } from "#lib/kong-api/http-client.ts";
import { createKonnectReader } from "#lib/kong-api/konnect.ts";
import { readAllPages } from "#lib/kong-api/paging.ts";
import { listen } from "../../local/listen.ts";

// What a real API may answer besides the happy path, from a scripted HTTP server: rate limits, a
// failing server, a body too large, no answer, a `next` that loops, odd shapes. Every one is a
// named ApiAccessError (or a TimeoutError at the deadline), never a partial count.

type Route = (request: IncomingMessage, response: ServerResponse) => void;
const routes = new Map<string, Route>();
let base: string;
const server = createServer((request, response) => {
  const route = routes.get(new URL(request.url ?? "/", "http://x").pathname);
  if (route === undefined) {
    response.writeHead(404).end();
    return;
  }
  route(request, response);
});

const json =
  (status: number, body: unknown): Route =>
  (_request, response) => {
    response.writeHead(status, { "content-type": "application/json" });
    response.end(typeof body === "string" ? body : JSON.stringify(body));
  };

beforeAll(async () => {
  base = `http://127.0.0.1:${await listen(server, "127.0.0.1")}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

async function rejectionOf(work: Promise<unknown>): Promise<Error> {
  try {
    await work;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the call to fail, but it succeeded");
}

const client = (options: { timeoutMs?: number; maxBytes?: number } = {}) =>
  createKongHttpClient({
    baseUrl: base,
    authHeader: "Kong-Admin-Token",
    authValue: "tok-en-secret-0001",
    service: "Kong's Admin API",
    ...options,
  });

describe("The HTTP client's failures", () => {
  it.each([
    [
      "/rate",
      json(429, { detail: "Rate limit\n   exceeded" }),
      'HTTP 429, too many requests (rate limited); retry later ("Rate limit exceeded")',
    ],
    ["/boom", json(500, "<html>oops</html>"), "HTTP 500, the server failed"],
    ["/teapot", json(418, {}), "HTTP 418, refused"],
    [
      "/echo",
      json(401, { message: "bad token tok-en-secret-0001" }),
      'HTTP 401, the token was refused (missing, wrong or expired) ("bad token ***")',
    ],
  ])("%s: names the status and what the server said, never the token", async (path, route, said) => {
    routes.set(path, route);
    const error = await rejectionOf(client().get(path));
    expect(error).toBeInstanceOf(ApiAccessError);
    expect(error.message).toBe(`Kong's Admin API at ${base} (GET ${path}): ${said}.`);
  });

  it("refuses a body larger than it reads", async () => {
    routes.set("/big", json(200, { data: "x".repeat(5000) }));
    expect((await rejectionOf(client({ maxBytes: 1000 }).get("/big"))).message).toBe(
      `Kong's Admin API at ${base} (GET /big): the answer is larger than 1000 bytes; refused.`,
    );
  });

  it("gives up on a server that does not answer, and stops at the caller's deadline", async () => {
    routes.set("/silent", () => undefined);
    expect((await rejectionOf(client({ timeoutMs: 100 }).get("/silent"))).message).toBe(
      `Kong's Admin API at ${base} (GET /silent): unreachable, no answer within 0.1 s.`,
    );
    const controller = new AbortController();
    const pending = client().get("/silent", { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const error = await rejectionOf(pending);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.message).toBe(
      `Kong's Admin API at ${base} (GET /silent): stopped at the deadline before the answer came.`,
    );
  });

  it("stops a `next` that loops, and a page without data", async () => {
    routes.set("/loop", json(200, { data: [{ id: 1 }], next: "/loop?offset=a" }));
    expect((await rejectionOf(readAllPages(client(), "/loop", "Kong's Admin API"))).message).toBe(
      `Kong's Admin API at ${base} kept answering another page of /loop (2 pages); stopped.`,
    );
    routes.set("/nodata", json(200, { items: [] }));
    expect((await rejectionOf(readAllPages(client(), "/nodata?size=1", "Kong's Admin API"))).message).toBe(
      `Kong's Admin API at ${base} answered /nodata without a "data" list: is this Kong's Admin API?`,
    );
  });
});

describe("Odd answers of the Admin API and Konnect", () => {
  it("GET / without node information fails; /status 503 is a status, not a failure; odd meta is no counts", async () => {
    routes.set("/", json(200, '"hello"'));
    routes.set("/status", json(503, {}));
    routes.set("/workspaces/default/meta", json(200, { counts: "many" }));
    const reader = createAdminApiReader({ url: base });
    expect((await rejectionOf(reader.readNode())).message).toBe(
      `Kong's Admin API at ${base} answered GET / with no node information.`,
    );
    expect(await reader.readStatus()).toBe("HTTP 503");
    expect(await reader.readWorkspaceCounts("default")).toBeUndefined();
    routes.set("/", json(200, { version: 3, configuration: null }));
    expect(await reader.readNode()).toEqual({});
  });

  it("Konnect: a control plane without a name or type, nodes without a total", async () => {
    routes.set("/v2/control-planes/bare", json(200, { id: "bare" }));
    routes.set("/v2/control-planes/bare/nodes", json(200, { items: [{}, {}] }));
    routes.set("/v2/control-planes/odd/nodes", json(200, {}));
    const reader = createKonnectReader({ url: `${base}/v2`, token: "kpat_x" });
    expect(await reader.readControlPlane("bare")).toEqual({ id: "bare", name: "bare", clusterType: "" });
    expect(await reader.countNodes("bare")).toBe(2);
    expect(await reader.countNodes("odd")).toBeUndefined();
  });
});
