import "server-only";
import { and, asc, eq, gt, inArray, sql } from "drizzle-orm";
import {
  articles,
  comments,
  COMMENT_STATUSES,
  editorReviews,
  settings as settingsTable,
  users,
  type Article,
  type CommentStatus,
  type EditorReview,
} from "@/db/schema";
import { renderMarkdown } from "@/lib/articles/markdown";
import { commentsAreOpen } from "@/lib/comments/defences";
import type { Db } from "@/lib/db";
import { env } from "@/lib/env";
import { settingsSchema } from "@/lib/settings/schema";
import { SITE_DESCRIPTION, SITE_LANG, SITE_NAME } from "@/lib/site";
import {
  WXR_VERSION,
  rssDate,
  wxrCommentApproved,
  wxrDate,
  wxrHtmlText,
  wxrPostStatus,
} from "./wxr-export-format";
import { cdata, element, escapeText } from "./xml-writer";

/**
 * The site as a WordPress eXtended RSS (WXR 1.2) file, the format WordPress's
 * Tools → Export writes and its importer reads (wp-admin/includes/export.php):
 * every article as a `post` item with its comments in every status, so a site
 * can move (back) to WordPress. Written as it is read: articles 20 at a time
 * (as export.php does), each article's comments 500 at a time, so memory stays
 * the same however many comments there are (decision 017).
 *
 * Where WXR has no place for something of ours, it goes as post meta that
 * WordPress keeps but does not show: the editor review
 * (`_newsroom_editor_review`, JSON), the source line (`_newsroom_source`), the
 * hero image (`_newsroom_hero_image`, JSON) and an own closing time for
 * comments (`_newsroom_comments_close_at`). A comment's user agent goes as
 * `wp:comment_agent`: export.php writes none (WordPress's importer reads none
 * either and ignores the element), but it is the column's name in WordPress
 * and this site's importer reads it back. Everything else is in the JSON
 * export (lib/porting/json-export.ts).
 */

export type WxrStats = { authors: number; articles: number; comments: number; byStatus: Record<CommentStatus, number> };

export function newWxrStats(): WxrStats {
  return { authors: 0, articles: 0, comments: 0, byStatus: { pending: 0, approved: 0, spam: 0, trash: 0 } };
}

export type WxrExportOptions = {
  /** The site's public URL (links, guids, `wp:base_site_url`); default `SITE_URL`. */
  siteUrl?: string;
  /** The export's time (the channel's `pubDate`, whether comments are still open). */
  now?: Date;
  /** Filled in while the export runs. */
  stats?: WxrStats;
};

/** Articles read per query (export.php reads posts 20 at a time). */
const ARTICLE_PAGE = 20;
/** Comments read per query. */
const COMMENT_PAGE = 500;

type CommentRow = {
  id: number;
  parentId: number | null;
  userId: number | null;
  authorName: string;
  authorEmail: string;
  authorUrl: string;
  content: string;
  status: CommentStatus;
  ip: string;
  userAgent: string;
  createdAt: Date;
};

/** The site as WXR 1.2, piece by piece (join them, or write each as it comes). */
export async function* wxrExport(db: Db, options: WxrExportOptions = {}): AsyncGenerator<string> {
  const siteUrl = (options.siteUrl ?? env().SITE_URL).replace(/\/+$/, "");
  const now = options.now ?? new Date();
  const stats = options.stats ?? newWxrStats();
  const autoCloseDays = await readAutoCloseDays(db);

  yield header(siteUrl, now);

  // Authors: the accounts that wrote an exported article (export.php lists
  // post authors only). Their login is their email, which WordPress accepts
  // as a login and which is unique here.
  const authorIds = new Set<number>();
  for await (const author of pagedAuthors(db)) {
    authorIds.add(author.id);
    stats.authors++;
    yield (
      "\t<wp:author>" +
      element("wp:author_id", author.id) +
      element("wp:author_login", author.email, { cdata: true }) +
      element("wp:author_email", author.email, { cdata: true }) +
      element("wp:author_display_name", author.name, { cdata: true }) +
      element("wp:author_first_name", "", { cdata: true }) +
      element("wp:author_last_name", "", { cdata: true }) +
      "</wp:author>\n"
    );
  }
  yield "\n";

  let after = 0;
  for (;;) {
    const page = await db.select().from(articles).where(gt(articles.id, after)).orderBy(asc(articles.id)).limit(ARTICLE_PAGE);
    if (page.length === 0) break;
    after = page[page.length - 1]!.id;
    const ids = page.map((a) => a.id);
    const reviews = new Map((await db.select().from(editorReviews).where(inArray(editorReviews.articleId, ids))).map((r) => [r.articleId, r]));
    const logins = await authorLogins(db, page);
    for (const article of page) {
      stats.articles++;
      yield itemHead(article, { siteUrl, now, autoCloseDays, login: logins.get(article.authorId ?? -1) ?? "", review: reviews.get(article.id) });
      for await (const comment of articleComments(db, article.id)) {
        stats.comments++;
        stats.byStatus[comment.status]++;
        yield commentXml(comment, authorIds);
      }
      yield "\t</item>\n";
    }
    if (page.length < ARTICLE_PAGE) break;
  }

  yield "</channel>\n</rss>\n";
}

async function readAutoCloseDays(db: Db): Promise<number> {
  const [stored] = await db.select().from(settingsTable).where(eq(settingsTable.key, "commentsAutoCloseDays"));
  const parsed = settingsSchema.shape.commentsAutoCloseDays.safeParse(stored?.value);
  return parsed.success ? parsed.data : 0;
}

function header(siteUrl: string, now: Date): string {
  const ns = `http://wordpress.org/export/${WXR_VERSION}/`;
  return `<?xml version="1.0" encoding="UTF-8" ?>
<!-- This is a WordPress eXtended RSS file generated by ${escapeText(SITE_NAME)} as an export of its articles and comments. -->
<!-- It contains the site's articles (as posts) and every comment, in every status. -->
<!-- You may use this file to move that content to a WordPress site. -->

<!-- To import this information into a WordPress site follow these steps: -->
<!-- 1. Log in to that site as an administrator. -->
<!-- 2. Go to Tools: Import in the WordPress admin panel. -->
<!-- 3. Install the "WordPress" importer from the list. -->
<!-- 4. Activate & Run Importer. -->
<!-- 5. Upload this file using the form provided on that page. -->
<!-- 6. You will first be asked to map the authors in this export file to users -->
<!--    on the site. For each author, you may choose to map to an -->
<!--    existing user on the site or to create a new user. -->
<!-- 7. WordPress will then import each of the posts and comments -->
<!--    contained in this file into your site. -->

<!-- generator="${escapeText(SITE_NAME)}" created="${wxrDate(now)}" -->
<rss version="2.0"
\txmlns:excerpt="${ns}excerpt/"
\txmlns:content="http://purl.org/rss/1.0/modules/content/"
\txmlns:wfw="http://wellformedweb.org/CommentAPI/"
\txmlns:dc="http://purl.org/dc/elements/1.1/"
\txmlns:wp="${ns}"
>

<channel>
\t${element("title", SITE_NAME)}
\t${element("link", siteUrl)}
\t${element("description", SITE_DESCRIPTION)}
\t${element("pubDate", rssDate(now))}
\t${element("language", SITE_LANG)}
\t${element("wp:wxr_version", WXR_VERSION)}
\t${element("wp:base_site_url", siteUrl)}
\t${element("wp:base_blog_url", siteUrl)}

`;
}

/** The accounts that wrote articles, by id, a page at a time. */
async function* pagedAuthors(db: Db): AsyncGenerator<{ id: number; email: string; name: string }> {
  let after = 0;
  for (;;) {
    const page = await db
      .select({ id: users.id, email: users.email, name: users.name })
      .from(users)
      .where(and(gt(users.id, after), inArray(users.id, db.select({ id: articles.authorId }).from(articles))))
      .orderBy(asc(users.id))
      .limit(500);
    yield* page;
    if (page.length < 500) return;
    after = page[page.length - 1]!.id;
  }
}

async function authorLogins(db: Db, page: Article[]): Promise<Map<number, string>> {
  const ids = [...new Set(page.map((a) => a.authorId).filter((id): id is number => id !== null))];
  if (ids.length === 0) return new Map();
  const found = await db.select({ id: users.id, email: users.email }).from(users).where(inArray(users.id, ids));
  return new Map(found.map((u) => [u.id, u.email]));
}

function meta(key: string, value: string): string {
  return `\t\t<wp:postmeta>\n\t\t${element("wp:meta_key", key, { cdata: true })}\n\t\t${element("wp:meta_value", value, { cdata: true })}\n\t\t</wp:postmeta>\n`;
}

function reviewJson(review: EditorReview): string {
  return JSON.stringify({
    rating: review.rating,
    headline: review.headline,
    summary: review.summary,
    criteria: review.criteria,
    status: review.status,
    publishedAt: review.publishedAt?.toISOString() ?? null,
  });
}

function itemHead(
  article: Article,
  context: { siteUrl: string; now: Date; autoCloseDays: number; login: string; review: EditorReview | undefined },
): string {
  const { siteUrl } = context;
  // Drafts have no publication time yet: their creation time stands in (WordPress gives drafts a date too).
  const date = article.publishedAt ?? article.createdAt;
  const open = commentsAreOpen(article, context.now, context.autoCloseDays);
  const lines = [
    "\t<item>",
    `\t\t${element("title", wxrHtmlText(article.title), { cdata: true })}`,
    `\t\t${element("link", `${siteUrl}/articles/${article.slug}`)}`,
    `\t\t${element("pubDate", rssDate(date))}`,
    `\t\t${element("dc:creator", context.login, { cdata: true })}`,
    `\t\t<guid isPermaLink="false">${escapeText(`${siteUrl}/?p=${article.id}`)}</guid>`,
    "\t\t<description></description>",
    `\t\t<content:encoded>${cdata(renderMarkdown(article.body))}</content:encoded>`,
    `\t\t<excerpt:encoded>${cdata(wxrHtmlText(article.summary))}</excerpt:encoded>`,
    `\t\t${element("wp:post_id", article.id)}`,
    `\t\t${element("wp:post_date", wxrDate(date), { cdata: true })}`,
    `\t\t${element("wp:post_date_gmt", wxrDate(date), { cdata: true })}`,
    `\t\t${element("wp:post_modified", wxrDate(article.updatedAt), { cdata: true })}`,
    `\t\t${element("wp:post_modified_gmt", wxrDate(article.updatedAt), { cdata: true })}`,
    `\t\t${element("wp:comment_status", open ? "open" : "closed", { cdata: true })}`,
    `\t\t${element("wp:ping_status", "closed", { cdata: true })}`,
    `\t\t${element("wp:post_name", article.slug, { cdata: true })}`,
    `\t\t${element("wp:status", wxrPostStatus(article.status), { cdata: true })}`,
    `\t\t${element("wp:post_parent", 0)}`,
    `\t\t${element("wp:menu_order", 0)}`,
    `\t\t${element("wp:post_type", "post", { cdata: true })}`,
    `\t\t${element("wp:post_password", "", { cdata: true })}`,
    `\t\t${element("wp:is_sticky", 0)}`,
  ];
  let out = lines.join("\n") + "\n";
  if (article.source) out += meta("_newsroom_source", article.source);
  if (article.heroImageUrl) {
    out += meta(
      "_newsroom_hero_image",
      JSON.stringify({
        url: article.heroImageUrl,
        alt: article.heroImageAlt,
        caption: article.heroImageCaption,
        credit: article.heroImageCredit,
      }),
    );
  }
  if (article.commentsCloseAt) out += meta("_newsroom_comments_close_at", article.commentsCloseAt.toISOString());
  if (context.review) out += meta("_newsroom_editor_review", reviewJson(context.review));
  return out;
}

/**
 * One article's comments in every status, oldest first, read a page at a
 * time. Each status is read along the (article, status, created_at, id)
 * index (one range per status, no sort), and the four are merged by time.
 */
async function* articleComments(db: Db, articleId: number): AsyncGenerator<CommentRow> {
  const streams = COMMENT_STATUSES.map((status) => commentsInStatus(db, articleId, status));
  const heads: (CommentRow | null)[] = [];
  for (const stream of streams) heads.push((await stream.next()).value ?? null);
  for (;;) {
    let pick = -1;
    for (let i = 0; i < heads.length; i++) {
      const head = heads[i];
      if (!head) continue;
      const best = pick === -1 ? null : heads[pick]!;
      if (!best || head.createdAt.getTime() < best.createdAt.getTime() || (head.createdAt.getTime() === best.createdAt.getTime() && head.id < best.id)) pick = i;
    }
    if (pick === -1) return;
    yield heads[pick]!;
    heads[pick] = (await streams[pick]!.next()).value ?? null;
  }
}

async function* commentsInStatus(db: Db, articleId: number, status: CommentStatus): AsyncGenerator<CommentRow, null> {
  let cursor: { at: number; id: number } | null = null;
  for (;;) {
    const page: CommentRow[] = await db
      .select({
        id: comments.id,
        parentId: comments.parentId,
        userId: comments.userId,
        authorName: comments.authorName,
        authorEmail: comments.authorEmail,
        authorUrl: comments.authorUrl,
        content: comments.content,
        status: comments.status,
        ip: comments.ip,
        userAgent: comments.userAgent,
        createdAt: comments.createdAt,
      })
      .from(comments)
      .where(
        and(
          eq(comments.articleId, articleId),
          eq(comments.status, status),
          cursor ? sql`(${comments.createdAt}, ${comments.id}) > (${cursor.at}, ${cursor.id})` : undefined,
        ),
      )
      .orderBy(asc(comments.createdAt), asc(comments.id))
      .limit(COMMENT_PAGE);
    yield* page;
    if (page.length < COMMENT_PAGE) return null;
    const last = page[page.length - 1]!;
    cursor = { at: last.createdAt.getTime(), id: last.id };
  }
}

function commentXml(c: CommentRow, authorIds: Set<number>): string {
  const date = wxrDate(c.createdAt);
  // WordPress's importer keeps a comment_user_id it cannot map to an imported
  // author as it is, which would tie the comment to whichever account has
  // that id there: only ids of exported authors are written, others are 0.
  const userId = c.userId !== null && authorIds.has(c.userId) ? c.userId : 0;
  return (
    "\t\t<wp:comment>\n" +
    `\t\t\t${element("wp:comment_id", c.id)}\n` +
    `\t\t\t${element("wp:comment_author", c.authorName, { cdata: true })}\n` +
    `\t\t\t${element("wp:comment_author_email", c.authorEmail, { cdata: true })}\n` +
    `\t\t\t${element("wp:comment_author_url", c.authorUrl)}\n` +
    `\t\t\t${element("wp:comment_author_IP", c.ip, { cdata: true })}\n` +
    `\t\t\t${element("wp:comment_date", date, { cdata: true })}\n` +
    `\t\t\t${element("wp:comment_date_gmt", date, { cdata: true })}\n` +
    `\t\t\t${element("wp:comment_content", wxrHtmlText(c.content), { cdata: true })}\n` +
    `\t\t\t${element("wp:comment_approved", wxrCommentApproved(c.status), { cdata: true })}\n` +
    `\t\t\t${element("wp:comment_type", "comment", { cdata: true })}\n` +
    `\t\t\t${element("wp:comment_parent", c.parentId ?? 0)}\n` +
    `\t\t\t${element("wp:comment_user_id", userId)}\n` +
    `\t\t\t${element("wp:comment_agent", c.userAgent, { cdata: true })}\n` +
    "\t\t</wp:comment>\n"
  );
}
