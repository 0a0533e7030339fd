import { describe, expect, it, vi } from "vitest";
import { GET as live } from "@/app/healthz/live/route";
import { GET } from "@/app/healthz/route";
import { execute, getDb, row, sql, storeOf } from "@/lib/db";
import type { SqliteDb } from "@/lib/db/sqlite";
import { checkHealth } from "@/lib/server/health";

/** drizzle's record of applied migrations: `__drizzle_migrations` on SQLite, in the `drizzle` schema on PostgreSQL. */
const migrationsTable = () => (storeOf(getDb()) === "postgres" ? sql`drizzle.__drizzle_migrations` : sql`__drizzle_migrations`);

describe("/healthz", () => {
  it("is healthy on a migrated database: reachable, every committed migration applied", async () => {
    const health = await checkHealth();
    expect(health.ok).toBe(true);
    expect(health.database).toEqual({ reachable: true });
    expect(health.migrations.committed).toBeGreaterThan(0);
    expect(health.migrations.applied).toBe(health.migrations.committed);
    expect(health.migrations.pending).toBe(0);

    const response = await GET();
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toEqual(health);
  });

  it("answers 503 when a committed migration is not applied", async () => {
    const db = getDb();
    const last = (await row<{ hash: string; created_at: number | string }>(
      db,
      sql`select hash, created_at from ${migrationsTable()} order by created_at desc limit 1`,
    ))!;
    await execute(db, sql`delete from ${migrationsTable()} where created_at = ${last.created_at}`);
    try {
      const response = await GET();
      expect(response.status).toBe(503);
      expect(response.headers.get("cache-control")).toBe("no-store");
      const body = (await response.json()) as Awaited<ReturnType<typeof checkHealth>>;
      expect(body).toMatchObject({ ok: false, database: { reachable: true }, migrations: { pending: 1 } });
      expect(body.migrations.applied).toBe(body.migrations.committed - 1);
    } finally {
      await execute(db, sql`insert into ${migrationsTable()} (hash, created_at) values (${last.hash}, ${last.created_at})`);
    }
    expect((await checkHealth()).ok).toBe(true);
  });

  it("answers 503 when the database does not answer, while /healthz/live (liveness) still answers ok", async () => {
    if (storeOf(getDb()) === "sqlite") {
      (getDb() as unknown as SqliteDb).$client.close();
    } else {
      // The server stops answering: every query through the pool fails as a
      // refused connection would (the pool itself stays open for the file's
      // clean-up).
      const pool = (getDb() as unknown as { $client: { query: (...args: unknown[]) => unknown } }).$client;
      vi.spyOn(pool, "query").mockImplementation(() => Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:5432")));
    }
    try {
      const response = await GET();
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ ok: false, database: { reachable: false, error: expect.any(String) } });

      const alive = live();
      expect(alive.status).toBe(200);
      expect(alive.headers.get("content-type")).toBe("text/plain; charset=utf-8");
      expect(alive.headers.get("cache-control")).toBe("no-store");
      expect(await alive.text()).toBe("ok");
    } finally {
      vi.restoreAllMocks();
    }
  });
});
