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
import { canonicalPrefix, displayName, readXml, type XmlElement } from "./import-xml";
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
  /**
   * An item that is not imported, decided when its own fields are complete:
   * no valid wp:post_id, a post id an earlier item has, or a `wp:` prefix
   * bound to another namespace than WordPress's. Its comments are skipped
   * with it (skipComment).
   */
  skipItem: (item: WxrItem, reason: string, group: string) => void;
  /**
   * A comment that is not imported: its item is skipped, it has no valid
   * wp:comment_id, an earlier comment has its id (that one keeps it: a
   * reply naming the id goes to it), or its `wp:` prefix is bound to
   * another namespace.
   */
  skipComment: (comment: WxrComment, item: WxrItem, reason: string, group: string) => void;
};

const ID = /^\d+$/;

/** The namespace bound to `wp` at `el` when it is not WordPress's export namespace (else null). */
function foreignWp(el: XmlElement): string | null {
  const uri = el.prefix === "wp" ? el.uri : el.namespaces.wp;
  return uri !== undefined && canonicalPrefix(uri) !== "wp" ? uri : null;
}

const foreignReason = (uri: string) => `its wp: prefix is bound to the namespace "${uri.slice(0, 200)}", not to WordPress's export namespace`;
const FOREIGN_GROUP = "wp: prefix bound to another namespace";

/** The sentence for an id that is missing or not a number ("wp:post_id", "wp:comment_id"). */
function badId(field: string, id: string): string | null {
  if (ID.test(id)) return null;
  return id ? `${field} "${id.slice(0, 40)}" is not a number` : `no ${field}`;
}

/**
 * The WXR reader: turns sax's elements into channel, item and comment
 * records (WordPress's export.php: rss > channel > wp:author*, item*, each
 * item with its wp:comment children after its own fields). It refuses a
 * file that is not a WXR export (wrong root, no or an unknown
 * wp:wxr_version); an odd item or comment (an id missing or used twice, a
 * `wp:` prefix bound to another namespace) is passed to skipItem or
 * skipComment and the rest of the file goes on, the way WordPress's own
 * importer skips it. Both passes use it, so they skip the same rows.
 */
function wxrHandlers(events: WxrEvents) {
  const channel: Channel = { link: "", baseSiteUrl: "", baseBlogUrl: "", version: "" };
  const authors = new Map<string, WxrAuthor>();
  let author: WxrAuthor | null = null;
  let item: WxrItem | null = null;
  let itemAnnounced = false;
  /** Why the current item is skipped (null: imported); known once announced. */
  let itemSkip: string | null = null;
  /** A namespace other than WordPress's bound to `wp` on the item, an ancestor, or one of its own fields. */
  let itemForeign: string | null = null;
  let comment: WxrComment | null = null;
  let commentForeign: string | null = null;
  let channelAnnounced = false;
  /** Post id → the line of the item that has it; comment ids seen (numbers, a few bytes each). */
  const postLines = new Map<number, number>();
  const commentIds = new Set<number>();
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
    item.postId = item.postId.trim();
    let group = "";
    if (itemForeign !== null) {
      itemSkip = foreignReason(itemForeign);
      group = FOREIGN_GROUP;
    } else if ((itemSkip = badId("wp:post_id", item.postId)) !== null) {
      group = "no valid wp:post_id";
    } else {
      const first = postLines.get(Number(item.postId));
      if (first !== undefined) {
        itemSkip = `post id ${item.postId} appears twice in the file: only the item at line ${first} is imported`;
        group = "post id appears twice in the file";
      } else postLines.set(Number(item.postId), item.line);
    }
    if (itemSkip !== null) events.skipItem(item, itemSkip, group);
    else events.item(item);
  };
  const endComment = (c: WxrComment, of: WxrItem) => {
    c.commentId = c.commentId.trim();
    if (itemSkip !== null) return events.skipComment(c, of, `its item is not imported: ${itemSkip}`, "on an item that is not imported");
    if (commentForeign !== null) return events.skipComment(c, of, foreignReason(commentForeign), FOREIGN_GROUP);
    const bad = badId("wp:comment_id", c.commentId);
    if (bad !== null) return events.skipComment(c, of, bad, "no valid wp:comment_id");
    const id = Number(c.commentId);
    if (commentIds.has(id)) {
      return events.skipComment(c, of, `comment id ${c.commentId} appears twice in the file: only the first is imported`, "comment id appears twice in the file");
    }
    commentIds.add(id);
    events.comment(c, of);
  };
  /** A field's name; in a row with a foreign `wp:` prefix its fields are still read by their local names, for the report. */
  const fieldName = (el: XmlElement, foreign: boolean) => (foreign && el.prefix === "wp" ? `wp:${el.local}` : el.name);
  const isComment = (el: XmlElement) => el.name === "wp:comment" || (el.prefix === "wp" && el.local === "comment");
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
          itemSkip = null;
          itemForeign = foreignWp(el);
        } else if (el.name === "wp:author") {
          author = { id: "", login: "", email: "", displayName: "" };
        }
        return;
      }
      if (!item || path[2] !== "item") return;
      if (depth === 3 && isComment(el)) {
        announceItem();
        comment = emptyComment(el.line);
        commentForeign = foreignWp(el);
      } else if (comment) {
        commentForeign ??= foreignWp(el);
      } else if (!itemAnnounced) {
        itemForeign ??= foreignWp(el);
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
        if (comment && isComment(el)) {
          const c = comment;
          comment = null;
          endComment(c, item);
          commentForeign = null;
          return;
        }
        const key = ITEM_FIELDS[fieldName(el, itemForeign !== null)];
        if (key && key !== "line" && key !== "overflow") {
          if (overflow) item.overflow = el.name;
          else item[key] = text;
        }
        return;
      }
      if (comment && depth === 4 && path[2] === "item") {
        const key = COMMENT_FIELDS[fieldName(el, commentForeign !== null)];
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
      item: () => {
        items++;
        itemIds = new Set();
        candidates = [];
      },
      comment: (c) => {
        count++;
        itemIds.add(c.commentId);
        const parent = c.parent.trim();
        if (parent !== "" && parent !== "0" && !itemIds.has(parent)) candidates.push([c.commentId, parent]);
      },
      itemEnd: () => {
        for (const [child, parent] of candidates) if (itemIds.has(parent)) forwardReplies.add(child);
        candidates = [];
      },
      skipItem: () => {
        items++;
        itemIds = new Set();
        candidates = [];
      },
      skipComment: () => {
        count++;
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
 * pass checks the whole file (well-formed XML, a WXR channel) and writes
 * nothing; a malformed file throws ImportFormatError with its line and
 * column. An odd item or comment (an id missing or used twice, a `wp:`
 * prefix bound to another namespace) does not stop the import: it is
 * skipped and listed in the report with its line and the reason. Then a second streaming pass
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
        skipItem: (item, reason, group) => queue.push(async () => run.skipItem(item, reason, group)),
        skipComment: (c, _item, reason, group) => queue.push(async () => run.skipComment(c, reason, group)),
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

  /** An item the reader skipped (no valid id, an id used twice, a foreign namespace): reported with its line. */
  skipItem(item: WxrItem, reason: string, group: string): void {
    this.articleOf.clear();
    const title = item.title.trim() ? `; its title: "${item.title.trim().slice(0, 60)}"` : "";
    addSkip(this.report, { kind: "item", externalId: item.postId.trim() || "(no id)", reason: `${reason}${title}`, line: item.line }, group);
  }

  /**
   * A comment the reader skipped. Not passed to the writer's skip(): its id
   * is missing, foreign, or belongs to an earlier comment (whose replies
   * must still find it), or its whole item is skipped with its replies.
   */
  skipComment(c: WxrComment, reason: string, group: string): void {
    addSkip(this.report, { kind: "comment", externalId: c.commentId.trim() || "(no id)", reason, line: c.line }, group);
  }

  private async article(item: WxrItem): Promise<{ id: number | null; skipReason: string | null }> {
    const { report, source } = this;
    const type = item.postType.trim() || "post";
    if (type !== "post") {
      addSkip(report, { kind: "item", externalId: item.postId, reason: `post type "${type}" (only posts are imported)`, line: item.line });
      return { id: null, skipReason: `on a ${type}, which is not imported` };
    }
    const status = mapPostStatus(item.status.trim());
    if ("skip" in status) {
      addSkip(report, { kind: "article", externalId: item.postId, reason: status.skip, line: item.line });
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
      addSkip(report, { kind: "article", externalId: item.postId, reason: `${item.overflow} is too large`, line: item.line });
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
      addSkip(report, { kind: "article", externalId: item.postId, reason: over, line: item.line }, over.replace(/ \(.*\)$/, ""));
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
      addSkip(report, { kind: "comment", externalId: c.commentId, reason, line: c.line }, group);
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
