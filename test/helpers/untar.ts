import { buffer } from "node:stream/consumers";
import tar from "tar-stream";

/** Unpacks a tar held in memory: entry name → bytes, in archive order. */
export async function untar(archive: Buffer | Uint8Array): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const extract = tar.extract();
  const done = (async () => {
    for await (const entry of extract) files.set(entry.header.name, await buffer(entry));
  })();
  extract.end(Buffer.from(archive));
  await done;
  return files;
}

/** Downloads a tar (e.g. a presigned URL) and unpacks it. */
export async function fetchTar(url: string): Promise<Map<string, Buffer>> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url.split("?")[0]} answered ${response.status}`);
  return untar(Buffer.from(await response.arrayBuffer()));
}
