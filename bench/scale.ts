/**
 * `npm run bench:scale`: one app instance on SQLite against one and two
 * instances on PostgreSQL (the two behind nginx, round-robin), on the
 * production build, each figure beside Next's own floor measured in the same
 * configuration in the same run (GET /healthz/live: a route handler that
 * answers "ok", through the same path: directly, or through nginx).
 *
 * Loads, each after a 2 s warm-up, wrk -t2 -c10 -d<BENCH_SECONDS, 10>s:
 *   floor     GET /healthz/live
 *   cached    the seed article with 200 comments, anonymous (the page cache)
 *   uncached  the same page signed in as a reader (rendered per request)
 *   post      POST /api/articles/<second article>/comments: the whole pipeline
 *             with the local Akismet server; every body distinct
 *
 * Set-up per configuration: a fresh database (a SQLite file under
 * .tmp/bench-scale, or a new PostgreSQL database on TEST_DATABASE_URL's
 * server, default postgres://127.0.0.1:5432/postgres), migrated and seeded
 * (scripts/db-seed.ts), 200 comments (bench/fill-thread.ts), the settings
 * (commentsPerPage=200, floodSeconds=0, minSubmitSeconds=0), a reader account
 * (scripts/user-add.ts). The local Akismet server answers at once.
 *
 * BENCH_CONFIGS=A,B runs only the configurations named (A, B, C).
 * Needs wrk and, for the two-instance configuration, nginx. All of it shares
 * 2 cores with the load generator and PostgreSQL, so two instances cannot be
 * expected to double anything here: the figures show what the second
 * instance costs or gains on this machine. bench/scale.sh holds the
 * machine-wide lock /tmp/newsroom-heavy.lock. Results: .tmp/bench-scale.json.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { encode } from "next-auth/jwt";
import pg from "pg";
import { hasCommand, pgQuery, pgUrl, request, run, startClusterNginx, stop, waitFor, wrk, writePostScript, WRK_ARGS, type WrkResult } from "./support";

const HOST = "127.0.0.1";
const BASE_PORT = Number(process.env.BENCH_PORT ?? 3300);
const AKISMET_PORT = BASE_PORT + 99;
const AKISMET_URL = `http://${HOST}:${AKISMET_PORT}`;
const DIR = path.join(process.cwd(), ".tmp", "bench-scale");
const NGINX_DIR = path.join(process.cwd(), ".tmp", "bench-scale-nginx");
const RESULTS = path.join(process.cwd(), ".tmp", "bench-scale.json");
const SEED_SLUG = "syria-us-led-coalition-deeply-in-denial-about-civilian-casualties-in-raqqa";
const POST_SLUG = "e2e-first-comment";
const COMMENTS = 200;
const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP = 2;
const SECRET = "bench-scale-test-secret-not-for-production-0123456789";
const READER = { email: "reader@bench.example", name: "Rita Reader", password: "bench-scale-reader-password" };

type Config = { id: string; name: string; store: "sqlite" | "postgres"; instances: number };
const CONFIGS: Config[] = [
  { id: "A", name: "SQLite, 1 instance", store: "sqlite", instances: 1 },
  { id: "B", name: "PostgreSQL, 1 instance", store: "postgres", instances: 1 },
  { id: "C", name: "PostgreSQL, 2 instances + nginx", store: "postgres", instances: 2 },
];

const pgAdmin = (statement: string) => pgQuery("postgres", statement).then(() => undefined);

const tsx = (args: string[], env: NodeJS.ProcessEnv) => run("npx", ["tsx", "--conditions=react-server", ...args], env);

/** A fresh, seeded database for a configuration; returns the environment that points at it. */
async function prepareStore(config: Config): Promise<{ env: NodeJS.ProcessEnv; cleanup: () => Promise<void> }> {
  const dir = path.join(DIR, config.id);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  let env: NodeJS.ProcessEnv = { ...process.env, DATABASE_PATH: path.join(dir, "app.db"), DATABASE_URL: "" };
  let cleanup = async () => {};
  if (config.store === "postgres") {
    const database = `newsroom_bench_${config.id.toLowerCase()}_${crypto.randomBytes(3).toString("hex")}`;
    await pgAdmin(`create database "${database}"`);
    env = { ...env, DATABASE_URL: pgUrl(database) };
    cleanup = () => pgAdmin(`drop database if exists "${database}" with (force)`);
  }
  await tsx(["scripts/db-seed.ts"], env);
  await tsx(["scripts/db-seed.ts", "e2e/fixtures/articles"], env);
  await tsx(["scripts/settings.ts", "set", "commentsPerPage=200", "floodSeconds=0", "minSubmitSeconds=0"], env);
  await run(
    "npx",
    ["tsx", "--conditions=react-server", "scripts/user-add.ts", "--email", READER.email, "--name", READER.name, "--role", "reader", "--password-stdin"],
    env,
    `${READER.password}\n`,
  );
  await tsx(["bench/fill-thread.ts", SEED_SLUG, String(COMMENTS)], env);
  return { env, cleanup };
}

/** A session cookie for the reader, minted with next-auth's own encoder and the servers' secret. */
async function readerCookie(env: NodeJS.ProcessEnv): Promise<string> {
  let id: number;
  if (env.DATABASE_URL) {
    const client = new pg.Client({ connectionString: env.DATABASE_URL });
    await client.connect();
    id = (await client.query<{ id: number }>("select id from users where email = $1", [READER.email])).rows[0]!.id;
    await client.end();
  } else {
    const db = new Database(env.DATABASE_PATH!, { readonly: true });
    id = (db.prepare("select id from users where email = ?").get(READER.email) as { id: number }).id;
    db.close();
  }
  const token = await encode({ token: { sub: String(id), name: READER.name, email: READER.email, sv: 0, sid: crypto.randomUUID() }, secret: SECRET });
  return `next-auth.session-token=${token}`;
}

function startInstance(port: number, env: NodeJS.ProcessEnv, log: number): ChildProcess {
  return spawn("node", ["--max-old-space-size=256", "scripts/server.mjs"], {
    env: {
      ...env,
      NODE_ENV: "production",
      PORT: String(port),
      HOSTNAME: HOST,
      SITE_URL: `http://${HOST}:${port}`,
      NEXTAUTH_SECRET: SECRET,
      AKISMET_URL,
      AKISMET_KEY: "benchkey",
      TRUSTED_PROXIES: HOST,
    },
    stdio: ["ignore", log, log],
  });
}

const startNginx = (listen: number, upstreams: number[]) => startClusterNginx(NGINX_DIR, HOST, listen, upstreams);

type Row = { config: string; load: string; rps: number; p50: number; p99: number; non2xx: number; vsFloor: number };

async function measure(url: string, extra: string[] = [], script?: string): Promise<WrkResult> {
  const s = script ? ["-s", script] : [];
  await wrk(url, WARMUP, [...extra, ...s], script ? ["warm"] : []);
  return wrk(url, DURATION, [...extra, ...s], script ? [`run-${crypto.randomBytes(3).toString("hex")}`] : []);
}

async function runConfig(config: Config, rows: Row[]): Promise<void> {
  console.log(`\n== ${config.id}: ${config.name}: preparing`);
  const { env, cleanup } = await prepareStore(config);
  const logFd = fs.openSync(path.join(DIR, `${config.id}-server.log`), "w");
  const children: ChildProcess[] = [];
  try {
    const ports = Array.from({ length: config.instances }, (_, i) => BASE_PORT + 1 + i);
    for (const port of ports) children.push(startInstance(port, env, logFd));
    for (const [i, port] of ports.entries()) await waitFor(`http://${HOST}:${port}/healthz/live`, 60_000, () => children[i]!.exitCode === null);
    let base = `http://${HOST}:${ports[0]}`;
    if (config.instances > 1) {
      children.push(await startNginx(BASE_PORT, ports));
      base = `http://${HOST}:${BASE_PORT}`;
    }
    const cookie = await readerCookie(env);
    const article = `${base}/articles/${SEED_SLUG}`;
    for (const [url, headers] of [[article, {}], [article, { cookie }]] as const) {
      const probe = await request(url, { headers });
      if (probe.status !== 200) throw new Error(`GET ${url} answered ${probe.status}`);
    }
    const signedIn = await request(article, { headers: { cookie } });
    if (!signedIn.body.toString("utf8").includes(READER.name)) throw new Error("the signed-in page does not show the reader: the session cookie was not taken");
    const { formToken } = (await (await fetch(`${base}/api/articles/${POST_SLUG}/comments`)).json()) as { formToken: string };
    const script = writePostScript(DIR, base, POST_SLUG, formToken);

    const loads: [string, () => Promise<WrkResult>][] = [
      ["floor: GET /healthz/live", () => measure(`${base}/healthz/live`)],
      ["cached article, 200 comments", () => measure(article)],
      ["uncached: same page signed in", () => measure(article, ["-H", `Cookie: ${cookie}`])],
      ["POST a comment (whole pipeline)", () => measure(`${base}/api/articles/${POST_SLUG}/comments`, [], script)],
    ];
    let floor = NaN;
    for (const [name, load] of loads) {
      const r = await load();
      if (name.startsWith("floor")) floor = r.rps;
      const non2xx = r.non2xx + r.socketErrors + Object.entries(r.statuses).filter(([s]) => !s.startsWith("2")).reduce((a, [, n]) => a + n, 0);
      rows.push({ config: `${config.id} ${config.name}`, load: name, rps: r.rps, p50: r.p50, p99: r.p99, non2xx, vsFloor: r.rps / floor });
      console.log(`   ${name.padEnd(34)} ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50.toFixed(1)} ms  p99 ${r.p99.toFixed(1)} ms  ×floor ${(r.rps / floor).toFixed(2)}`);
    }
  } finally {
    for (const child of children.reverse()) await stop(child);
    fs.closeSync(logFd);
    await cleanup();
  }
}

async function main() {
  const started = Date.now();
  if (!hasCommand("wrk")) throw new Error("bench:scale needs wrk: apt-get install -y wrk");
  if (!hasCommand("nginx") && !fs.existsSync("/usr/sbin/nginx")) throw new Error("bench:scale needs nginx: apt-get install -y nginx");
  process.env.PATH = `${process.env.PATH}:/usr/sbin`;
  if (!fs.existsSync(".next/BUILD_ID")) await run("npm", ["run", "build"], process.env);
  fs.rmSync(DIR, { recursive: true, force: true });
  fs.mkdirSync(DIR, { recursive: true });
  // One process (not npx → tsx → node), so stopping it stops the server.
  const akismet = spawn(process.execPath, ["--import", "tsx", "scripts/akismet-local.ts"], {
    env: { ...process.env, AKISMET_LOCAL_PORT: String(AKISMET_PORT), AKISMET_LOCAL_KEYS: "benchkey" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const rows: Row[] = [];
  try {
    await waitFor(`${AKISMET_URL}/health`, 30_000, () => akismet.exitCode === null);
    // BENCH_CONFIGS=A,C measures only those configurations.
    const only = (process.env.BENCH_CONFIGS ?? "").split(",").map((c) => c.trim().toUpperCase()).filter(Boolean);
    for (const config of CONFIGS) if (only.length === 0 || only.includes(config.id)) await runConfig(config, rows);
  } finally {
    await stop(akismet);
  }

  const commit = spawnSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).stdout.trim();
  const f = (n: number, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : "-");
  console.log(
    `\nbench:scale on the production build (commit ${commit}), wrk ${WRK_ARGS.join(" ")} -d${DURATION}s after a ${WARMUP} s warm-up, ` +
      `${os.cpus().length} cores shared by wrk, the app instances, nginx and PostgreSQL`,
  );
  const head = `${"configuration".padEnd(36)} ${"load".padEnd(34)} ${"req/s".padStart(7)} ${"p50 ms".padStart(8)} ${"p99 ms".padStart(8)} ${"non-2xx".padStart(8)} ${"×floor".padStart(7)}`;
  console.log(head);
  console.log("-".repeat(head.length));
  for (const r of rows) {
    console.log(
      `${r.config.padEnd(36)} ${r.load.padEnd(34)} ${f(r.rps).padStart(7)} ${f(r.p50, 1).padStart(8)} ${f(r.p99, 1).padStart(8)} ${String(r.non2xx).padStart(8)} ${f(r.vsFloor, 2).padStart(7)}`,
    );
  }
  console.log("×floor: req/s ÷ GET /healthz/live req/s of the same configuration in this run (Next's own floor on that path).");
  fs.writeFileSync(RESULTS, JSON.stringify({ when: new Date().toISOString(), commit, seconds: DURATION, rows }, null, 2) + "\n");
  console.log(`Total ${((Date.now() - started) / 1000).toFixed(0)} s. Results: ${path.relative(process.cwd(), RESULTS)}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
