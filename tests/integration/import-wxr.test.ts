/**
 * The WordPress import (lib/porting/wxr-import.ts) on both stores, with the
 * project's WXR fixtures (tests/fixtures/wxr, written from WordPress's
 * wp-admin/includes/export.php): what a file with threads and every status
 * becomes, a second run, a deleted comment, an interrupted run, broken files.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { articles, commentEvents, comments, importIds, users } from "@/db/schema";
import { execute, getDb, rows, sql, storeOf } from "@/lib/db";
import { renderMarkdown } from "@/lib/articles/markdown";
import { formatReport, ImportFormatError, nothingNew } from "@/lib/porting/import-report";
import { importWxr } from "@/lib/porting/wxr-import";
import { createArticle, createUser } from "../support/factories";

const FIXTURES = path.join(process.cwd(), "tests/fixtures/wxr");
const SITE = path.join(FIXTURES, "site.xml");
const SOURCE = "wxr:https://oldblog.example.com";

async function counts() {
  const [row] = await rows<Record<string, number | string>>(
    getDb(),
    sql`select (select count(*) from articles) as "articles", (select count(*) from comments) as "comments",
               (select count(*) from users) as "users", (select count(*) from comment_events) as "events",
               (select count(*) from import_ids) as "importIds", (select count(*) from article_events) as "articleEvents",
               (select count(*) from akismet_outbox) as "akismet", (select count(*) from mail_outbox) as "mail"`,
  );
  return Object.fromEntries(Object.entries(row!).map(([k, v]) => [k, Number(v)])) as Record<
    "articles" | "comments" | "users" | "events" | "importIds" | "articleEvents" | "akismet" | "mail",
    number
  >;
}

/** The local row each comment id of the file became. */
async function localComments(source = SOURCE): Promise<Map<string, typeof comments.$inferSelect>> {
  const mapped = await getDb()
    .select({ externalId: importIds.externalId, comment: comments })
    .from(importIds)
    .innerJoin(comments, eq(comments.id, importIds.localId))
    .where(and(eq(importIds.source, source), eq(importIds.kind, "comment")));
  return new Map(mapped.map((m) => [m.externalId, m.comment]));
}

/** The line (1-based) of the `nth` line of `file` that contains `marker`. */
function lineOf(file: string, marker: string, nth = 1): number {
  const lines = fs.readFileSync(file, "utf8").split("\n");
  let seen = 0;
  for (let i = 0; i < lines.length; i++) if (lines[i]!.includes(marker) && ++seen === nth) return i + 1;
  throw new Error(`${marker} (${nth}) is not in ${file}`);
}

async function articleTitles(): Promise<string[]> {
  return (await getDb().select({ title: articles.title }).from(articles)).map((a) => a.title).sort();
}

async function articleBySlug(slug: string) {
  const [row] = await getDb().select().from(articles).where(eq(articles.slug, slug));
  return row;
}

describe(`WXR import (${storeOf(getDb())})`, () => {
  // Each test starts from an empty site (the file's database is shared by its tests); deleting
  // the articles takes their threads and history with them.
  beforeEach(async () => {
    for (const table of ["import_ids", "articles", "users"]) {
      await execute(getDb(), sql.raw(`delete from ${table}`));
    }
  });

  it("imports posts, authors and every comment with its thread and status, and reports every skip", async () => {
    const bob = await createUser({ email: "bob@example.com", name: "Bob Existing", role: "editor" });
    const other = await createArticle({ slug: "taken-slug", title: "An article already here" });
    const before = await counts();
    const report = await importWxr(getDb(), SITE);

    expect(report.source).toBe(SOURCE);
    expect(report.articles).toEqual({ imported: 4, alreadyImported: 0, skipped: 4 });
    expect(report.comments).toEqual({ imported: 13, alreadyImported: 0, skipped: 6 });
    expect(report.users).toEqual({ created: 1, reused: 1 });
    const skipped = Object.fromEntries(report.skipped.map((s) => [`${s.kind} ${s.externalId}`, s.reason]));
    expect(skipped).toEqual({
      "item 102": 'post type "page" (only posts are imported)',
      "comment 2001": "on a page, which is not imported",
      "article 104": "post in the WordPress trash",
      "item 105": 'post type "attachment" (only posts are imported)',
      "item 108": 'post type "nav_menu_item" (only posts are imported)',
      "comment 1008": "pingback (pingbacks and trackbacks are not imported)",
      "comment 1009": "trackback (pingbacks and trackbacks are not imported)",
      "comment 1011": "author name too long (246 characters; at most 245)",
      "comment 1015": 'unknown comment status "weird"',
      "comment 1016": "author name contains an invisible or control character (U+200B)",
    });

    // Articles: status, slug, dates, author, markdown body, summary.
    const hello = (await articleBySlug("hello-world"))!;
    const alice = (await getDb().select().from(users).where(eq(users.email, "alice@oldblog.example.com")))[0]!;
    expect(alice).toMatchObject({ name: "Alice Writer", role: "editor", passwordHash: null });
    expect(hello).toMatchObject({ title: "Hello world", status: "published", authorId: alice.id, summary: "The first post & more.", commentsOpen: true });
    expect(hello.publishedAt?.toISOString()).toBe("2024-03-05T10:00:00.000Z");
    expect(hello.body).toContain("Welcome to the **new** site.  \nThis line follows a single line break.\n\nSecond paragraph with an emoji 🎉 and Arabic: مرحبا بالعالم.");
    expect(hello.body).toContain("-   ~~Old~~ point");
    expect(hello.body).toMatch(/\| Year +\| Readers +\|\n\| -+ \| -+ \|\n\| 2023 +\| 1,200 +\|/);
    expect(hello.body).toContain("A code sample ends with \\]\\]> here.");
    const html = renderMarkdown(hello.body);
    expect(html).toContain("<p>Second paragraph with an emoji 🎉 and Arabic: مرحبا بالعالم.</p>");
    expect(html).toContain("<p>A code sample ends with ]]> here.</p>");
    expect(hello.body).not.toContain("alert");
    const draft = (await articleBySlug("a-draft-without-a-date"))!;
    expect(draft).toMatchObject({ status: "draft", publishedAt: null, commentsOpen: false });
    expect(draft.createdAt.toISOString()).toBe("2024-03-08T09:00:00.000Z");
    expect(await articleBySlug("tom-jerry")).toMatchObject({ title: "Tom & Jerry", status: "in_review", body: "Block editor paragraph." });
    const renamed = (await articleBySlug("taken-slug-2"))!;
    expect(renamed).toMatchObject({ title: "Taken slug", authorId: bob.id });
    expect((await articleBySlug("taken-slug"))!.id).toBe(other.id);
    expect(report.notes).toContainEqual({ kind: "article", externalId: "106", reason: 'the slug "taken-slug" belongs to another article: imported as "taken-slug-2"' });
    expect(await articleBySlug("about")).toBeUndefined();
    expect(await articleBySlug("binned")).toBeUndefined();

    // Comments: thread, status, fields.
    const c = await localComments();
    expect([...c.keys()].sort()).toEqual(["1001", "1002", "1003", "1004", "1005", "1006", "1007", "1010", "1012", "1013", "1014", "1017", "3001"]);
    const status = (id: string) => c.get(id)!.status;
    expect([status("1001"), status("1004"), status("1005"), status("1006"), status("1007")]).toEqual(["approved", "pending", "spam", "trash", "trash"]);
    expect(c.get("1002")!.parentId).toBe(c.get("1001")!.id);
    expect(c.get("1004")!.parentId).toBe(c.get("1003")!.id); // its parent came later in the file
    expect(c.get("1014")!.parentId).toBe(c.get("1001")!.id);
    expect(c.get("1010")!.parentId).toBeNull(); // parent 999 is not in the file
    expect(c.get("1017")!.parentId).toBeNull(); // parent 1008 is a pingback
    expect(report.notes).toContainEqual({ kind: "comment", externalId: "1010", reason: "imported at the top level: its parent 999 is not in the file" });
    expect(report.notes).toContainEqual({ kind: "comment", externalId: "1017", reason: "imported at the top level: its parent 1008 was skipped" });
    expect(c.get("1001")).toMatchObject({
      articleId: hello.id,
      authorName: "Reader One 😀",
      authorEmail: "one@example.org",
      authorUrl: "https://one.example.org",
      content: "First! Great post 🎉 — مرحبا\n\nSecond paragraph of my comment.",
      ip: "203.0.113.7",
      ipKey: "203.0.113.7",
      userAgent: "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0",
      spamCheckState: "skipped",
      statusReason: "Imported from WordPress",
      spamCheck: null,
      notifyReplies: false,
      userId: null,
    });
    expect(c.get("1001")!.createdAt.toISOString()).toBe("2024-03-05T11:00:00.000Z");
    expect(c.get("1002")).toMatchObject({ content: "I agree with this article (https://example.net/why) & more.", ip: "2001:db8::1", ipKey: "2001:db8:0:0::/64" });
    expect(c.get("1003")!.content).toBe("Code: a[b[0]]> c");
    expect(c.get("1012")!.content).toBe("NUL here:. Override:gnp.exe. Zero\u200Bwidth <kept> \u201Cquotes\u201D");
    expect(c.get("1013")!.authorUrl).toBe("");
    expect(report.notes).toContainEqual({ kind: "comment", externalId: "1013", reason: "website left out: not an http(s) address" });
    expect(c.get("1014")!.userId).toBe(alice.id);
    expect(c.get("1017")!.ip).toBe("");
    expect(c.get("3001")!.articleId).toBe(renamed.id);

    // One history event per comment; no Akismet call or mail queued.
    const events = await getDb().select().from(commentEvents).where(eq(commentEvents.type, "imported"));
    expect(events).toHaveLength(13);
    expect(events.find((e) => e.commentId === c.get("1005")!.id)).toMatchObject({ toStatus: "spam", message: "Imported from WordPress (comment 1005)" });
    const after = await counts();
    expect(after.akismet - before.akismet).toBe(0);
    expect(after.mail - before.mail).toBe(0);
    // The WordPress permalink is kept for the Disqus import.
    const [link] = await getDb().select().from(importIds).where(eq(importIds.externalId, "link:oldblog.example.com/2024/03/hello-world"));
    expect(link?.localId).toBe(hello.id);
  });

  it("never hands an author's posts and comments to a reader account registered with their address", async () => {
    const squatter = await createUser({ email: "Alice@oldblog.example.com", name: "Not Alice", role: "reader" });
    const report = await importWxr(getDb(), SITE);
    expect(report.users).toEqual({ created: 1, reused: 0 });
    expect(report.notes).toContainEqual(
      expect.objectContaining({ kind: "item", externalId: "author alice", reason: expect.stringContaining("a reader account registered here has the author's email") }),
    );
    const owned = await getDb().select({ id: articles.id }).from(articles).where(eq(articles.authorId, squatter.id));
    expect(owned).toHaveLength(0);
    const theirs = await getDb().select({ id: comments.id }).from(comments).where(eq(comments.userId, squatter.id));
    expect(theirs).toHaveLength(0);
  });

  it("keeps a reply on its own article: a parent on another article is not followed", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wxr-"));
    const file = path.join(dir, "cross.xml");
    const stray = `<wp:comment><wp:comment_id>1098</wp:comment_id><wp:comment_author><![CDATA[Stray]]></wp:comment_author><wp:comment_author_email>stray@example.org</wp:comment_author_email><wp:comment_author_url></wp:comment_author_url><wp:comment_author_IP>192.0.2.98</wp:comment_author_IP><wp:comment_date>2024-03-09 10:00:00</wp:comment_date><wp:comment_date_gmt>2024-03-09 10:00:00</wp:comment_date_gmt><wp:comment_content><![CDATA[A reply that names another post's comment]]></wp:comment_content><wp:comment_approved>1</wp:comment_approved><wp:comment_type>comment</wp:comment_type><wp:comment_parent>1001</wp:comment_parent><wp:comment_user_id>0</wp:comment_user_id></wp:comment>`;
    const parts = fs.readFileSync(SITE, "utf8").split("</item>");
    parts[2] = `${parts[2]}${stray}`; // the third item: another post than 1001's
    fs.writeFileSync(file, parts.join("</item>"));
    try {
      const report = await importWxr(getDb(), file);
      const local = await localComments();
      const reply = local.get("1098")!;
      expect(reply).toMatchObject({ parentId: null, content: "A reply that names another post's comment" });
      expect(reply.articleId).not.toBe(local.get("1001")!.articleId);
      expect(report.notes).toContainEqual({ kind: "comment", externalId: "1098", reason: "imported at the top level: its parent 1001 is on another article" });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a second run changes nothing and says everything was already imported", async () => {
    await importWxr(getDb(), SITE);
    const before = await counts();
    const second = await importWxr(getDb(), SITE);
    expect(await counts()).toEqual(before);
    expect(second.articles).toEqual({ imported: 0, alreadyImported: 4, skipped: 4 });
    expect(second.comments).toEqual({ imported: 0, alreadyImported: 13, skipped: 6 });
    expect(second.users).toEqual({ created: 0, reused: 0 });
    expect(nothingNew(second)).toBe(true);
  });

  it("a comment deleted since its import is not brought back; a new reply to it goes to the top level", async () => {
    await importWxr(getDb(), SITE);
    const first = (await localComments()).get("1001")!;
    await execute(getDb(), sql`delete from comments where id = ${first.id}`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wxr-"));
    const file = path.join(dir, "more.xml");
    const extra = `<wp:comment><wp:comment_id>1099</wp:comment_id><wp:comment_author><![CDATA[Late]]></wp:comment_author><wp:comment_author_email>late@example.org</wp:comment_author_email><wp:comment_author_url></wp:comment_author_url><wp:comment_author_IP>192.0.2.99</wp:comment_author_IP><wp:comment_date>2024-03-09 10:00:00</wp:comment_date><wp:comment_date_gmt>2024-03-09 10:00:00</wp:comment_date_gmt><wp:comment_content><![CDATA[A late reply]]></wp:comment_content><wp:comment_approved>1</wp:comment_approved><wp:comment_type>comment</wp:comment_type><wp:comment_parent>1001</wp:comment_parent><wp:comment_user_id>0</wp:comment_user_id></wp:comment>`;
    fs.writeFileSync(file, fs.readFileSync(SITE, "utf8").replace("</item>", `${extra}</item>`));
    try {
      const before = await counts();
      const report = await importWxr(getDb(), file);
      expect(report.comments).toEqual({ imported: 1, alreadyImported: 13, skipped: 6 });
      expect(report.deletedSinceImport).toBe(1);
      const after = await localComments();
      expect(after.has("1001")).toBe(false);
      expect(after.get("1099")).toMatchObject({ parentId: null, content: "A late reply" });
      expect(report.notes).toContainEqual({ kind: "comment", externalId: "1099", reason: "imported at the top level: its parent 1001 was deleted since an earlier import" });
      expect((await counts()).comments).toBe(before.comments + 1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("an interrupted run resumes where it stopped and ends with the same rows as one run", async () => {
    let batches = 0;
    await expect(
      importWxr(getDb(), SITE, {
        batchSize: 3,
        onProgress: (p) => {
          if (p.phase === "importing" && ++batches === 2) throw new Error("the process was stopped");
        },
      }),
    ).rejects.toThrow("the process was stopped");
    const partial = await counts();
    expect(partial.comments).toBeGreaterThan(0);
    expect(partial.comments).toBeLessThan(13);
    const report = await importWxr(getDb(), SITE, { batchSize: 3 });
    expect(report.comments.imported + report.comments.alreadyImported).toBe(13);
    expect(report.comments.alreadyImported).toBe(partial.comments);
    const c = await localComments();
    expect(c.size).toBe(13);
    expect(c.get("1004")!.parentId).toBe(c.get("1003")!.id);
    expect(c.get("1002")!.parentId).toBe(c.get("1001")!.id);
    expect((await counts()).events).toBe(13);
  });

  it("reads a stream as well as a path", async () => {
    const report = await importWxr(getDb(), fs.createReadStream(SITE));
    expect(report.comments.imported).toBe(13);
  });

  it("skips an item whose post id an earlier item has and a comment whose id an earlier comment has, imports the rest, and lists the skipped ones with their lines", async () => {
    const file = path.join(FIXTURES, "duplicate-post-id.xml");
    const source = "wxr:https://smallblog.example.com";
    const report = await importWxr(getDb(), file);
    expect(report.articles).toEqual({ imported: 3, alreadyImported: 0, skipped: 1 });
    expect(report.comments).toEqual({ imported: 4, alreadyImported: 0, skipped: 2 });
    expect(await articleTitles()).toEqual(["First post", "Second post", "Third post"]);
    expect(report.skipped).toEqual([
      {
        kind: "comment",
        externalId: "402",
        line: lineOf(file, "<wp:comment_id>402<", 2) - 1,
        reason: "comment id 402 appears twice in the file: only the first is imported",
      },
      {
        kind: "item",
        externalId: "201",
        line: lineOf(file, "<item>", 3),
        reason: `post id 201 appears twice in the file: only the item at line ${lineOf(file, "<item>", 1)} is imported; its title: "First post, exported twice"`,
      },
      {
        kind: "comment",
        externalId: "405",
        line: lineOf(file, "<wp:comment_id>405<") - 1,
        reason: `its item is not imported: post id 201 appears twice in the file: only the item at line ${lineOf(file, "<item>", 1)} is imported`,
      },
    ]);
    expect(report.skippedByReason).toEqual({ "comment id appears twice in the file": 1, "post id appears twice in the file": 1, "on an item that is not imported": 1 });
    // The first of each id is the one imported, with its thread.
    const c = await localComments(source);
    expect([...c.keys()].sort()).toEqual(["401", "402", "403", "404"]);
    expect(c.get("402")).toMatchObject({ content: "Comment 402, a reply to 401", parentId: c.get("401")!.id });
    expect(c.get("403")!.parentId).toBe(c.get("402")!.id);
    const first = (await articleBySlug("first-post"))!;
    expect(first).toMatchObject({ title: "First post", body: "The first post." });
    expect(c.get("401")!.articleId).toBe(first.id);
    expect(await articleBySlug("first-post-copy")).toBeUndefined();
    // What the command line prints (lib/porting/import-cli.ts prints formatReport).
    const text = formatReport(report);
    expect(text).toContain(`line ${lineOf(file, "<item>", 3)}, item 201: post id 201 appears twice in the file`);
    expect(text).toContain(`line ${lineOf(file, "<wp:comment_id>402<", 2) - 1}, comment 402: comment id 402 appears twice in the file`);

    // A second run changes nothing and skips the same rows.
    const before = await counts();
    const second = await importWxr(getDb(), file);
    expect(await counts()).toEqual(before);
    expect(second.articles).toEqual({ imported: 0, alreadyImported: 3, skipped: 1 });
    expect(second.comments).toEqual({ imported: 0, alreadyImported: 4, skipped: 2 });
    expect(second.skipped).toEqual(report.skipped);
    expect(nothingNew(second)).toBe(true);
  });

  it("an interrupted import of a file with a duplicated post id resumes without importing anything twice", async () => {
    const file = path.join(FIXTURES, "duplicate-post-id.xml");
    let batches = 0;
    await expect(
      importWxr(getDb(), file, {
        batchSize: 1,
        onProgress: (p) => {
          if (p.phase === "importing" && ++batches === 2) throw new Error("the process was stopped");
        },
      }),
    ).rejects.toThrow("the process was stopped");
    const partial = await counts();
    expect(partial.comments).toBeGreaterThan(0);
    expect(partial.comments).toBeLessThan(4);
    const report = await importWxr(getDb(), file, { batchSize: 1 });
    expect(report.comments.imported + report.comments.alreadyImported).toBe(4);
    expect(report.comments.skipped).toBe(2);
    expect(report.articles.imported + report.articles.alreadyImported).toBe(3);
    expect(await articleTitles()).toEqual(["First post", "Second post", "Third post"]);
    const c = await localComments("wxr:https://smallblog.example.com");
    expect([...c.keys()].sort()).toEqual(["401", "402", "403", "404"]);
    expect(c.get("403")!.parentId).toBe(c.get("402")!.id);
    const after = await counts();
    expect(after.comments).toBe(4);
    expect(after.events).toBe(4);
  });

  it("skips an item or a comment whose wp: prefix is bound to another namespace than WordPress's, and imports the rest", async () => {
    const file = path.join(FIXTURES, "foreign-namespace.xml");
    const report = await importWxr(getDb(), file);
    expect(report.articles).toEqual({ imported: 2, alreadyImported: 0, skipped: 2 });
    expect(report.comments).toEqual({ imported: 2, alreadyImported: 0, skipped: 2 });
    expect(await articleTitles()).toEqual(["Also kept", "Kept post"]);
    const foreign = (uri: string) => `its wp: prefix is bound to the namespace "${uri}", not to WordPress's export namespace`;
    expect(report.skipped).toEqual([
      { kind: "comment", externalId: "502", line: lineOf(file, '<wp:comment xmlns:wp="http://example.com/not-wordpress/">'), reason: foreign("http://example.com/not-wordpress/") },
      { kind: "item", externalId: "302", line: lineOf(file, '<item xmlns:wp="http://example.com/not-wordpress/">'), reason: `${foreign("http://example.com/not-wordpress/")}; its title: "Foreign item"` },
      { kind: "comment", externalId: "504", line: lineOf(file, "<wp:comment_id>504<") - 1, reason: `its item is not imported: ${foreign("http://example.com/not-wordpress/")}` },
      { kind: "item", externalId: "303", line: lineOf(file, "<title><![CDATA[Foreign status]]>") - 1, reason: `${foreign("urn:example:workflow")}; its title: "Foreign status"` },
    ]);
    expect(report.skippedByReason).toEqual({ "wp: prefix bound to another namespace": 3, "on an item that is not imported": 1 });
    const c = await localComments("wxr:https://otherblog.example.com");
    expect([...c.keys()].sort()).toEqual(["501", "503"]);
    expect(c.get("503")!.parentId).toBe(c.get("501")!.id);
    expect(await articleBySlug("foreign-item")).toBeUndefined();
    expect(await articleBySlug("foreign-status")).toBeUndefined();

    const before = await counts();
    const second = await importWxr(getDb(), file);
    expect(await counts()).toEqual(before);
    expect(second.articles).toEqual({ imported: 0, alreadyImported: 2, skipped: 2 });
    expect(second.comments).toEqual({ imported: 0, alreadyImported: 2, skipped: 2 });
  });

  it("skips an item without a wp:post_id with its comments, and a comment without a wp:comment_id, and imports the rest", async () => {
    const noPostId = path.join(FIXTURES, "missing-post-id.xml");
    const report = await importWxr(getDb(), noPostId);
    expect(report.articles).toEqual({ imported: 3, alreadyImported: 0, skipped: 5 });
    expect(report.comments).toEqual({ imported: 12, alreadyImported: 0, skipped: 7 });
    const itemLine = lineOf(noPostId, "<title><![CDATA[Taken slug]]></title>") - 1;
    expect(report.skipped).toContainEqual({ kind: "item", externalId: "(no id)", line: itemLine, reason: 'no wp:post_id; its title: "Taken slug"' });
    expect(report.skipped).toContainEqual({ kind: "comment", externalId: "3001", line: lineOf(noPostId, "<wp:comment_id>3001<") - 1, reason: "its item is not imported: no wp:post_id" });
    expect(await articleBySlug("taken-slug")).toBeUndefined();
    expect(await articleBySlug("hello-world")).toBeDefined();

    await execute(getDb(), sql.raw("delete from import_ids"));
    await execute(getDb(), sql.raw("delete from articles"));
    const noCommentId = path.join(FIXTURES, "missing-comment-id.xml");
    const second = await importWxr(getDb(), noCommentId);
    expect(second.articles).toEqual({ imported: 4, alreadyImported: 0, skipped: 4 });
    expect(second.comments).toEqual({ imported: 12, alreadyImported: 0, skipped: 7 });
    const commentLine = lineOf(noCommentId, "<wp:comment_author><![CDATA[Cdata Person]]>") - 2;
    expect(second.skipped).toContainEqual({ kind: "comment", externalId: "(no id)", line: commentLine, reason: "no wp:comment_id" });
    const c = await localComments();
    expect(c.has("1004")).toBe(true);
    expect(c.get("1004")!.parentId).toBeNull();
  });

  it.each([
    ["truncated.xml", /^The file is not well-formed XML: Unclosed root tag \(line \d+, column \d+\)$/],
    ["not-xml.xml", /^This is not an XML file: Non-whitespace before first tag \(line 1, column 1\)$/],
    ["wrong-root.xml", /^This is not a WordPress export \(WXR\): the root element is <feed>, not <rss> \(line 2/],
    // Good items before the error are not written either: the whole file is checked first.
    ["malformed.xml", /^The file is not well-formed XML: Unexpected close tag \(line 94, column \d+\)$/],
    ["not-wxr.xml", /^This is not a WordPress export \(WXR\): the channel has no wp:wxr_version \(line 8, column \d+\)$/],
  ])("a broken file (%s) leaves the database unchanged and says why", async (name, message) => {
    const before = await counts();
    const error = await importWxr(getDb(), path.join(FIXTURES, name)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportFormatError);
    expect((error as Error).message).toMatch(message);
    expect(await counts()).toEqual(before);
  });
});
