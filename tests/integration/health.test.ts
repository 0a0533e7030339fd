import { describe, expect, it } from "vitest";
import { GET as live } from "@/app/healthz/live/route";
import { GET } from "@/app/healthz/route";
import { getDb } from "@/lib/db";
import { checkHealth } from "@/lib/server/health";

describe("/healthz", () => {
  it("is healthy on a migrated database: reachable, every committed migration applied", async () => {
    const health = checkHealth();
    expect(health.ok).toBe(true);
    expect(health.database).toEqual({ reachable: true });
    expect(health.migrations.committed).toBeGreaterThan(0);
    expect(health.migrations.applied).toBe(health.migrations.committed);
    expect(health.migrations.pending).toBe(0);

    const response = GET();
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toEqual(health);
  });

  it("answers 503 when a committed migration is not applied", async () => {
    const db = getDb().$client;
    const last = db.prepare("select hash, created_at from __drizzle_migrations order by created_at desc limit 1").get() as {
      hash: string;
      created_at: number;
    };
    db.prepare("delete from __drizzle_migrations where created_at = ?").run(last.created_at);
    try {
      const response = GET();
      expect(response.status).toBe(503);
      expect(response.headers.get("cache-control")).toBe("no-store");
      const body = (await response.json()) as ReturnType<typeof checkHealth>;
      expect(body).toMatchObject({ ok: false, database: { reachable: true }, migrations: { pending: 1 } });
      expect(body.migrations.applied).toBe(body.migrations.committed - 1);
    } finally {
      db.prepare("insert into __drizzle_migrations (hash, created_at) values (?, ?)").run(last.hash, last.created_at);
    }
    expect(checkHealth().ok).toBe(true);
  });

  it("answers 503 when the database does not answer, while /healthz/live (liveness) still answers ok", async () => {
    getDb().$client.close();
    const response = GET();
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ ok: false, database: { reachable: false, error: expect.any(String) } });

    const alive = live();
    expect(alive.status).toBe(200);
    expect(alive.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(alive.headers.get("cache-control")).toBe("no-store");
    expect(await alive.text()).toBe("ok");
  });
});
