import "server-only";
import { is, sql, type SQL } from "drizzle-orm";
import { PgDatabase, PgTransaction } from "drizzle-orm/pg-core";
import type { NodePgDatabase } from "drizzle-orm/node-postgres";
import type * as pgSchema from "@/db/pg/schema";
import { storeKind, type StoreKind } from "@/db/store-kind";
import { env } from "@/lib/env";
import { closeListeners } from "./listener";
import { closePostgres, migratePostgres, openPostgres, pgExecute, pgRows, pgTransaction, type PgDb } from "./postgres";
import { migrateSqlite, openSqlite, sqliteExecute, sqliteRows, sqliteTransaction, type SqliteDb } from "./sqlite";

/**
 * A connection to the store this process runs on (decision 014): the SQLite
 * file, or a pool of PostgreSQL connections when `DATABASE_URL` is set. The
 * domain code sees one type, drizzle's PostgreSQL builders over the tables of
 * db/schema.ts, and only awaits queries; transactions and raw SQL go through
 * the functions below, which are the only places that know the store.
 */
export type Db = Omit<NodePgDatabase<typeof pgSchema>, "transaction" | "execute" | "$client" | "batch">;

export type { StoreKind };

const asSqlite = (db: Db) => db as unknown as SqliteDb;
const asPg = (db: Db) => db as unknown as PgDb;

/** Which store a connection (or a transaction on one) belongs to. */
export function storeOf(db: Db): StoreKind {
  return is(db, PgDatabase) ? "postgres" : "sqlite";
}

export type OpenOptions = {
  /** SQLite's `synchronous` pragma (decision 010). */
  synchronous?: "normal" | "full";
  /** PostgreSQL pool size, statement timeout and connect timeout. */
  poolSize?: number;
  statementTimeoutMs?: number;
  connectTimeoutMs?: number;
};

/** Opens a SQLite file, or a pool to a `postgres://` URL. Nothing is migrated. */
export function openDatabase(target: string, options: OpenOptions = {}): Db {
  if (storeKind({ DATABASE_URL: target }) === "postgres") {
    return openPostgres(target, {
      max: options.poolSize,
      statementTimeoutMs: options.statementTimeoutMs,
      connectTimeoutMs: options.connectTimeoutMs,
    }) as unknown as Db;
  }
  return openSqlite(target, { synchronous: options.synchronous }) as unknown as Db;
}

/** Applies every committed migration of the connection's store that is not applied yet. */
export async function migrateDatabase(db: Db): Promise<void> {
  if (storeOf(db) === "postgres") await migratePostgres(asPg(db));
  else migrateSqlite(asSqlite(db));
}

export async function closeDatabase(db: Db): Promise<void> {
  if (storeOf(db) === "postgres") await closePostgres(asPg(db));
  else asSqlite(db).$client.close();
}

const globalForDb = globalThis as typeof globalThis & {
  __newsroomDb?: { target: string; db: Db; ready: Promise<void> | null };
};

/** Where this process's data lives: `DATABASE_URL` (PostgreSQL) or `DATABASE_PATH` (SQLite). */
export function databaseTarget(): string {
  const e = env();
  return e.DATABASE_URL ?? e.DATABASE_PATH;
}

/**
 * The process-wide connection. On SQLite it is migrated on first use (at
 * once: it is local and synchronous); on PostgreSQL, `prepareDatabase()`
 * migrates it at start-up (instrumentation.ts, the scripts).
 */
export function getDb(): Db {
  const target = databaseTarget();
  const existing = globalForDb.__newsroomDb;
  if (existing && existing.target === target) return existing.db;
  const e = env();
  const db = openDatabase(target, {
    synchronous: e.SQLITE_SYNCHRONOUS,
    poolSize: e.DATABASE_POOL_SIZE,
    statementTimeoutMs: e.DATABASE_STATEMENT_TIMEOUT_MS,
  });
  if (storeOf(db) === "sqlite") migrateSqlite(asSqlite(db));
  globalForDb.__newsroomDb = { target, db, ready: storeOf(db) === "sqlite" ? Promise.resolve() : null };
  return db;
}

/** The process-wide connection, migrated: awaited once at start-up. */
export async function prepareDatabase(): Promise<Db> {
  const db = getDb();
  const entry = globalForDb.__newsroomDb!;
  entry.ready ??= migrateDatabase(db).catch((error) => {
    entry.ready = null; // let a later start try again
    throw error;
  });
  await entry.ready;
  return db;
}

/** Closes the process-wide connection (scripts, before they exit). */
export async function closeDb(): Promise<void> {
  await closeListeners();
  const entry = globalForDb.__newsroomDb;
  if (!entry) return;
  globalForDb.__newsroomDb = undefined;
  await closeDatabase(entry.db);
}

export type TransactionOptions = {
  /**
   * PostgreSQL: run at SERIALIZABLE isolation and retry when a concurrent
   * transaction conflicts, for read-then-write rules (limits, duplicates,
   * version checks) that must hold under concurrency. SQLite transactions
   * are always serialized (one writer).
   */
  serializable?: boolean;
};

/**
 * Runs `work` in a transaction: everything it writes commits together or not
 * at all. Inside, use the `tx` it is given. A nested call is a savepoint.
 */
export function transaction<T>(db: Db, work: (tx: Db) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
  if (storeOf(db) === "sqlite") return sqliteTransaction(asSqlite(db), () => work(db));
  if (is(db, PgTransaction)) return (db as unknown as PgTransaction<never, never, never>).transaction((tx) => work(tx as unknown as Db));
  return pgTransaction(asPg(db), (tx) => work(tx as unknown as Db), options);
}

/** Raw SQL (a drizzle `sql` template): every row, keyed by the column names (quote camelCase aliases). */
export async function rows<T>(db: Db, query: SQL): Promise<T[]> {
  return storeOf(db) === "postgres" ? pgRows<T>(asPg(db), query) : sqliteRows<T>(asSqlite(db), query);
}

/** Raw SQL: the first row, or undefined. */
export async function row<T>(db: Db, query: SQL): Promise<T | undefined> {
  return (await rows<T>(db, query))[0];
}

/** Raw SQL that writes: the number of rows it changed. */
export async function execute(db: Db, query: SQL): Promise<number> {
  return storeOf(db) === "postgres" ? pgExecute(asPg(db), query) : sqliteExecute(asSqlite(db), query);
}

export { sql };
