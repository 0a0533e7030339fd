/**
 * What reaches Next's page cache (docs/decisions/013): the address a cached
 * page is rendered from carries only the parameters the page reads
 * (scripts/page-query.mjs), and a 404 from a cached route is never kept
 * (lib/cache/page-cache-handler.js). The end-to-end proof is in
 * e2e/page-cache.spec.ts.
 */
import { createRequire } from "node:module";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { pageUrlForCache } from "../../scripts/page-query.mjs";

describe("pageUrlForCache", () => {
  it("drops what an article page does not read, and the query of the front page", () => {
    expect(pageUrlForCache("/articles/a-story?utm_source=evil123&fbclid=zzz")).toBe("/articles/a-story");
    expect(pageUrlForCache("/?utm_source=x&page=2")).toBe("/");
    expect(pageUrlForCache("/articles/a-story?")).toBe("/articles/a-story");
  });

  it("keeps cpage, order and replytocom in one order, and Next's _rsc", () => {
    expect(pageUrlForCache("/articles/a-story?order=newest&utm_medium=m&cpage=2")).toBe("/articles/a-story?cpage=2&order=newest");
    expect(pageUrlForCache("/articles/a-story?replytocom=7&gclid=g")).toBe("/articles/a-story?replytocom=7");
    expect(pageUrlForCache("/articles/a-story?_rsc=1ab2c&utm_source=x")).toBe("/articles/a-story?_rsc=1ab2c");
    expect(pageUrlForCache("/?_rsc=1ab2c&fbclid=z")).toBe("/?_rsc=1ab2c");
  });

  it("treats cpage=1 as no cpage (the same cached page)", () => {
    expect(pageUrlForCache("/articles/a-story?cpage=1&utm_source=x")).toBe("/articles/a-story");
    expect(pageUrlForCache("/articles/a-story?cpage=1&order=newest")).toBe("/articles/a-story?order=newest");
  });

  it("leaves every other address alone", () => {
    for (const url of [
      "/articles/a-story",
      "/articles/a-story/comments.xml?utm_source=x",
      "/feed.xml?utm_source=x",
      "/moderation?queue=pending&q=x",
      "/api/articles/a-story/comments?page=2",
      "/login?callbackUrl=%2Faccount",
    ]) {
      expect(pageUrlForCache(url)).toBe(url);
    }
  });
});

type Handler = {
  set(key: string, data: unknown, ctx: unknown): Promise<void>;
};
type HandlerClass = (new (ctx: Record<string, unknown>) => Handler) & { memoryCache?: { has(key: string): boolean } };

describe("the page cache handler", () => {
  const require = createRequire(import.meta.url);
  const PageCacheHandler = require("../../lib/cache/page-cache-handler.js") as HandlerClass;
  const handler = new PageCacheHandler({ flushToDisk: false, serverDistDir: "/nowhere", revalidatedTags: [], maxMemoryCacheSize: 1024 * 1024 });
  const memory = () => Object.getPrototypeOf(PageCacheHandler).memoryCache as { has(key: string): boolean };
  const key = (path: string) => `/route-cache/APP_PAGE/0123abcd/$${path}`;
  const page = (status: number) => ({ kind: "APP_PAGE", html: "<p>x</p>", rscData: Buffer.from("x"), headers: {}, status });
  const ctx = { cacheControl: { revalidate: 300, expire: 31536000 } };

  it("keeps a cached route's page, and not its 404", async () => {
    await handler.set(key("/cached/articles/real/1"), page(200), ctx);
    await handler.set(key("/cached/articles/random-1/1"), page(404), ctx);
    await handler.set(key("/cached/feed/comments/random-1"), { kind: "APP_ROUTE", body: Buffer.from("no"), headers: {}, status: 404 }, ctx);
    expect(memory().has(key("/cached/articles/real/1"))).toBe(true);
    expect(memory().has(key("/cached/articles/random-1/1"))).toBe(false);
    expect(memory().has(key("/cached/feed/comments/random-1"))).toBe(false);
  });

  it("drops what an address answered before once it answers 404 (an unpublished article)", async () => {
    await handler.set(key("/cached/articles/gone/1"), page(200), ctx);
    expect(memory().has(key("/cached/articles/gone/1"))).toBe(true);
    await handler.set(key("/cached/articles/gone/1"), page(404), ctx);
    expect(memory().has(key("/cached/articles/gone/1"))).toBe(false);
  });

  it("leaves other 404s (Next's own not-found page) as Next keeps them", async () => {
    await handler.set(key("/_not-found"), page(404), ctx);
    expect(memory().has(key("/_not-found"))).toBe(true);
  });
});

/**
 * A render that began before a change and ends after its expiry (a reader's
 * request in flight while a moderator approves a comment, a background job
 * commits, or the poller expires a tag in between) has read the old data.
 * Next stamps a page with the time it is stored, so it would take such a page
 * for fresh and serve it until the change's second expiry a second later:
 * the page cache's intermittent "the change is not there yet". The handler
 * does not keep it.
 */
describe("the page cache handler, a render across a change", () => {
  const require = createRequire(import.meta.url);
  type FullHandler = Handler & {
    get(key: string, ctx: unknown): Promise<unknown>;
    revalidateTag(tags: string[], durations?: { expire?: number }): Promise<void>;
  };
  const PageCacheHandler = require("../../lib/cache/page-cache-handler.js") as (new (ctx: Record<string, unknown>) => FullHandler) & { MAX_LOOKUPS: number };
  // Next's own file-system access (a miss in memory looks for a page built ahead, in a folder that has none).
  const handler = new PageCacheHandler({ fs: require("node:fs"), flushToDisk: false, serverDistDir: "/nowhere", revalidatedTags: [], maxMemoryCacheSize: 1024 * 1024 });
  const memory = () => Object.getPrototypeOf(PageCacheHandler).memoryCache as { has(key: string): boolean };
  const key = (path: string) => `/route-cache/APP_PAGE/0123abcd/$${path}`;
  const tagged = (tags: string) => ({ kind: "APP_PAGE", html: "<p>x</p>", rscData: Buffer.from("x"), headers: { "x-next-cache-tags": tags }, status: 200 });
  const ctx = { cacheControl: { revalidate: 300, expire: 31536000 } };
  const lookup = { kind: "APP_PAGE" };
  // One clock for Next's revalidateTag and the handler: each step a millisecond apart, as on a real server.
  let clock = Date.UTC(2026, 0, 1);
  const tick = () => vi.setSystemTime((clock += 5));
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
    tick();
  });
  afterEach(() => vi.useRealTimers());

  it("does not keep a page whose tag expired while it rendered", async () => {
    const at = key("/cached/articles/in-flight/1");
    await handler.get(at, lookup); // the render begins: it reads the comments as they are
    tick();
    await handler.revalidateTag(["article:41"], { expire: 0 }); // a moderator approves one: the page's tag expires
    tick();
    await handler.set(at, tagged("site,article:41,slug:in-flight"), ctx); // the render ends, with the old comments
    expect(memory().has(at)).toBe(false);
    // The next request renders again, after the change: that page is kept.
    tick();
    await handler.get(at, lookup);
    tick();
    await handler.set(at, tagged("site,article:41,slug:in-flight"), ctx);
    expect(memory().has(at)).toBe(true);
  });

  it("keeps a page when only other pages' tags expired while it rendered", async () => {
    const at = key("/cached/articles/quiet/1");
    await handler.get(at, lookup);
    tick();
    await handler.revalidateTag(["article:999"], { expire: 0 });
    tick();
    await handler.set(at, tagged("site,article:42,slug:quiet"), ctx);
    expect(memory().has(at)).toBe(true);
  });

  it("keeps a page rendered after the change", async () => {
    const at = key("/cached/articles/after/1");
    await handler.revalidateTag(["article:43"], { expire: 0 });
    tick();
    await handler.get(at, lookup);
    tick();
    await handler.set(at, tagged("site,article:43,slug:after"), ctx);
    expect(memory().has(at)).toBe(true);
  });

  it("drops a page whose render began in the same millisecond as the change (the order is unknown)", async () => {
    const at = key("/cached/articles/same-ms/1");
    await handler.get(at, lookup);
    await handler.revalidateTag(["article:44"], { expire: 0 });
    tick();
    await handler.set(at, tagged("site,article:44"), ctx);
    expect(memory().has(at)).toBe(false);
  });

  it("remembers a bounded number of lookups, whatever addresses are asked for", async () => {
    for (let i = 0; i < PageCacheHandler.MAX_LOOKUPS + 500; i++) await handler.get(key(`/cached/articles/random-${i}/1`), lookup);
    const lookups = (globalThis as Record<symbol, Map<string, number>>)[Symbol.for("newsroom.page-cache-lookups")]!;
    expect(lookups.size).toBeLessThanOrEqual(PageCacheHandler.MAX_LOOKUPS);
    // The newest are the ones kept.
    expect(lookups.has(key(`/cached/articles/random-${PageCacheHandler.MAX_LOOKUPS + 499}/1`))).toBe(true);
    expect(lookups.has(key("/cached/articles/random-0/1"))).toBe(false);
  });
});
