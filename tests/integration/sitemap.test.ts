import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { SITEMAP_TTL_MS, cachedSitemapEntries, listSitemapEntries, sitemapQuery } from "@/lib/articles/sitemap";
import { getDb, storeOf } from "@/lib/db";
import { createArticle, createComment } from "../support/factories";
import { queryPlan, statementsDuring } from "../support/queries";

const updated = (iso: string) => new Date(iso);

afterEach(() => vi.restoreAllMocks());

describe("the sitemap", () => {
  beforeAll(async () => {
    const older = await createArticle({ slug: "sitemap-older", publishedAt: new Date("2025-01-01T00:00:00Z"), updatedAt: updated("2025-03-01T10:00:00Z") });
    const newer = await createArticle({ slug: "sitemap-newer", publishedAt: new Date("2025-02-01T00:00:00Z"), updatedAt: updated("2025-02-02T10:00:00Z") });
    await createArticle({ slug: "sitemap-draft", status: "draft", publishedAt: null });
    await createArticle({ slug: "sitemap-in-review", status: "in_review", publishedAt: null });
    await createComment(older.id);
    await createComment(newer.id);
  });

  it("lists published articles only, newest first, with their slug and last change and nothing else", async () => {
    const entries = await listSitemapEntries();
    expect(entries.map((e) => e.slug)).toEqual(["sitemap-newer", "sitemap-older"]);
    for (const entry of entries) expect(Object.keys(entry).sort()).toEqual(["slug", "updatedAt"]);
    expect(entries[1]).toEqual({ slug: "sitemap-older", updatedAt: updated("2025-03-01T10:00:00Z") });
  });

  it("reads only the two columns it needs, without comment counts, through the status/published index", async () => {
    const query = sitemapQuery(getDb());
    const { sql } = query.toSQL();
    expect(sql).toMatch(/^select "slug", "updated_at" from "articles" where "articles"\."status" = (\?|\$1)/);
    expect(sql).not.toContain("comments");
    const plan = await queryPlan(query.getSQL());
    if (storeOf(getDb()) === "sqlite") {
      expect(plan).toContain("USING INDEX articles_status_published_idx (status=?)");
      // SQLite's index entries end with the rowid (id): the order needs no sort.
      expect(plan).not.toContain("TEMP B-TREE");
    } else {
      // PostgreSQL's index holds (status, published_at) only, without the
      // id tie-break: it serves the filter; the order is sorted after it.
      expect(plan).toMatch(/Index (Only )?Scan( Backward)? using articles_status_published_idx/);
    }
  });

  it("is read from the database at most once per TTL", async () => {
    const t0 = Date.now() + 10 * SITEMAP_TTL_MS;
    const first = await cachedSitemapEntries(t0);
    await createArticle({ slug: "sitemap-latest", publishedAt: new Date("2025-04-01T00:00:00Z") });
    const within = await statementsDuring(async () => expect(await cachedSitemapEntries(t0 + SITEMAP_TTL_MS - 1)).toBe(first));
    expect(within).toEqual([]);
    expect((await cachedSitemapEntries(t0 + SITEMAP_TTL_MS)).map((e) => e.slug)).toContain("sitemap-latest");
  });
});
