import os from "node:os";
import path from "node:path";

/**
 * Every vitest run has its own id: the pid of the run's main process, set
 * when this module is first loaded there (the global setup) and inherited by
 * the workers it forks. Its files live in their own folder, so two runs at
 * once (two people, or the SQLite and PostgreSQL passes side by side) never
 * delete each other's databases.
 */
export const RUN_ID = (process.env.NEWSROOM_TEST_RUN ??= String(process.pid));
/** Where every run keeps its folder. */
export const RUNS_DIR = path.join(process.cwd(), ".tmp", "vitest");
export const TMP_DIR = path.join(RUNS_DIR, `run-${RUN_ID}`);
export const TEMPLATE_DB = path.join(TMP_DIR, "template.db");

/**
 * The PostgreSQL run (`TEST_DATABASE_URL`, set by `npm run test:pg`): the
 * server URL whose databases the suite creates, a template migrated once, and
 * one database per test file copied from it (`CREATE DATABASE … TEMPLATE`).
 */
export const PG_TEST_PREFIX = "newsroom_test_";

/**
 * This run's databases share a prefix with the run's id (RUN_ID), so two runs on one
 * server never drop each other's databases.
 */
export function pgRunPrefix(): string {
  return `${PG_TEST_PREFIX}${RUN_ID}_`;
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
