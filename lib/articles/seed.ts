import "server-only";
import fs from "node:fs";
import path from "node:path";
import matter from "gray-matter";
import { count } from "drizzle-orm";
import { z } from "zod";
import { ARTICLE_STATUSES, articles, type NewArticle } from "@/db/schema";
import type { Db } from "@/lib/db";

export const SEED_FOLDER = path.join(process.cwd(), "db", "seed");

const frontMatter = z.object({
  title: z.string().min(1),
  slug: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/),
  summary: z.string().default(""),
  source: z.string().optional(),
  image: z.string().optional(),
  image_alt: z.string().optional(),
  image_caption: z.string().optional(),
  image_credit: z.string().optional(),
  published_at: z.coerce.date().optional(),
  status: z.enum(ARTICLE_STATUSES).default("draft"),
  comments_open: z.boolean().default(true),
});

/** Reads a seed article (markdown with front matter) into a row to insert. */
export function parseSeedArticle(fileText: string, fileName = "seed"): NewArticle {
  const { data, content } = matter(fileText);
  const parsed = frontMatter.safeParse(data);
  if (!parsed.success) {
    throw new Error(`${fileName}: bad front matter: ${z.prettifyError(parsed.error)}`);
  }
  const fm = parsed.data;
  return {
    slug: fm.slug,
    title: fm.title,
    summary: fm.summary,
    body: content.trim() + "\n",
    source: fm.source ?? null,
    heroImageUrl: fm.image ?? null,
    heroImageAlt: fm.image_alt ?? null,
    heroImageCaption: fm.image_caption ?? null,
    heroImageCredit: fm.image_credit ?? null,
    status: fm.status,
    commentsOpen: fm.comments_open,
    publishedAt: fm.status === "published" ? (fm.published_at ?? new Date()) : null,
  };
}

/**
 * Inserts every seed article whose slug is not there yet. Idempotent:
 * running it again changes nothing, and never overwrites edited articles.
 * Returns the slugs it inserted.
 */
export function seedArticles(db: Db, folder = SEED_FOLDER): string[] {
  // The folder is given at run time; the build ships db/seed (next.config.js).
  const files = fs
    .readdirSync(/* turbopackIgnore: true */ folder)
    .filter((f) => f.endsWith(".md"))
    .sort();
  const inserted: string[] = [];
  db.transaction((tx) => {
    for (const file of files) {
      const row = parseSeedArticle(fs.readFileSync(path.join(/* turbopackIgnore: true */ folder, file), "utf8"), file);
      const result = tx.insert(articles).values(row).onConflictDoNothing().run();
      if (result.changes > 0) inserted.push(row.slug);
    }
  });
  return inserted;
}

/** Seeds only a database that has no articles at all (first start). */
export function seedIfEmpty(db: Db, folder = SEED_FOLDER): string[] {
  const row = db.select({ n: count() }).from(articles).get();
  if ((row?.n ?? 0) > 0) return [];
  return seedArticles(db, folder);
}
