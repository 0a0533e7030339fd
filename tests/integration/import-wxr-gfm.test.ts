/**
 * A WordPress post with a table and struck-out text keeps both on the
 * article page: the importer turns them into GFM (lib/porting/import-html.ts)
 * and the article renderer reads GFM (lib/articles/markdown.ts), sanitized
 * like the rest of the body.
 */
import path from "node:path";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { articles } from "@/db/schema";
import { renderMarkdown } from "@/lib/articles/markdown";
import { getDb, storeOf } from "@/lib/db";
import { importWxr } from "@/lib/porting/wxr-import";

const SITE = path.join(process.cwd(), "tests/fixtures/wxr/site.xml");

describe(`WXR import keeps tables and strikethrough (${storeOf(getDb())})`, () => {
  it("renders the imported post's table as a table and <del> as <del>, without its script", async () => {
    await importWxr(getDb(), SITE);
    const [hello] = await getDb().select().from(articles).where(eq(articles.slug, "hello-world"));
    const html = renderMarkdown(hello!.body);
    expect(html).toMatch(
      /<table>\s*<thead>\s*<tr>\s*<th>Year<\/th>\s*<th>Readers<\/th>\s*<\/tr>\s*<\/thead>\s*<tbody>\s*<tr>\s*<td>2023<\/td>\s*<td>1,200<\/td>\s*<\/tr>\s*<\/tbody>\s*<\/table>/,
    );
    expect(html).toMatch(/<li><del>Old<\/del> point<\/li>/);
    expect(html).not.toContain("| Year");
    expect(html).not.toContain("~~");
    expect(html).not.toMatch(/<script|alert/);
  });
});
