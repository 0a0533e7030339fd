import "server-only";
import { readMigrationFiles } from "drizzle-orm/migrator";
import { MIGRATIONS_FOLDER, getDb, type Db } from "@/lib/db";

export type Health = {
  ok: boolean;
  database: { reachable: boolean; error?: string };
  migrations: { committed: number; applied: number; pending: number; error?: string };
};

/** The committed migrations' timestamps (drizzle-kit's journal, shipped with the build). */
function committedMigrations(): number[] {
  return readMigrationFiles({ migrationsFolder: MIGRATIONS_FOLDER }).map((m) => m.folderMillis);
}

/**
 * Applied migrations as drizzle's migrator counts them: it applies every
 * committed migration newer than the last one recorded.
 */
function appliedMigrations(db: Db): { count: number; last: number | null } {
  const row = db.$client
    .prepare("select count(*) as count, max(created_at) as last from __drizzle_migrations")
    .get() as { count: number; last: number | null };
  return { count: row.count, last: row.last === null ? null : Number(row.last) };
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Whether this instance can serve: the database answers and every committed
 * migration is applied. Reads nothing from outside services (Akismet, mail),
 * so their outages never take the instance out of a load balancer.
 */
export function checkHealth(): Health {
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
    db.$client.prepare("select 1").get();
  } catch (error) {
    return {
      ok: false,
      database: { reachable: false, error: message(error) },
      migrations: { committed: committed.length, applied: 0, pending: committed.length, error: committedError },
    };
  }

  try {
    const applied = appliedMigrations(db);
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
