import "server-only";
import { and, eq, like } from "drizzle-orm";
import type { Readable } from "node:stream";
import { articleSlugs, articles, importIds } from "@/db/schema";
import type { Db } from "@/lib/db";
import { CommentWriter } from "./import-comments";
import { commentHtmlToText } from "./import-html";
import { withInputFile, type ImportOptions, type ImportProgress } from "./import-input";
import { commentFields, linkKey, parseIsoDate } from "./import-mappings";
import { addNote, addSkip, emptyReport, ImportFormatError, type ImportReport } from "./import-report";
import { canonicalPrefix, displayName, readXml, type XmlElement } from "./import-xml";

type DisqusThread = { id: string; line: number; link: string; identifier: string; title: string; forum: string };

type DisqusPost = {
  id: string;
  line: number;
  threadId: string;
  parentId: string;
  message: string;
  createdAt: string;
  isDeleted: string;
  isSpam: string;
  authorName: string;
  authorEmail: string;
  ipAddress: string;
  overflow: string | null;
};

type DisqusEvents = {
  thread: (t: DisqusThread) => void;
  post: (p: DisqusPost) => void;
  /** A <thread> without a dsq:id (or with its dsq: prefix bound to another namespace): its posts find no thread. */
  skipThread: (t: DisqusThread, reason: string, group: string) => void;
  /** A <post> that is not imported: no dsq:id, an id an earlier post has, no thread. `ownsId`: the id is its own (its replies know it was skipped). */
  skipPost: (p: DisqusPost, reason: string, group: string, ownsId: boolean) => void;
};

/** The id attribute of an element whose dsq: prefix is bound to another namespace (shown in the report only). */
const foreignId = (el: XmlElement) => Object.entries(el.attributes).find(([name]) => /^\{[^}]*\}id$/.test(name))?.[1]?.trim() ?? "";

/** Why an element has no dsq:id: its dsq: prefix is bound to another namespace, or the attribute is missing. */
function missingDsqId(el: XmlElement, what: string): { reason: string; group: string } {
  const uri = el.namespaces.dsq;
  if (uri !== undefined && canonicalPrefix(uri) !== "dsq") {
    return { reason: `its dsq: prefix is bound to the namespace "${uri.slice(0, 200)}", not to Disqus's`, group: "dsq: prefix bound to another namespace" };
  }
  return { reason: `the ${what} has no dsq:id`, group: `${what} without a dsq:id` };
}

/**
 * The Disqus reader: <disqus> with <category>, <thread dsq:id> (link, id,
 * forum, title) and <post dsq:id> (message, createdAt, isDeleted, isSpam,
 * author name/email, ipAddress, <thread dsq:id>, <parent dsq:id>). A file
 * whose root is not <disqus> is refused; an odd thread or post (no
 * dsq:id, a post id used twice, a post naming no thread) is passed to
 * skipThread or skipPost and the rest goes on. Both passes use it, so they
 * skip the same rows.
 */
function disqusHandlers(events: DisqusEvents) {
  let thread: DisqusThread | null = null;
  let threadSkip: { reason: string; group: string } | null = null;
  let post: DisqusPost | null = null;
  let postSkip: { reason: string; group: string } | null = null;
  const postIds = new Set<string>();
  return {
    open(el: XmlElement, path: readonly string[]) {
      const depth = path.length;
      if (depth === 0) {
        if (el.name !== "disqus") throw new ImportFormatError(`This is not a Disqus export: the root element is <${displayName(el.name)}>, not <disqus>`, el.line, el.column);
        return;
      }
      if (depth === 1 && el.name === "thread") {
        const id = (el.attributes["dsq:id"] ?? "").trim();
        threadSkip = id ? null : missingDsqId(el, "thread");
        thread = { id: id || foreignId(el), line: el.line, link: "", identifier: "", title: "", forum: "" };
      } else if (depth === 1 && el.name === "post") {
        const id = (el.attributes["dsq:id"] ?? "").trim();
        postSkip = id ? null : missingDsqId(el, "post");
        post = { id: id || foreignId(el), line: el.line, threadId: "", parentId: "", message: "", createdAt: "", isDeleted: "", isSpam: "", authorName: "", authorEmail: "", ipAddress: "", overflow: null };
      } else if (depth === 2 && post && path[1] === "post") {
        if (el.name === "thread") post.threadId = (el.attributes["dsq:id"] ?? "").trim();
        if (el.name === "parent") post.parentId = (el.attributes["dsq:id"] ?? "").trim();
      }
    },
    close(el: XmlElement, text: string, path: readonly string[], overflow: boolean) {
      const depth = path.length;
      if (depth === 1 && el.name === "thread" && thread) {
        if (threadSkip) events.skipThread(thread, threadSkip.reason, threadSkip.group);
        else events.thread(thread);
        thread = null;
      } else if (depth === 1 && el.name === "post" && post) {
        const p = post;
        post = null;
        if (postSkip) return events.skipPost(p, postSkip.reason, postSkip.group, false);
        if (postIds.has(p.id)) return events.skipPost(p, `post id ${p.id} appears twice in the file: only the first is imported`, "post id appears twice in the file", false);
        postIds.add(p.id);
        if (!p.threadId) return events.skipPost(p, "it names no thread", "names no thread", true);
        events.post(p);
      } else if (depth === 2 && thread && path[1] === "thread") {
        if (el.name === "link") thread.link = text.trim();
        else if (el.name === "id") thread.identifier = text.trim();
        else if (el.name === "title") thread.title = text.trim();
        else if (el.name === "forum") thread.forum = text.trim();
      } else if (depth === 2 && post && path[1] === "post") {
        if (overflow) post.overflow = el.name;
        else if (el.name === "message") post.message = text;
        else if (el.name === "createdAt") post.createdAt = text.trim();
        else if (el.name === "isDeleted") post.isDeleted = text.trim();
        else if (el.name === "isSpam") post.isSpam = text.trim();
        else if (el.name === "ipAddress") post.ipAddress = text.trim();
      } else if (depth === 3 && post && path[1] === "post" && path[2] === "author") {
        if (el.name === "name") post.authorName = text;
        else if (el.name === "email") post.authorEmail = text;
      }
    },
  };
}

type DisqusScan = { threads: Map<string, DisqusThread>; forum: string; posts: number; forwardReplies: Set<string> };

async function scanDisqus(file: string, onBytes: (bytes: number) => Promise<void> | void): Promise<DisqusScan> {
  const threads = new Map<string, DisqusThread>();
  const seen = new Set<string>();
  const candidates: [string, string][] = [];
  let forum = "";
  let posts = 0;
  await readXml(
    file,
    disqusHandlers({
      thread: (t) => {
        threads.set(t.id, t);
        forum ||= t.forum;
      },
      post: (p) => {
        posts++;
        seen.add(p.id);
        if (p.parentId && !seen.has(p.parentId)) candidates.push([p.id, p.parentId]);
      },
      skipThread: () => undefined,
      skipPost: () => {
        posts++;
      },
    }),
    { afterChunk: onBytes },
  );
  const forwardReplies = new Set<string>();
  for (const [child, parent] of candidates) if (seen.has(parent)) forwardReplies.add(child);
  return { threads, forum, posts, forwardReplies };
}

/**
 * Imports a Disqus export: comments only, with their threads, into the
 * articles they belong to. A thread is matched by its link: this site's
 * /articles/<slug> address, or the permalink of a post imported from a
 * WordPress export (kept in import_ids as `link:<address>`), or the
 * WordPress post id in Disqus's identifier ("123 https://…/?p=123").
 * Threads that match no article are reported and their comments skipped,
 * as are odd rows (no dsq:id, a post id used twice, a post naming no
 * thread), each with its line. Validated in a first pass (only a file that
 * is not well-formed XML or not a Disqus export is refused), written in
 * batches like the WXR import.
 */
export async function importDisqus(db: Db, input: string | NodeJS.ReadableStream | Readable, options: ImportOptions = {}): Promise<ImportReport> {
  return withInputFile(input, async (file, totalBytes) => {
    const started = Date.now();
    let scan: DisqusScan | null = null;
    const progress = (phase: ImportProgress["phase"], bytesRead: number, report: ImportReport | null) =>
      options.onProgress?.({ phase, bytesRead, totalBytes, articles: null, comments: report?.comments ?? null, totalComments: scan?.posts ?? null });
    scan = await scanDisqus(file, (bytes) => progress("validating", bytes, null));
    const source = `disqus:${scan.forum || "unknown"}`;
    const report = emptyReport("disqus", source);
    let bytesRead = 0;
    const writer = new CommentWriter(db, {
      source,
      report,
      origin: "Disqus",
      forwardReplies: scan.forwardReplies,
      batchSize: options.batchSize,
      pace: options.pace,
      afterBatch: () => progress("importing", bytesRead, report),
    });
    const articleOf = new Map<string, number | null>();
    const threads = scan.threads;
    const queue: (() => Promise<void>)[] = [];
    const handle = async (p: DisqusPost) => {
      const skip = (reason: string, group = reason) => {
        addSkip(report, { kind: "comment", externalId: p.id, reason, line: p.line }, group);
        writer.skip(p.id);
      };
      const thread = threads.get(p.threadId);
      if (!thread) return skip(`its thread ${p.threadId} is not in the file`, "thread not in the file");
      if (!articleOf.has(thread.id)) {
        const id = await matchThread(db, thread);
        articleOf.set(thread.id, id);
        if (id === null) addSkip(report, { kind: "thread", externalId: thread.id, reason: `no article matches ${thread.link || "(no link)"}${thread.title ? ` ("${thread.title.slice(0, 80)}")` : ""}`, line: thread.line }, "thread matches no article");
      }
      const articleId = articleOf.get(thread.id)!;
      if (articleId === null) return skip(`its thread ${thread.id} matches no article`, "on a thread that matches no article");
      if (p.overflow) return skip(`${p.overflow} is too large`);
      const mapped = commentFields(commentHtmlToText(p.message), { name: p.authorName, email: p.authorEmail, url: "", ip: p.ipAddress, userAgent: "" });
      if (!mapped.ok) return skip(mapped.reason, mapped.reason.replace(/ \(.*\)$/, ""));
      for (const note of mapped.notes) addNote(report, { kind: "comment", externalId: p.id, reason: note });
      const date = parseIsoDate(p.createdAt);
      if (!date) addNote(report, { kind: "comment", externalId: p.id, reason: "no valid date in the file: dated the day of the import" });
      const spam = p.isSpam === "true";
      const deleted = p.isDeleted === "true";
      await writer.add({
        externalId: p.id,
        parentExternalId: p.parentId || null,
        articleId,
        status: spam ? "spam" : deleted ? "trash" : "approved",
        fields: mapped.fields,
        createdAt: date ?? new Date(),
        userId: null,
        detail: { thread: thread.id, isSpam: spam, isDeleted: deleted },
      });
    };
    await readXml(
      file,
      disqusHandlers({
        thread: () => undefined,
        post: (p) => queue.push(() => handle(p)),
        skipThread: (t, reason, group) =>
          queue.push(async () => addSkip(report, { kind: "thread", externalId: t.id || "(no id)", reason, line: t.line }, group)),
        skipPost: (p, reason, group, ownsId) =>
          queue.push(async () => {
            addSkip(report, { kind: "comment", externalId: p.id || "(no id)", reason, line: p.line }, group);
            if (ownsId) writer.skip(p.id);
          }),
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

/** The article a Disqus thread belongs to, or null. */
async function matchThread(db: Db, thread: DisqusThread): Promise<number | null> {
  let url: URL | null = null;
  try {
    url = new URL(thread.link);
  } catch {
    url = null;
  }
  const ours = url ? /^\/articles\/([a-z0-9-]+)\/?$/.exec(url.pathname) : null;
  if (ours) {
    const [article] = await db.select({ id: articles.id }).from(articles).where(eq(articles.slug, ours[1]!));
    if (article) return article.id;
    const [old] = await db.select({ id: articleSlugs.articleId }).from(articleSlugs).where(eq(articleSlugs.slug, ours[1]!));
    if (old) return old.id;
  }
  const key = linkKey(thread.link);
  if (key) {
    const [mapped] = await db
      .select({ live: articles.id })
      .from(importIds)
      .innerJoin(articles, eq(articles.id, importIds.localId))
      .where(and(eq(importIds.kind, "article"), eq(importIds.externalId, key)))
      .limit(1);
    if (mapped) return mapped.live;
  }
  // The WordPress plugin's identifier: "<post id> <permalink>".
  const wp = /^(\d+)\s+https?:\/\/\S+$/.exec(thread.identifier);
  if (wp) {
    const found = await db
      .select({ live: articles.id })
      .from(importIds)
      .innerJoin(articles, eq(articles.id, importIds.localId))
      .where(and(eq(importIds.kind, "article"), eq(importIds.externalId, wp[1]!), like(importIds.source, "wxr:%")))
      .limit(2);
    if (found.length === 1) return found[0]!.live;
  }
  return null;
}
