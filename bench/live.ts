/**
 * `npm run bench:live`: open article pages following their thread (issue 20,
 * docs/decisions/023), on the production build with SQLite.
 *
 * 2,000 simulated pages (BENCH_LIVE_CLIENTS) each hold
 * `GET /api/articles/<slug>/live` open, as a browser's EventSource does, from
 * this process (one socket each). Then, measured on the server's process tree:
 *   - RSS with every stream open, and CPU over 10 s with nothing happening
 *     (heartbeats only), as a share of one core;
 *   - a comment approved by another process (written into the database, as a
 *     script or another instance would): how long until each page has it
 *     (p50, p99, the share within 5 s);
 *   - the same comment marked spam: how long until each page drops it.
 * Beside them, Next's floor in the same run: `GET /healthz/live` with wrk
 * (req/s and CPU ms a request), and what polling would cost instead: the
 * same pages asking a cached changes endpoint every 5 s would be 400
 * requests a second, at the floor's CPU per request at best.
 *
 * Not part of the test suite; holds /tmp/newsroom-heavy.lock (bench/live.sh).
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import Database from "better-sqlite3";
import { cpuMs, rssKib, run, stop, waitFor, wrk } from "./support";

const PORT = Number(process.env.BENCH_PORT ?? 3204);
const HOST = "127.0.0.1";
const BASE = `http://${HOST}:${PORT}`;
const DIR = path.join(process.cwd(), ".tmp", "bench-live");
const DB = path.join(DIR, "app.db");
const CLIENTS = Number(process.env.BENCH_LIVE_CLIENTS ?? 2000);
const SLUG = "syria-us-led-coalition-deeply-in-denial-about-civilian-casualties-in-raqqa";
const SECRET = "bench-live-test-secret-not-for-production-0123456789";
const POLL_SECONDS = 5;

type Client = { events: { at: number; event: string; data: string }[]; request: http.ClientRequest; open: boolean };

function connect(agent: http.Agent): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client: Client = { events: [], request: null as unknown as http.ClientRequest, open: false };
    client.request = http.get(`${BASE}/api/articles/${SLUG}/live`, { agent, headers: { Accept: "text/event-stream" } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`live stream answered ${res.statusCode}`));
      client.open = true;
      let buffer = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        buffer += chunk;
        for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) client.events.push({ at: Date.now(), event, data });
          if (event === "snapshot") resolve(client);
        }
      });
      res.on("close", () => (client.open = false));
    });
    client.request.on("error", reject);
  });
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** When each client got the change that `has` recognises, after `since` (ms, or null when it never came). */
function arrivals(clients: Client[], since: number, has: (change: { added: { comment: [number] }[]; removed: number[] }) => boolean): (number | null)[] {
  return clients.map((c) => {
    const hit = c.events.find((e) => e.event === "change" && e.at >= since && has(JSON.parse(e.data)));
    return hit ? hit.at - since : null;
  });
}

async function waitUntil(check: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

function describe(label: string, times: (number | null)[]): string {
  const got = times.filter((t): t is number => t !== null);
  const within5 = got.filter((t) => t <= 5_000).length / times.length;
  return `${label}: ${got.length}/${times.length} pages got it; p50 ${percentile(got, 50)} ms, p99 ${percentile(got, 99)} ms, max ${Math.max(...got)} ms; within 5 s: ${(within5 * 100).toFixed(1)}% (goal ≥ 99%)`;
}

async function main() {
  if (!fs.existsSync(path.join(process.cwd(), ".next", "BUILD_ID"))) await run("npm", ["run", "build"], process.env);
  fs.rmSync(DIR, { recursive: true, force: true });
  fs.mkdirSync(DIR, { recursive: true });
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "production", PORT: String(PORT), HOSTNAME: HOST, DATABASE_PATH: DB, SITE_URL: BASE, NEXTAUTH_SECRET: SECRET };
  delete env.DATABASE_URL;
  await run(process.execPath, ["--conditions=react-server", "--import", "tsx", "scripts/db-seed.ts"], env);
  // Every simulated page comes from this one address.
  await run(process.execPath, ["--conditions=react-server", "--import", "tsx", "scripts/settings.ts", "set", `liveStreamsPerAddress=${CLIENTS + 10}`], env);

  let server: ChildProcess | null = null;
  const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS + 10 });
  try {
    server = spawn(process.execPath, ["--max-old-space-size=256", "scripts/server.mjs"], { env, stdio: ["ignore", "ignore", "inherit"] });
    await waitFor(`${BASE}/healthz/live`, 60_000, () => server!.exitCode === null);
    const pid = server.pid!;
    const idleRss = rssKib(pid) / 1024;

    // Next's floor, in this run.
    await wrk(`${BASE}/healthz/live`, 2);
    const floorCpuBefore = cpuMs(pid);
    const floor = await wrk(`${BASE}/healthz/live`, 10);
    const floorCpuPerRequest = (cpuMs(pid) - floorCpuBefore) / floor.requests;

    process.stdout.write(`opening ${CLIENTS} live streams...`);
    const openedAt = Date.now();
    const clients: Client[] = [];
    for (let i = 0; i < CLIENTS; i += 100) clients.push(...(await Promise.all(Array.from({ length: Math.min(100, CLIENTS - i) }, () => connect(agent)))));
    process.stdout.write(` ${((Date.now() - openedAt) / 1000).toFixed(1)} s\n`);
    await new Promise((r) => setTimeout(r, 2_000));
    const openRss = rssKib(pid) / 1024;

    // Idle: nothing happens for 10 s.
    const idleCpuBefore = cpuMs(pid);
    await new Promise((r) => setTimeout(r, 10_000));
    const idleShare = (cpuMs(pid) - idleCpuBefore) / 10_000;
    const stillOpen = clients.filter((c) => c.open).length;

    // A comment approved by another process.
    const db = new Database(DB);
    db.pragma("busy_timeout = 5000");
    const article = db.prepare("select id from articles where slug = ?").get(SLUG) as { id: number };
    const approvedAt = Date.now();
    const { id } = db
      .prepare("insert into comments (article_id, author_name, author_email, content, status) values (?, 'Live Bench', 'live@bench.example', 'A comment approved while 2,000 pages are open.', 'approved') returning id")
      .get(article.id) as { id: number };
    await waitUntil(() => clients.every((c) => c.events.some((e) => e.event === "change" && e.at >= approvedAt)), 15_000);
    const added = arrivals(clients, approvedAt, (c) => c.added.some((r) => r.comment[0] === id));
    let peakRss = rssKib(pid) / 1024;

    // The same comment taken down.
    await new Promise((r) => setTimeout(r, 1_500));
    const removedAt = Date.now();
    db.prepare("update comments set status = 'spam' where id = ?").run(id);
    await waitUntil(() => clients.every((c) => c.events.some((e) => e.event === "change" && e.at >= removedAt)), 15_000);
    const removed = arrivals(clients, removedAt, (c) => c.removed.includes(id));
    peakRss = Math.max(peakRss, rssKib(pid) / 1024);
    db.close();

    const pollingRps = CLIENTS / POLL_SECONDS;
    console.log(`\nLive threads on the production build (node scripts/server.mjs, SQLite), ${CLIENTS} open pages on one instance, 2 cores, clients in this process`);
    console.log(`Next's floor: GET /healthz/live ${floor.rps.toFixed(0)} req/s, ${floorCpuPerRequest.toFixed(2)} ms CPU a request`);
    console.log(`RSS: ${idleRss.toFixed(0)} MiB before, ${openRss.toFixed(0)} MiB with ${CLIENTS} streams open (${(((openRss - idleRss) * 1024) / CLIENTS).toFixed(1)} KiB a stream), peak ${peakRss.toFixed(0)} MiB (goal ≤ 400)`);
    console.log(`Idle CPU with the streams open: ${(idleShare * 100).toFixed(1)}% of a core over 10 s (goal ≤ 10%); streams still open: ${stillOpen}/${CLIENTS}`);
    console.log(
      `Polling instead (every ${POLL_SECONDS} s): ${pollingRps.toFixed(0)} req/s, at the floor's ${floorCpuPerRequest.toFixed(2)} ms = ${((pollingRps * floorCpuPerRequest) / 10).toFixed(0)}% of a core, ` +
        `${(pollingRps / floor.rps).toFixed(2)} × the floor's whole throughput`,
    );
    console.log(describe("A comment approved by another process", added));
    console.log(describe("The same comment marked spam", removed));
    for (const c of clients) c.request.destroy();
  } finally {
    agent.destroy();
    if (server) await stop(server);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
