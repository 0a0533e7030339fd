/**
 * `npm run db:copy` moves a site between the stores and proves it (decision
 * 014). Needs both stores, so it runs in the PostgreSQL pass only (the
 * `.pg.test.ts` files): the site is built in this file's PostgreSQL
 * database, copied to a new SQLite file, and from there to a new PostgreSQL
 * database.
 */
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { akismetOutbox, articleSlugs, commentEvents, commentRespects, comments, revokedSessions, settings } from "@/db/schema";
import { closeDatabase, execute, getDb, openDatabase, rows, sql } from "@/lib/db";
import { CopyRefused, copyDatabase, summarize } from "@/lib/db/copy";
import { createArticle, createUser } from "../support/factories";
import { TMP_DIR, pgDatabaseUrl, pgRunPrefix, pgServerUrl } from "../support/paths";
import { TSX_NODE_ARGS } from "../../scripts/lib/tsx-node-args";

const server = pgServerUrl()!;

async function newPgDatabase(): Promise<string> {
  const name = `${pgRunPrefix()}copy_${crypto.randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: pgDatabaseUrl(server, "postgres") });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  await admin.end();
  return pgDatabaseUrl(server, name);
}

function newSqliteFile(): string {
  return path.join(TMP_DIR, `copy-${crypto.randomUUID()}.db`);
}

const COMMENTS = 3_000;

beforeAll(async () => {
  const db = getDb();
  const moderator = await createUser({ role: "moderator", name: "Mod Érable" });
  const article = await createArticle({ title: "Ünïcode & <tags> — “quotes”", commentsCloseAt: new Date(Date.UTC(2030, 0, 1)) });
  const other = await createArticle({ status: "draft", publishedAt: null });
  await db.insert(articleSlugs).values({ slug: "old-address", articleId: article.id });
  const rowsToInsert = Array.from({ length: COMMENTS }, (_, i) => ({
    articleId: i % 7 === 0 ? other.id : article.id,
    authorName: `Reader ${i} ✓`,
    authorEmail: `reader${i % 300}@example.com`,
    authorUrl: i % 3 === 0 ? `https://example.com/${i}` : "",
    content: `Comment ${i}: ${"déjà vu 🚀 ".repeat(i % 5)}\nline two`,
    status: (["approved", "pending", "spam", "trash"] as const)[i % 4],
    statusReason: i % 4 === 1 ? "Held: 3 links" : null,
    ip: i % 2 ? `203.0.113.${i % 250}` : `2001:db8::${i.toString(16)}`,
    spamCheckState: (["checked", "not_checked", "skipped"] as const)[i % 3],
    blatant: i % 11 === 0,
    spamCheck:
      i % 5 === 0
        ? {
            verdict: "spam" as const,
            blatant: false,
            guid: `g-${i}`,
            proTip: null,
            error: null,
            debugHelp: null,
            latencyMs: i,
            checkedAt: new Date(1_700_000_000_000 + i).toISOString(),
            params: { comment_content: `c${i}`, user_ip: "203.0.113.9" },
            localHolds: ["links"],
          }
        : null,
    nextSpamCheckAt: i % 3 === 1 ? new Date(1_700_000_000_000 + i * 1000) : null,
    createdAt: new Date(1_700_000_000_000 + i * 60_000),
    updatedAt: new Date(1_700_000_000_000 + i * 60_000 + 5),
  }));
  for (let i = 0; i < rowsToInsert.length; i += 500) {
    await db.insert(comments).values(rowsToInsert.slice(i, i + 500));
  }
  const ids = (await rows<{ id: number }>(db, sql`select id from comments order by id`)).map((r) => r.id);
  // Replies, including one whose parent has a higher id (replies moved up after a delete).
  await execute(db, sql`update comments set parent_id = ${ids[10]!} where id = ${ids[11]!}`);
  await execute(db, sql`update comments set parent_id = ${ids[2000]!} where id = ${ids[5]!}`);
  await db.insert(commentEvents).values(
    ids.slice(0, 1000).map((id, i) => ({
      commentId: id,
      type: "status_change",
      actorId: moderator.id,
      fromStatus: "pending" as const,
      toStatus: "approved" as const,
      message: `moved ${i}`,
      detail: { reason: "looks fine", n: i, nested: { b: 1, a: [1, 2] } },
    })),
  );
  // Respects (their triggers count them on the comments: the copy must not count them twice).
  await db.insert(commentRespects).values(ids.slice(20, 60).map((commentId) => ({ commentId, userId: moderator.id })));
  await db.insert(akismetOutbox).values({ commentId: ids[3]!, kind: "submit-spam", params: { comment_content: "x" }, actorId: moderator.id });
  await db.insert(settings).values({ key: "holdWords", value: ["refund", "crypto"] });
  await db.insert(revokedSessions).values({ sessionId: "sid-1", userId: moderator.id, expiresAt: new Date(Date.UTC(2031, 0, 1)) });
  // Ids given out and then deleted: the copy must not hand them out again.
  await execute(db, sql`delete from comments where id = ${ids[ids.length - 1]!}`);
}, 60_000);

// The databases made here are dropped with the run's others when the run ends
// (tests/support/global-setup.ts: their names have the run's prefix), not in a
// hook: a DROP DATABASE takes seconds on a busy machine.

describe("db:copy", () => {
  it("moves a site with thousands of comments PostgreSQL → SQLite → PostgreSQL, ids and checksums intact", async () => {
    const source = await summarize(getDb());
    expect(source.find((t) => t.table === "comments")!.rows).toBe(COMMENTS - 1);

    const file = newSqliteFile();
    const there = await copyDatabase(process.env.DATABASE_URL!, file);
    expect(there.verified).toBe(true);
    expect(there.to).toEqual(source);

    const back = await newPgDatabase();
    const home = await copyDatabase(file, back);
    expect(home.verified).toBe(true);
    expect(home.to).toEqual(source);

    // The next comment gets the id after the highest ever given, on both copies.
    const [{ max }] = (await rows<{ max: number }>(getDb(), sql`select max(id) as max from comments`)) as [{ max: number }];
    const nextId = max + 2; // the last id was deleted before the copy
    for (const target of [file, back]) {
      const db = openDatabase(target);
      try {
        const [article] = await rows<{ id: number }>(db, sql`select id from articles order by id limit 1`);
        const inserted = await rows<{ id: number }>(
          db,
          sql`insert into comments (article_id, author_name, content) values (${article!.id}, 'After', 'after the move') returning id`,
        );
        expect(inserted[0]!.id).toBe(nextId);
      } finally {
        await closeDatabase(db);
      }
    }
  }, 120_000);

  it("keeps the SQLite copy searchable (its FTS index is built as rows go in)", async () => {
    const file = newSqliteFile();
    await copyDatabase(process.env.DATABASE_URL!, file);
    const db = openDatabase(file);
    try {
      const found = await rows<{ n: number }>(db, sql`select count(*) as n from comments_search where comments_search match '"déjà vu"'`);
      const expected = await rows<{ n: number }>(getDb(), sql`select count(*) as n from comments where content like '%déjà vu%'`);
      expect(found[0]!.n).toBe(expected[0]!.n);
      expect(found[0]!.n).toBeGreaterThan(1000);
    } finally {
      await closeDatabase(db);
    }
  }, 60_000);

  it("refuses to write into a database that has rows, and leaves it as it was", async () => {
    const file = newSqliteFile();
    await copyDatabase(process.env.DATABASE_URL!, file);
    const before = await summarizeFile(file);
    await expect(copyDatabase(process.env.DATABASE_URL!, file)).rejects.toBeInstanceOf(CopyRefused);
    await expect(copyDatabase(process.env.DATABASE_URL!, file)).rejects.toThrow(/not empty \(rows in users, articles/);
    expect(await summarizeFile(file)).toEqual(before);
    await expect(copyDatabase(file, file)).rejects.toThrow(/same database/);
  }, 60_000);

  it("refuses a source that does not exist, naming it, and creates no target", async () => {
    const missing = path.join(TMP_DIR, "no-such-site.db");
    const target = newSqliteFile();
    await expect(copyDatabase(missing, target)).rejects.toThrow(`the source file ${missing} does not exist`);
    expect(fs.existsSync(missing)).toBe(false);
    expect(fs.existsSync(target)).toBe(false);
    const nowhere = pgDatabaseUrl(server, `${pgRunPrefix()}absent`);
    await expect(copyDatabase(nowhere, target)).rejects.toThrow(/the source could not be opened: .*does not exist/);
    expect(fs.existsSync(target)).toBe(false);
  });

  it("leaves the target empty when a row cannot be written there (one transaction)", async () => {
    // A NUL character is valid in SQLite text and refused by PostgreSQL.
    const file = newSqliteFile();
    await copyDatabase(process.env.DATABASE_URL!, file);
    const lite = openDatabase(file);
    await execute(lite, sql`update comments set content = 'nul ' || char(0) || ' inside' where id = (select max(id) from comments)`);
    await closeDatabase(lite);
    const target = await newPgDatabase();
    await expect(copyDatabase(file, target)).rejects.toThrow();
    const db = openDatabase(target);
    try {
      for (const table of ["users", "articles", "comments", "comment_events", "page_changes"]) {
        const [count] = await rows<{ n: number }>(db, sql`select count(*) as n from ${sql.identifier(table)}`);
        expect({ table, n: count!.n }).toEqual({ table, n: 0 });
      }
    } finally {
      await closeDatabase(db);
    }
  }, 60_000);

  it("works from the command line: prints the verification and exits 0, refuses a non-empty target with 2", async () => {
    const file = newSqliteFile();
    const run = (to: string) =>
      spawnSync(process.execPath, [...TSX_NODE_ARGS, "scripts/db-copy.ts", "--from", process.env.DATABASE_URL!, "--to", to], {
        encoding: "utf8",
        env: { ...process.env, DATABASE_URL: "" },
        timeout: 90_000,
      });
    const ok = run(file);
    expect(ok.stderr).toBe("");
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/comments\s+2999\s+2999\s+[0-9a-f]{16}\s+[0-9a-f]{16}\s+yes/);
    expect(ok.stdout).toContain("Verified: every table has the same rows and checksum on both sides");
    expect(fs.existsSync(file)).toBe(true);
    const refused = run(file);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/Refused: the target is not empty/);
  }, 120_000);
});

async function summarizeFile(file: string) {
  const db = openDatabase(file);
  try {
    return await summarize(db);
  } finally {
    await closeDatabase(db);
  }
}
