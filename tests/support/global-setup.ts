/**
 * Builds one migrated template per test run; each test file then works on its
 * own copy (tests/support/fresh-database.ts). SQLite: a template file.
 * PostgreSQL (`TEST_DATABASE_URL`): a template database, and the run's
 * databases are dropped at the end.
 */
import fs from "node:fs";
import pg from "pg";
import { closeDatabase, migrateDatabase, openDatabase } from "@/lib/db";
import path from "node:path";
import { PG_TEST_PREFIX, RUNS_DIR, TEMPLATE_DB, TMP_DIR, pgDatabaseUrl, pgRunPrefix, pgServerUrl, pgTemplate } from "./paths";

/** At most this many DROP DATABASE at once: about twice as fast as one at a time. */
const DROP_CONNECTIONS = 4;

/** Drops this run's databases, and those of earlier runs whose process is gone (a run killed before its teardown). */
async function dropTestDatabases(server: string, admin: pg.Client, { leftovers }: { leftovers: boolean }): Promise<void> {
  const { rows } = await admin.query<{ datname: string }>("select datname from pg_database where datname like $1", [`${PG_TEST_PREFIX}%`]);
  const doomed = rows
    .map(({ datname }) => datname)
    .filter((datname) => {
      const pid = Number(/^newsroom_test_(\d+)_/.exec(datname)?.[1]);
      return datname.startsWith(pgRunPrefix()) || (leftovers && pid && !alive(pid));
    });
  await Promise.all(
    Array.from({ length: Math.min(DROP_CONNECTIONS, doomed.length) }, async () => {
      const client = new pg.Client({ connectionString: pgDatabaseUrl(server, "postgres") });
      await client.connect();
      try {
        for (let name = doomed.pop(); name !== undefined; name = doomed.pop()) await client.query(`drop database if exists "${name}" with (force)`);
      } finally {
        await client.end();
      }
    }),
  );
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Folders of earlier runs whose process is gone (a run killed before its teardown); runs still going keep theirs. */
export function removeLeftoverFolders(): void {
  let entries: string[] = [];
  try {
    entries = fs.readdirSync(RUNS_DIR);
  } catch {
    return;
  }
  for (const entry of entries) {
    const pid = Number(/^run-(\d+)$/.exec(entry)?.[1]);
    if (pid && !alive(pid)) fs.rmSync(path.join(RUNS_DIR, entry), { recursive: true, force: true });
  }
}

export default async function setup() {
  removeLeftoverFolders();
  fs.rmSync(TMP_DIR, { recursive: true, force: true });
  fs.mkdirSync(TMP_DIR, { recursive: true });
  const server = pgServerUrl();
  if (server) {
    const admin = new pg.Client({ connectionString: pgDatabaseUrl(server, "postgres") });
    await admin.connect();
    await dropTestDatabases(server, admin, { leftovers: true });
    await admin.query(`create database "${pgTemplate()}"`);
    const db = openDatabase(pgDatabaseUrl(server, pgTemplate()));
    await migrateDatabase(db);
    await closeDatabase(db);
    return async () => {
      await dropTestDatabases(server, admin, { leftovers: false });
      await admin.end();
      fs.rmSync(TMP_DIR, { recursive: true, force: true });
    };
  }
  const db = openDatabase(TEMPLATE_DB) as unknown as import("@/lib/db/sqlite").SqliteDb;
  await migrateDatabase(db as never);
  // One self-contained file: fold the WAL back in before it is copied.
  db.$client.pragma("wal_checkpoint(TRUNCATE)");
  db.$client.pragma("journal_mode = DELETE");
  db.$client.close();
  return () => fs.rmSync(TMP_DIR, { recursive: true, force: true });
}
