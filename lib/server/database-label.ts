import "server-only";
import { storeKind } from "@/db/store-kind";
import { databaseTarget } from "@/lib/db";

/**
 * Where this process's data lives, for a log line: the SQLite file, or the
 * PostgreSQL URL without its password.
 */
export function databaseLabel(target = databaseTarget()): string {
  if (storeKind({ DATABASE_URL: target }) !== "postgres") return target;
  try {
    const url = new URL(target);
    if (url.password) url.password = "***";
    return `PostgreSQL ${url.toString()}`;
  } catch {
    return "PostgreSQL (DATABASE_URL)";
  }
}
