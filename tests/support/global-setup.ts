/**
 * Builds one migrated template database per test run; each test file then
 * works on its own copy (tests/support/fresh-database.ts).
 */
import fs from "node:fs";
import { migrateDatabase, openDatabase } from "@/lib/db";
import { TEMPLATE_DB, TMP_DIR } from "./paths";

export default function setup() {
  fs.rmSync(TMP_DIR, { recursive: true, force: true });
  fs.mkdirSync(TMP_DIR, { recursive: true });
  const db = openDatabase(TEMPLATE_DB);
  migrateDatabase(db);
  // One self-contained file: fold the WAL back in before it is copied.
  db.$client.pragma("wal_checkpoint(TRUNCATE)");
  db.$client.pragma("journal_mode = DELETE");
  db.$client.close();
  return () => fs.rmSync(TMP_DIR, { recursive: true, force: true });
}
