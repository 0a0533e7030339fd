import "server-only";
import { cookies } from "next/headers";
import type { Article } from "@/db/schema";
import { getPublishedArticle } from "@/lib/articles/queries";
import { accountAreas } from "@/lib/auth/areas";
import { getCurrentUser, type CurrentUser } from "@/lib/auth/session";
import { getDb, rows, sql, type Db } from "@/lib/db";
import { inIds } from "@/lib/db/dialect";
import { getSettings } from "@/lib/settings";
import { avatarId } from "./avatar";
import { AWAITING_MODERATION, EDITED, minuteIso, type CompactComment } from "./compact";
import { splitLinks } from "./links";
import { ownCommentControls } from "./own";
import { OWN_COMMENTS_COOKIE, readOwnCommentIds } from "./ownership";
import type { HeldComment, PersonalView } from "./personal-view";
import { REMEMBER_COOKIE, decodeRemembered, type RememberedAuthor } from "./remember";
import { respectedInArticle } from "./respect";

/**
 * One reader's parts of an article page (docs/decisions/022): built here for
 * the personal request (`GET /api/articles/<slug>/personal`, answered
 * `private, no-store`) and for the per-visitor page a reader without
 * JavaScript gets. Everything comes from the reader's own cookies and
 * account: their held comments, by the signed own-comments cookie or their
 * account, never by their address.
 */

/** At most this many held comments of one reader on one article are shown to them. */
const MAX_HELD = 50;

type Reader = { user: CurrentUser | null; ownIds: readonly number[]; remembered: RememberedAuthor | null };

/** The reader of this request: their account, own-comments cookie and remembered fields. */
export async function requestReader(): Promise<Reader> {
  const jar = await cookies();
  const user = await getCurrentUser();
  return {
    user,
    ownIds: readOwnCommentIds(jar.get(OWN_COMMENTS_COOKIE)?.value),
    // A signed-in reader writes as their account: the remembered fields are a guest's.
    remembered: user ? null : decodeRemembered(jar.get(REMEMBER_COOKIE)?.value),
  };
}

export async function personalView(article: Pick<Article, "id">, reader: Reader, { now = new Date(), db = getDb() }: { now?: Date; db?: Db } = {}): Promise<PersonalView> {
  const { user, ownIds, remembered } = reader;
  const ids = ownIds.filter((n) => Number.isSafeInteger(n) && n > 0).slice(0, 100);
  const userId = user && !user.banned ? user.id : null;
  const anything = ids.length > 0 || user !== null;
  const settings = anything ? await getSettings() : null;
  const [respected, own, held] = await Promise.all([
    userId === null ? [] : respectedInArticle(userId, article.id, db),
    !anything || user?.banned ? {} : ownCommentControls(db, { articleId: article.id, proof: { ownIds: ids, userId: user?.id ?? null }, editMinutes: settings!.commentEditMinutes, now }),
    ids.length === 0 && user === null ? [] : heldComments(db, article.id, ids, user?.id ?? null),
  ]);
  return {
    account: user ? { name: user.name, banned: user.banned, areas: accountAreas(user) } : null,
    remembered: remembered ? { name: remembered.name, email: remembered.email, url: remembered.url } : null,
    respected,
    own,
    held,
  };
}

/** The reader's comments on the article that await moderation (held and spam alike: a spammer cannot tell them apart). */
async function heldComments(db: Db, articleId: number, ids: readonly number[], userId: number | null): Promise<HeldComment[]> {
  const mine = userId === null ? inIds(db, sql`id`, ids) : ids.length > 0 ? sql`(${inIds(db, sql`id`, ids)} or user_id = ${userId})` : sql`user_id = ${userId}`;
  const found = await rows<{
    id: number;
    parentId: number | null;
    authorName: string;
    authorUrl: string;
    authorEmail: string;
    content: string;
    createdAt: number | string;
    editedAt: number | string | null;
  }>(
    db,
    sql`select id, parent_id as "parentId", author_name as "authorName", author_url as "authorUrl", author_email as "authorEmail",
          content, created_at as "createdAt", edited_at as "editedAt"
        from comments where article_id = ${articleId} and status in ('pending', 'spam') and ${mine}
        order by created_at, id limit ${MAX_HELD}`,
  );
  return found.map((c) => {
    const segments = splitLinks(c.content);
    const text = segments.some((s) => s.kind === "link") ? segments.map((s) => (s.kind === "link" ? ([s.text, s.href] as [string, string]) : s.text)) : c.content;
    const comment: CompactComment = [
      Number(c.id),
      1,
      c.authorName,
      c.authorUrl,
      avatarId(c.authorEmail, c.authorName),
      minuteIso(new Date(Number(c.createdAt))),
      text,
      AWAITING_MODERATION | (c.editedAt === null ? 0 : EDITED),
      0,
    ];
    return { parentId: c.parentId === null ? null : Number(c.parentId), comment };
  });
}

/** The personal view of this request's reader on an article, or null when the article is not published. */
export async function personalViewFromRequest(slug: string): Promise<PersonalView | null> {
  const article = await getPublishedArticle(slug);
  if (!article) return null;
  return personalView(article, await requestReader());
}
