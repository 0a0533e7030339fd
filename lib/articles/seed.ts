import "server-only";
import fs from "node:fs";
import path from "node:path";
import matter from "gray-matter";
import { z } from "zod";
import { ARTICLE_STATUSES, articles, type NewArticle } from "@/db/schema";
import { transaction, type Db } from "@/lib/db";

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
 * running it again changes nothing, and never overwrites edited articles
 * (nor does a second instance seeding at the same time: the slug is unique).
 * Returns the slugs it inserted.
 */
export async function seedArticles(db: Db, folder = SEED_FOLDER): Promise<string[]> {
  // The folder is given at run time; the build ships db/seed (next.config.js).
  const files = fs
    .readdirSync(/* turbopackIgnore: true */ folder)
    .filter((f) => f.endsWith(".md"))
    .sort();
  // Read and checked before the transaction: a bad file inserts nothing.
  const rows = files.map((file) => parseSeedArticle(fs.readFileSync(path.join(/* turbopackIgnore: true */ folder, file), "utf8"), file));
  return transaction(db, async (tx) => {
    const inserted: string[] = [];
    for (const row of rows) {
      const added = await tx.insert(articles).values(row).onConflictDoNothing().returning({ id: articles.id });
      if (added.length > 0) inserted.push(row.slug);
    }
    return inserted;
  });
}

/** Seeds only a database that has no articles at all (first start). */
export async function seedIfEmpty(db: Db, folder = SEED_FOLDER): Promise<string[]> {
  if ((await db.$count(articles)) > 0) return [];
  return seedArticles(db, folder);
}
