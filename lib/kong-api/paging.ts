import { ApiAccessError } from "../errors.ts";
import type { KongHttpClient, RequestOptions } from "./http-client.ts";

/** More pages than this is a loop, not a cluster (1,000 items a page: ten million items). */
const MAX_PAGES = 10_000;

/**
 * Every item of a Kong-style list, following `next` until it is null or empty: `{data: [...], next}`
 * (the Admin API, and Konnect's core entities). A page without a `data` array, or a `next` seen
 * before, fails naming the path: a list read only in part is never taken for the whole.
 */
export async function readAllPages(
  client: KongHttpClient,
  first: string,
  service: string,
  options: RequestOptions = {},
): Promise<Record<string, unknown>[]> {
  return (await readAllPagesIfServed(client, first, service, options, false)) ?? [];
}

/** As readAllPages, but undefined when the first page answers 404 (an endpoint this node does not serve). */
export async function readAllPagesIfServed(
  client: KongHttpClient,
  first: string,
  service: string,
  options: RequestOptions = {},
  allowMissing = true,
): Promise<Record<string, unknown>[] | undefined> {
  const items: Record<string, unknown>[] = [];
  const seen = new Set<string>();
  let path: string | undefined = first;
  for (let page = 0; path !== undefined; page += 1) {
    if (page >= MAX_PAGES || seen.has(path)) {
      throw new ApiAccessError(
        `${service} at ${client.description} kept answering another page of ${first.split("?")[0]} (${page} pages); stopped.`,
      );
    }
    seen.add(path);
    const answer = await client.getJson(
      path,
      page === 0 && allowMissing ? { ...options, allow: [404] } : options,
    );
    if (answer.status === 404) return undefined;
    const value = answer.value;
    const body = (typeof value === "object" && value !== null ? value : {}) as Record<string, unknown>;
    if (!Array.isArray(body.data)) {
      throw new ApiAccessError(
        `${service} at ${client.description} answered ${first.split("?")[0]} without a "data" list: is this ${service}?`,
      );
    }
    for (const item of body.data) {
      if (typeof item === "object" && item !== null) items.push(item as Record<string, unknown>);
    }
    path = typeof body.next === "string" && body.next !== "" ? body.next : undefined;
  }
  return items;
}
