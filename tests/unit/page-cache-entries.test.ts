/**
 * What reaches Next's page cache (docs/decisions/013): the address a cached
 * page is rendered from carries only the parameters the page reads
 * (scripts/page-query.mjs), and a 404 from a cached route is never kept
 * (lib/cache/page-cache-handler.js). The end-to-end proof is in
 * e2e/page-cache.spec.ts.
 */
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
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
