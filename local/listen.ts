import type { Server } from "node:http";
import type { AddressInfo } from "node:net";

/** Starts `server` on host:port (port 0 = any free port) and resolves with the port it got. */
export async function listen(server: Server, host: string, port = 0): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}
