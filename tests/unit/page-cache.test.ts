import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { CACHE_TAGS } from "@/lib/cache/pages";
import { pokeToken, validPokeToken } from "@/lib/cache/invalidation";
import { avatarPath, avatarSvg } from "@/lib/comments/avatar";
import { AWAITING_MODERATION, CAN_REPLY, commentDate, minuteIso } from "@/lib/comments/compact";
import { OWN_COMMENTS_COOKIE } from "@/lib/comments/ownership";
import { REMEMBER_COOKIE } from "@/lib/comments/remember";
import { SESSION_COOKIE } from "@/lib/auth/session";
import { compactThread } from "@/lib/comments/thread-view";
import type { ThreadNode } from "@/lib/comments/thread";

type Rule = { source: string; destination: string; has?: { type: string; key: string }[]; missing?: { type: string; key: string }[] };
const nextConfig = createRequire(import.meta.url)("../../next.config.js") as {
  rewrites: () => Promise<{ beforeFiles: Rule[] }>;
  headers: () => Promise<(Rule & { headers: { key: string; value: string }[] })[]>;
};

const SCRIPT = { type: "cookie", key: "nr_js", value: "1" };
const withScript = (rule: Rule) => (rule.has ?? []).some((h) => h.type === "cookie" && h.key === "nr_js");

describe("page cache routing (next.config.js)", () => {
  it("sends a reader without JavaScript who has any per-visitor cookie past the cache, on every cached page", async () => {
    const { beforeFiles } = await nextConfig.rewrites();
    const pages = beforeFiles.filter((r) => !r.source.endsWith(".xml") && !withScript(r));
    // Article pages: with or without ?cpage=, each with or without ?order= (lib/comments/order.ts).
    expect(pages.map((r) => r.source).sort()).toEqual(["/", "/articles/:slug", "/articles/:slug", "/articles/:slug", "/articles/:slug"]);
    for (const rule of pages) {
      const cookies = (rule.missing ?? []).filter((m) => m.type === "cookie").map((m) => m.key);
      expect(cookies).toContain(OWN_COMMENTS_COOKIE);
      expect(cookies).toContain(REMEMBER_COOKIE);
      for (const name of ["next-auth.session-token", "__Secure-next-auth.session-token", "next-auth.session-token.0"]) {
        expect(SESSION_COOKIE.test(name)).toBe(true);
        expect(cookies).toContain(name);
      }
    }
    // Without JavaScript a reply form is placed per request.
    for (const rule of pages.filter((r) => r.source.startsWith("/articles"))) {
      expect(rule.missing).toContainEqual({ type: "query", key: "replytocom" });
    }
  });

  it("gives a reader with JavaScript the cached article page whatever cookies they carry, except for a reply form without it", async () => {
    const { beforeFiles } = await nextConfig.rewrites();
    const anonymous = beforeFiles.filter((r) => r.source.startsWith("/articles/") && !r.source.endsWith(".xml") && !withScript(r));
    const scripted = beforeFiles.filter(withScript);
    // One twin per article rule, right after it, to the same cached page, with no cookie condition but the script's.
    expect(scripted).toHaveLength(anonymous.length);
    for (const rule of anonymous) {
      const twin = beforeFiles[beforeFiles.indexOf(rule) + 1]!;
      expect(twin).toEqual({
        source: rule.source,
        destination: rule.destination,
        has: [...(rule.has ?? []), SCRIPT],
        missing: rule.missing!.filter((m) => m.type !== "cookie"),
      });
      expect(twin.missing).toContainEqual({ type: "query", key: "replytocom" });
    }
    // The front page stays rendered per reader for anyone with per-visitor cookies.
    expect(beforeFiles.filter((r) => r.source === "/")).toHaveLength(1);
  });

  it("the proxy's personal cookies and its matcher name the cookies the rewrites do", async () => {
    const { PERSONAL_COOKIES, PERSONAL_HINT_COOKIE, config } = await import("@/proxy");
    const { beforeFiles } = await nextConfig.rewrites();
    const front = beforeFiles.find((r) => r.source === "/")!;
    const fromRewrites = front.missing!.filter((m) => m.type === "cookie").map((m) => m.key);
    expect([...PERSONAL_COOKIES].sort()).toEqual([...fromRewrites].sort());
    const matchers = config.matcher.filter((m) => m.source !== "/articles/:slug");
    const setters = matchers.filter((m) => m.missing?.length === 1);
    expect(setters.map((m) => m.has[0]!.key).sort()).toEqual([...PERSONAL_COOKIES].sort());
    for (const m of setters) expect(m.missing).toEqual([{ type: "cookie", key: PERSONAL_HINT_COOKIE }]);
    const remover = matchers.find((m) => (m.missing?.length ?? 0) > 1)!;
    expect(remover.has).toEqual([{ type: "cookie", key: PERSONAL_HINT_COOKIE }]);
    expect(remover.missing!.map((m) => m.key).sort()).toEqual([...PERSONAL_COOKIES].sort());
  });

  it("marks exactly the cached answers as shareable", async () => {
    const { beforeFiles } = await nextConfig.rewrites();
    const shared = (await nextConfig.headers()).filter((h) => h.headers.some((x) => x.key === "Cache-Control"));
    // The same conditions as the rewrites, and never on the router's own (RSC) requests.
    expect(shared.map(({ source, has, missing }) => ({ source, has, missing }))).toEqual(
      beforeFiles.map(({ source, has, missing }) => ({ source, has, missing: [...(missing ?? []), { type: "header", key: "rsc" }] })),
    );
    for (const rule of shared) expect(rule.headers[0]!.value).toMatch(/^public, max-age=0, s-maxage=\d+, stale-while-revalidate=\d+$/);
  });
});

describe("cache tags and the poller's token", () => {
  it("names tags the change log's triggers write", () => {
    expect([CACHE_TAGS.site, CACHE_TAGS.front, CACHE_TAGS.article(7), CACHE_TAGS.slug("a-b")]).toEqual(["site", "front", "article:7", "slug:a-b"]);
  });

  it("accepts a fresh signed token only", () => {
    const now = Date.now();
    expect(validPokeToken(pokeToken(now), now)).toBe(true);
    expect(validPokeToken(pokeToken(now - 120_000), now)).toBe(false);
    expect(validPokeToken(`${now}.${"A".repeat(43)}`, now)).toBe(false);
    expect(validPokeToken(null, now)).toBe(false);
  });
});

describe("the compact thread", () => {
  const node = (over: Partial<ThreadNode>): ThreadNode => ({
    id: 1,
    parentId: null,
    authorName: "Ada",
    authorUrl: "",
    respectCount: 0,
    authorEmail: "ada@example.com",
    content: "Hello",
    status: "approved",
    createdAt: new Date("2026-11-29T06:56:48.224Z"),
    depth: 1,
    awaitingModeration: false,
    children: [],
    ...over,
  });

  it("lists each comment before its replies, with links found and flags set", () => {
    const reply = node({ id: 2, parentId: 1, depth: 2, content: "See https://example.org/x now", awaitingModeration: true });
    const rows = compactThread([node({ children: [reply] }), node({ id: 3 })], 2);
    expect(rows.map((r) => [r[0], r[1]])).toEqual([[1, 1], [2, 2], [3, 1]]);
    expect(rows[0]![6]).toBe("Hello");
    expect(rows[0]![7]).toBe(CAN_REPLY);
    expect(rows[1]![6]).toEqual(["See ", ["https://example.org/x", "https://example.org/x"], " now"]);
    expect(rows[1]![7]).toBe(AWAITING_MODERATION); // held: no reply, and depth 2 is the limit anyway
    expect(rows[0]![5]).toBe("2026-11-29T06:56Z");
    expect(rows[0]![4]).toMatch(/^[0-9a-f]{16}$/);
  });

  it("formats dates the same without Intl", () => {
    expect(minuteIso(new Date("2018-07-17T09:00:59.999Z"))).toBe("2018-07-17T09:00Z");
    expect(commentDate("2018-07-17T09:00Z")).toBe("17 July 2018 at 09:00 UTC");
    expect(commentDate("2026-01-02T23:59Z")).toBe("2 January 2026 at 23:59 UTC");
  });
});

describe("avatars", () => {
  it("are addressed by a keyed hash, never by the email itself, and the same author keeps one", () => {
    const path = avatarPath("Ada@Example.com ", "Ada");
    expect(path).toMatch(/^\/avatars\/[0-9a-f]{16}\.svg$/);
    expect(avatarPath("ada@example.com", "Someone else")).toBe(path);
    expect(path).not.toContain("ada");
    expect(avatarPath("", "Ada")).not.toBe(path);
  });

  it("serve an identicon for a valid name only", () => {
    const file = avatarPath("ada@example.com", "Ada").split("/").pop()!;
    expect(avatarSvg(file)).toMatch(/^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(avatarSvg("../../etc/passwd")).toBeNull();
    expect(avatarSvg(file.replace(".svg", ".png"))).toBeNull();
  });
});
