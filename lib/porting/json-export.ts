import "server-only";
import { asc, getTableColumns, getTableName, gt, is, type Column } from "drizzle-orm";
import { PgTable } from "drizzle-orm/pg-core";
import { SQLiteTable } from "drizzle-orm/sqlite-core";
import * as schema from "@/db/schema";
import type { Db } from "@/lib/db";
import { env } from "@/lib/env";

/**
 * "Everything" as one JSON document: every row of every table that holds the
 * site's content, its people and its moderation, so nothing is lost when a
 * site leaves (decision 017). Streamed: each table is read in key order, 500
 * rows at a time, and each row is written as it is read.
 *
 * Left out, and why (the admin page says the same):
 * - `server_secrets`: the session-signing secret; whoever holds it can sign in
 *   as any account. A new site makes its own.
 * - `revoked_sessions`, and from `users` the password hash and the session
 *   version: sign-in data. Accounts come without passwords; people set a new
 *   one.
 * - `rate_limits`: counters of recent sign-in attempts, gone within minutes.
 * - `account_tokens`: the hashes of links mailed for accounts (reset,
 *   verification, address change): one-time sign-in data.
 * - `page_changes`: the page cache's change log, pruned after minutes.
 * - `mail_outbox`: mail being delivered to people, with their addresses and
 *   one-click unsubscribe links that act on their behalf; a delivery queue,
 *   not content.
 */

export const JSON_EXPORT_FORMAT = "newsroom-export";
export const JSON_EXPORT_VERSION = 1;

/** Exported tables, in an order that satisfies their foreign keys (as `npm run db:copy` copies them). */
export const JSON_TABLES = [
  "users",
  "user_identities",
  "articles",
  "article_slugs",
  "article_revisions",
  "article_events",
  "editor_reviews",
  "comments",
  "comment_events",
  "comment_respects",
  "comment_reports",
  "commenter_notes",
  "commenter_events",
  "premoderated_addresses",
  "akismet_outbox",
  "job_runs",
  "settings",
  "import_ids",
  "erasures",
] as const;
export type JsonTable = (typeof JSON_TABLES)[number];

/** Tables left out, with the reason written into the file. */
export const JSON_EXCLUDED: Record<string, string> = {
  server_secrets: "the session-signing secret: whoever holds it can sign in as any account",
  revoked_sessions: "sign-in sessions, not content",
  rate_limits: "counters of recent sign-in and registration attempts, gone within minutes",
  page_changes: "the page cache's change log, pruned after minutes",
  account_tokens: "links mailed for accounts (password reset, address verification and change): one-time sign-in data, hashed",
  mail_outbox: "mail being delivered to people (their addresses, unsubscribe links acting for them): a delivery queue, not content",
};

/** Columns of exported tables that are left out. */
export const JSON_OMITTED_COLUMNS: Partial<Record<JsonTable, readonly string[]>> = {
  users: ["passwordHash", "sessionVersion"],
};

const PAGE = 500;

type AnyTable = PgTable;

/** Every table of the store's schema, by its SQL name. */
export function schemaTables(): Map<string, AnyTable> {
  const tables = new Map<string, AnyTable>();
  for (const value of Object.values(schema)) {
    if (is(value, PgTable) || is(value, SQLiteTable)) {
      tables.set(getTableName(value as AnyTable), value as AnyTable);
    }
  }
  return tables;
}

function keyColumn(table: AnyTable): { property: string; column: Column } {
  for (const [property, column] of Object.entries(getTableColumns(table))) {
    if (column.primary) return { property, column };
  }
  throw new Error(`${getTableName(table)} has no single-column primary key`);
}

async function* tableRows(db: Db, table: AnyTable): AsyncGenerator<Record<string, unknown>> {
  const key = keyColumn(table);
  let after: unknown = undefined;
  for (;;) {
    const query = db.select().from(table);
    const page = (await (after === undefined ? query : query.where(gt(key.column, after)))
      .orderBy(asc(key.column))
      .limit(PAGE)) as Record<string, unknown>[];
    yield* page;
    if (page.length < PAGE) return;
    after = page[page.length - 1]![key.property];
  }
}

function exportedRow(name: JsonTable, row: Record<string, unknown>): Record<string, unknown> {
  if (name === "users") {
    const { passwordHash, sessionVersion: _sessionVersion, ...rest } = row;
    return { ...rest, hasPassword: passwordHash !== null && passwordHash !== undefined };
  }
  return row;
}

export type JsonExportStats = Record<JsonTable, number>;

export type JsonExportOptions = {
  siteUrl?: string;
  now?: Date;
  /** Filled in while the export runs: rows written per table. */
  stats?: Partial<JsonExportStats>;
};

/**
 * The JSON document, piece by piece. Times are ISO 8601 strings (UTC), JSON
 * columns nested as they are, each row keyed by the names the code uses
 * (`authorName`, not `author_name`).
 */
export async function* jsonExport(db: Db, options: JsonExportOptions = {}): AsyncGenerator<string> {
  const siteUrl = (options.siteUrl ?? env().SITE_URL).replace(/\/+$/, "");
  const now = options.now ?? new Date();
  const stats = options.stats ?? {};
  const tables = schemaTables();
  yield (
    "{\n" +
    `"format": ${JSON.stringify(JSON_EXPORT_FORMAT)},\n` +
    `"formatVersion": ${JSON_EXPORT_VERSION},\n` +
    `"exportedAt": ${JSON.stringify(now.toISOString())},\n` +
    `"siteUrl": ${JSON.stringify(siteUrl)},\n` +
    `"tables": ${JSON.stringify(JSON_TABLES)},\n` +
    `"excluded": ${JSON.stringify(JSON_EXCLUDED)},\n` +
    `"omittedColumns": ${JSON.stringify(JSON_OMITTED_COLUMNS)},\n` +
    `"data": {\n`
  );
  let firstTable = true;
  for (const name of JSON_TABLES) {
    const table = tables.get(name);
    if (!table) throw new Error(`The schema has no table ${name}`);
    yield `${firstTable ? "" : ",\n"}${JSON.stringify(name)}: [`;
    firstTable = false;
    let count = 0;
    for await (const row of tableRows(db, table)) {
      yield `${count === 0 ? "\n" : ",\n"}${JSON.stringify(exportedRow(name, row))}`;
      count++;
    }
    stats[name] = count;
    yield count === 0 ? "]" : "\n]";
  }
  yield `\n},\n"counts": ${JSON.stringify(stats)}\n}\n`;
}
