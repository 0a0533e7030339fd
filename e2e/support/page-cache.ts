/**
 * Reading a page from the page cache as an anonymous reader. A page rendered
 * for the first time, or expired since, is stored by the request that renders
 * it; only a later request comes from the cache. The tests wait for that on
 * what the server says (`x-nextjs-cache: HIT`), never on a clock, so a busy
 * machine that takes longer to render cannot make them read too early.
 */
import { expect, type APIRequestContext, type APIResponse, type Page } from "@playwright/test";

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

/**
 * A change reaches the cached page within about a second and a poll, not
 * always on the very next request: an article's pages are expired at most
 * once a second (lib/cache/invalidation.ts, MIN_EXPIRY_INTERVAL_MS), so a
 * change made within a second of the one before waits for that second. Asks
 * again until `check` holds, and returns that body.
 */
export async function bodyOnceChanged(reader: APIRequestContext, path: string, check: (body: string) => boolean, message: string): Promise<string> {
  let body = "";
  await expect
    .poll(
      async () => {
        body = await (await reader.get(path)).text();
        return check(body);
      },
      { message, timeout: 10_000 },
    )
    .toBe(true);
  return body;
}

/** Opens `path` again until `check` (expectations with short timeouts) passes on it: see bodyOnceChanged. */
export async function reloadUntil(page: Page, path: string, check: () => Promise<void>): Promise<void> {
  await expect(async () => {
    await page.goto(path);
    await check();
  }).toPass({ timeout: 10_000 });
}
