import "server-only";
import os from "node:os";
import { getDb, rows, sql, storeOf } from "@/lib/db";
import { listenerFor, LISTENER_ROLE } from "@/lib/db/listener";
import { env } from "@/lib/env";
import { databaseLabel } from "./database-label";

export type DatabaseInfo =
  | { store: "sqlite"; label: string }
  | {
      store: "postgres";
      label: string;
      poolSize: number;
      statementTimeoutMs: number;
      /** Instances connected now (host:pid), each known by its settings listener; this one first. */
      instances: string[];
      self: string;
    };

/** What /admin says about the database: which store, and on PostgreSQL the pool, the timeout and the instances connected. */
export async function databaseInfo(): Promise<DatabaseInfo> {
  const db = getDb();
  const label = databaseLabel();
  if (storeOf(db) === "sqlite") return { store: "sqlite", label };
  listenerFor(db, "newsroom_settings"); // this instance's own, so it counts itself
  const self = `${os.hostname()}:${process.pid}`;
  const found = await rows<{ name: string }>(
    db,
    sql`select distinct application_name as "name" from pg_stat_activity
        where datname = current_database() and application_name like ${`${LISTENER_ROLE} %`}
        order by 1`,
  );
  const names = found.map((r) => r.name.slice(LISTENER_ROLE.length + 1));
  const instances = [self, ...names.filter((n) => n !== self)];
  return { store: "postgres", label, poolSize: env().DATABASE_POOL_SIZE, statementTimeoutMs: env().DATABASE_STATEMENT_TIMEOUT_MS, instances, self };
}
