import "server-only";
import { statement, type Db } from "@/lib/db";

/** Articles that have comments, for the queue's article filter (most recent first). */
export function listArticlesForFilter(db: Db): { id: number; title: string }[] {
  return statement(
    db,
    `select a.id, a.title from articles a
     where exists (select 1 from comments c where c.article_id = a.id)
     order by coalesce(a.published_at, a.created_at) desc limit 200`,
  ).all() as { id: number; title: string }[];
}
