import "server-only";
import { and, eq, sql } from "drizzle-orm";
import type { Readable } from "node:stream";
import { articleEvents, articleSlugs, articles, importIds, users, type ArticleStatus } from "@/db/schema";
import { transaction, type Db } from "@/lib/db";
import { slugBase } from "@/lib/articles/slug";
import { CommentWriter } from "./import-comments";
import { commentHtmlToText, htmlToPlainText, postHtmlToMarkdown } from "./import-html";
import { commentFields, commentTypeSkip, firstDate, linkKey, mapCommentApproved, mapPostStatus, parseRssDate, parseWpDate } from "./import-mappings";
import { addNote, addSkip, emptyReport, ImportFormatError, type ImportReport } from "./import-report";
import { displayName, readXml, type XmlElement } from "./import-xml";
import { withInputFile, type ImportInput, type ImportOptions, type ImportProgress } from "./import-input";

export type { ImportReport } from "./import-report";
export type { ImportOptions, ImportProgress } from "./import-input";

/** The product's limits on an article (the editor's form, lib/articles/editorial.ts). */
const ARTICLE_LIMITS = { title: 200, summary: 500, body: 200_000 };

type WxrAuthor = { id: string; login: string; email: string; displayName: string };

type WxrItem = {
  postId: string;
  line: number;
  title: string;
  link: string;
  pubDate: string;
  creator: string;
  content: string;
  excerpt: string;
  postDate: string;
  postDateGmt: string;
  commentStatus: string;
  postName: string;
  status: string;
  postType: string;
  overflow: string | null;
};

type WxrComment = {
  commentId: string;
  line: number;
  author: string;
  authorEmail: string;
  authorUrl: string;
  authorIp: string;
  date: string;
  dateGmt: string;
  content: string;
  approved: string;
  type: string;
  parent: string;
  userId: string;
  agent: string;
  overflow: string | null;
};

type Channel = { link: string; baseSiteUrl: string; baseBlogUrl: string; version: string };

const ITEM_FIELDS: Record<string, keyof WxrItem> = {
  title: "title",
  link: "link",
  pubDate: "pubDate",
  "dc:creator": "creator",
  "content:encoded": "content",
  "excerpt:encoded": "excerpt",
  "wp:post_id": "postId",
  "wp:post_date": "postDate",
  "wp:post_date_gmt": "postDateGmt",
  "wp:comment_status": "commentStatus",
  "wp:post_name": "postName",
  "wp:status": "status",
  "wp:post_type": "postType",
};

const COMMENT_FIELDS: Record<string, keyof WxrComment> = {
  "wp:comment_id": "commentId",
  "wp:comment_author": "author",
  "wp:comment_author_email": "authorEmail",
  "wp:comment_author_url": "authorUrl",
  "wp:comment_author_IP": "authorIp",
  "wp:comment_date": "date",
  "wp:comment_date_gmt": "dateGmt",
  "wp:comment_content": "content",
  "wp:comment_approved": "approved",
  "wp:comment_type": "type",
  "wp:comment_parent": "parent",
  "wp:comment_user_id": "userId",
  "wp:comment_agent": "agent",
};

const AUTHOR_FIELDS: Record<string, keyof WxrAuthor> = {
  "wp:author_id": "id",
  "wp:author_login": "login",
  "wp:author_email": "email",
  "wp:author_display_name": "displayName",
};

const emptyItem = (line: number): WxrItem => ({
  postId: "",
  line,
  title: "",
  link: "",
  pubDate: "",
  creator: "",
  content: "",
  excerpt: "",
  postDate: "",
  postDateGmt: "",
  commentStatus: "",
  postName: "",
  status: "",
  postType: "",
  overflow: null,
});

const emptyComment = (line: number): WxrComment => ({
  commentId: "",
  line,
  author: "",
  authorEmail: "",
  authorUrl: "",
  authorIp: "",
  date: "",
  dateGmt: "",
  content: "",
  approved: "",
  type: "",
  parent: "",
  userId: "",
  agent: "",
  overflow: null,
});

type WxrEvents = {
  channel: (channel: Channel, authors: Map<string, WxrAuthor>) => void;
  /** An item's own fields are complete (its first comment, or its end). */
  item: (item: WxrItem) => void;
  comment: (comment: WxrComment, item: WxrItem) => void;
  itemEnd: (item: WxrItem) => void;
};

const ID = /^\d+$/;

/**
 * The WXR reader: turns sax's elements into channel, item and comment
 * records (WordPress's export.php: rss > channel > wp:author*, item*, each
 * item with its wp:comment children after its own fields), and refuses a
 * file that is not a WXR export (wrong root, no wp:wxr_version) or lacks a
 * post or comment id.
 */
function wxrHandlers(events: WxrEvents) {
  const channel: Channel = { link: "", baseSiteUrl: "", baseBlogUrl: "", version: "" };
  const authors = new Map<string, WxrAuthor>();
  let author: WxrAuthor | null = null;
  let item: WxrItem | null = null;
  let itemAnnounced = false;
  let comment: WxrComment | null = null;
  let channelAnnounced = false;
  const announceChannel = (line: number, column: number) => {
    if (channelAnnounced) return;
    channelAnnounced = true;
    if (!channel.version) throw new ImportFormatError("This is not a WordPress export (WXR): the channel has no wp:wxr_version", line, column);
    if (!/^1\.[0-2]$/.test(channel.version)) throw new ImportFormatError(`Unsupported WXR version ${channel.version} (1.0 to 1.2 are supported)`, line, column);
    events.channel(channel, authors);
  };
  const announceItem = () => {
    if (!item || itemAnnounced) return;
    itemAnnounced = true;
    if (!ID.test(item.postId.trim())) {
      throw new ImportFormatError(`An item has no valid wp:post_id before its comments${item.title ? ` ("${item.title.slice(0, 60)}")` : ""}`, item.line, 0);
    }
    item.postId = item.postId.trim();
    events.item(item);
  };
  return {
    open(el: XmlElement, path: readonly string[]) {
      const depth = path.length;
      if (depth === 0) {
        if (el.name !== "rss") throw new ImportFormatError(`This is not a WordPress export (WXR): the root element is <${displayName(el.name)}>, not <rss>`, el.line, el.column);
        return;
      }
      if (depth === 1 && el.name !== "channel") return;
      if (depth === 2 && path[1] === "channel") {
        if (el.name === "item") {
          announceChannel(el.line, el.column);
          item = emptyItem(el.line);
          itemAnnounced = false;
        } else if (el.name === "wp:author") {
          author = { id: "", login: "", email: "", displayName: "" };
        }
        return;
      }
      if (item && depth === 3 && el.name === "wp:comment") {
        announceItem();
        comment = emptyComment(el.line);
      }
    },
    close(el: XmlElement, text: string, path: readonly string[], overflow: boolean) {
      const depth = path.length; // of the parent
      if (depth === 0 && el.name === "rss") {
        if (!channelAnnounced) announceChannel(el.line, el.column);
        return;
      }
      if (depth === 2 && path[1] === "channel") {
        if (el.name === "item" && item) {
          announceItem();
          events.itemEnd(item);
          item = null;
        } else if (el.name === "wp:author" && author) {
          if (author.login) authors.set(author.login, author);
          author = null;
        } else if (el.name === "wp:wxr_version") channel.version = text.trim();
        else if (el.name === "wp:base_site_url") channel.baseSiteUrl = text.trim();
        else if (el.name === "wp:base_blog_url") channel.baseBlogUrl = text.trim();
        else if (el.name === "link") channel.link = text.trim();
        return;
      }
      if (author && depth === 3 && path[2] === "wp:author") {
        const key = AUTHOR_FIELDS[el.name];
        if (key) author[key] = text.trim();
        return;
      }
      if (item && depth === 3 && path[2] === "item") {
        if (el.name === "wp:comment" && comment) {
          if (!ID.test(comment.commentId.trim())) throw new ImportFormatError(`A comment of post ${item.postId} has no valid wp:comment_id`, comment.line, 0);
          comment.commentId = comment.commentId.trim();
          events.comment(comment, item);
          comment = null;
          return;
        }
        const key = ITEM_FIELDS[el.name];
        if (key && key !== "line" && key !== "overflow") {
          if (overflow) item.overflow = el.name;
          else item[key] = text;
        }
        return;
      }
      if (comment && depth === 4 && path[3] === "wp:comment") {
        const key = COMMENT_FIELDS[el.name];
        if (key && key !== "line" && key !== "overflow") {
          if (overflow) comment.overflow = el.name;
          else comment[key] = text;
        }
      }
    },
  };
}

/** What the validating pass learns: the whole file is well-formed WXR, and how replies point. */
type WxrScan = {
  channel: Channel;
  authors: Map<string, WxrAuthor>;
  items: number;
  comments: number;
  /** Replies whose parent comes later in the same post. */
  forwardReplies: Set<string>;
};

async function scanWxr(file: string, onBytes: (bytes: number) => Promise<void> | void): Promise<WxrScan> {
  let channel: Channel | null = null;
  let authors = new Map<string, WxrAuthor>();
  let items = 0;
  let count = 0;
  const allIds = new Set<number>();
  const postIds = new Set<number>();
  const forwardReplies = new Set<string>();
  let itemIds = new Set<string>();
  let candidates: [string, string][] = [];
  await readXml(
    file,
    wxrHandlers({
      channel: (c, a) => {
        channel = c;
        authors = a;
      },
      item: (item) => {
        items++;
        const id = Number(item.postId);
        if (postIds.has(id)) throw new ImportFormatError(`Post id ${item.postId} appears twice`, item.line, 0);
        postIds.add(id);
        itemIds = new Set();
        candidates = [];
      },
      comment: (c) => {
        count++;
        const id = Number(c.commentId);
        if (allIds.has(id)) throw new ImportFormatError(`Comment id ${c.commentId} appears twice`, c.line, 0);
        allIds.add(id);
        itemIds.add(c.commentId);
        const parent = c.parent.trim();
        if (parent !== "" && parent !== "0" && !itemIds.has(parent)) candidates.push([c.commentId, parent]);
      },
      itemEnd: () => {
        for (const [child, parent] of candidates) if (itemIds.has(parent)) forwardReplies.add(child);
        candidates = [];
      },
    }),
    { afterChunk: onBytes },
  );
  if (!channel) throw new ImportFormatError("This is not a WordPress export (WXR): no <channel> with wp:wxr_version");
  return { channel, authors, items, comments: count, forwardReplies };
}

/** import_ids' source for a WXR file: its site's address. */
function wxrSource(channel: Channel): string {
  const site = (channel.baseBlogUrl || channel.link || channel.baseSiteUrl).trim().replace(/\/+$/, "");
  return `wxr:${site || "unknown"}`;
}

const stripNul = (s: string) => s.replaceAll("\u0000", "");

/**
 * Imports a WordPress export (WXR 1.0–1.2): posts (type `post`) as articles
 * with their authors, and every comment with its thread. First a streaming
 * pass checks the whole file (well-formed XML, a WXR channel, every post and
 * comment with an id) and writes nothing; a malformed file throws
 * ImportFormatError with its line and column. Then a second streaming pass
 * writes in short batches, each recording its rows in `import_ids`: an
 * interrupted run resumes where it stopped, and a second run changes
 * nothing. `input` is a file path or a readable stream (spooled to a
 * temporary file: the file is read twice).
 */
export async function importWxr(db: Db, input: ImportInput | NodeJS.ReadableStream | Readable, options: ImportOptions = {}): Promise<ImportReport> {
  return withInputFile(input, async (file, totalBytes) => {
    const started = Date.now();
    const progress = (phase: ImportProgress["phase"], bytesRead: number, report: ImportReport | null) =>
      options.onProgress?.({ phase, bytesRead, totalBytes, articles: report?.articles ?? null, comments: report?.comments ?? null, totalComments: scan?.comments ?? null });
    let scan: WxrScan | null = null;
    scan = await scanWxr(file, (bytes) => progress("validating", bytes, null));
    const source = wxrSource(scan.channel);
    const report = emptyReport("wxr", source);
    const run = new WxrRun(db, source, report, scan);
    let bytesRead = 0;
    const writer = new CommentWriter(db, {
      source,
      report,
      origin: "WordPress",
      forwardReplies: scan.forwardReplies,
      batchSize: options.batchSize,
      pace: options.pace,
      afterBatch: () => progress("importing", bytesRead, report),
    });
    run.writer = writer;
    const queue: (() => Promise<void>)[] = [];
    await readXml(
      file,
      wxrHandlers({
        channel: () => undefined,
        item: (item) => queue.push(() => run.item(item)),
        comment: (c, item) => queue.push(() => run.comment(c, item)),
        itemEnd: () => undefined,
      }),
      {
        afterChunk: async (bytes) => {
          bytesRead = bytes;
          while (queue.length > 0) await queue.shift()!();
        },
      },
    );
    while (queue.length > 0) await queue.shift()!();
    await writer.finish();
    report.bytes = totalBytes;
    report.durationMs = Date.now() - started;
    await progress("done", totalBytes, report);
    return report;
  });
}

/** The writing pass's state: articles and authors as they are mapped. */
class WxrRun {
  writer!: CommentWriter;
  /** post id → the article's row (null: not imported, its comments are skipped with `skipReason`). */
  private articleOf = new Map<string, { id: number | null; skipReason: string | null }>();
  private userOf = new Map<string, number | null>();
  private authorById = new Map<string, WxrAuthor>();

  constructor(
    private readonly db: Db,
    private readonly source: string,
    private readonly report: ImportReport,
    private readonly scan: WxrScan,
  ) {
    for (const a of scan.authors.values()) if (a.id) this.authorById.set(a.id, a);
  }

  async item(item: WxrItem): Promise<void> {
    const result = await this.article(item);
    this.articleOf.clear(); // items come one after another: only the current one is needed
    this.articleOf.set(item.postId, result);
  }

  private async article(item: WxrItem): Promise<{ id: number | null; skipReason: string | null }> {
    const { report, source } = this;
    const type = item.postType.trim() || "post";
    if (type !== "post") {
      addSkip(report, { kind: "item", externalId: item.postId, reason: `post type "${type}" (only posts are imported)` });
      return { id: null, skipReason: `on a ${type}, which is not imported` };
    }
    const status = mapPostStatus(item.status.trim());
    if ("skip" in status) {
      addSkip(report, { kind: "article", externalId: item.postId, reason: status.skip });
      return { id: null, skipReason: `on a post that is not imported (${status.skip})` };
    }
    const [existing] = await this.db
      .select({ localId: importIds.localId, live: articles.id })
      .from(importIds)
      .leftJoin(articles, eq(articles.id, importIds.localId))
      .where(and(eq(importIds.source, source), eq(importIds.kind, "article"), eq(importIds.externalId, item.postId)));
    if (existing) {
      report.articles.alreadyImported++;
      return existing.live === null ? { id: null, skipReason: "its article was deleted since an earlier import" } : { id: existing.live, skipReason: null };
    }
    if (item.overflow) {
      addSkip(report, { kind: "article", externalId: item.postId, reason: `${item.overflow} is too large` });
      return { id: null, skipReason: "on a post that is not imported (too large)" };
    }
    let nul = false;
    const clean = (s: string) => {
      if (s.includes("\u0000")) nul = true;
      return stripNul(s);
    };
    const rawTitle = clean(item.title);
    const title = (/[<&]/.test(rawTitle) ? htmlToPlainText(rawTitle) : rawTitle.trim()) || `Untitled (WordPress post ${item.postId})`;
    const summary = htmlToPlainText(clean(item.excerpt));
    const body = postHtmlToMarkdown(clean(item.content));
    const over =
      title.length > ARTICLE_LIMITS.title
        ? `title too long (${title.length} characters; at most ${ARTICLE_LIMITS.title})`
        : summary.length > ARTICLE_LIMITS.summary
          ? `excerpt too long for a summary (${summary.length} characters; at most ${ARTICLE_LIMITS.summary})`
          : body.length > ARTICLE_LIMITS.body
            ? `content too long (${body.length.toLocaleString("en-US")} characters of markdown; at most ${ARTICLE_LIMITS.body.toLocaleString("en-US")})`
            : null;
    if (over) {
      addSkip(report, { kind: "article", externalId: item.postId, reason: over }, over.replace(/ \(.*\)$/, ""));
      return { id: null, skipReason: "on a post that is not imported (too long)" };
    }
    if (nul) addNote(report, { kind: "article", externalId: item.postId, reason: "NUL characters (U+0000) removed from its text" });
    const date = firstDate(parseWpDate(item.postDateGmt), parseWpDate(item.postDate), parseRssDate(item.pubDate));
    if (!date) addNote(report, { kind: "article", externalId: item.postId, reason: "no valid date in the file: dated the day of the import" });
    const when = date ?? new Date();
    const articleStatus: ArticleStatus = status.status;
    const authorId = await this.user(item.creator.trim());

    const id = await transaction(this.db, async (tx) => {
      const base = slugBase(safeDecode(item.postName.trim())) || slugBase(title) || `post-${item.postId}`;
      let slug = base;
      for (let n = 2; await slugTaken(tx, slug); n++) slug = `${base.slice(0, 95)}-${n}`;
      if (slug !== base) addNote(report, { kind: "article", externalId: item.postId, reason: `the slug "${base}" belongs to another article: imported as "${slug}"` });
      const [row] = await tx
        .insert(articles)
        .values({
          slug,
          title,
          summary,
          body,
          authorId,
          status: articleStatus,
          commentsOpen: item.commentStatus.trim() !== "closed",
          publishedAt: articleStatus === "published" ? when : null,
          createdAt: when,
          updatedAt: when,
        })
        .returning({ id: articles.id });
      const articleId = row!.id;
      await tx.insert(articleEvents).values({ articleId, type: "created", toStatus: articleStatus, note: `Imported from WordPress (post ${item.postId})` });
      await tx.insert(importIds).values({ source, kind: "article", externalId: item.postId, localId: articleId });
      const link = linkKey(item.link);
      if (link) await tx.insert(importIds).values({ source, kind: "article", externalId: link, localId: articleId }).onConflictDoNothing();
      return articleId;
    });
    report.articles.imported++;
    return { id, skipReason: null };
  }

  /**
   * The account for a post's author (dc:creator, a login listed in
   * wp:author): the account mapped by an earlier import, else an existing
   * account with that email, else a new editor account without a password
   * (an admin sets one with `npm run user:add`). Null when the author is
   * unknown or has no email.
   */
  private async user(login: string): Promise<number | null> {
    if (!login) return null;
    const author = this.scan.authors.get(login);
    const key = author?.id ? author.id : `login:${login}`;
    if (this.userOf.has(key)) return this.userOf.get(key)!;
    const id = await this.mapUser(key, login, author);
    this.userOf.set(key, id);
    return id;
  }

  private async mapUser(key: string, login: string, author: WxrAuthor | undefined): Promise<number | null> {
    const { report, source, db } = this;
    const [mapped] = await db
      .select({ live: users.id })
      .from(importIds)
      .leftJoin(users, eq(users.id, importIds.localId))
      .where(and(eq(importIds.source, source), eq(importIds.kind, "user"), eq(importIds.externalId, key)));
    if (mapped) return mapped.live;
    const email = (author?.email ?? "").trim();
    if (!author || !email || !/^[^\s@]+@[^\s@]+$/.test(email) || email.length > 254) {
      addNote(report, { kind: "item", externalId: `author ${login}`, reason: "the author has no usable email in the file: their posts are imported without an author" });
      return null;
    }
    return transaction(db, async (tx) => {
      const [existing] = await tx.select({ id: users.id, role: users.role }).from(users).where(sql`lower(${users.email}) = ${email.toLowerCase()}`);
      let id: number;
      if (existing && existing.role === "reader") {
        // Anyone can register a reader account with an address they do not own:
        // it is not handed the author's posts and comments (with their IPs).
        addNote(report, {
          kind: "item",
          externalId: `author ${login}`,
          reason: "a reader account registered here has the author's email: their posts and comments are imported without an account (give that account the editor role to attach them on a later run)",
        });
        return null;
      }
      if (existing) {
        id = existing.id;
        report.users.reused++;
      } else {
        const name = stripNul(author.displayName || login).trim().slice(0, 100) || login;
        const [row] = await tx.insert(users).values({ email, name, role: "editor", passwordHash: null }).returning({ id: users.id });
        id = row!.id;
        report.users.created++;
      }
      await tx.insert(importIds).values({ source, kind: "user", externalId: key, localId: id });
      return id;
    });
  }

  async comment(c: WxrComment, item: WxrItem): Promise<void> {
    const { report } = this;
    const skip = (reason: string, group = reason) => {
      addSkip(report, { kind: "comment", externalId: c.commentId, reason }, group);
      this.writer.skip(c.commentId);
    };
    const article = this.articleOf.get(item.postId);
    if (!article || article.id === null) return skip(article?.skipReason ?? "its post was not imported");
    const typeSkip = commentTypeSkip(c.type);
    if (typeSkip) return skip(typeSkip);
    const status = mapCommentApproved(c.approved);
    if ("skip" in status) return skip(status.skip);
    if (c.overflow) return skip(`${c.overflow} is too large`);
    const mapped = commentFields(commentHtmlToText(c.content), { name: c.author, email: c.authorEmail, url: c.authorUrl, ip: c.authorIp, userAgent: c.agent });
    if (!mapped.ok) return skip(mapped.reason, mapped.reason.replace(/ \(.*\)$/, ""));
    for (const note of mapped.notes) addNote(report, { kind: "comment", externalId: c.commentId, reason: note });
    const date = firstDate(parseWpDate(c.dateGmt), parseWpDate(c.date));
    if (!date) addNote(report, { kind: "comment", externalId: c.commentId, reason: "no valid date in the file: dated the day of the import" });
    const parent = c.parent.trim();
    const userKey = c.userId.trim();
    let userId: number | null = null;
    if (userKey && userKey !== "0") {
      const author = this.authorById.get(userKey);
      if (author) userId = await this.user(author.login);
    }
    await this.writer.add({
      externalId: c.commentId,
      parentExternalId: parent && parent !== "0" ? parent : null,
      articleId: article.id,
      status: status.status,
      fields: mapped.fields,
      createdAt: date ?? new Date(),
      userId,
      detail: { approved: c.approved.trim(), post: item.postId },
    });
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

async function slugTaken(db: Db, slug: string): Promise<boolean> {
  const [current] = await db.select({ id: articles.id }).from(articles).where(eq(articles.slug, slug));
  if (current) return true;
  const [old] = await db.select({ articleId: articleSlugs.articleId }).from(articleSlugs).where(eq(articleSlugs.slug, slug));
  return Boolean(old);
}
