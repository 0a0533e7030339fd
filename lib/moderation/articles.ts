import "server-only";
import { getDb, rows, sql, type Db } from "@/lib/db";

/** Articles that have comments, for the queue's article filter (most recent first). */
export async function listArticlesForFilter(db: Db = getDb()): Promise<{ id: number; title: string }[]> {
  return rows<{ id: number; title: string }>(
    db,
    sql`select a.id, a.title from articles a
     where exists (select 1 from comments c where c.article_id = a.id)
     order by coalesce(a.published_at, a.created_at) desc limit 200`,
  );
}
