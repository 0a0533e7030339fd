import { asc, eq } from "drizzle-orm";
import { commentEvents, comments } from "@/db/schema";
import { issueFormToken } from "@/lib/comments/form-token";
import { submitComment, type SubmitContext } from "@/lib/comments/submit";
import { getDb } from "@/lib/db";

let n = 0;

/** Posts a comment through the real pipeline as a guest who took their time. */
export async function postComment(
  article: { id: number; slug: string },
  fields: Record<string, unknown> = {},
  ctx: Partial<SubmitContext> = {},
) {
  n += 1;
  return submitComment(
    article.slug,
    {
      content: `A considered comment number ${n}.`,
      name: `Reader ${n}`,
      email: `reader${n}@example.com`,
      url: "",
      formToken: issueFormToken(article.id, Date.now() - 30_000),
      ...fields,
    },
    {
      ip: `203.0.113.${n % 250}`,
      userAgent: "Mozilla/5.0 (test)",
      referrer: `http://localhost:3000/articles/${article.slug}`,
      user: null,
      ...ctx,
    },
  );
}

export async function getComment(id: number) {
  const [row] = await getDb().select().from(comments).where(eq(comments.id, id));
  if (!row) throw new Error(`no comment ${id}`);
  return row;
}

export async function historyOf(id: number) {
  return getDb()
    .select()
    .from(commentEvents)
    .where(eq(commentEvents.commentId, id))
    .orderBy(asc(commentEvents.id));
}

export async function countComments(): Promise<number> {
  return getDb().$count(comments);
}
