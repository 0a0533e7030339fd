/**
 * The WXR export (lib/porting/wxr-export.ts) of a fixture site: threads,
 * every status, odd characters, a deleted comment whose replies were kept.
 * The file must be well-formed XML laid out as WordPress's export.php writes
 * it, and hold exactly what the site holds.
 */
import { execFile } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { comments, editorReviews, type Comment } from "@/db/schema";
import { renderMarkdown } from "@/lib/articles/markdown";
import { deleteCommentsKeepingReplies } from "@/lib/comments/removal";
import { getDb } from "@/lib/db";
import { newWxrStats, wxrExport, type WxrStats } from "@/lib/porting/wxr-export";
import { createArticle, createComment, createUser } from "../support/factories";
import { TMP_DIR } from "../support/paths";
import { all, one, parseXml, textOf, type XmlNode } from "../support/xml-tree";
import { TSX_NODE_ARGS } from "../../scripts/lib/tsx-node-args";

const run = promisify(execFile);

const SITE = "https://news.example.org";
const NOW = new Date(Date.UTC(2026, 5, 1, 12));
const ODD_TITLE = "Ünïcode & <tags> — “quotes” 😀 שלום ]]> end\u0001";
const ODD_BODY = "Para with **bold** & ]]> and <script>alert(1)</script> 😀\n\n- one\n- two\n\nمرحبا [link](https://example.com/?a=1&b=2)";
const ODD_COMMENT = "a]]>b <script>x()</script> & 😀 \u0001שלום\nsecond line";

const at = (minutes: number) => new Date(Date.UTC(2024, 2, 1, 10, minutes));

async function collect(parts: AsyncIterable<string>): Promise<string> {
  let text = "";
  for await (const part of parts) text += part;
  return text;
}

let fixture: Awaited<ReturnType<typeof buildSite>>;
let xml: string;
let stats: WxrStats;

async function buildSite() {
  const db = getDb();
  const editor = await createUser({ role: "editor", name: "Edna “Editor”", email: "edna@example.com" });
  const reader = await createUser({ role: "reader", name: "Rita Reader" });
  const published = await createArticle({
    title: ODD_TITLE,
    slug: "odd-one",
    summary: "Sum & <mary> ]]> 😀",
    body: ODD_BODY,
    authorId: editor.id,
    publishedAt: new Date(Date.UTC(2024, 1, 29, 8, 15, 30)),
    source: "Wire & Co",
    heroImageUrl: "/images/hero.jpg",
    heroImageAlt: "A hero",
    heroImageCaption: "Reuters photo",
  });
  await db.insert(editorReviews).values({
    articleId: published.id,
    reviewerId: editor.id,
    rating: 4,
    headline: "Solid & <sourced>",
    summary: "Good",
    criteria: [{ name: "Sourcing", score: 5, note: "]]> fine" }],
    status: "published",
    publishedAt: new Date(Date.UTC(2024, 2, 2)),
  });
  const inReview = await createArticle({ status: "in_review", publishedAt: null, authorId: editor.id, slug: "in-review-one" });
  const draft = await createArticle({ status: "draft", publishedAt: null, commentsOpen: false, slug: "draft-one" });

  const c = (overrides: Partial<Comment>) => createComment(published.id, overrides);
  const top = await c({ authorName: "Guest Top", authorEmail: "top@example.com", authorUrl: "https://top.example/?x=1&y=2", ip: "2001:db8::1", userAgent: "Mozilla/5.0 (Top) <Gecko>", createdAt: at(0) });
  const reply1 = await c({ parentId: top.id, status: "pending", ip: "203.0.113.5", createdAt: at(1) });
  const reply2 = await c({ parentId: reply1.id, userId: editor.id, authorName: editor.name, authorEmail: editor.email, createdAt: at(2) });
  const spam = await c({ status: "spam", authorName: "Spammer", createdAt: at(3) });
  const trash = await c({ status: "trash", createdAt: at(4) });
  const gone = await c({ authorName: "Gone", createdAt: at(5) });
  const keptA = await c({ parentId: gone.id, createdAt: at(6) });
  const keptB = await c({ parentId: gone.id, status: "pending", createdAt: at(7) });
  const top2 = await c({ createdAt: at(8) });
  const middle = await c({ parentId: top2.id, createdAt: at(9) });
  const leaf = await c({ parentId: middle.id, createdAt: at(10) });
  const odd = await c({ content: ODD_COMMENT, userId: reader.id, authorName: "Rita\u0001 “R” <b>", createdAt: at(11) });
  await deleteCommentsKeepingReplies(db, [gone.id, middle.id], { actor: null, how: "deleted by a test" });
  const onReview = await createComment(inReview.id, { status: "pending", createdAt: at(12) });
  return { editor, reader, published, inReview, draft, top, reply1, reply2, spam, trash, gone, keptA, keptB, top2, middle, leaf, odd, onReview };
}

beforeAll(async () => {
  fixture = await buildSite();
  stats = newWxrStats();
  xml = await collect(wxrExport(getDb(), { siteUrl: SITE, now: NOW, stats }));
});

const channel = () => one(one(parseXml(xml), "rss"), "channel");
const items = () => all(channel(), "item");
const itemFor = (id: number) => items().find((i) => textOf(i, "wp:post_id") === String(id))!;
const commentsOf = (item: XmlNode) => all(item, "wp:comment");
const commentFor = (item: XmlNode, id: number) => commentsOf(item).find((c) => textOf(c, "wp:comment_id") === String(id))!;

describe("WXR export of a fixture site", () => {
  it("is well-formed XML with WordPress's rss root, namespaces and channel header", () => {
    const rss = one(parseXml(xml), "rss");
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8" ?>\n')).toBe(true);
    expect(rss.attributes).toEqual({
      version: "2.0",
      "xmlns:excerpt": "http://wordpress.org/export/1.2/excerpt/",
      "xmlns:content": "http://purl.org/rss/1.0/modules/content/",
      "xmlns:wfw": "http://wellformedweb.org/CommentAPI/",
      "xmlns:dc": "http://purl.org/dc/elements/1.1/",
      "xmlns:wp": "http://wordpress.org/export/1.2/",
    });
    const ch = channel();
    expect(textOf(ch, "title")).toBe("The Newsroom");
    expect(textOf(ch, "link")).toBe(SITE);
    expect(textOf(ch, "description")).not.toBe("");
    expect(textOf(ch, "pubDate")).toBe("Mon, 01 Jun 2026 12:00:00 +0000");
    expect(textOf(ch, "language")).toBe("en");
    expect(textOf(ch, "wp:wxr_version")).toBe("1.2");
    expect(textOf(ch, "wp:base_site_url")).toBe(SITE);
    expect(textOf(ch, "wp:base_blog_url")).toBe(SITE);
  });

  it("lists the article authors (and only them) as wp:author", () => {
    const authors = all(channel(), "wp:author");
    expect(authors).toHaveLength(1);
    const a = authors[0]!;
    expect(textOf(a, "wp:author_id")).toBe(String(fixture.editor.id));
    expect(textOf(a, "wp:author_login")).toBe("edna@example.com");
    expect(textOf(a, "wp:author_email")).toBe("edna@example.com");
    expect(textOf(a, "wp:author_display_name")).toBe("Edna “Editor”");
    expect(stats.authors).toBe(1);
  });

  it("writes every article as a post item with WordPress's fields", () => {
    expect(items().map((i) => textOf(i, "wp:post_id"))).toEqual([fixture.published, fixture.inReview, fixture.draft].map((a) => String(a.id)));
    const item = itemFor(fixture.published.id);
    expect(textOf(item, "title")).toBe("Ünïcode &amp; &lt;tags&gt; — “quotes” 😀 שלום ]]&gt; end");
    expect(textOf(item, "link")).toBe(`${SITE}/articles/odd-one`);
    expect(textOf(item, "pubDate")).toBe("Thu, 29 Feb 2024 08:15:30 +0000");
    expect(textOf(item, "dc:creator")).toBe("edna@example.com");
    expect(one(item, "guid").attributes).toEqual({ isPermaLink: "false" });
    expect(textOf(item, "guid")).toBe(`${SITE}/?p=${fixture.published.id}`);
    expect(textOf(item, "description")).toBe("");
    expect(textOf(item, "content:encoded")).toBe(renderMarkdown(ODD_BODY));
    expect(textOf(item, "content:encoded")).toContain("<strong>bold</strong> &#x26; ]]>");
    expect(textOf(item, "content:encoded")).not.toContain("<script>");
    expect(textOf(item, "excerpt:encoded")).toBe("Sum &amp; &lt;mary&gt; ]]&gt; 😀");
    expect(textOf(item, "wp:post_date")).toBe("2024-02-29 08:15:30");
    expect(textOf(item, "wp:post_date_gmt")).toBe("2024-02-29 08:15:30");
    expect(textOf(item, "wp:post_modified_gmt")).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(textOf(item, "wp:comment_status")).toBe("open");
    expect(textOf(item, "wp:ping_status")).toBe("closed");
    expect(textOf(item, "wp:post_name")).toBe("odd-one");
    expect(textOf(item, "wp:status")).toBe("publish");
    expect(textOf(item, "wp:post_parent")).toBe("0");
    expect(textOf(item, "wp:menu_order")).toBe("0");
    expect(textOf(item, "wp:post_type")).toBe("post");
    expect(textOf(item, "wp:post_password")).toBe("");
    expect(textOf(item, "wp:is_sticky")).toBe("0");

    expect(textOf(itemFor(fixture.inReview.id), "wp:status")).toBe("pending");
    const draft = itemFor(fixture.draft.id);
    expect(textOf(draft, "wp:status")).toBe("draft");
    expect(textOf(draft, "wp:comment_status")).toBe("closed");
    expect(textOf(draft, "dc:creator")).toBe("");
    // A draft has no publication time: its creation time stands in.
    expect(textOf(draft, "wp:post_date_gmt")).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  });

  it("carries the editor review, source and hero image as post meta", () => {
    const meta = Object.fromEntries(all(itemFor(fixture.published.id), "wp:postmeta").map((m) => [textOf(m, "wp:meta_key"), textOf(m, "wp:meta_value")]));
    expect(JSON.parse(meta._newsroom_editor_review!)).toEqual({
      rating: 4,
      headline: "Solid & <sourced>",
      summary: "Good",
      criteria: [{ name: "Sourcing", score: 5, note: "]]> fine" }],
      status: "published",
      publishedAt: "2024-03-02T00:00:00.000Z",
    });
    expect(meta._newsroom_source).toBe("Wire & Co");
    expect(JSON.parse(meta._newsroom_hero_image!)).toMatchObject({ url: "/images/hero.jpg", alt: "A hero", caption: "Reuters photo" });
    expect(all(itemFor(fixture.draft.id), "wp:postmeta")).toEqual([]);
  });

  it("writes every comment in every status, oldest first, and none that was deleted", () => {
    const f = fixture;
    const exported = commentsOf(itemFor(f.published.id)).map((c) => Number(textOf(c, "wp:comment_id")));
    expect(exported).toEqual([f.top, f.reply1, f.reply2, f.spam, f.trash, f.keptA, f.keptB, f.top2, f.leaf, f.odd].map((c) => c.id));
    const approved = Object.fromEntries(commentsOf(itemFor(f.published.id)).map((c) => [textOf(c, "wp:comment_id"), textOf(c, "wp:comment_approved")]));
    expect(approved[f.top.id]).toBe("1");
    expect(approved[f.reply1.id]).toBe("0");
    expect(approved[f.spam.id]).toBe("spam");
    expect(approved[f.trash.id]).toBe("trash");
    expect(commentsOf(itemFor(f.inReview.id)).map((c) => textOf(c, "wp:comment_id"))).toEqual([String(f.onReview.id)]);
    expect(stats).toMatchObject({ articles: 3, comments: 11, byStatus: { approved: 6, pending: 3, spam: 1, trash: 1 } });
  });

  it("keeps the thread: parents by id, replies of a deleted comment under its parent", () => {
    const item = itemFor(fixture.published.id);
    const parent = (c: { id: number }) => textOf(commentFor(item, c.id), "wp:comment_parent");
    expect(parent(fixture.top)).toBe("0");
    expect(parent(fixture.reply1)).toBe(String(fixture.top.id));
    expect(parent(fixture.reply2)).toBe(String(fixture.reply1.id));
    // "Gone" had no parent: its replies moved to the top level.
    expect(parent(fixture.keptA)).toBe("0");
    expect(parent(fixture.keptB)).toBe("0");
    // The middle of three was deleted: the leaf now answers the top.
    expect(parent(fixture.leaf)).toBe(String(fixture.top2.id));
  });

  it("writes each comment's author, email, website, IP, agent, dates, type and account", () => {
    const item = itemFor(fixture.published.id);
    const top = commentFor(item, fixture.top.id);
    expect(textOf(top, "wp:comment_author")).toBe("Guest Top");
    expect(textOf(top, "wp:comment_author_email")).toBe("top@example.com");
    expect(textOf(top, "wp:comment_author_url")).toBe("https://top.example/?x=1&y=2");
    expect(textOf(top, "wp:comment_author_IP")).toBe("2001:db8::1");
    expect(textOf(top, "wp:comment_agent")).toBe("Mozilla/5.0 (Top) <Gecko>");
    expect(textOf(top, "wp:comment_date")).toBe("2024-03-01 10:00:00");
    expect(textOf(top, "wp:comment_date_gmt")).toBe("2024-03-01 10:00:00");
    expect(textOf(top, "wp:comment_type")).toBe("comment");
    expect(textOf(top, "wp:comment_user_id")).toBe("0");
    // An exported author's comment keeps the account; any other account is 0 (WordPress would map the raw id to a stranger).
    expect(textOf(commentFor(item, fixture.reply2.id), "wp:comment_user_id")).toBe(String(fixture.editor.id));
    expect(textOf(commentFor(item, fixture.odd.id), "wp:comment_user_id")).toBe("0");
  });

  it("writes odd comment text as WordPress comment HTML, ]]> and controls handled", () => {
    const odd = commentFor(itemFor(fixture.published.id), fixture.odd.id);
    expect(textOf(odd, "wp:comment_content")).toBe("a]]&gt;b &lt;script&gt;x()&lt;/script&gt; &amp; 😀 שלום\nsecond line");
    expect(textOf(odd, "wp:comment_author")).toBe("Rita “R” <b>");
    expect(xml).not.toContain("\u0001");
  });
});

describe("WXR export of many comments", () => {
  it("reads them a page at a time and writes each once, in time order across statuses", async () => {
    const article = await createArticle({ slug: "busy-one" });
    const statuses = ["approved", "pending", "spam", "trash"] as const;
    const base = Date.UTC(2025, 0, 1);
    const rows = Array.from({ length: 1_234 }, (_, i) => ({
      articleId: article.id,
      authorName: `R${i}`,
      content: `c${i}`,
      status: statuses[(i * 7) % 4]!,
      // Ties on the time (three per second), and times out of id order.
      createdAt: new Date(base + Math.floor(((i * 37) % 1_234) / 3) * 1000),
    }));
    for (let i = 0; i < rows.length; i += 500) await getDb().insert(comments).values(rows.slice(i, i + 500));
    const local = await getDb().select({ id: comments.id, createdAt: comments.createdAt }).from(comments);
    const expected = local
      .filter((r) => r.createdAt.getTime() >= base)
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id - b.id)
      .map((r) => String(r.id));

    const counted = newWxrStats();
    const text = await collect(wxrExport(getDb(), { siteUrl: SITE, now: NOW, stats: counted }));
    const item = all(one(one(parseXml(text), "rss"), "channel"), "item").find((i) => textOf(i, "wp:post_name") === "busy-one")!;
    expect(commentsOf(item).map((c) => textOf(c, "wp:comment_id"))).toEqual(expected);
    expect(expected).toHaveLength(1_234);
    expect(counted.comments).toBe(11 + 1_234);
  });
});

describe("npm run export:wxr", () => {
  it("writes the file given with --out, exits 0 and prints the counts on standard error", async () => {
    const out = path.join(TMP_DIR, `export-${crypto.randomUUID()}.xml`);
    const { stdout, stderr } = await run(process.execPath, [...TSX_NODE_ARGS, "scripts/export-wxr.ts", "--out", out], {
      env: { ...process.env, SITE_URL: SITE },
      timeout: 60_000,
    });
    expect(stdout).toBe("");
    expect(stderr).toMatch(/Exported 4 articles, 1245 comments \(\d+ approved, \d+ held, \d+ spam, \d+ trash\) and 1 authors to /);
    const written = fs.readFileSync(out, "utf8");
    fs.rmSync(out);
    expect(all(one(one(parseXml(written), "rss"), "channel"), "item")).toHaveLength(4);
    expect(fs.readdirSync(TMP_DIR).filter((f) => f.endsWith(".partial"))).toEqual([]);
  }, 60_000);

  it("writes to standard output without --out, and refuses an unknown option with exit code 2", async () => {
    const { stdout } = await run(process.execPath, [...TSX_NODE_ARGS, "scripts/export-wxr.ts"], { env: { ...process.env, SITE_URL: SITE }, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
    expect(textOf(one(one(parseXml(stdout), "rss"), "channel"), "wp:base_site_url")).toBe(SITE);
    const bad = await run(process.execPath, [...TSX_NODE_ARGS, "scripts/export-wxr.ts", "--output", "x.xml"], { env: { ...process.env }, timeout: 60_000 }).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(bad).toMatchObject({ code: 2, stderr: expect.stringContaining("Usage: npm run export:wxr -- [--out <file>]") });
  }, 60_000);
});
