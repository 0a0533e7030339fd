import { standingOf } from "@/lib/community/standing";
import { reportedInArticle } from "@/lib/community/reports";
import "server-only";
import { cookies } from "next/headers";
import type { Article } from "@/db/schema";
import { publishedArticleId } from "@/lib/articles/queries";
import { accountAreas } from "@/lib/auth/areas";
import { getCurrentUser, sessionAccountFromCookies, type CurrentUser, type RequestCookie } from "@/lib/auth/session";
import { getDb, rows, sql, type Db } from "@/lib/db";
import { inIds } from "@/lib/db/dialect";
import { getSettings } from "@/lib/settings";
import { AWAITING_MODERATION, CAN_REPLY, EDITED, type CompactComment } from "./compact";
import { replyableAmong } from "./live";
import { ownControlFor } from "./own";
import { OWN_COMMENTS_COOKIE, readOwnCommentIds } from "./ownership";
import type { HeldComment, PersonalView } from "./personal-view";
import { REMEMBER_COOKIE, decodeRemembered, type RememberedAuthor } from "./remember";
import { respectedInArticle } from "./respect";
import { compactComment } from "./thread-view";

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
/** At most this many of one reader's comments on one article are read (their controls and held ones). */
const MAX_OWN = 200;
/**
 * A reader's own comment published or edited this recently comes with their
 * personal view too: the shared page may not show it yet, or not its new
 * text, since a story's pages are expired at most once a second under a
 * stream of approvals (lib/cache/invalidation.ts, MIN_EXPIRY_INTERVAL_MS). So
 * the reader always sees what they just did (withHeldComments puts it in
 * place, or over the page's older copy).
 */
export const JUST_CHANGED_MS = 10_000;

type Reader = { user: CurrentUser | null; ownIds: readonly number[]; remembered: RememberedAuthor | null };

/** The reader of this request: their account, own-comments cookie and remembered fields. */
export async function requestReader(): Promise<Reader> {
  const jar = await cookies();
  return readerOf(await getCurrentUser(), (name) => jar.get(name)?.value);
}

/** The same, from the request's cookies however they were read (lib/comments/personal-fast-path.ts). */
export async function readerFromCookies(all: readonly RequestCookie[]): Promise<Reader> {
  return readerOf(await sessionAccountFromCookies(all), (name) => all.find((c) => c.name === name)?.value);
}

function readerOf(user: CurrentUser | null, cookie: (name: string) => string | undefined): Reader {
  return {
    user,
    ownIds: readOwnCommentIds(cookie(OWN_COMMENTS_COOKIE)),
    // A signed-in reader writes as their account: the remembered fields are a guest's.
    remembered: user ? null : decodeRemembered(cookie(REMEMBER_COOKIE)),
  };
}

export async function personalView(article: Pick<Article, "id"> & { slug?: string }, reader: Reader, { now = new Date(), db = getDb() }: { now?: Date; db?: Db } = {}): Promise<PersonalView> {
  const { user, ownIds, remembered } = reader;
  const ids = ownIds.filter((n) => Number.isSafeInteger(n) && n > 0).slice(0, 100);
  // A banned or suspended account sees its held comments, but gets no controls and gives no respect.
  const standing = user ? standingOf(user, now) : null;
  const active = user && standing?.kind === "active" ? user : null;
  const [respected, reported, mine] = await Promise.all([
    active ? respectedInArticle(active.id, article.id, db) : [],
    user ? reportedInArticle(user.id, article.id, db) : [],
    ids.length > 0 || user ? ownComments(db, article.id, ids, user?.id ?? null) : [],
  ]);
  const editMinutes = mine.length > 0 && (!user || active) ? (await getSettings()).commentEditMinutes : 0;
  const justChanged = (c: OwnComment) => now.getTime() - Math.max(c.createdAt.getTime(), c.editedAt?.getTime() ?? 0) <= JUST_CHANGED_MS;
  // A comment just published gets its Reply link, as the page will give it (rare: only for 10 s after posting).
  const fresh = mine.filter((c) => c.status === "approved" && justChanged(c)).map((c) => c.id);
  const replyable = fresh.length > 0 && article.slug ? await replyableAmong(db, { id: article.id, slug: article.slug }, fresh) : new Set<number>();
  const own: PersonalView["own"] = {};
  const held: HeldComment[] = [];
  for (const c of mine) {
    if (!user || active) {
      const control = ownControlFor({ status: c.status, content: c.content, createdAt: c.createdAt, editedAt: c.editedAt }, editMinutes, now);
      if (control) own[c.id] = control;
    }
    if (held.length >= MAX_HELD) continue;
    // Held and spam alike: a spammer cannot tell them apart.
    if (c.status !== "approved") held.push({ parentId: c.parentId, comment: compactOwn(c, AWAITING_MODERATION) });
    else if (justChanged(c)) held.push({ parentId: c.parentId, comment: compactOwn(c, replyable.has(c.id) ? CAN_REPLY : 0) });
  }
  return {
    account: user
      ? {
          name: user.name,
          banned: user.banned,
          areas: accountAreas(user),
          suspendedUntil: standing?.kind === "suspended" ? standing.until.toISOString() : null,
          suspensionMessage: standing?.kind === "suspended" ? standing.message : "",
        }
      : null,
    remembered: remembered ? { name: remembered.name, email: remembered.email, url: remembered.url } : null,
    respected,
    reported,
    own,
    held,
  };
}

type OwnComment = {
  id: number;
  parentId: number | null;
  status: "approved" | "pending" | "spam";
  authorName: string;
  authorUrl: string;
  authorEmail: string;
  content: string;
  createdAt: Date;
  editedAt: Date | null;
};

/**
 * The reader's comments on the article that they may still see and change (published,
 * held or spam), by the signed own-comments cookie or their account, oldest first: one
 * statement for both the controls and the held comments.
 */
async function ownComments(db: Db, articleId: number, ids: readonly number[], userId: number | null): Promise<OwnComment[]> {
  const mine = userId === null ? inIds(db, sql`id`, ids) : ids.length > 0 ? sql`(${inIds(db, sql`id`, ids)} or user_id = ${userId})` : sql`user_id = ${userId}`;
  const found = await rows<Omit<OwnComment, "createdAt" | "editedAt"> & { createdAt: number | string; editedAt: number | string | null }>(
    db,
    sql`select id, parent_id as "parentId", status, author_name as "authorName", author_url as "authorUrl", author_email as "authorEmail",
          content, created_at as "createdAt", edited_at as "editedAt"
        from comments where article_id = ${articleId} and status in ('approved', 'pending', 'spam') and ${mine}
        order by created_at, id limit ${MAX_OWN}`,
  );
  return found.map((c) => ({
    ...c,
    id: Number(c.id),
    parentId: c.parentId === null ? null : Number(c.parentId),
    createdAt: new Date(Number(c.createdAt)),
    editedAt: c.editedAt === null ? null : new Date(Number(c.editedAt)),
  }));
}

function compactOwn(c: OwnComment, flags: number): CompactComment {
  return compactComment({ ...c, depth: 1, flags: flags | (c.editedAt ? EDITED : 0), respectCount: 0 });
}

/** The personal view of this request's reader on an article, or null when the article is not published. */
export async function personalViewFromRequest(slug: string): Promise<PersonalView | null> {
  const [id, reader] = await Promise.all([publishedArticleId(slug), requestReader()]);
  if (id === null) return null;
  return personalView({ id, slug }, reader);
}

/** The same from the request's cookies (lib/comments/personal-fast-path.ts). */
export async function personalViewFromCookies(slug: string, all: readonly RequestCookie[]): Promise<PersonalView | null> {
  const [id, reader] = await Promise.all([publishedArticleId(slug), readerFromCookies(all)]);
  if (id === null) return null;
  return personalView({ id, slug }, reader);
}
