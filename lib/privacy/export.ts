import "server-only";
import { asc, count, eq } from "drizzle-orm";
import { articles, comments, users } from "@/db/schema";
import { getDb, type Db } from "@/lib/db";
import { absoluteUrl, articlePath, SITE_NAME } from "@/lib/site";
import { subjectComments, type DataSubject } from "./subject";

export type ExportedComment = {
  id: number;
  article: { id: number; title: string; url: string };
  /** The comment it replies to (null: top level). */
  parentId: number | null;
  url: string;
  author: { name: string; email: string; url: string };
  ip: string;
  userAgent: string;
  referrer: string;
  content: string;
  status: string;
  notifyReplies: boolean;
  createdAt: string;
  updatedAt: string;
  editedAt: string | null;
};

export type ExportedAccount = {
  id: number;
  name: string;
  email: string;
  role: string;
  banned: boolean;
  heldDigest: string;
  createdAt: string;
  lastSignInAt: string | null;
};

export type PersonalDataExport = {
  site: string;
  exportedAt: string;
  /** What the export covers: the comments stored under an address, or an account's comments. */
  scope: { email: string } | { accountId: number };
  account: ExportedAccount | null;
  commentCount: number;
  comments: ExportedComment[];
};

/** How many comments a download or an erasure would cover. */
export async function countSubjectComments(subject: DataSubject, db: Db = getDb()): Promise<number> {
  const [result] = await db.select({ n: count() }).from(comments).where(subjectComments(subject));
  return Number(result?.n ?? 0);
}

/**
 * Everything stored about a commenter, as JSON: each comment with the
 * article it is on, what was stored with it (name, email, website, IP, user
 * agent, referrer) and its dates; for an account, the account too (never its
 * password hash or session version).
 */
export async function exportPersonalData(subject: DataSubject, db: Db = getDb(), now = new Date()): Promise<PersonalDataExport> {
  const found = await db
    .select({
      id: comments.id,
      articleId: articles.id,
      articleTitle: articles.title,
      articleSlug: articles.slug,
      parentId: comments.parentId,
      authorName: comments.authorName,
      authorEmail: comments.authorEmail,
      authorUrl: comments.authorUrl,
      ip: comments.ip,
      userAgent: comments.userAgent,
      referrer: comments.referrer,
      content: comments.content,
      status: comments.status,
      notifyReplies: comments.notifyReplies,
      createdAt: comments.createdAt,
      updatedAt: comments.updatedAt,
      editedAt: comments.editedAt,
    })
    .from(comments)
    .innerJoin(articles, eq(articles.id, comments.articleId))
    .where(subjectComments(subject))
    .orderBy(asc(comments.createdAt), asc(comments.id));

  let account: ExportedAccount | null = null;
  if (subject.kind === "account") {
    const [u] = await db
      .select({
        id: users.id,
        name: users.name,
        email: users.email,
        role: users.role,
        banned: users.banned,
        heldDigest: users.heldDigest,
        createdAt: users.createdAt,
        lastSignInAt: users.lastSignInAt,
      })
      .from(users)
      .where(eq(users.id, subject.userId));
    if (u) {
      account = { ...u, createdAt: u.createdAt.toISOString(), lastSignInAt: u.lastSignInAt?.toISOString() ?? null };
    }
  }

  return {
    site: SITE_NAME,
    exportedAt: now.toISOString(),
    scope: subject.kind === "email" ? { email: subject.email } : { accountId: subject.userId },
    account,
    commentCount: found.length,
    comments: found.map((c) => {
      const articleUrl = absoluteUrl(articlePath(c.articleSlug));
      return {
        id: c.id,
        article: { id: c.articleId, title: c.articleTitle, url: articleUrl },
        parentId: c.parentId,
        url: `${articleUrl}#comment-${c.id}`,
        author: { name: c.authorName, email: c.authorEmail, url: c.authorUrl },
        ip: c.ip,
        userAgent: c.userAgent,
        referrer: c.referrer,
        content: c.content,
        status: statusForTheAuthor(c.status),
        notifyReplies: c.notifyReplies,
        createdAt: c.createdAt.toISOString(),
        updatedAt: c.updatedAt.toISOString(),
        editedAt: c.editedAt?.toISOString() ?? null,
      };
    }),
  };
}

/**
 * The status as the author is shown it everywhere: a comment in spam is
 * "awaiting moderation" like a held one, so that no answer lets a spammer
 * tell which of their comments were caught (docs/decisions/005).
 */
function statusForTheAuthor(status: string): string {
  return status === "spam" ? "pending" : status;
}

/** The download's file name: the date only (no address in a file name or a header). */
export function exportFileName(now = new Date()): string {
  return `my-comments-${now.toISOString().slice(0, 10)}.json`;
}

/** A JSON download response (route handlers). */
export function exportResponse(data: PersonalDataExport): Response {
  return new Response(JSON.stringify(data, null, 2), {
    headers: {
      "content-type": "application/json; charset=utf-8",
      "content-disposition": `attachment; filename="${exportFileName(new Date(data.exportedAt))}"`,
      "cache-control": "no-store, private",
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
    },
  });
}
