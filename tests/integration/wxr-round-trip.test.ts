/**
 * Export, then import: a site built here is exported as WXR
 * (lib/porting/wxr-export.ts), imported with `importWxr`
 * (lib/porting/wxr-import.ts) into a second, fresh database, and the two are
 * compared: the same articles (title, slug, summary, status, dates, body) and
 * the same comments (author, email, website, IP, user agent, status, date,
 * text, thread).
 *
 * Bodies are compared as the site shows them: the markdown rendered to HTML
 * by lib/articles/markdown.ts on both sides (the import turns WordPress's
 * HTML back into markdown with turndown, which may spell the same thing
 * differently: `*` or `-` for a list, `_` or `*` for emphasis). Times are
 * compared to the second: WXR writes `YYYY-MM-DD HH:MM:SS`.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { and, asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { articles, comments, importIds, users, type Comment } from "@/db/schema";
import { renderMarkdown } from "@/lib/articles/markdown";
import { deleteCommentsKeepingReplies } from "@/lib/comments/removal";
import { closeDatabase, getDb, openDatabase, type Db } from "@/lib/db";
import { writeExportTo } from "@/lib/porting/export-file";
import { wxrExport } from "@/lib/porting/wxr-export";
import { importWxr, type ImportReport } from "@/lib/porting/wxr-import";
import { createArticle, createComment, createUser } from "../support/factories";
import { TEMPLATE_DB, TMP_DIR, pgDatabaseUrl, pgRunPrefix, pgServerUrl, pgTemplate } from "../support/paths";

const SITE = "https://old-newsroom.example";
const second = (d: Date | null) => (d === null ? null : Math.floor(d.getTime() / 1000));
const t = (day: number, minutes: number) => new Date(Date.UTC(2024, 3, day, 9, minutes, 7));

/** A second database, migrated and empty, like the one fresh-database.ts gives each test file. */
async function secondDatabase(): Promise<{ db: Db; drop: () => Promise<void> }> {
  const server = pgServerUrl();
  if (server) {
    const name = `${pgRunPrefix()}roundtrip_${crypto.randomBytes(4).toString("hex")}`;
    const admin = new pg.Client({ connectionString: pgDatabaseUrl(server, "postgres") });
    await admin.connect();
    await admin.query(`create database "${name}" template "${pgTemplate()}"`);
    await admin.end();
    const db = openDatabase(pgDatabaseUrl(server, name));
    return {
      db,
      // The database itself is dropped with the run's others when the run ends
      // (tests/support/global-setup.ts: its name has the run's prefix). Dropping
      // it here took 2-4 s on a busy machine, and once over the hook's 10 s.
      drop: () => closeDatabase(db),
    };
  }
  const file = path.join(TMP_DIR, `roundtrip-${crypto.randomUUID()}.db`);
  fs.copyFileSync(TEMPLATE_DB, file);
  const db = openDatabase(file);
  return {
    db,
    drop: async () => {
      await closeDatabase(db);
      for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(file + suffix, { force: true });
    },
  };
}

const BODIES = [
  [
    "Opening paragraph with **bold**, _emphasis_ and a [link](https://example.com/a?b=1&c=2).",
    "## A heading",
    "- first item\n- second item with `code`\n- third 😀",
    "> A quotation, in Hebrew: שלום, and Arabic: مرحبا.",
    "1. one\n2. two",
    "Fish & chips < 5 > 3, and a ]]> that must survive CDATA.",
    "```\nconst x = 1 < 2;\n```",
  ].join("\n\n"),
  "A short body in one paragraph.\n\nAnd a second one.",
  "Draft text: not yet published.",
];

let site: Awaited<ReturnType<typeof buildSite>>;
let target: { db: Db; drop: () => Promise<void> };
let report: ImportReport;

async function buildSite() {
  const db = getDb();
  const editor = await createUser({ role: "editor", name: "Edna Editor", email: "edna@example.com" });
  const reader = await createUser({ role: "reader", name: "Rita Reader", email: "rita@example.com" });
  const published = await createArticle({
    slug: "the-big-story",
    title: "Q&A: “the big story” <exclusive> 😀",
    summary: "What happened & why it matters <now>.",
    body: BODIES[0],
    authorId: editor.id,
    publishedAt: t(2, 0),
    createdAt: t(1, 0),
  });
  const inReview = await createArticle({ slug: "under-review", title: "Under review", summary: "Waiting", body: BODIES[1], status: "in_review", publishedAt: null, createdAt: t(3, 0), authorId: editor.id });
  const draft = await createArticle({ slug: "a-draft", title: "A draft", summary: "", body: BODIES[2], status: "draft", publishedAt: null, createdAt: t(4, 0) });

  const c = (articleId: number, overrides: Partial<Comment>) => createComment(articleId, overrides);
  const top = await c(published.id, { authorName: "Guest Top", authorEmail: "top@example.com", authorUrl: "https://top.example/me", ip: "203.0.113.10", userAgent: "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0", createdAt: t(2, 1) });
  const reply = await c(published.id, { parentId: top.id, authorName: "Held Reply", authorEmail: "held@example.com", status: "pending", ip: "2001:db8::7", userAgent: "Safari/17", createdAt: t(2, 2) });
  const deep = await c(published.id, { parentId: reply.id, authorName: "Edna Editor", authorEmail: "edna@example.com", userId: editor.id, content: "Answering the held one.", createdAt: t(2, 3) });
  const spam = await c(published.id, { authorName: "Cheap Pills", authorEmail: "spam@example.net", authorUrl: "http://spam.example/", status: "spam", content: "Buy now http://spam.example/", ip: "198.51.100.1", createdAt: t(2, 4) });
  const trash = await c(published.id, { authorName: "Trashed", status: "trash", content: "Off topic.", createdAt: t(2, 5) });
  const odd = await c(published.id, {
    authorName: "Rita “R” Reader",
    authorEmail: "rita@example.com",
    userId: reader.id,
    content: "Is 3 < 4 && 5 > 2? Yes: <b>not bold</b> ]]> 😀 שלום\nA second line.\n\nA second paragraph, with https://example.org/page?x=1&y=2 in it.",
    createdAt: t(2, 6),
  });
  const gone = await c(published.id, { authorName: "Gone", createdAt: t(2, 7) });
  const kept = await c(published.id, { parentId: gone.id, authorName: "Kept Reply", content: "I stay.", createdAt: t(2, 8) });
  const keptDeep = await c(published.id, { parentId: kept.id, authorName: "Kept Deeper", status: "pending", content: "Me too.", createdAt: t(2, 9) });
  await deleteCommentsKeepingReplies(db, [gone.id], { actor: null, how: "deleted by a test" });
  const onReview = await c(inReview.id, { authorName: "Early Reader", status: "pending", createdAt: t(3, 1) });
  return { editor, reader, articles: [published, inReview, draft], comments: [top, reply, deep, spam, trash, odd, kept, keptDeep, onReview], gone };
}

beforeAll(async () => {
  site = await buildSite();
  const file = path.join(TMP_DIR, `roundtrip-${crypto.randomUUID()}.xml`);
  await writeExportTo(wxrExport(getDb(), { siteUrl: SITE }), file);
  target = await secondDatabase();
  try {
    report = await importWxr(target.db, file);
  } finally {
    fs.rmSync(file, { force: true });
  }
}, 60_000);

afterAll(async () => {
  await target?.drop();
});

/** The row an exported id became in the second database. */
async function localId(kind: "article" | "comment", id: number): Promise<number | undefined> {
  const [found] = await target.db
    .select({ localId: importIds.localId })
    .from(importIds)
    .where(and(eq(importIds.source, `wxr:${SITE}`), eq(importIds.kind, kind), eq(importIds.externalId, String(id))));
  return found?.localId;
}

const normalizeHtml = (html: string) => html.replace(/>\s+</g, "><").trim();

describe("WXR round trip: export, import into a fresh database", () => {
  it("imports every article and comment, skipping none", () => {
    expect(report.articles).toEqual({ imported: 3, alreadyImported: 0, skipped: 0 });
    expect(report.comments).toEqual({ imported: site.comments.length, alreadyImported: 0, skipped: 0 });
    expect(report.skipped).toEqual([]);
  });

  it("brings back the same articles: title, slug, summary, status, dates and body (as rendered HTML)", async () => {
    const imported = await target.db.select().from(articles).orderBy(asc(articles.id));
    expect(imported).toHaveLength(3);
    for (const original of site.articles) {
      const id = await localId("article", original.id);
      const copy = imported.find((a) => a.id === id);
      expect(copy, `article ${original.slug}`).toBeDefined();
      expect({
        title: copy!.title,
        slug: copy!.slug,
        summary: copy!.summary,
        status: copy!.status,
        publishedAt: second(copy!.publishedAt),
        body: normalizeHtml(renderMarkdown(copy!.body)),
      }).toEqual({
        title: original.title,
        slug: original.slug,
        summary: original.summary,
        status: original.status,
        publishedAt: second(original.publishedAt),
        body: normalizeHtml(renderMarkdown(original.body)),
      });
      // WXR carries one date per post: the publication time, or the creation time of a draft.
      expect(second(copy!.createdAt)).toBe(second(original.publishedAt ?? original.createdAt));
    }
  });

  it("gives the articles their author back, by email", async () => {
    const [copy] = await target.db.select().from(articles).where(eq(articles.slug, "the-big-story"));
    const [author] = await target.db.select().from(users).where(eq(users.id, copy!.authorId!));
    expect(author).toMatchObject({ email: "edna@example.com", name: "Edna Editor" });
  });

  it("brings back the same comments: author, email, website, IP, agent, status, date and text", async () => {
    const imported = await target.db.select().from(comments);
    expect(imported).toHaveLength(site.comments.length);
    for (const original of site.comments) {
      const id = await localId("comment", original.id);
      const found = imported.find((c) => c.id === id);
      expect(found, `comment by ${original.authorName}`).toBeDefined();
      expect({
        articleId: found!.articleId,
        authorName: found!.authorName,
        authorEmail: found!.authorEmail,
        authorUrl: found!.authorUrl,
        ip: found!.ip,
        userAgent: found!.userAgent,
        status: found!.status,
        createdAt: second(found!.createdAt),
        content: found!.content,
      }).toEqual({
        articleId: await localId("article", original.articleId),
        authorName: original.authorName,
        authorEmail: original.authorEmail,
        authorUrl: original.authorUrl,
        ip: original.ip,
        userAgent: original.userAgent,
        status: original.status,
        createdAt: second(original.createdAt),
        content: original.content,
      });
    }
  });

  it("keeps the thread shape, including the replies of a deleted comment", async () => {
    const db = getDb();
    const now = await db.select({ id: comments.id, parentId: comments.parentId }).from(comments);
    const parentNow = new Map(now.map((c) => [c.id, c.parentId]));
    const imported = await target.db.select({ id: comments.id, parentId: comments.parentId }).from(comments);
    const importedParent = new Map(imported.map((c) => [c.id, c.parentId]));
    for (const original of site.comments) {
      const parent = parentNow.get(original.id) ?? null;
      const expected = parent === null ? null : await localId("comment", parent);
      expect(importedParent.get((await localId("comment", original.id))!), `parent of ${original.authorName}`).toBe(expected);
    }
    // The deleted comment is not in the file, and its reply sits at the top level, its own reply still under it.
    expect(await localId("comment", site.gone.id)).toBeUndefined();
    const [kept, keptDeep] = [site.comments[6]!, site.comments[7]!];
    expect(importedParent.get((await localId("comment", kept.id))!)).toBeNull();
    expect(importedParent.get((await localId("comment", keptDeep.id))!)).toBe(await localId("comment", kept.id));
  });

  it("changes nothing when the same export is imported again", async () => {
    const file = path.join(TMP_DIR, `roundtrip-again-${crypto.randomUUID()}.xml`);
    await writeExportTo(wxrExport(getDb(), { siteUrl: SITE }), file);
    const before = await target.db.$count(comments);
    const again = await importWxr(target.db, file);
    fs.rmSync(file, { force: true });
    expect(again.articles).toEqual({ imported: 0, alreadyImported: 3, skipped: 0 });
    expect(again.comments).toEqual({ imported: 0, alreadyImported: site.comments.length, skipped: 0 });
    expect(await target.db.$count(comments)).toBe(before);
  });
});
