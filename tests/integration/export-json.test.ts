/**
 * The JSON export (lib/porting/json-export.ts): one document with every
 * table worth keeping, read a page at a time, and nothing that signs anyone
 * in (password hashes, session data, the server secret) or that is only a
 * queue or a cache.
 */
import { execFile } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { getTableName, is } from "drizzle-orm";
import { PgTable } from "drizzle-orm/pg-core";
import { SQLiteTable } from "drizzle-orm/sqlite-core";
import { beforeAll, describe, expect, it } from "vitest";
import * as pgSchema from "@/db/pg/schema";
import * as sqliteSchema from "@/db/sqlite/schema";
import {
  articleEvents,
  articleRevisions,
  articleSlugs,
  commentEvents,
  comments,
  editorReviews,
  erasures,
  importIds,
  jobRuns,
  mailOutbox,
  rateLimits,
  revokedSessions,
  serverSecrets,
  settings,
  users,
} from "@/db/schema";
import { getDb } from "@/lib/db";
import { JSON_EXCLUDED, JSON_EXPORT_FORMAT, JSON_TABLES, jsonExport, type JsonExportStats } from "@/lib/porting/json-export";
import { createArticle, createComment, createUser } from "../support/factories";
import { TMP_DIR } from "../support/paths";
import { TSX_NODE_ARGS } from "../../scripts/lib/tsx-node-args";

const run = promisify(execFile);

const PASSWORD_HASH = "$argon2id$v=19$m=19456,t=2,p=1$c2VjcmV0LXNhbHQ$not-a-real-hash-but-unique-7f3a";
const SECRET = "server-secret-value-0b1c2d3e4f5a6b7c8d9e";
const SESSION_ID = "revoked-session-id-5e6f7a";
const MAIL_TEXT = "Unsubscribe: https://news.example/unsubscribe/token-9a8b7c";
const RATE_KEY = "signin:203.0.113.77:secret-rate-key";

async function collect(parts: AsyncIterable<string>): Promise<string> {
  let text = "";
  for await (const part of parts) text += part;
  return text;
}

const now = new Date(Date.UTC(2026, 5, 1, 12));
let text: string;
let doc: { data: Record<string, Record<string, unknown>[]> } & Record<string, unknown>;
let stats: Partial<JsonExportStats>;
let ids: { admin: number; article: number; first: number };

beforeAll(async () => {
  const db = getDb();
  const admin = await createUser({ role: "admin", name: "Ada Admin", passwordHash: PASSWORD_HASH, sessionVersion: 3 });
  const article = await createArticle({ title: "Q&A “json” 😀", authorId: admin.id });
  await db.insert(articleSlugs).values({ slug: "old-address", articleId: article.id });
  await db.insert(articleRevisions).values({ articleId: article.id, title: "Earlier", body: "v1", savedBy: admin.id });
  await db.insert(articleEvents).values({ articleId: article.id, type: "published", actorId: admin.id, fromStatus: "in_review", toStatus: "published" });
  await db.insert(editorReviews).values({ articleId: article.id, rating: 5, headline: "Great", criteria: [{ name: "Depth", score: 5 }] });
  const first = await createComment(article.id, { content: "line one\nline two \u2028 😀", ip: "203.0.113.9", userAgent: "UA/1" });
  await db.insert(commentEvents).values({ commentId: first.id, type: "submitted", message: "Posted", detail: { verdict: "ham" } });
  // More comments than one page.
  const many = Array.from({ length: 1_100 }, (_, i) => ({ articleId: article.id, authorName: `R${i}`, content: `c${i}`, status: "pending" as const }));
  for (let i = 0; i < many.length; i += 500) await db.insert(comments).values(many.slice(i, i + 500));
  await db.insert(settings).values({ key: "linkLimit", value: 4 });
  await db.insert(jobRuns).values({ job: "retention", startedAt: now, finishedAt: now, summary: { deleted: 2 } });
  await db.insert(importIds).values({ source: "wxr:https://old.example", kind: "article", externalId: "17", localId: article.id });
  await db.insert(erasures).values({ via: "admin", actorId: admin.id, commentsErased: 2, mailsErased: 1 });
  await db.insert(serverSecrets).values({ name: "test-secret", value: SECRET });
  await db.insert(revokedSessions).values({ sessionId: SESSION_ID, userId: admin.id, expiresAt: new Date(Date.now() + 86_400_000) });
  await db.insert(rateLimits).values({ key: RATE_KEY, points: 3, expire: new Date(Date.now() + 60_000) });
  await db.insert(mailOutbox).values({ kind: "reply_notification", dedupeKey: "reply:1:2", toAddress: "someone@example.com", subject: "A reply", textBody: MAIL_TEXT, headers: {} });
  ids = { admin: admin.id, article: article.id, first: first.id };
  stats = {};
  text = await collect(jsonExport(db, { siteUrl: "https://news.example/", now, stats }));
  doc = JSON.parse(text);
});

describe("JSON export", () => {
  it("is one JSON document with the format, its version, the export time and the site URL", () => {
    expect(doc.format).toBe(JSON_EXPORT_FORMAT);
    expect(doc.formatVersion).toBe(1);
    expect(doc.exportedAt).toBe("2026-06-01T12:00:00.000Z");
    expect(doc.siteUrl).toBe("https://news.example");
    expect(doc.tables).toEqual([...JSON_TABLES]);
  });

  it("accounts for every table of both stores' schemas: exported, or left out with a reason", () => {
    for (const schema of [sqliteSchema, pgSchema]) {
      const names = Object.values(schema)
        .filter((v) => is(v, PgTable) || is(v, SQLiteTable))
        .map((t) => getTableName(t as PgTable))
        .sort();
      expect([...JSON_TABLES, ...Object.keys(JSON_EXCLUDED)].sort()).toEqual(names);
    }
    expect(JSON_TABLES.filter((t) => t in JSON_EXCLUDED)).toEqual([]);
    expect(Object.keys(doc.excluded as object).sort()).toEqual(["account_tokens", "mail_outbox", "page_changes", "rate_limits", "revoked_sessions", "server_secrets"]);
    expect(Object.keys(doc.data)).toEqual([...JSON_TABLES]);
  });

  it("holds every row of every exported table, across pages, with the counts", async () => {
    const db = getDb();
    const expected: Record<string, number> = {
      users: await db.$count(users),
      articles: 1,
      article_slugs: 1,
      article_revisions: 1,
      article_events: 1,
      editor_reviews: 1,
      comments: 1_101,
      comment_events: await db.$count(commentEvents),
      comment_respects: 0,
      comment_reports: 0,
      commenter_notes: 0,
      commenter_events: 0,
      premoderated_addresses: 0,
      user_identities: 0,
      akismet_outbox: 0,
      job_runs: 1,
      settings: 1,
      import_ids: 1,
      erasures: 1,
    };
    expect(Object.fromEntries(Object.entries(doc.data).map(([t, r]) => [t, r.length]))).toEqual(expected);
    expect(doc.counts).toEqual(expected);
    expect(stats).toEqual(expected);
    const commentIds = doc.data.comments!.map((c) => c.id as number);
    expect(new Set(commentIds).size).toBe(1_101);
    expect(commentIds).toEqual([...commentIds].sort((a, b) => a - b));
  });

  it("writes rows with the code's names, times as ISO strings and JSON columns nested", () => {
    const comment = doc.data.comments!.find((c) => c.id === ids.first)!;
    expect(comment).toMatchObject({ articleId: ids.article, content: "line one\nline two \u2028 😀", ip: "203.0.113.9", userAgent: "UA/1", status: "approved" });
    expect(comment.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(doc.data.comment_events!.find((e) => e.commentId === ids.first)).toMatchObject({ type: "submitted", detail: { verdict: "ham" } });
    expect(doc.data.editor_reviews![0]).toMatchObject({ criteria: [{ name: "Depth", score: 5 }] });
    expect(doc.data.settings).toEqual([expect.objectContaining({ key: "linkLimit", value: 4 })]);
    expect(doc.data.articles![0]).toMatchObject({ title: "Q&A “json” 😀", authorId: ids.admin });
  });

  it("leaves out password hashes, session data, the server secret, rate limits and mail", () => {
    const admin = doc.data.users!.find((u) => u.id === ids.admin)!;
    expect(admin).toMatchObject({ name: "Ada Admin", role: "admin", hasPassword: true });
    expect(admin).not.toHaveProperty("passwordHash");
    expect(admin).not.toHaveProperty("sessionVersion");
    for (const secret of [PASSWORD_HASH, "argon2id", SECRET, SESSION_ID, MAIL_TEXT, "someone@example.com", RATE_KEY]) {
      expect(text).not.toContain(secret);
    }
  });
});

describe("npm run export:json", () => {
  it("writes the file given with --out, exits 0 and prints the rows per table on standard error", async () => {
    const out = path.join(TMP_DIR, `export-${crypto.randomUUID()}.json`);
    const { stdout, stderr } = await run(process.execPath, [...TSX_NODE_ARGS, "scripts/export-json.ts", "--out", out], { env: { ...process.env }, timeout: 60_000 });
    expect(stdout).toBe("");
    expect(stderr).toMatch(/^Exported users \d+, user_identities 0, articles 1, article_slugs 1, .*comments 1101, .* to /);
    const written = JSON.parse(fs.readFileSync(out, "utf8"));
    fs.rmSync(out);
    expect(written.data.comments).toHaveLength(1_101);
    expect(JSON.stringify(written)).not.toContain(PASSWORD_HASH);
  }, 60_000);
});
