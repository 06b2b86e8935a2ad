import { createServer, request as httpRequest, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** What the proxy does with one request. */
export type FaultAction = "forward" | "cut-mid-body";

export interface SeenRequest {
  readonly method: string;
  /** Path and query, e.g. /reports/key?uploadId=…&partNumber=2 */
  readonly url: string;
  readonly action: FaultAction;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

export interface FaultProxy {
  /** http://127.0.0.1:PORT */
  readonly endpoint: string;
  readonly seen: SeenRequest[];
  /** Decides per request; default forwards everything. */
  decide: (request: IncomingMessage) => FaultAction;
  close(): Promise<void>;
}

/**
 * A loopback HTTP proxy in front of a local server that can drop a request's connection after part
 * of its body arrived, as a network failure or a crashing S3 endpoint would. The Host header is
 * kept, so SigV4 signatures made for the proxy's address still verify at the target.
 */
export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const targetUrl = new URL(target);
  const seen: SeenRequest[] = [];
  const proxy: FaultProxy = {
    endpoint: "",
    seen,
    decide: () => "forward",
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((incoming, outgoing) => {
    const action = proxy.decide(incoming);
    seen.push({ method: incoming.method ?? "", url: incoming.url ?? "", action, headers: incoming.headers });
    if (action === "cut-mid-body") {
      let received = 0;
      incoming.on("data", (chunk: Buffer) => {
        received += chunk.byteLength;
        if (received > 0) incoming.socket.destroy();
      });
      incoming.on("end", () => incoming.socket.destroy());
      return;
    }
    const forwarded = httpRequest(
      {
        host: targetUrl.hostname,
        port: targetUrl.port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (response) => {
        outgoing.writeHead(response.statusCode ?? 502, response.headers);
        response.pipe(outgoing);
      },
    );
    forwarded.on("error", () => outgoing.destroy());
    incoming.pipe(forwarded);
  });
  server.keepAliveTimeout = 1;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  Object.assign(proxy, { endpoint: `http://127.0.0.1:${port}` });
  const closeServer = proxy.close;
  proxy.close = () => {
    server.closeAllConnections();
    return closeServer();
  };
  return proxy;
}
