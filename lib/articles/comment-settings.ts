import "server-only";
import { and, desc, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { articleEvents, articles, users, type ArticleEventType } from "@/db/schema";
import { getDb, sql, transaction, type Db } from "@/lib/db";
import { commentsAreOpen } from "@/lib/comments/defences";
import { getSettings } from "@/lib/settings";

/**
 * One article's comment settings, for editors, moderators and admins (from
 * /editor/<id> and /moderation/articles/<id>): Close comments / Open
 * comments, pre-moderate every comment or those with links, and a plain-text
 * message above the comments. Every change goes into the article's history
 * with who and when. The rules that use them are lib/spam/verdict.ts's and
 * lib/comments/defences.ts's.
 */

export const COMMENTS_MESSAGE_MAX = 500;

export type ArticleCommentSettings = {
  id: number;
  title: string;
  slug: string;
  published: boolean;
  /** Taking comments right now (open, before its closing time, not closed by the site's auto-close). */
  openNow: boolean;
  commentsOpen: boolean;
  commentsCloseAt: Date | null;
  keepOpen: boolean;
  premoderateAll: boolean;
  premoderateLinks: boolean;
  message: string;
  history: { id: number; type: ArticleEventType; note: string | null; actorName: string | null; createdAt: Date }[];
};

const SETTING_EVENTS: ArticleEventType[] = ["comments_closed", "comments_opened", "comment_settings"];

export async function articleCommentSettings(id: number, now = new Date(), db: Db = getDb()): Promise<ArticleCommentSettings | null> {
  const [article] = await db.select().from(articles).where(eq(articles.id, id));
  if (!article) return null;
  const settings = await getSettings();
  const history = await db
    .select({ id: articleEvents.id, type: articleEvents.type, note: articleEvents.note, actorName: users.name, createdAt: articleEvents.createdAt })
    .from(articleEvents)
    .leftJoin(users, eq(users.id, articleEvents.actorId))
    .where(and(eq(articleEvents.articleId, id), inArray(articleEvents.type, SETTING_EVENTS)))
    .orderBy(desc(articleEvents.createdAt), desc(articleEvents.id))
    .limit(50);
  return {
    id: article.id,
    title: article.title,
    slug: article.slug,
    published: article.status === "published",
    openNow: commentsAreOpen(article, now, settings.commentsAutoCloseDays),
    commentsOpen: article.commentsOpen,
    commentsCloseAt: article.commentsCloseAt,
    keepOpen: article.commentsKeepOpen,
    premoderateAll: article.premoderateAll,
    premoderateLinks: article.premoderateLinks,
    message: article.commentsMessage,
    history,
  };
}

export type CommentSettingsResult = { ok: true; code: "closed" | "opened" | "saved" | "unchanged" } | { ok: false; code: "gone" | "invalid"; message: string; fieldErrors?: { message?: string } };

/**
 * Close comments now, or open them again. Opened by hand, they stay open
 * past the site's auto-close by age (`commentsKeepOpen`) and any closing
 * time the editor set is cleared.
 */
export async function setArticleCommentsOpen(actorId: number, id: number, open: boolean, now = new Date(), db: Db = getDb()): Promise<CommentSettingsResult> {
  return transaction(db, async (tx) => {
    const [article] = await tx
      .select({ open: articles.commentsOpen, keepOpen: articles.commentsKeepOpen, closeAt: articles.commentsCloseAt })
      .from(articles)
      .where(eq(articles.id, id));
    if (!article) return { ok: false, code: "gone", message: "That article no longer exists." };
    // Already so: nothing written, and an editor's open form is not pushed into a conflict.
    if (open ? article.open && article.keepOpen && article.closeAt === null : !article.open) return { ok: true, code: "unchanged" };
    await tx
      .update(articles)
      // The version moves on: an editor's form opened before saves over nothing (it is told to reload).
      .set(
        open
          ? { commentsOpen: true, commentsKeepOpen: true, commentsCloseAt: null, version: sql`${articles.version} + 1` }
          : { commentsOpen: false, commentsKeepOpen: false, version: sql`${articles.version} + 1` },
      )
      .where(eq(articles.id, id));
    await tx.insert(articleEvents).values({ articleId: id, type: open ? "comments_opened" : "comments_closed", actorId, createdAt: now });
    return { ok: true, code: open ? "opened" : "closed" };
  });
}

export const commentSettingsSchema = z.object({
  premoderateAll: z.boolean(),
  premoderateLinks: z.boolean(),
  message: z
    .string()
    .transform((v) => v.replace(/\r\n?/g, "\n").trim())
    .pipe(z.string().max(COMMENTS_MESSAGE_MAX, `The message can be at most ${COMMENTS_MESSAGE_MAX} characters.`))
    .refine((v) => !v.includes("\u0000"), "The message contains a character that cannot be stored."),
});

/** Pre-moderation and the message above the comments; the history says what changed. */
export async function saveArticleCommentSettings(
  actorId: number,
  id: number,
  input: { premoderateAll: boolean; premoderateLinks: boolean; message: string },
  now = new Date(),
  db: Db = getDb(),
): Promise<CommentSettingsResult> {
  const parsed = commentSettingsSchema.safeParse(input);
  if (!parsed.success) {
    const message = parsed.error.issues[0]?.message ?? "That request was not understood.";
    return { ok: false, code: "invalid", message, fieldErrors: { message } };
  }
  const data = parsed.data;
  return transaction(db, async (tx) => {
    const [article] = await tx.select().from(articles).where(eq(articles.id, id));
    if (!article) return { ok: false, code: "gone", message: "That article no longer exists." };
    const changes: string[] = [];
    if (article.premoderateAll !== data.premoderateAll) changes.push(data.premoderateAll ? "pre-moderate all comments: on" : "pre-moderate all comments: off");
    if (article.premoderateLinks !== data.premoderateLinks) changes.push(data.premoderateLinks ? "pre-moderate comments with links: on" : "pre-moderate comments with links: off");
    if (article.commentsMessage !== data.message) changes.push(data.message ? `message above the comments: “${data.message}”` : "message above the comments removed");
    if (changes.length === 0) return { ok: true, code: "unchanged" };
    await tx
      .update(articles)
      .set({ premoderateAll: data.premoderateAll, premoderateLinks: data.premoderateLinks, commentsMessage: data.message })
      .where(eq(articles.id, id));
    await tx.insert(articleEvents).values({ articleId: id, type: "comment_settings", actorId, note: changes.join("; "), createdAt: now });
    return { ok: true, code: "saved" };
  });
}
