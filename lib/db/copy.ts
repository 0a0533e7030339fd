import "server-only";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { asc, getTableColumns, gt, is, sql, type Column } from "drizzle-orm";
import { getTableConfig as pgTableConfig, PgTable } from "drizzle-orm/pg-core";
import { getTableConfig as sqliteTableConfig, SQLiteTable } from "drizzle-orm/sqlite-core";
import * as pgSchema from "@/db/pg/schema";
import * as sqliteSchema from "@/db/sqlite/schema";
import { storeKind } from "@/db/store-kind";
import { closeDatabase, execute, migrateDatabase, openDatabase, rows, storeOf, transaction, type Db } from "./index";

/**
 * `npm run db:copy`: moves a site's data between stores (SQLite ⇄
 * PostgreSQL, or to a new file/database of the same kind), keeping every id
 * and each table's next id, then proves the copy by row counts and a
 * checksum per table computed on both sides (decision 014).
 */

/** Tables in an order that satisfies their foreign keys. page_changes (a cache's change log) is not data. */
export const COPY_ORDER = [
  "users",
  "user_identities",
  "account_tokens",
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
  "revoked_sessions",
  "server_secrets",
  "mail_outbox",
  "import_ids",
  "erasures",
] as const;
export type CopiedTable = (typeof COPY_ORDER)[number];

/** Tables not copied, and why: a cache's change log, and attempt counters that expire within the hour. */
export const NOT_COPIED = ["page_changes", "rate_limits"] as const;

const BATCH = 500;

type AnyTable = PgTable | SQLiteTable;

function tableName(table: AnyTable): string {
  return is(table, PgTable) ? pgTableConfig(table as PgTable).name : sqliteTableConfig(table as SQLiteTable).name;
}

function tablesOf(db: Db | { store: "sqlite" | "postgres" }): Map<string, AnyTable> {
  const store = "store" in db ? db.store : storeOf(db);
  const schema = store === "postgres" ? pgSchema : sqliteSchema;
  const kind = store === "postgres" ? PgTable : SQLiteTable;
  const tables = new Map<string, AnyTable>();
  for (const value of Object.values(schema)) {
    if (is(value, kind)) tables.set(tableName(value as AnyTable), value as AnyTable);
  }
  return tables;
}

/** The table's primary-key column (every table has a single-column key). */
function keyColumn(table: AnyTable): { property: string; column: Column } {
  for (const [property, column] of Object.entries(getTableColumns(table))) {
    if (column.primary) return { property, column };
  }
  throw new Error(`${tableName(table)} has no single-column primary key`);
}

/** Reads a table in key order, a batch at a time. */
async function* readTable(db: Db, table: AnyTable): AsyncGenerator<Record<string, unknown>[]> {
  const key = keyColumn(table);
  let after: unknown = undefined;
  const q = db as unknown as { select: () => { from: (t: AnyTable) => any } };
  for (;;) {
    let query = q.select().from(table);
    if (after !== undefined) query = query.where(gt(key.column, after));
    const batch = (await query.orderBy(asc(key.column)).limit(BATCH)) as Record<string, unknown>[];
    if (batch.length === 0) return;
    yield batch;
    after = batch[batch.length - 1]![key.property];
    if (batch.length < BATCH) return;
  }
}

/** A value in a form both stores give back alike: dates as milliseconds, objects with sorted keys. */
function canonical(value: unknown): unknown {
  if (value instanceof Date) return value.getTime();
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

export type TableSummary = { table: string; rows: number; checksum: string };

/** Row count and SHA-256 over every row (canonical JSON, in key order) of each copied table. */
export async function summarize(db: Db): Promise<TableSummary[]> {
  const tables = tablesOf(db);
  const result: TableSummary[] = [];
  for (const name of COPY_ORDER) {
    const table = tables.get(name)!;
    const hash = crypto.createHash("sha256");
    let count = 0;
    for await (const batch of readTable(db, table)) {
      for (const row of batch) hash.update(JSON.stringify(canonical(row)) + "\n");
      count += batch.length;
    }
    result.push({ table: name, rows: count, checksum: hash.digest("hex").slice(0, 16) });
  }
  return result;
}

/** Tables whose key is a generated integer id (the others are keyed by a slug, a key or a session id). */
const ID_TABLES = new Set<string>(
  [...tablesOf({ store: "sqlite" as const }).entries()].filter(([, t]) => keyColumn(t).column.name === "id").map(([n]) => n),
);

/** The next id a table would hand out (so a copy never reuses an id the source had given). */
async function nextIds(db: Db): Promise<Map<string, number>> {
  const result = new Map<string, number>();
  if (storeOf(db) === "sqlite") {
    const seqs = await rows<{ name: string; seq: number }>(db, sql`select name, seq from sqlite_sequence`);
    for (const { name, seq } of seqs) result.set(name, Number(seq) + 1);
    return result;
  }
  for (const name of COPY_ORDER) {
    if (!ID_TABLES.has(name)) continue;
    const [found] = await rows<{ seq: string | null }>(db, sql`select pg_get_serial_sequence(${name}, 'id') as seq`);
    if (!found?.seq) continue;
    const [state] = await rows<{ last: number; called: boolean }>(
      db,
      sql`select last_value as "last", is_called as "called" from ${sql.raw(found.seq)}`,
    );
    if (state) result.set(name, Number(state.last) + (state.called ? 1 : 0));
  }
  return result;
}

async function setNextIds(db: Db, next: Map<string, number>): Promise<void> {
  for (const name of COPY_ORDER) {
    if (!ID_TABLES.has(name)) continue;
    if (storeOf(db) === "postgres") {
      const [found] = await rows<{ seq: string | null }>(db, sql`select pg_get_serial_sequence(${name}, 'id') as seq`);
      if (!found?.seq) continue;
      const [max] = await rows<{ id: number }>(db, sql`select coalesce(max(id), 0) as id from ${sql.identifier(name)}`);
      const value = Math.max(next.get(name) ?? 1, Number(max!.id) + 1);
      await rows(db, sql`select setval(${found.seq}, ${value}, false)`);
    } else {
      const [max] = await rows<{ id: number }>(db, sql`select coalesce(max(id), 0) as id from ${sql.identifier(name)}`);
      const seq = Math.max((next.get(name) ?? 1) - 1, Number(max!.id));
      if (seq === 0) continue;
      const changed = await execute(db, sql`update sqlite_sequence set seq = ${seq} where name = ${name}`);
      if (changed === 0) await execute(db, sql`insert into sqlite_sequence (name, seq) values (${name}, ${seq})`);
    }
  }
}

export class CopyRefused extends Error {}

/** Rows per table in a database, for the "target must be empty" rule. */
async function nonEmptyTables(db: Db): Promise<string[]> {
  const found: string[] = [];
  for (const name of [...COPY_ORDER, "page_changes"]) {
    const [one] = await rows(db, sql`select 1 as one from ${sql.identifier(name)} limit 1`);
    if (one) found.push(name);
  }
  return found;
}

export type CopyReport = {
  from: TableSummary[];
  to: TableSummary[];
  verified: boolean;
  mismatches: string[];
};

/**
 * Copies every row of `from` into the empty store `to` (both migrated first),
 * in one transaction: a failure leaves the target empty. Then both sides are
 * summarized again and compared.
 */
export async function copyDatabase(
  fromTarget: string,
  toTarget: string,
  { onProgress }: { onProgress?: (table: string, copied: number) => void } = {},
): Promise<CopyReport> {
  if (fromTarget === toTarget) throw new CopyRefused("--from and --to are the same database");
  const fromIsFile = storeKind({ DATABASE_URL: fromTarget }) === "sqlite";
  // A mistyped path must not become an empty source that "copies" nothing.
  if (fromIsFile && !fs.existsSync(fromTarget)) throw new CopyRefused(`the source file ${path.resolve(fromTarget)} does not exist`);
  const from = openDatabase(fromTarget);
  try {
    await migrateDatabase(from);
  } catch (error) {
    await closeDatabase(from).catch(() => {});
    throw new CopyRefused(`the source could not be opened: ${(error as Error).message}`);
  }
  // The target is opened (and, for a file, created) only once the source is known to be good.
  let to: Db;
  try {
    to = openDatabase(toTarget);
    await migrateDatabase(to);
  } catch (error) {
    await closeDatabase(from);
    throw new CopyRefused(`the target could not be opened: ${(error as Error).message}`);
  }
  try {
    const occupied = await nonEmptyTables(to);
    if (occupied.length > 0) {
      throw new CopyRefused(
        `the target is not empty (rows in ${occupied.join(", ")}); db:copy writes only into an empty database`,
      );
    }
    const sourceTables = tablesOf(from);
    const targetTables = tablesOf(to);
    const next = await nextIds(from);
    await transaction(to, async (tx) => {
      for (const name of COPY_ORDER) {
        const target = targetTables.get(name)!;
        const insert = tx as unknown as { insert: (t: AnyTable) => { values: (rows: unknown[]) => Promise<unknown> } };
        let copied = 0;
        // comments.parent_id points at comments: a reply whose parent has a
        // higher id (possible after replies move up) is linked in a second pass.
        const forward: { id: number; parentId: number }[] = [];
        const seen = new Set<number>();
        for await (const batch of readTable(from, sourceTables.get(name)!)) {
          if (name === "comments") {
            for (const row of batch) {
              const parentId = row.parentId as number | null;
              if (parentId !== null && !seen.has(parentId)) {
                forward.push({ id: row.id as number, parentId });
                row.parentId = null;
              }
              seen.add(row.id as number);
            }
          }
          await insert.insert(target).values(batch);
          copied += batch.length;
          onProgress?.(name, copied);
        }
        for (const link of forward) {
          await execute(tx, sql`update comments set parent_id = ${link.parentId} where id = ${link.id}`);
        }
      }
      await setNextIds(tx, next);
      // comment_respects' triggers counted each respect copied on top of the count copied
      // with its comment: the count is the number of rows, as in the source.
      await execute(tx, sql`update comments set respect_count = (select count(*) from comment_respects r where r.comment_id = comments.id) where respect_count > 0`);
      // The same for comment_reports' triggers and the open reports.
      await execute(
        tx,
        sql`update comments set open_report_count = (select count(*) from comment_reports r where r.comment_id = comments.id and r.closed_at is null) where open_report_count > 0`,
      );
      // The target's triggers logged page changes while rows went in: no cache to expire there yet.
      await execute(tx, sql`delete from page_changes`);
    });
    const [sourceSummary, targetSummary] = [await summarize(from), await summarize(to)];
    const mismatches = sourceSummary
      .filter((s, i) => s.rows !== targetSummary[i]!.rows || s.checksum !== targetSummary[i]!.checksum)
      .map((s) => s.table);
    return { from: sourceSummary, to: targetSummary, verified: mismatches.length === 0, mismatches };
  } finally {
    await closeDatabase(from);
    await closeDatabase(to);
  }
}
