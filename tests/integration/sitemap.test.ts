import { afterEach, describe, expect, it, vi } from "vitest";
import { SITEMAP_TTL_MS, cachedSitemapEntries, listSitemapEntries, sitemapQuery } from "@/lib/articles/sitemap";
import { getDb } from "@/lib/db";
import { createArticle, createComment } from "../support/factories";

const updated = (iso: string) => new Date(iso);

/** The SQL statements prepared while `fn` runs. */
function statementsDuring(fn: () => void): string[] {
  const client = getDb().$client;
  const spy = vi.spyOn(client, "prepare");
  try {
    fn();
    return spy.mock.calls.map(([sql]) => String(sql));
  } finally {
    spy.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

describe("the sitemap", () => {
  const older = createArticle({ slug: "sitemap-older", publishedAt: new Date("2025-01-01T00:00:00Z"), updatedAt: updated("2025-03-01T10:00:00Z") });
  const newer = createArticle({ slug: "sitemap-newer", publishedAt: new Date("2025-02-01T00:00:00Z"), updatedAt: updated("2025-02-02T10:00:00Z") });
  createArticle({ slug: "sitemap-draft", status: "draft", publishedAt: null });
  createArticle({ slug: "sitemap-in-review", status: "in_review", publishedAt: null });
  createComment(older.id);
  createComment(newer.id);

  it("lists published articles only, newest first, with their slug and last change and nothing else", () => {
    const entries = listSitemapEntries();
    expect(entries.map((e) => e.slug)).toEqual(["sitemap-newer", "sitemap-older"]);
    for (const entry of entries) expect(Object.keys(entry).sort()).toEqual(["slug", "updatedAt"]);
    expect(entries[1]).toEqual({ slug: "sitemap-older", updatedAt: updated("2025-03-01T10:00:00Z") });
  });

  it("reads only the two columns it needs, without comment counts, through the status/published index", () => {
    const { sql } = sitemapQuery(getDb()).toSQL();
    expect(sql).toMatch(/^select "slug", "updated_at" from "articles" where "articles"\."status" = \?/);
    expect(sql).not.toContain("comments");
    const plan = (getDb().$client.prepare(`EXPLAIN QUERY PLAN ${sql}`).all("published", 49_999) as { detail: string }[])
      .map((r) => r.detail)
      .join("\n");
    expect(plan).toContain("USING INDEX articles_status_published_idx (status=?)");
    expect(plan).not.toContain("TEMP B-TREE");
  });

  it("is read from the database at most once per TTL", () => {
    const t0 = Date.now() + 10 * SITEMAP_TTL_MS;
    const first = cachedSitemapEntries(t0);
    createArticle({ slug: "sitemap-latest", publishedAt: new Date("2025-04-01T00:00:00Z") });
    const within = statementsDuring(() => expect(cachedSitemapEntries(t0 + SITEMAP_TTL_MS - 1)).toBe(first));
    expect(within).toEqual([]);
    expect(cachedSitemapEntries(t0 + SITEMAP_TTL_MS).map((e) => e.slug)).toContain("sitemap-latest");
  });
});
