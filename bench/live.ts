/**
 * `npm run bench:live`: open article pages following their thread (issue 20,
 * docs/decisions/023), on the production build, in two configurations:
 *   A  SQLite, one instance, the pages connected to it directly;
 *   C  PostgreSQL, two instances behind nginx (round-robin, e2e's
 *      nginx-cluster.conf with room for the streams): the pages spread over
 *      both, the comment posted through one instance's JSON API (approved by
 *      the local Akismet server), so the pages on the other learn it from the
 *      shared change log; the takedown written by another process.
 * BENCH_LIVE_CONFIGS=A or =C runs one of them.
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
 * For C, RSS and idle CPU are each instance's; the latencies are given for
 * the pages on each instance. Needs wrk, and nginx and PostgreSQL
 * (TEST_DATABASE_URL's server, default postgres://127.0.0.1:5432/postgres) for C.
 *
 * Not part of the test suite; holds /tmp/newsroom-heavy.lock (bench/live.sh).
 */
import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import http from "node:http";
import path from "node:path";
import Database from "better-sqlite3";
import { cpuMs, hasCommand, pgQuery, pgUrl, request, rssKib, run, startClusterNginx, stop, waitFor, wrk } from "./support";

const PORT = Number(process.env.BENCH_PORT ?? 3204);
const HOST = "127.0.0.1";
const BASE = `http://${HOST}:${PORT}`;
const DIR = path.join(process.cwd(), ".tmp", "bench-live");
const NGINX_DIR = path.join(process.cwd(), ".tmp", "bench-live-nginx");
const AKISMET_PORT = PORT + 90;
const CLIENTS = Number(process.env.BENCH_LIVE_CLIENTS ?? 2000);
const SLUG = "syria-us-led-coalition-deeply-in-denial-about-civilian-casualties-in-raqqa";
const SECRET = "bench-live-test-secret-not-for-production-0123456789";
const POLL_SECONDS = 5;

type Client = { events: { at: number; event: string; data: string }[]; request: http.ClientRequest; open: boolean; upstream: string };

function connect(base: string, agent: http.Agent): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client: Client = { events: [], request: null as unknown as http.ClientRequest, open: false, upstream: "" };
    client.request = http.get(`${base}/api/articles/${SLUG}/live`, { agent, headers: { Accept: "text/event-stream" } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`live stream answered ${res.statusCode}`));
      client.open = true;
      client.upstream = String(res.headers["x-upstream"] ?? base);
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

type Config = { id: "A" | "C"; name: string; instances: number };
const CONFIGS: Config[] = [
  { id: "A", name: "SQLite, 1 instance", instances: 1 },
  { id: "C", name: "PostgreSQL, 2 instances behind nginx", instances: 2 },
];

/** nginx in front of the instances, with room for every stream. */
const startNginx = (listen: number, upstreams: number[]) => startClusterNginx(NGINX_DIR, HOST, listen, upstreams, { connections: 2 * CLIENTS });

async function runConfig(config: Config): Promise<void> {
  const dir = path.join(DIR, config.id);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const ports = Array.from({ length: config.instances }, (_, i) => PORT + 1 + i);
  const base = config.instances > 1 ? BASE : `http://${HOST}:${ports[0]}`;
  const database = config.id === "C" ? `newsroom_bench_live_${crypto.randomBytes(3).toString("hex")}` : null;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    HOSTNAME: HOST,
    DATABASE_PATH: path.join(dir, "app.db"),
    SITE_URL: base,
    NEXTAUTH_SECRET: SECRET,
    AKISMET_URL: `http://${HOST}:${AKISMET_PORT}`,
    AKISMET_KEY: "benchkey",
    TRUSTED_PROXIES: HOST,
  };
  delete env.DATABASE_URL;
  if (database) {
    await pgQuery("postgres", `create database "${database}"`);
    env.DATABASE_URL = pgUrl(database);
  }
  const children: ChildProcess[] = [];
  const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS + 10 });
  const logFd = fs.openSync(path.join(dir, "server.log"), "w");
  try {
    await run(process.execPath, ["--conditions=react-server", "--import", "tsx", "scripts/db-seed.ts"], env);
    // Every simulated page comes from this one address; the posted comment runs the whole pipeline.
    await run(process.execPath, ["--conditions=react-server", "--import", "tsx", "scripts/settings.ts", "set", `liveStreamsPerAddress=${CLIENTS + 10}`, "floodSeconds=0", "minSubmitSeconds=0"], env);
    const akismet = spawn(process.execPath, ["--import", "tsx", "scripts/akismet-local.ts"], {
      env: { ...process.env, AKISMET_LOCAL_PORT: String(AKISMET_PORT), AKISMET_LOCAL_KEYS: "benchkey" },
      stdio: ["ignore", "ignore", "inherit"],
    });
    children.push(akismet);
    await waitFor(`http://${HOST}:${AKISMET_PORT}/health`, 30_000, () => akismet.exitCode === null);
    const servers = ports.map((port) => spawn(process.execPath, ["--max-old-space-size=256", "scripts/server.mjs"], { env: { ...env, PORT: String(port) }, stdio: ["ignore", logFd, logFd] }));
    children.push(...servers);
    for (const [i, port] of ports.entries()) await waitFor(`http://${HOST}:${port}/healthz/live`, 60_000, () => servers[i]!.exitCode === null);
    if (config.instances > 1) children.push(await startNginx(PORT, ports));
    const pids = servers.map((s) => s.pid!);
    const idleRss = pids.map((pid) => rssKib(pid) / 1024);

    // Next's floor, in this run (the first instance, directly).
    const first = `http://${HOST}:${ports[0]}`;
    await wrk(`${first}/healthz/live`, 2);
    const floorCpuBefore = cpuMs(pids[0]!);
    const floor = await wrk(`${first}/healthz/live`, 10);
    const floorCpuPerRequest = (cpuMs(pids[0]!) - floorCpuBefore) / floor.requests;

    process.stdout.write(`\n== ${config.id}: ${config.name}: opening ${CLIENTS} live streams through ${base}...`);
    const openedAt = Date.now();
    const clients: Client[] = [];
    for (let i = 0; i < CLIENTS; i += 100) clients.push(...(await Promise.all(Array.from({ length: Math.min(100, CLIENTS - i) }, () => connect(base, agent)))));
    process.stdout.write(` ${((Date.now() - openedAt) / 1000).toFixed(1)} s\n`);
    await new Promise((r) => setTimeout(r, 2_000));
    const openRss = pids.map((pid) => rssKib(pid) / 1024);

    // Idle: nothing happens for 10 s.
    const idleCpuBefore = pids.map((pid) => cpuMs(pid));
    await new Promise((r) => setTimeout(r, 10_000));
    const idleShare = pids.map((pid, i) => (cpuMs(pid) - idleCpuBefore[i]!) / 10_000);
    const stillOpen = clients.filter((c) => c.open).length;

    // A comment approved: posted through the first instance's JSON API (the local Akismet server
    // says it is not spam) on A and C alike; on C, the pages on the second instance learn it from the log.
    const { formToken } = (await (await fetch(`${first}/api/articles/${SLUG}/comments`)).json()) as { formToken: string };
    const approvedAt = Date.now();
    const posted = await request(`${first}/api/articles/${SLUG}/comments`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Origin: first },
      body: JSON.stringify({ content: `A comment approved while ${CLIENTS} pages are open.`, name: "Live Bench", email: "live@bench.example", formToken }),
    });
    const body = JSON.parse(posted.body.toString()) as { id?: number; status?: string };
    if (posted.status !== 201 || body.status !== "approved" || !body.id) throw new Error(`POST answered ${posted.status}: ${posted.body.toString().slice(0, 300)}`);
    const id = body.id;
    await waitUntil(() => clients.every((c) => c.events.some((e) => e.event === "change" && e.at >= approvedAt)), 15_000);
    const added = arrivals(clients, approvedAt, (c) => c.added.some((r) => r.comment[0] === id));
    let peakRss = pids.map((pid) => rssKib(pid) / 1024);

    // The same comment taken down by another process (a moderator elsewhere, a script).
    await new Promise((r) => setTimeout(r, 1_500));
    const removedAt = Date.now();
    if (database) await pgQuery(database, "update comments set status = 'spam' where id = $1", [id]);
    else {
      const db = new Database(env.DATABASE_PATH!);
      db.pragma("busy_timeout = 5000");
      db.prepare("update comments set status = 'spam' where id = ?").run(id);
      db.close();
    }
    await waitUntil(() => clients.every((c) => c.events.some((e) => e.event === "change" && e.at >= removedAt)), 15_000);
    const removed = arrivals(clients, removedAt, (c) => c.removed.includes(id));
    peakRss = pids.map((pid, i) => Math.max(peakRss[i]!, rssKib(pid) / 1024));

    const pollingRps = CLIENTS / POLL_SECONDS;
    const mib = (values: number[]) => values.map((v) => v.toFixed(0)).join(" + ");
    console.log(`Live threads on the production build (node scripts/server.mjs, ${config.name}), ${CLIENTS} open pages, ${os.cpus().length} cores, clients in this process`);
    console.log(`Next's floor: GET /healthz/live ${floor.rps.toFixed(0)} req/s, ${floorCpuPerRequest.toFixed(2)} ms CPU a request`);
    const perInstance = config.instances > 1 ? ` (${ports.map((port) => `${clients.filter((c) => c.upstream.endsWith(`:${port}`)).length} on :${port}`).join(", ")})` : "";
    console.log(
      `RSS${config.instances > 1 ? " of each instance" : ""}: ${mib(idleRss)} MiB before, ${mib(openRss)} MiB with the streams open${perInstance} ` +
        `(${((openRss.reduce((a, b) => a + b, 0) - idleRss.reduce((a, b) => a + b, 0)) * 1024 / CLIENTS).toFixed(1)} KiB a stream), peak ${mib(peakRss)} MiB (goal ≤ 400 an instance)`,
    );
    console.log(`Idle CPU with the streams open: ${idleShare.map((v) => `${(v * 100).toFixed(1)}%`).join(" + ")} of a core over 10 s (goal ≤ 10%); streams still open: ${stillOpen}/${CLIENTS}`);
    if (config.id === "A") {
      console.log(
        `Polling instead (every ${POLL_SECONDS} s): ${pollingRps.toFixed(0)} req/s, at the floor's ${floorCpuPerRequest.toFixed(2)} ms = ${((pollingRps * floorCpuPerRequest) / 10).toFixed(0)}% of a core, ` +
          `${(pollingRps / floor.rps).toFixed(2)} × the floor's whole throughput`,
      );
    }
    const groups = config.instances > 1 ? ports.map((port) => ({ label: `, pages on :${port}${port === ports[0] ? " (posted here)" : " (the other instance)"}`, of: (c: Client) => c.upstream.endsWith(`:${port}`) })) : [{ label: "", of: () => true }];
    for (const g of groups) {
      console.log(describe(`A comment posted and approved${g.label}`, added.filter((_, i) => g.of(clients[i]!))));
      console.log(describe(`The same comment marked spam by another process${g.label}`, removed.filter((_, i) => g.of(clients[i]!))));
    }
    for (const c of clients) c.request.destroy();
  } finally {
    agent.destroy();
    for (const child of children.reverse()) await stop(child, child.spawnfile === "nginx" ? "SIGQUIT" : "SIGTERM");
    fs.closeSync(logFd);
    if (database) await pgQuery("postgres", `drop database if exists "${database}" with (force)`);
  }
}

async function main() {
  if (!fs.existsSync(path.join(process.cwd(), ".next", "BUILD_ID"))) await run("npm", ["run", "build"], process.env);
  const wanted = (process.env.BENCH_LIVE_CONFIGS ?? "A,C").split(",").map((s) => s.trim());
  for (const config of CONFIGS.filter((c) => wanted.includes(c.id))) {
    if (config.id === "C" && !hasCommand("nginx") && !fs.existsSync("/usr/sbin/nginx")) throw new Error("bench:live C needs nginx: apt-get install -y nginx");
    await runConfig(config);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
