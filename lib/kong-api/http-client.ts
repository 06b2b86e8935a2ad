import { request as requestHttp } from "node:http";
import { request as requestHttps } from "node:https";
import { ApiAccessError, TimeoutError } from "../errors.ts";

// One small HTTP client for Kong's Admin API and Konnect. node:https rather than fetch: fetch takes a
// CA or `rejectUnauthorized` per request only through undici's Agent, and undici is not a dependency of
// this package (Node bundles it but does not export the Agent); node:https takes `ca` and
// `rejectUnauthorized` on each request natively. It also lets the client refuse redirects (a token is
// never sent to another address), cap the body, and keep the bytes as they came (Kong's report).

/** What a client is told at construction; never logged, never put in a message (the token). */
export interface KongHttpOptions {
  /** The API's base: the Admin API's root (`https://kong:8001`) or Konnect's `https://us.api.konghq.com/v2`. */
  readonly baseUrl: string;
  /** The header carrying the token: `Kong-Admin-Token` (Admin API) or `Authorization` (Konnect). */
  readonly authHeader: "Kong-Admin-Token" | "Authorization";
  /** The header's value: the token, or `Bearer <PAT>`; may be absent (an Admin API without RBAC). */
  readonly authValue?: string;
  /** PEM certificates trusted for this API instead of Node's default CAs (`--ca-file`). */
  readonly ca?: string;
  /** Skip TLS verification (KLCR's `-k`): only when asked for, by name. */
  readonly insecure?: boolean;
  /** How messages name the API: "Kong's Admin API", "Konnect". */
  readonly service: string;
  /** Per request; default 30 s. */
  readonly timeoutMs?: number;
  /** Largest body read; default 64 MiB (a page of 1,000 services is well under 1 MiB). */
  readonly maxBytes?: number;
}

/** A connection's `--ca-file`, `--insecure` and deadline as client options, leaving out what it does not set. */
export function pickTransportOptions(connection: {
  readonly ca?: string;
  readonly insecure?: boolean;
  readonly timeoutMs?: number;
}): Pick<KongHttpOptions, "ca" | "insecure" | "timeoutMs"> {
  return {
    ...(connection.ca === undefined ? {} : { ca: connection.ca }),
    ...(connection.insecure === undefined ? {} : { insecure: connection.insecure }),
    ...(connection.timeoutMs === undefined ? {} : { timeoutMs: connection.timeoutMs }),
  };
}

/** An answer as it came: status, the status line's words, the bytes. */
export interface HttpAnswer {
  readonly status: number;
  readonly statusText: string;
  readonly body: Buffer;
}

export interface RequestOptions {
  readonly signal?: AbortSignal;
  /** Statuses answered to the caller instead of failing (e.g. 404 for an endpoint Kong may not serve). */
  readonly allow?: readonly number[];
}

export interface KongHttpClient {
  /** GET a path under the base (or a `next` link), failing on anything but 2xx or an allowed status. */
  get(path: string, options?: RequestOptions): Promise<HttpAnswer>;
  /** GET and parse JSON; a body that is not JSON fails naming the path. */
  getJson(path: string, options?: RequestOptions): Promise<{ status: number; value: unknown }>;
  /** The base as messages show it: scheme, host, port and path, never credentials or a query. */
  readonly description: string;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

/** Node's TLS error codes that mean the server's certificate was not trusted or not its own. */
const TLS_CODES = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_UNTRUSTED",
  "CERT_REVOKED",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "ERR_SSL_WRONG_VERSION_NUMBER",
  "EPROTO",
]);

const UNREACHABLE: Readonly<Record<string, string>> = {
  ECONNREFUSED: "nothing listens there (connection refused)",
  ENOTFOUND: "the host name does not resolve",
  EAI_AGAIN: "the host name could not be resolved (DNS)",
  EHOSTUNREACH: "the host is unreachable",
  ENETUNREACH: "the network is unreachable",
  ECONNRESET: "the connection was reset",
  ETIMEDOUT: "the connection timed out",
};

/** A client of one API; the token stays inside it. */
export function createKongHttpClient(options: KongHttpOptions): KongHttpClient {
  const base = parseBase(options.baseUrl, options.service);
  const description = describeBase(base);
  const secret = options.authValue?.replace(/^Bearer /, "");
  // Anything the server says goes into messages only after the token is taken out of it.
  const clean = (text: string): string =>
    secret === undefined || secret.length === 0 ? text : text.split(secret).join("***");

  const get = async (path: string, request: RequestOptions = {}): Promise<HttpAnswer> => {
    const url = resolvePath(base, path, options.service);
    const where = `${options.service} at ${description} (GET ${describePath(url, base)})`;
    let answer: HttpAnswer;
    try {
      answer = await send(url, options, request.signal);
    } catch (error) {
      throw describeTransportError(error, where, options, request.signal);
    }
    if (answer.status >= 200 && answer.status < 300) return answer;
    if (request.allow?.includes(answer.status) === true) return answer;
    throw describeStatus(answer, where, options.service, clean);
  };

  return {
    description,
    get,
    async getJson(path, request = {}) {
      const answer = await get(path, request);
      try {
        return { status: answer.status, value: JSON.parse(answer.body.toString("utf8")) as unknown };
      } catch {
        const url = resolvePath(base, path, options.service);
        throw new ApiAccessError(
          `${options.service} at ${description} answered GET ${describePath(url, base)} with something that is not JSON (HTTP ${answer.status}): is ${description} the right address?`,
        );
      }
    },
  };
}

function parseBase(text: string, service: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ApiAccessError(`${service}: the address is not a URL; expected e.g. https://kong-admin:8001.`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new ApiAccessError(`${service}: the address must be http:// or https://, not ${url.protocol}.`);
  }
  if (url.username !== "" || url.password !== "") {
    throw new ApiAccessError(
      `${service}: the address holds credentials (user:password@); give the token as the token, never in the URL.`,
    );
  }
  return url;
}

/** scheme://host:port/path, no query, no fragment. */
function describeBase(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname === "/" ? "" : url.pathname.replace(/\/$/, "")}`;
}

/** The request's path as messages show it, relative to the base, without the query (it may hold a cursor). */
function describePath(url: URL, base: URL): string {
  const basePath = base.pathname.replace(/\/$/, "");
  const path = url.pathname.startsWith(basePath) ? url.pathname.slice(basePath.length) : url.pathname;
  return path === "" ? "/" : path;
}

/**
 * KLCR's rule for every path and `next` link: `${base}${path}`, for the Admin API (whose `next` is a
 * path from Kong's root, e.g. `/default/services?offset=…`) and for Konnect (relative to `/v2`). An
 * absolute `next` is followed only to the base's own origin: the token never leaves for another host.
 */
export function resolvePath(base: URL, path: string, service: string): URL {
  if (/^[a-z][a-z0-9+.-]*:/i.test(path)) {
    const absolute = new URL(path);
    if (absolute.origin !== base.origin) {
      throw new ApiAccessError(
        `${service} at ${describeBase(base)} pointed to another address (${absolute.origin}) for the next page; the token is never sent there.`,
      );
    }
    return absolute;
  }
  const root = `${base.origin}${base.pathname.replace(/\/$/, "")}`;
  return new URL(`${root}${path.startsWith("/") ? path : `/${path}`}`);
}

function send(url: URL, options: KongHttpOptions, signal: AbortSignal | undefined): Promise<HttpAnswer> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const headers: Record<string, string> = { accept: "application/json", "user-agent": "kong-license-report" };
  if (options.authValue !== undefined) headers[options.authHeader.toLowerCase()] = options.authValue;
  return new Promise<HttpAnswer>((resolve, reject) => {
    const common = { method: "GET", headers, timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS, signal };
    const request =
      url.protocol === "https:"
        ? requestHttps(url, {
            ...common,
            ...(options.ca === undefined ? {} : { ca: options.ca }),
            rejectUnauthorized: options.insecure !== true,
          })
        : requestHttp(url, common);
    request.on("timeout", () => request.destroy(Object.assign(new Error("timeout"), { code: "ETIMEDOUT" })));
    request.on("error", reject);
    request.on("response", (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          response.destroy(Object.assign(new Error("too large"), { code: "TOO_LARGE" }));
          return;
        }
        chunks.push(chunk);
      });
      response.on("error", reject);
      response.on("end", () =>
        resolve({
          status: response.statusCode ?? 0,
          statusText: response.statusMessage ?? "",
          body: Buffer.concat(chunks),
        }),
      );
    });
    request.end();
  });
}

function describeTransportError(
  error: unknown,
  where: string,
  options: KongHttpOptions,
  signal: AbortSignal | undefined,
): Error {
  const code = (error as NodeJS.ErrnoException).code ?? "";
  if (signal?.aborted === true) {
    return new TimeoutError(`${where}: stopped at the deadline before the answer came.`, { cause: error });
  }
  if (TLS_CODES.has(code)) {
    const advice =
      options.ca === undefined
        ? "give the CA that signed it (--ca-file, or ca_file in the environments file), or, knowingly, --insecure"
        : "the CA file given does not sign it, or the certificate names another host";
    return new ApiAccessError(
      `${where}: TLS failed, the server's certificate is not trusted (${code}): ${advice}.`,
    );
  }
  if (code === "TOO_LARGE") {
    return new ApiAccessError(
      `${where}: the answer is larger than ${options.maxBytes ?? DEFAULT_MAX_BYTES} bytes; refused.`,
    );
  }
  if (code === "ETIMEDOUT") {
    return new ApiAccessError(
      `${where}: unreachable, no answer within ${(options.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000} s.`,
    );
  }
  const reason = UNREACHABLE[code];
  if (reason !== undefined) return new ApiAccessError(`${where}: unreachable, ${reason} (${code}).`);
  return new ApiAccessError(`${where}: the request failed (${code || (error as Error).name}).`);
}

const STATUS_ADVICE: Readonly<Record<number, string>> = {
  401: "the token was refused (missing, wrong or expired)",
  403: "the token is valid but not allowed to read this (RBAC: give its role read access)",
  404: "no such endpoint (is the address the API's root?)",
  429: "too many requests (rate limited); retry later",
};

function describeStatus(
  answer: HttpAnswer,
  where: string,
  service: string,
  clean: (text: string) => string,
): ApiAccessError {
  if (answer.status >= 300 && answer.status < 400) {
    return new ApiAccessError(
      `${where}: answered a redirect (HTTP ${answer.status}); give the final address of ${service}: a token is never sent to a redirect.`,
    );
  }
  const advice = STATUS_ADVICE[answer.status] ?? (answer.status >= 500 ? "the server failed" : "refused");
  const said = readMessage(answer.body);
  return new ApiAccessError(
    `${where}: HTTP ${answer.status}, ${advice}${said === undefined ? "" : ` ("${clean(said)}")`}.`,
  );
}

/** Kong's and Konnect's error body: `{"message": "…"}` (Konnect also `detail`/`title`); a short line only. */
function readMessage(body: Buffer): string | undefined {
  try {
    const value = JSON.parse(body.toString("utf8")) as Record<string, unknown>;
    const text = [value.message, value.detail, value.title].find((item) => typeof item === "string");
    return typeof text === "string" ? text.replace(/\s+/g, " ").slice(0, 200) : undefined;
  } catch {
    return undefined;
  }
}
