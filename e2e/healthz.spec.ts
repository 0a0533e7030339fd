import { expect, test } from "./support/test";
import { currentLane } from "./support/lanes";

async function akismetRequestCount(): Promise<number> {
  const response = await fetch(`${currentLane().akismetURL}/__requests`);
  return ((await response.json()) as unknown[]).length;
}

test("/healthz reports the database and its migrations, uncached, without asking Akismet", async ({ request }) => {
  const before = await akismetRequestCount();
  const response = await request.get("/healthz");
  expect(response.status()).toBe(200);
  expect(response.headers()["cache-control"]).toBe("no-store");
  expect(response.headers()["content-type"]).toContain("application/json");
  const body = (await response.json()) as {
    ok: boolean;
    database: { reachable: boolean };
    migrations: { committed: number; applied: number; pending: number };
  };
  expect(body).toMatchObject({ ok: true, database: { reachable: true }, migrations: { pending: 0 } });
  expect(body.migrations.committed).toBeGreaterThan(0);
  expect(body.migrations.applied).toBe(body.migrations.committed);
  expect(await akismetRequestCount()).toBe(before);
});
