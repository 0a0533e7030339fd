/**
 * Runs before each test file (in its own process): points the app at a fresh
 * copy of the migrated template, so no test file sees another's rows. SQLite:
 * DATABASE_PATH at a copy of the template file. PostgreSQL: DATABASE_URL at a
 * new database made from the template database.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll } from "vitest";
import { TEMPLATE_DB, TMP_DIR, pgDatabaseUrl, pgRunPrefix, pgServerUrl, pgTemplate } from "./paths";

const server = pgServerUrl();
if (server) {
  const name = `${pgRunPrefix()}${process.pid}_${crypto.randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: pgDatabaseUrl(server, "postgres") });
  await admin.connect();
  try {
    await admin.query(`create database "${name}" template "${pgTemplate()}"`);
  } finally {
    await admin.end();
  }
  process.env.DATABASE_URL = pgDatabaseUrl(server, name);
  // Unused by the store; where a generated file (the fallback signing secret) would go.
  process.env.DATABASE_PATH = path.join(TMP_DIR, `pg-${name}`, "app.db");
} else {
  const file = path.join(TMP_DIR, `test-${process.pid}-${crypto.randomUUID()}.db`);
  fs.copyFileSync(TEMPLATE_DB, file);
  process.env.DATABASE_PATH = file;
  delete process.env.DATABASE_URL;
}

// The file's pool (PostgreSQL) or file handle is closed when its tests end.
afterAll(async () => {
  const { closeDb } = await import("@/lib/db");
  await closeDb();
});
