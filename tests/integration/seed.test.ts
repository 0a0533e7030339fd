import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { articles } from "@/db/schema";
import { getPublishedArticle } from "@/lib/articles/queries";
import { parseSeedArticle, seedArticles, seedIfEmpty } from "@/lib/articles/seed";
import { getDb } from "@/lib/db";

const SLUG = "syria-us-led-coalition-deeply-in-denial-about-civilian-casualties-in-raqqa";

async function articleCount() {
  return getDb().$count(articles);
}

describe("seed", () => {
  it("seeds the sample article, published, with its caption and source", async () => {
    expect(await seedIfEmpty(getDb())).toEqual([SLUG]);
    const article = await getPublishedArticle(SLUG);
    expect(article).toMatchObject({
      title: "Syria: US-led Coalition deeply in denial about civilian casualties in Raqqa",
      heroImageCaption: "Reuters photo",
      source: "Amnesty International",
      status: "published",
      commentsOpen: true,
    });
    expect(article?.publishedAt?.toISOString()).toBe("2018-07-17T09:00:00.000Z");
    expect(article?.body).toContain("## Amnesty engagement rebuffed");
    expect(article?.heroImageUrl).toBe("/images/raqqa-skyline.svg");
    expect(fs.existsSync(path.join("public", article?.heroImageUrl ?? ""))).toBe(true);
  });

  it("is idempotent and never overwrites an edited article", async () => {
    await seedArticles(getDb());
    await getDb().update(articles).set({ title: "Edited title" }).where(eq(articles.slug, SLUG));
    expect(await seedArticles(getDb())).toEqual([]);
    expect(await articleCount()).toBe(1);
    expect((await getPublishedArticle(SLUG))?.title).toBe("Edited title");
  });

  it("seeds on first start only: not into a database that already has articles", async () => {
    await getDb().delete(articles).where(eq(articles.slug, SLUG));
    await getDb().insert(articles).values({ slug: "own-story", title: "Own story" });
    expect(await seedIfEmpty(getDb())).toEqual([]);
    expect(await articleCount()).toBe(1);
  });

  it("names the file and field of bad front matter", () => {
    expect(() => parseSeedArticle("---\ntitle: X\nslug: Not A Slug\n---\nbody", "bad.md")).toThrow(
      /bad\.md: bad front matter[\s\S]*slug/,
    );
  });

  it("reads every .md file of a folder", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "seed-"));
    fs.writeFileSync(path.join(dir, "a.md"), "---\ntitle: A\nslug: seed-a\nstatus: draft\n---\nA body\n");
    fs.writeFileSync(path.join(dir, "notes.txt"), "ignored");
    expect(await seedArticles(getDb(), dir)).toEqual(["seed-a"]);
    const [row] = await getDb().select().from(articles).where(eq(articles.slug, "seed-a"));
    expect(row).toMatchObject({ status: "draft", publishedAt: null, body: "A body\n" });
  });

  it("inserts each article once when two instances seed at the same time", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "seed-"));
    fs.writeFileSync(path.join(dir, "b.md"), "---\ntitle: B\nslug: seed-b\n---\nB body\n");
    const results = await Promise.all([seedArticles(getDb(), dir), seedArticles(getDb(), dir)]);
    expect(results.flat()).toEqual(["seed-b"]);
    expect(await getDb().$count(articles, eq(articles.slug, "seed-b"))).toBe(1);
  });
});
