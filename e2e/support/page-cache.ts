/**
 * Reading a page from the page cache as an anonymous reader. A page rendered
 * for the first time, or expired since, is stored by the request that renders
 * it; only a later request comes from the cache. The tests wait for that on
 * what the server says (`x-nextjs-cache: HIT`), never on a clock, so a busy
 * machine that takes longer to render cannot make them read too early.
 */
import { expect, type APIRequestContext, type APIResponse } from "@playwright/test";

/** GETs a path until the answer comes from the cache, and returns that answer. */
export async function cachedResponse(reader: APIRequestContext, path: string, options: { headers?: Record<string, string> } = {}): Promise<APIResponse> {
  let hit: APIResponse | null = null;
  await expect
    .poll(
      async () => {
        const response = await reader.get(path, options);
        if (response.headers()["x-nextjs-cache"] === "HIT") hit = response;
        return response.headers()["x-nextjs-cache"];
      },
      { message: `${path} served from the page cache`, timeout: 10_000 },
    )
    .toBe("HIT");
  return hit!;
}

/** The body of a path as the cache serves it. */
export async function cachedBody(reader: APIRequestContext, path: string): Promise<string> {
  return (await cachedResponse(reader, path)).text();
}
