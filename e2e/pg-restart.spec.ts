/**
 * PostgreSQL restarted under a posting load (`pg_ctlcluster … restart`):
 * while it is down, a post gets a clear 503 (never a 500, never a false
 * 201); every post answered 201 is in the database afterwards; and the app
 * reconnects by itself, without a restart (decision 014).
 *
 * It restarts the machine's PostgreSQL server, so it runs in the end-to-end
 * suite (one test at a time), not beside the PostgreSQL integration tests.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import { expect, test } from "./support/test";
import { startCluster, type Cluster } from "./support/cluster";

let cluster: Cluster;

test.describe.configure({ timeout: 120_000 });

test.beforeAll(async () => {
  test.setTimeout(120_000);
  cluster = await startCluster({ base: 3140, count: 1 });
});

test.afterAll(async () => {
  await cluster?.stop();
});

function clusterName(): { version: string; name: string } {
  const version = fs.readdirSync("/etc/postgresql").sort((a, b) => Number(a) - Number(b)).at(-1)!;
  return { version, name: "main" };
}

/** Asynchronously: the posting workers in this process keep running meanwhile. */
function pgCtl(action: "restart" | "start"): Promise<void> {
  const { version, name } = clusterName();
  return new Promise((resolve, reject) => {
    execFile("pg_ctlcluster", ["--skip-systemctl-redirect", version, name, action], { timeout: 60_000 }, (error, _out, stderr) =>
      error ? reject(new Error(`pg_ctlcluster ${action}: ${error.message} ${stderr}`)) : resolve(),
    );
  });
}

type Outcome = { status: number; id?: number; error?: string; content: string; at: number };

test("posting while PostgreSQL restarts: 503s while it is down, nothing acknowledged lost, the app reconnects by itself", async () => {
  const instance = cluster.instances[0]!;
  const api = `${instance.url}/api/articles/e2e-moderation/comments`;
  const { formToken } = (await (await fetch(api)).json()) as { formToken: string };
  const outcomes: Outcome[] = [];
  let n = 0;
  let stop = false;

  const poster = async (worker: number) => {
    while (!stop) {
      n += 1;
      const content = `Posted under load by worker ${worker}, number ${n}.`;
      try {
        const res = await fetch(api, {
          method: "POST",
          headers: { origin: cluster.url, "content-type": "application/json", "x-forwarded-for": `198.51.100.${worker}` },
          body: JSON.stringify({ content, name: `Load ${worker}`, email: `load${worker}@example.com`, formToken }),
        });
        const body = (await res.json().catch(() => ({}))) as { id?: number; error?: string };
        outcomes.push({ status: res.status, id: body.id, error: body.error, content, at: Date.now() });
      } catch (error) {
        outcomes.push({ status: 0, error: String(error), content, at: Date.now() });
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  const workers = [1, 2, 3, 4].map(poster);
  await new Promise((r) => setTimeout(r, 1_500));
  const restartedAt = Date.now();
  try {
    await pgCtl("restart");
  } catch (error) {
    await pgCtl("start").catch(() => {});
    throw error;
  }
  const backAt = Date.now();
  // Keep posting until the app has answered 201 again for a while.
  await expect(async () => {
    const recent = outcomes.filter((o) => o.at > backAt + 500);
    const summary = JSON.stringify(recent.slice(-3));
    expect(recent.filter((o) => o.status === 201).length, `the latest answers: ${summary}`).toBeGreaterThan(10);
  }).toPass({ timeout: 60_000 });
  stop = true;
  await Promise.all(workers);

  const statuses = new Map<number, number>();
  for (const o of outcomes) statuses.set(o.status, (statuses.get(o.status) ?? 0) + 1);
  console.log(`posts: ${outcomes.length}; by status: ${JSON.stringify(Object.fromEntries(statuses))}; restart took ${backAt - restartedAt} ms`);

  // Only two answers: stored (201) or a clear "try again" (503); never a 500 or a dropped connection.
  expect([...statuses.keys()].filter((s) => s !== 201 && s !== 503)).toEqual([]);
  const refused = outcomes.filter((o) => o.status === 503);
  expect(refused.length, "no post met the restart: it was over before any request reached the database").toBeGreaterThan(0);
  for (const o of refused) expect(o.error).toMatch(/temporarily unavailable/i);

  // Every acknowledged post is in the database, with its text.
  const acknowledged = outcomes.filter((o) => o.status === 201);
  expect(acknowledged.length).toBeGreaterThan(20);
  const stored = await cluster.query<{ id: number; content: string }>("select id, content from comments where id = any($1::int[])", [
    acknowledged.map((o) => o.id!),
  ]);
  const byId = new Map(stored.map((r) => [r.id, r.content]));
  for (const o of acknowledged) expect({ id: o.id, content: byId.get(o.id!) }).toEqual({ id: o.id, content: o.content });

  // The same server process answers pages and health again: it reconnected by itself.
  expect(instance.process.exitCode).toBeNull();
  const health = await fetch(`${instance.url}/healthz`);
  expect(health.status).toBe(200);
  const page = await fetch(`${instance.url}/articles/e2e-moderation`);
  expect(page.status).toBe(200);
});
