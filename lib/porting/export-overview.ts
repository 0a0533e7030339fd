import "server-only";
import { count } from "drizzle-orm";
import { articles, comments, users } from "@/db/schema";
import { getDb, type Db } from "@/lib/db";

/** What an export would hold now, for the export page. */
export async function exportOverview(db: Db = getDb()): Promise<{ articles: number; comments: number; users: number }> {
  const [[a], [c], [u]] = await Promise.all([
    db.select({ n: count() }).from(articles),
    db.select({ n: count() }).from(comments),
    db.select({ n: count() }).from(users),
  ]);
  return { articles: Number(a?.n ?? 0), comments: Number(c?.n ?? 0), users: Number(u?.n ?? 0) };
}
