import "server-only";
import { readMigrationFiles } from "drizzle-orm/migrator";
import { storeKind } from "@/db/store-kind";
import { databaseTarget, getDb, row, sql, storeOf, type Db } from "@/lib/db";
import { PG_MIGRATIONS } from "@/lib/db/postgres";
import { SQLITE_MIGRATIONS } from "@/lib/db/sqlite";

export type Health = {
  ok: boolean;
  database: { reachable: boolean; error?: string };
  migrations: { committed: number; applied: number; pending: number; error?: string };
};

/**
 * The committed migrations' timestamps for the store this instance runs on
 * (drizzle-kit's journal, shipped with the build): db/sqlite/migrations or
 * db/pg/migrations.
 */
function committedMigrations(): number[] {
  const folder = storeKind({ DATABASE_URL: databaseTarget() }) === "postgres" ? PG_MIGRATIONS : SQLITE_MIGRATIONS;
  return readMigrationFiles({ migrationsFolder: folder }).map((m) => m.folderMillis);
}

/**
 * Applied migrations as drizzle's migrator counts them: it applies every
 * committed migration newer than the last one recorded (in
 * `__drizzle_migrations` on SQLite, `drizzle.__drizzle_migrations` on PostgreSQL).
 */
async function appliedMigrations(db: Db): Promise<{ count: number; last: number | null }> {
  const table = storeOf(db) === "postgres" ? sql`drizzle.__drizzle_migrations` : sql`__drizzle_migrations`;
  const found = await row<{ count: number | string; last: number | string | null }>(
    db,
    sql`select count(*) as count, max(created_at) as last from ${table}`,
  );
  return { count: Number(found?.count ?? 0), last: found?.last === null || found?.last === undefined ? null : Number(found.last) };
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Whether this instance can serve: the database answers (SQLite: the file;
 * PostgreSQL: a `select 1` through the pool) and every committed migration
 * is applied. Reads nothing from outside services (Akismet, mail), so their
 * outages never take the instance out of a load balancer.
 */
export async function checkHealth(): Promise<Health> {
  let committed: number[] = [];
  let committedError: string | undefined;
  try {
    committed = committedMigrations();
  } catch (error) {
    committedError = `cannot read the committed migrations: ${message(error)}`;
  }

  let db: Db;
  try {
    db = getDb();
    await row(db, sql`select 1 as one`);
  } catch (error) {
    return {
      ok: false,
      database: { reachable: false, error: message(error) },
      migrations: { committed: committed.length, applied: 0, pending: committed.length, error: committedError },
    };
  }

  try {
    const applied = await appliedMigrations(db);
    const pending = committed.filter((when) => applied.last === null || when > applied.last).length;
    return {
      ok: pending === 0 && !committedError,
      database: { reachable: true },
      migrations: { committed: committed.length, applied: applied.count, pending, ...(committedError ? { error: committedError } : {}) },
    };
  } catch (error) {
    return {
      ok: false,
      database: { reachable: true },
      migrations: { committed: committed.length, applied: 0, pending: committed.length, error: message(error) },
    };
  }
}
