/**
 * Used by `npm run bench:scale`: gives the seed article a thread of approved
 * comments (realistic text, a quarter of them replies) on whichever store the
 * environment names (DATABASE_URL or DATABASE_PATH), through the app's own
 * data layer, and prints `{ articleId, comments }`.
 * Usage: tsx --conditions=react-server bench/fill-thread.ts <slug> <count>
 */
import { eq } from "drizzle-orm";
import { articles, comments } from "@/db/schema";
import { closeDb, prepareDatabase, transaction } from "@/lib/db";
import { commentWriter, rng } from "./support";

async function main() {
  const [slug, countText] = process.argv.slice(2);
  const count = Number(countText ?? 200);
  const db = await prepareDatabase();
  const [article] = await db.select({ id: articles.id }).from(articles).where(eq(articles.slug, slug!));
  if (!article) throw new Error(`no article ${slug}`);
  const random = rng(20250601);
  const { commentText, pick, FIRST, LAST, DOMAINS } = commentWriter(random);
  const start = Date.now() - 14 * 86_400_000;
  await transaction(db, async (tx) => {
    const ids: number[] = [];
    for (let i = 0; i < count; i++) {
      const first = pick(FIRST);
      const last = pick(LAST);
      const at = new Date(Math.round(start + (i / count) * 13 * 86_400_000));
      const parentId = ids.length > 5 && random() < 0.25 ? ids[ids.length - 1 - Math.floor(random() * Math.min(ids.length, 15))]! : null;
      const [row] = await tx
        .insert(comments)
        .values({
          articleId: article.id,
          parentId,
          authorName: `${first} ${last}`,
          authorEmail: `${first}.${last}${i}@${pick(DOMAINS)}`.toLowerCase().replace(/[^a-z0-9.@]/g, ""),
          content: commentText(),
          status: "approved",
          statusReason: "Akismet: not spam",
          ip: `203.0.113.${i % 250}`,
          spamCheckState: "checked",
          createdAt: at,
          updatedAt: at,
        })
        .returning({ id: comments.id });
      ids.push(row!.id);
    }
  });
  console.log(JSON.stringify({ articleId: article.id, comments: count }));
  await closeDb();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
