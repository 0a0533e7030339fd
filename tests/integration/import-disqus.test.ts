/**
 * The Disqus import (lib/porting/disqus-import.ts) on both stores: threads
 * matched to articles by link (this site's /articles/<slug>, or the
 * permalink of a post imported from WordPress), replies kept, statuses,
 * unmatched threads reported, a second run, broken files.
 */
import path from "node:path";
import { and, eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { articles, commentEvents, comments, importIds } from "@/db/schema";
import { execute, getDb, rows, sql, storeOf } from "@/lib/db";
import { importDisqus } from "@/lib/porting/disqus-import";
import { ImportFormatError } from "@/lib/porting/import-report";
import { importWxr } from "@/lib/porting/wxr-import";
import { createArticle } from "../support/factories";

const FIXTURES = path.join(process.cwd(), "tests/fixtures/disqus");
const FILE = path.join(FIXTURES, "comments.xml");

async function disqusComments(): Promise<Map<string, typeof comments.$inferSelect>> {
  const mapped = await getDb()
    .select({ externalId: importIds.externalId, comment: comments })
    .from(importIds)
    .innerJoin(comments, eq(comments.id, importIds.localId))
    .where(and(eq(importIds.source, "disqus:oldblog"), eq(importIds.kind, "comment")));
  return new Map(mapped.map((m) => [m.externalId, m.comment]));
}

async function counts() {
  const [row] = await rows<Record<string, number | string>>(
    getDb(),
    sql`select (select count(*) from comments) as "comments", (select count(*) from comment_events) as "events", (select count(*) from import_ids) as "importIds"`,
  );
  return Object.fromEntries(Object.entries(row!).map(([k, v]) => [k, Number(v)])) as Record<string, number>;
}

describe(`Disqus import (${storeOf(getDb())})`, () => {
  beforeEach(async () => {
    for (const table of ["import_ids", "articles", "users"]) await execute(getDb(), sql.raw(`delete from ${table}`));
  });

  it("imports comments into the article their thread links to, with threads and statuses, and reports unmatched threads", async () => {
    const target = await createArticle({ slug: "disqus-target", title: "Disqus target" });
    const report = await importDisqus(getDb(), FILE);
    expect(report.source).toBe("disqus:oldblog");
    expect(report.comments).toEqual({ imported: 7, alreadyImported: 0, skipped: 2 });
    expect(report.skipped).toEqual([
      { kind: "thread", externalId: "5003", line: 32, reason: 'no article matches https://elsewhere.example.com/unknown-page/ ("A page we do not have")' },
      { kind: "comment", externalId: "9006", line: 108, reason: "its thread 5003 matches no article" },
      { kind: "thread", externalId: "5001", line: 8, reason: 'no article matches http://www.oldblog.example.com/2024/03/hello-world ("Hello world")' },
      { kind: "comment", externalId: "9007", line: 118, reason: "its thread 5001 matches no article" },
    ]);
    const c = await disqusComments();
    expect([...c.keys()].sort()).toEqual(["9001", "9002", "9003", "9004", "9005", "9008", "9009"]);
    for (const comment of c.values()) expect(comment.articleId).toBe(target.id);
    expect(c.get("9002")!.parentId).toBe(c.get("9001")!.id);
    expect(c.get("9003")!.parentId).toBe(c.get("9002")!.id); // its parent came later in the file
    expect(c.get("9008")!.parentId).toBeNull();
    expect(report.notes).toContainEqual({ kind: "comment", externalId: "9008", reason: "imported at the top level: its parent 9999 is not in the file" });
    expect([c.get("9001")!.status, c.get("9004")!.status, c.get("9005")!.status]).toEqual(["approved", "spam", "trash"]);
    expect(c.get("9001")).toMatchObject({ content: "Hello from Disqus", authorName: "Disqus One", authorEmail: "dq1@example.org", ip: "203.0.113.50", statusReason: "Imported from Disqus", spamCheckState: "skipped" });
    expect(c.get("9001")!.createdAt.toISOString()).toBe("2024-04-01T09:00:00.000Z");
    expect(c.get("9002")).toMatchObject({ content: "I replied, see https://example.net/source\n\nSecond paragraph & more", ipKey: "2001:db8:1:2::/64" });
    expect(c.get("9009")).toMatchObject({ content: "Emoji 👩‍💻 and Hebrew: שלום", authorName: "שרה" });
    const events = await getDb().select().from(commentEvents).where(eq(commentEvents.type, "imported"));
    expect(events).toHaveLength(7);
  });

  it("matches a thread to the WordPress post it was on, through the permalink the WXR import kept", async () => {
    await createArticle({ slug: "disqus-target" });
    await importWxr(getDb(), path.join(process.cwd(), "tests/fixtures/wxr/site.xml"));
    const [hello] = await getDb().select().from(articles).where(eq(articles.slug, "hello-world"));
    const report = await importDisqus(getDb(), FILE);
    expect(report.comments.imported).toBe(8);
    expect((await disqusComments()).get("9007")).toMatchObject({ articleId: hello!.id, content: "On the old WordPress post" });
  });

  it("a second run changes nothing; a deleted comment is not brought back", async () => {
    await createArticle({ slug: "disqus-target" });
    await importDisqus(getDb(), FILE);
    const removed = (await disqusComments()).get("9009")!;
    await execute(getDb(), sql`delete from comments where id = ${removed.id}`);
    const before = await counts();
    const second = await importDisqus(getDb(), FILE);
    expect(await counts()).toEqual(before);
    expect(second.comments).toEqual({ imported: 0, alreadyImported: 7, skipped: 2 });
    expect(second.deletedSinceImport).toBe(1);
  });

  it("skips an odd thread or post (no dsq:id, an id used twice, another namespace, no thread) with its line, and imports the rest", async () => {
    const target = await createArticle({ slug: "disqus-odd-target", title: "Odd target" });
    const file = path.join(FIXTURES, "odd-posts.xml");
    const report = await importDisqus(getDb(), file);
    expect(report.source).toBe("disqus:oddforum");
    expect(report.comments).toEqual({ imported: 3, alreadyImported: 0, skipped: 4 });
    expect(report.skipped).toEqual([
      { kind: "thread", externalId: "(no id)", line: 10, reason: "the thread has no dsq:id" },
      { kind: "comment", externalId: "9101", line: 33, reason: "post id 9101 appears twice in the file: only the first is imported" },
      { kind: "comment", externalId: "(no id)", line: 41, reason: "the post has no dsq:id" },
      { kind: "comment", externalId: "9104", line: 49, reason: 'its dsq: prefix is bound to the namespace "http://example.com/not-disqus/", not to Disqus\'s' },
      { kind: "comment", externalId: "9105", line: 57, reason: "it names no thread" },
    ]);
    const mapped = await getDb()
      .select({ externalId: importIds.externalId, comment: comments })
      .from(importIds)
      .innerJoin(comments, eq(comments.id, importIds.localId))
      .where(and(eq(importIds.source, "disqus:oddforum"), eq(importIds.kind, "comment")));
    const c = new Map(mapped.map((m) => [m.externalId, m.comment]));
    expect([...c.keys()].sort()).toEqual(["9101", "9102", "9106"]);
    expect(c.get("9101")).toMatchObject({ content: "First", articleId: target.id });
    expect(c.get("9102")!.parentId).toBe(c.get("9101")!.id);
    expect(c.get("9106")!.parentId).toBeNull();
    expect(report.notes).toContainEqual({ kind: "comment", externalId: "9106", reason: "imported at the top level: its parent 9105 was skipped" });

    const before = await counts();
    const second = await importDisqus(getDb(), file);
    expect(await counts()).toEqual(before);
    expect(second.comments).toEqual({ imported: 0, alreadyImported: 3, skipped: 4 });
    expect(second.skipped).toEqual(report.skipped);
  });

  it.each([
    ["wrong-root.xml", /^This is not a Disqus export: the root element is <rss>, not <disqus> \(line 2/],
    ["truncated.xml", /^The file is not well-formed XML: .+ \(line \d+, column \d+\)$/],
    ["../wxr/not-xml.xml", /^This is not an XML file/],
  ])("a broken file (%s) leaves the database unchanged and says why", async (name, message) => {
    await createArticle({ slug: "disqus-target" });
    const before = await counts();
    const error = await importDisqus(getDb(), path.join(FIXTURES, name)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportFormatError);
    expect((error as Error).message).toMatch(message);
    expect(await counts()).toEqual(before);
  });
});
