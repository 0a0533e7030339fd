import os from "node:os";
import path from "node:path";

export const TMP_DIR = path.join(process.cwd(), ".tmp", "vitest");
export const TEMPLATE_DB = path.join(TMP_DIR, "template.db");

/**
 * The PostgreSQL run (`TEST_DATABASE_URL`, set by `npm run test:pg`): the
 * server URL whose databases the suite creates, a template migrated once, and
 * one database per test file copied from it (`CREATE DATABASE … TEMPLATE`).
 */
export const PG_TEST_PREFIX = "newsroom_test_";

/**
 * This run's databases share a prefix with the pid of the run's main process
 * (set by the global setup, inherited by the workers), so two runs on one
 * server never drop each other's databases.
 */
export function pgRunPrefix(): string {
  const run = process.env.NEWSROOM_TEST_RUN;
  if (!run) throw new Error("NEWSROOM_TEST_RUN is not set: the global setup sets it");
  return `${PG_TEST_PREFIX}${run}_`;
}

export function pgTemplate(): string {
  return `${pgRunPrefix()}template`;
}

export function pgServerUrl(): string | undefined {
  return process.env.TEST_DATABASE_URL || undefined;
}

/** The same server URL with another database name. */
export function pgDatabaseUrl(server: string, database: string): string {
  const url = new URL(server);
  url.pathname = `/${database}`;
  if (!url.username) url.username = process.env.PGUSER || os.userInfo().username;
  return url.toString();
}
