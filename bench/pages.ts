/**
 * `npm run bench:pages`: what the pages readers hit cost on the production
 * build, measured with wrk (`-t2 -c10 -d10s --latency --timeout 30s`, each
 * load after a 2 s warm-up with the same settings; the longer timeout keeps
 * the slowest pages in the figures instead of wrk dropping them after 2 s),
 * against Next's own floor measured in the same run.
 *
 * Set-up: builds first when .next/BUILD_ID is missing; a fresh SQLite
 * database under .tmp/bench-pages is migrated and seeded (scripts/db-seed.ts,
 * as bench/comments.ts does), the settings are set with scripts/settings.ts
 * (commentsPerPage=200 so one page shows the whole thread; floodSeconds=0 and
 * minSubmitSeconds=0 so every post runs the whole pipeline), a reader account
 * is made with scripts/user-add.ts, and better-sqlite3 adds 200 approved
 * comments (realistic lengths, about a quarter of them replies, varied
 * authors) to the seed article and a second published article with the same
 * body and no comments. The server is `node scripts/server.mjs` on its own
 * port, with the local Akismet-compatible server (answering at once) in a
 * process of its own.
 *
 * Loads, in this order:
 *   1a a static asset (the home page's first /_next/static CSS file)   } Next's floor
 *   1b GET /healthz/live (a route handler answering "ok")                }
 *   2  the seed article with its 200 comments on one page, anonymous
 *   2v the same while comments on it are approved 20 times a second by another
 *      process (bench/viral.ts: each approval takes another comment back to held,
 *      so the thread keeps 200 comments), against load 2 (goal ≥ 0.8); a probe
 *      reading the page every 100 ms gives how soon each approval showed to a
 *      fresh reader (goal: within 2 s) and how many page versions a second it saw
 *   3  views by a signed-in reader with JavaScript (session cookie from next-auth's
 *      credentials flow: GET /api/auth/csrf, POST /api/auth/callback/credentials;
 *      and the nr_js and nr_personal cookies the page's script and the app set):
 *      the shared cached page and its personal request in turn, two requests a view
 *   3b the same for a guest whose name is remembered (nr_comment_author)
 *   3c the page signed in without JavaScript (rendered for the reader alone)
 *   3d the personal request alone, signed in (against 1b: goal ≥ 0.8)
 *   3e the same for the remembered guest
 *   4  the article without comments, anonymous
 *   5  the home page, anonymous
 *   6  /feed.xml
 *   7  GET /api/articles/<seed>/comments, 10 a page (commentsPerPage is set
 *      to 10 for this load only, then back to 200)
 *   7b the same API as browsers ask for it: pages 1-20 in turn, a browser's
 *      Accept-Encoding (gzip, deflate, br, zstd), 200 connections: the
 *      server's memory with many answers waiting (its peak RSS is the figure
 *      to watch; docs/decisions/021)
 *   8  POST /api/articles/<second>/comments: the whole pipeline with the local
 *      Akismet server, every body distinct (a wrk Lua counter per thread);
 *      prints accepted (2xx) vs refused and checks they were stored
 *   9  load 2's page through nginx with a 1 s proxy_cache (bench/nginx.conf,
 *      filled in and started as `nginx -c <conf> -p <prefix>` with its own
 *      folder .tmp/bench-pages-nginx, on a loopback port; skipped without nginx)
 *
 * Each row: req/s, p50 and p99 latency, server CPU ms per request (utime +
 * stime of the server's process tree from /proc, delta over the load ÷
 * requests completed), KiB of one uncompressed response body (and gzip when
 * the server compresses), peak RSS of the server's process tree during the
 * measured load (sampled every 100 ms), non-2xx answers (wrk counts statuses ≥ 400;
 * socket errors are added; each URL is checked to answer 200 first), and the
 * ratio of req/s to each floor. For the article page, home page and feed it
 * also prints Cache-Control, ETag / Last-Modified and whether a conditional
 * GET answers 304. Results also go to .tmp/bench-pages.json.
 *
 * Needs wrk (`apt-get install -y wrk`); nginx for load 9. Takes about 3
 * minutes on 2 cores once built. bench/pages.sh holds the machine-wide lock
 * /tmp/newsroom-heavy.lock while it runs. Not part of the test suite.
 * BENCH_SECONDS (default 10) changes the length of each measured load.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import {
  commentWriter,
  conditional,
  cpuMs,
  hasCommand,
  header,
  request,
  rng,
  rssKib,
  run,
  stop,
  waitFor,
  wrk,
  writePostScript,
  WRK_ARGS,
} from "./support";
import { APPROVALS_PER_SECOND, addHeldComments, startChurn, type ViralFigures } from "./viral";

const PORT = Number(process.env.BENCH_PORT ?? 3202);
const HOST = "127.0.0.1";
const BASE = `http://${HOST}:${PORT}`;
const AKISMET_PORT = Number(process.env.BENCH_AKISMET_PORT ?? 3996);
const AKISMET_URL = `http://${HOST}:${AKISMET_PORT}`;
const NGINX_PORT = Number(process.env.BENCH_NGINX_PORT ?? 3203);
const DIR = path.join(process.cwd(), ".tmp", "bench-pages");
const DB = path.join(DIR, "app.db");
const RESULTS = path.join(process.cwd(), ".tmp", "bench-pages.json");
/** Outside DIR: the app makes its data folder owner-only, and nginx's workers run as another user. */
const NGINX_DIR = path.join(process.cwd(), ".tmp", "bench-pages-nginx");
const SEED_SLUG = "syria-us-led-coalition-deeply-in-denial-about-civilian-casualties-in-raqqa";
const EMPTY_SLUG = "bench-article-without-comments";
const COMMENTS = 200;
const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP = 2;
const WRK = WRK_ARGS;
/** Load 7b: the connections, the Accept-Encoding a browser sends, and the comment pages asked for in turn. */
const MANY_CONNECTIONS = 200;
const BROWSER_ACCEPT_ENCODING = "gzip, deflate, br, zstd";
const API_PAGES = 20;
/** A fixed secret for this benchmark's throwaway server only. */
const SECRET = "bench-pages-test-secret-not-for-production-0123456789";
const READER = { email: "reader@bench.example", name: "Rita Reader", password: "bench-pages-reader-password" };

// ---------------------------------------------------------------------------
// Data

const random = rng(20250601);

const { commentText, pick, FIRST, LAST, DOMAINS } = commentWriter(random);

/** The second article (the seed article's body, no comments) and 200 approved comments on the seed article. */
function fillDatabase(readerId: number) {
  const db = new Database(DB);
  db.pragma("journal_mode = WAL");
  db.pragma("foreign_keys = ON");
  const seed = db.prepare("select id, summary, body, published_at as publishedAt from articles where slug = ?").get(SEED_SLUG) as {
    id: number;
    summary: string;
    body: string;
    publishedAt: number;
  };
  const now = Date.now();
  const emptyId = Number(
    db
      .prepare(
        `insert into articles (slug, title, summary, body, status, comments_open, published_at, created_at, updated_at)
         values (?, ?, ?, ?, 'published', 1, ?, ?, ?)`,
      )
      .run(EMPTY_SLUG, "Benchmark article without comments", seed.summary, seed.body, now - 3_600_000, now - 3_600_000, now - 3_600_000)
      .lastInsertRowid,
  );

  const authors = Array.from({ length: 80 }, (_, i) => {
    const first = pick(FIRST);
    const last = pick(LAST);
    const local = `${first}.${last}`.toLowerCase().replace(/[^a-z.]/g, "") + (i % 5 === 0 ? "" : String(i));
    return {
      name: `${first} ${last}`,
      email: `${local}@${pick(DOMAINS)}`,
      url: random() < 0.1 ? `https://${local.replace(".", "")}.blog.example` : "",
      ip: `${2 + Math.floor(random() * 220)}.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}.${1 + Math.floor(random() * 254)}`,
      userId: null as number | null,
    };
  });
  // A few comments by the signed-in reader, as on a real thread.
  const reader = { name: READER.name, email: READER.email, url: "", ip: "198.51.100.7", userId: readerId };

  const insert = db.prepare(
    `insert into comments (article_id, parent_id, user_id, author_name, author_email, author_url, content, status, status_reason,
       ip, user_agent, referrer, spam_check_state, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, 'approved', 'Akismet: not spam', ?, ?, ?, 'checked', ?, ?)`,
  );
  const event = db.prepare(
    `insert into comment_events (comment_id, type, message, created_at) values (?, 'submitted', ?, ?)`,
  );
  let replies = 0;
  db.transaction(() => {
    const ids: number[] = [];
    const start = now - 14 * 86_400_000;
    for (let i = 0; i < COMMENTS; i++) {
      const at = Math.round(start + (i / COMMENTS) * 13 * 86_400_000 + random() * 3_600_000);
      const author = i % 40 === 7 ? reader : pick(authors);
      const parent = ids.length > 5 && random() < 0.25 ? ids[ids.length - 1 - Math.floor(random() * Math.min(ids.length, 15))]! : null;
      if (parent) replies += 1;
      const id = Number(
        insert.run(
          seed.id,
          parent,
          author.userId,
          author.name,
          author.email,
          author.url,
          commentText(),
          author.ip,
          "Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0",
          `https://news.example/articles/${SEED_SLUG}`,
          at,
          at + 300,
        ).lastInsertRowid,
      );
      event.run(id, `Submitted by guest ${author.name} <${author.email}> from ${author.ip}`, at);
      ids.push(id);
    }
  })();
  const stats = db
    .prepare("select count(*) as n, sum(parent_id is null) as top, avg(length(content)) as avg, max(length(content)) as max, count(distinct author_email) as emails from comments where article_id = ?")
    .get(seed.id) as { n: number; top: number; avg: number; max: number; emails: number };
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.close();
  return { emptyId, seedId: seed.id, replies, ...stats };
}

function countRows(sql: string, ...params: unknown[]): number {
  const db = new Database(DB, { readonly: true });
  try {
    return (db.prepare(sql).get(...params) as { n: number }).n;
  } finally {
    db.close();
  }
}

function postScript(slug: string, formToken: string): string {
  return writePostScript(DIR, BASE, slug, formToken);
}

// ---------------------------------------------------------------------------
// nginx

async function startNginx(started: (child: ChildProcess) => void): Promise<{ child: ChildProcess; base: string; conf: string } | null> {
  if (!hasCommand("nginx")) return null;
  const prefix = NGINX_DIR;
  fs.rmSync(prefix, { recursive: true, force: true });
  fs.mkdirSync(prefix, { recursive: true, mode: 0o755 });
  const conf = path.join(prefix, "nginx.conf");
  const template = fs.readFileSync(path.join("bench", "nginx.conf"), "utf8");
  fs.writeFileSync(
    conf,
    template.replaceAll("@PREFIX@", prefix).replaceAll("@LISTEN@", `${HOST}:${NGINX_PORT}`).replaceAll("@UPSTREAM@", `${HOST}:${PORT}`),
  );
  const args = ["-c", conf, "-p", prefix, "-e", path.join(prefix, "error.log")];
  const test = spawnSync("nginx", ["-t", ...args], { encoding: "utf8" });
  if (test.status !== 0) throw new Error(`nginx -t failed:\n${test.stderr}`);
  const child = spawn("nginx", args, { stdio: ["ignore", "ignore", "inherit"] });
  started(child);
  const base = `http://${HOST}:${NGINX_PORT}`;
  await waitFor(`${base}/healthz/live`, 10_000, () => child.exitCode === null);
  return { child, base, conf };
}

// ---------------------------------------------------------------------------
// Loads

type Row = {
  id: string;
  name: string;
  method: "GET" | "POST";
  url: string;
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  cpuMsPerRequest: number;
  kib: number;
  gzipKib: number | null;
  peakRssMib: number;
  non2xx: number;
  vsStatic?: number;
  vsHandler?: number;
  nginxCpuMsPerRequest?: number;
  cacheStatuses?: string[];
  validators?: Awaited<ReturnType<typeof conditional>>;
  post?: Record<string, number | string | boolean>;
  /** wrk's own output of the measured run. */
  wrk?: string;
};

/** The figures every row takes from a measured load. */
function figures(m: Awaited<ReturnType<typeof measure>>) {
  const { rps, p50, p99, requests, raw } = m.result;
  return { rps, p50, p99, requests, cpuMsPerRequest: m.cpuMsPerRequest, peakRssMib: m.peakRssMib, wrk: raw };
}

async function measure(serverPid: number, url: string, extra: string[] = [], script?: { file: string; warmArg: string; runArg: string }, also?: number) {
  // Warm-up: same connections, not counted.
  await wrk(url, WARMUP, [...extra, ...(script ? ["-s", script.file] : [])], script ? [script.warmArg] : []);
  let peak = rssKib(serverPid);
  const sampler = setInterval(() => (peak = Math.max(peak, rssKib(serverPid))), 100);
  const cpuBefore = cpuMs(serverPid);
  const alsoBefore = also ? cpuMs(also) : 0;
  const result = await wrk(url, DURATION, [...extra, ...(script ? ["-s", script.file] : [])], script ? [script.runArg] : []);
  const cpu = cpuMs(serverPid) - cpuBefore;
  const alsoCpu = also ? cpuMs(also) - alsoBefore : 0;
  clearInterval(sampler);
  peak = Math.max(peak, rssKib(serverPid));
  return { result, cpuMsPerRequest: cpu / result.requests, alsoCpuMsPerRequest: alsoCpu / result.requests, peakRssMib: peak / 1024 };
}

/** The body size of one GET without Accept-Encoding, and with gzip when the server compresses. */
async function sizes(url: string, headers: Record<string, string> = {}) {
  const plain = await request(url, { headers });
  if (plain.status !== 200) throw new Error(`GET ${url} answered ${plain.status}; expected 200`);
  const gz = await request(url, { headers: { ...headers, "Accept-Encoding": "gzip" } });
  const gzipped = header(gz, "content-encoding") === "gzip";
  return { plain, kib: plain.bytes / 1024, gzipKib: gzipped ? gz.bytes / 1024 : null };
}

async function setSetting(env: NodeJS.ProcessEnv, assignment: string) {
  await run("npx", ["tsx", "--conditions=react-server", "scripts/settings.ts", "set", assignment], env);
}

async function main() {
  if (!hasCommand("wrk")) {
    console.error("bench:pages needs wrk: apt-get install -y wrk");
    process.exit(1);
  }
  const startedAt = Date.now();
  if (!fs.existsSync(".next/BUILD_ID")) {
    console.log("Building the production app first (npm run build)...");
    await run("npm", ["run", "build"], process.env);
  }
  const manifest = ".next/server/app-paths-manifest.json";
  if (!fs.existsSync(manifest) || !fs.readFileSync(manifest, "utf8").includes('"/healthz/live/route"')) {
    console.log("The build has no /healthz/live: building again (npm run build)...");
    await run("npm", ["run", "build"], process.env);
  }

  fs.rmSync(DIR, { recursive: true, force: true });
  fs.mkdirSync(DIR, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    PORT: String(PORT),
    HOSTNAME: HOST,
    DATABASE_PATH: DB,
    SITE_URL: BASE,
    AKISMET_URL,
    AKISMET_KEY: "benchkey",
    NEXTAUTH_SECRET: SECRET,
  };
  delete env.NEXTAUTH_URL;
  delete env.TRUSTED_PROXIES;

  // Migrate and seed as bench/comments.ts does, then the settings and a reader account through the repo's scripts.
  await run("npx", ["tsx", "--conditions=react-server", "scripts/db-seed.ts"], env);
  await run(
    "npx",
    ["tsx", "--conditions=react-server", "scripts/settings.ts", "set", `commentsPerPage=${COMMENTS}`, "floodSeconds=0", "minSubmitSeconds=0"],
    env,
  );
  const added = await run(
    "npx",
    ["tsx", "--conditions=react-server", "scripts/user-add.ts", "--email", READER.email, "--role", "reader", "--name", READER.name, "--password-stdin"],
    env,
    `${READER.password}\n`,
  );
  const readerId = Number(/\(id (\d+)\)/.exec(added)?.[1]);
  const data = fillDatabase(readerId);
  // Held comments for load 2v's approvals (none of them shows until then).
  addHeldComments(DB, data.seedId, 400, commentText);
  console.log(
    `Database ${path.relative(process.cwd(), DB)}: seed article with ${data.n} approved comments (${data.top} top-level, ${data.replies} replies, ` +
      `${data.emails} author emails, ${data.avg.toFixed(0)} characters on average, longest ${data.max}); "${EMPTY_SLUG}" without comments.`,
  );

  const akismet = spawn(process.execPath, ["--import", "tsx", "scripts/akismet-local.ts"], {
    env: { ...process.env, AKISMET_LOCAL_PORT: String(AKISMET_PORT), AKISMET_LOCAL_KEYS: "benchkey" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  // Directly with node (not npx), so the measured tree is the server's and SIGTERM reaches it.
  // Its output goes to a log file; an early exit is reported with its cause.
  const serverLog = path.join(DIR, "server.log");
  const logFd = fs.openSync(serverLog, "a");
  const server = spawn(process.execPath, ["--max-old-space-size=256", "scripts/server.mjs"], { env, stdio: ["ignore", logFd, logFd] });
  let stopping = false;
  server.on("exit", (code, signal) => {
    if (stopping) return;
    const tail = fs.readFileSync(serverLog, "utf8").trimEnd().split("\n").slice(-20).join("\n");
    console.error(`\nThe server exited during the bench (code ${code}, signal ${signal}); the end of ${path.relative(process.cwd(), serverLog)}:\n${tail}`);
  });
  let nginx: Awaited<ReturnType<typeof startNginx>> = null;
  let nginxChild: ChildProcess | null = null;
  try {
    await waitFor(`${AKISMET_URL}/health`, 30_000, () => akismet.exitCode === null);
    await waitFor(`${BASE}/healthz/live`, 60_000, () => server.exitCode === null);
    const pid = server.pid!;

    // Signed-in reader: next-auth's credentials flow, as a browser's sign-in would.
    const csrf = await request(`${BASE}/api/auth/csrf`);
    const csrfToken = (JSON.parse(csrf.body.toString()) as { csrfToken: string }).csrfToken;
    const csrfCookies = ((csrf.headers["set-cookie"] ?? []) as string[]).map((c) => c.split(";")[0]!).join("; ");
    const signIn = await request(`${BASE}/api/auth/callback/credentials`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: csrfCookies, Origin: BASE },
      body: new URLSearchParams({ csrfToken, email: READER.email, password: READER.password, callbackUrl: `${BASE}/`, json: "true" }).toString(),
    });
    const sessionCookie = ((signIn.headers["set-cookie"] ?? []) as string[])
      .map((c) => c.split(";")[0]!)
      .find((c) => /^(__Secure-)?next-auth\.session-token=/.test(c));
    if (!sessionCookie) throw new Error(`sign-in gave no session cookie (status ${signIn.status}: ${signIn.body.toString().slice(0, 200)})`);
    const session = JSON.parse((await request(`${BASE}/api/auth/session`, { headers: { Cookie: sessionCookie } })).body.toString()) as {
      user?: { email?: string };
    };
    if (session.user?.email !== READER.email) throw new Error(`the session cookie does not name the reader: ${JSON.stringify(session)}`);
    // The header's account link (the name, title "Your account") is only there for a signed-in reader.
    const accountLink = 'title="Your account"';
    const signedInPage = (await request(`${BASE}/articles/${SEED_SLUG}`, { headers: { Cookie: sessionCookie } })).body.toString();
    const anonymousPage = (await request(`${BASE}/articles/${SEED_SLUG}`)).body.toString();
    if (!signedInPage.includes(accountLink) || anonymousPage.includes(accountLink)) {
      throw new Error("the article page does not tell the signed-in reader from an anonymous one");
    }
    console.log(
      `Signed in as ${READER.email} through GET /api/auth/csrf + POST /api/auth/callback/credentials (${signIn.status}); ` +
        `session cookie ${sessionCookie.split("=")[0]} (${sessionCookie.length} bytes), checked with /api/auth/session.`,
    );

    // The floor's static asset: the first /_next/static CSS (or JS) the home page references.
    const home = (await request(`${BASE}/`)).body.toString();
    const asset = /\/_next\/static\/[^"'\s)]+\.css/.exec(home)?.[0] ?? /\/_next\/static\/[^"'\s)]+\.js/.exec(home)?.[0];
    if (!asset) throw new Error("no /_next/static asset referenced by the home page");

    const { formToken } = JSON.parse((await request(`${BASE}/api/articles/${EMPTY_SLUG}/comments`)).body.toString()) as { formToken: string };

    const rows: Row[] = [];
    let churn: ReturnType<typeof startChurn> | null = null;
    let viral: ViralFigures | null = null;
    const cookie = ["-H", `Cookie: ${sessionCookie}`];
    // A browser that runs the page's script (nr_js) and has cookies of its own (nr_personal):
    // the shared cached page, and its own parts by the personal request (docs/decisions/022).
    const withScript = ["-H", `Cookie: ${sessionCookie}; nr_js=1; nr_personal=1`];
    const remembered = `nr_comment_author=${Buffer.from(JSON.stringify({ name: "Remembered Reader", email: "remembered@bench.example", url: "" })).toString("base64url")}`;
    const rememberedWithScript = ["-H", `Cookie: ${remembered}; nr_js=1; nr_personal=1`];
    const loads: { id: string; name: string; url: string; extra?: string[]; validators?: boolean; before?: () => Promise<void>; after?: () => Promise<void> }[] = [
      { id: "1a", name: `static asset ${path.basename(asset)}`, url: `${BASE}${asset}` },
      { id: "1b", name: "GET /healthz/live", url: `${BASE}/healthz/live` },
      { id: "2", name: "article, 200 comments, anonymous", url: `${BASE}/articles/${SEED_SLUG}`, validators: true },
      {
        id: "2v",
        name: `the same, ${APPROVALS_PER_SECOND} approvals/s (viral)`,
        url: `${BASE}/articles/${SEED_SLUG}`,
        before: async () => void (churn = startChurn(DB, data.seedId, `${BASE}/articles/${SEED_SLUG}`)),
        after: async () => void (viral = await churn!.stop()),
      },
      { id: "3c", name: "article, 200 comments, signed in, no JS", url: `${BASE}/articles/${SEED_SLUG}`, extra: cookie },
      { id: "3d", name: "personal request alone, signed in", url: `${BASE}/api/articles/${SEED_SLUG}/personal`, extra: withScript },
      { id: "3e", name: "personal request alone, remembered", url: `${BASE}/api/articles/${SEED_SLUG}/personal`, extra: rememberedWithScript },
      { id: "4", name: "article, no comments, anonymous", url: `${BASE}/articles/${EMPTY_SLUG}` },
      { id: "5", name: "home page", url: `${BASE}/`, validators: true },
      { id: "6", name: "/feed.xml", url: `${BASE}/feed.xml`, validators: true },
      {
        id: "7",
        name: "comments JSON, page 1 of 10 a page",
        url: `${BASE}/api/articles/${SEED_SLUG}/comments?page=1`,
        before: () => setSetting(env, "commentsPerPage=10"),
        after: () => setSetting(env, `commentsPerPage=${COMMENTS}`),
      },
    ];
    // 3 and 3b: a view by a reader with JavaScript is two requests, the cached page and
    // the personal request; wrk asks for them in turn, and a view is counted per pair.
    {
      const script = path.join(DIR, "page-and-personal.lua");
      fs.writeFileSync(
        script,
        `-- Written by bench/pages.ts: the article page, then its personal request, in turn.\nlocal n = 0\n` +
          `function request()\n  n = n + 1\n  if n % 2 == 1 then return wrk.format("GET", "/articles/${SEED_SLUG}") end\n` +
          `  return wrk.format("GET", "/api/articles/${SEED_SLUG}/personal")\nend\n`,
      );
      for (const view of [
        { id: "3", name: "views, signed in, JS (page + personal)", extra: withScript, cookies: `${sessionCookie}; nr_js=1; nr_personal=1`, expect: READER.name },
        { id: "3b", name: "views, remembered, JS (page + personal)", extra: rememberedWithScript, cookies: `${remembered}; nr_js=1; nr_personal=1`, expect: "Remembered Reader" },
      ]) {
        const page = await request(`${BASE}/articles/${SEED_SLUG}`, { headers: { Cookie: view.cookies } });
        const own = await request(`${BASE}/api/articles/${SEED_SLUG}/personal`, { headers: { Cookie: view.cookies } });
        if (!/^public/.test(String(page.headers["cache-control"])) || !own.body.toString().includes(view.expect)) {
          throw new Error(`load ${view.id}: expected the shared cached page and a personal answer naming ${view.expect}; got ${page.headers["cache-control"]} and ${own.body.toString().slice(0, 200)}`);
        }
        process.stdout.write(`load ${view.id}: ${view.name}...`);
        const m = await measure(pid, `${BASE}/articles/${SEED_SLUG}`, view.extra, { file: script, warmArg: "warm", runArg: "run" });
        const views = { ...figures(m), rps: m.result.rps / 2, requests: m.result.requests / 2, cpuMsPerRequest: m.cpuMsPerRequest * 2 };
        process.stdout.write(` ${views.rps.toFixed(0)} views/s\n`);
        rows.push({ id: view.id, name: view.name, method: "GET", url: `${BASE}/articles/${SEED_SLUG} + /personal`, ...views, kib: (page.bytes + own.bytes) / 1024, gzipKib: null, non2xx: m.result.non2xx + m.result.socketErrors });
      }
    }
    for (const load of loads) {
      await load.before?.();
      const headers: Record<string, string> =
        load.extra === withScript
          ? { Cookie: `${sessionCookie}; nr_js=1; nr_personal=1` }
          : load.extra === rememberedWithScript
            ? { Cookie: `${remembered}; nr_js=1; nr_personal=1` }
            : load.extra
              ? { Cookie: sessionCookie }
              : {};
      const size = await sizes(load.url, headers);
      if (load.id === "7") {
        const body = JSON.parse(size.plain.body.toString()) as { perPage: number; comments: unknown[]; pageCount: number };
        if (body.perPage !== 10) throw new Error(`the comment API answers ${body.perPage} a page; expected 10`);
      }
      const validators = load.validators ? await conditional(load.url, headers) : undefined;
      process.stdout.write(`load ${load.id}: ${load.name}...`);
      const m = await measure(pid, load.url, load.extra);
      process.stdout.write(` ${m.result.rps.toFixed(0)} req/s\n`);
      rows.push({
        id: load.id,
        name: load.name,
        method: "GET",
        url: load.url,
        ...figures(m),
        kib: size.kib,
        gzipKib: size.gzipKib,
        non2xx: m.result.non2xx + m.result.socketErrors,
        validators,
      });
      await load.after?.();
    }

    // 7b: the comment API under many connections, as browsers ask for it
    // (Brotli accepted): every waiting answer used to hold a compressor.
    {
      await setSetting(env, "commentsPerPage=10");
      const url = `${BASE}/api/articles/${SEED_SLUG}/comments`;
      const script = path.join(DIR, "comment-pages.lua");
      fs.writeFileSync(
        script,
        `-- Written by bench/pages.ts: the comment API's pages 1-${API_PAGES} in turn.\nlocal n = 0\n` +
          `function request()\n  n = n + 1\n  return wrk.format("GET", "/api/articles/${SEED_SLUG}/comments?page=" .. (n % ${API_PAGES} + 1))\nend\n`,
      );
      const size = await sizes(`${url}?page=1`);
      process.stdout.write(`load 7b: comments JSON, pages 1-${API_PAGES}, ${MANY_CONNECTIONS} connections, ${BROWSER_ACCEPT_ENCODING}...`);
      const m = await measure(pid, url, [`-c${MANY_CONNECTIONS}`, "-H", `Accept-Encoding: ${BROWSER_ACCEPT_ENCODING}`], { file: script, warmArg: "warm", runArg: "run" });
      process.stdout.write(` ${m.result.rps.toFixed(0)} req/s\n`);
      rows.push({
        id: "7b",
        name: `comments JSON, ${MANY_CONNECTIONS} conn., br accepted`,
        method: "GET",
        url: `${url}?page=1..${API_PAGES}`,
        ...figures(m),
        kib: size.kib,
        gzipKib: size.gzipKib,
        non2xx: m.result.non2xx + m.result.socketErrors,
      });
      await setSetting(env, `commentsPerPage=${COMMENTS}`);
    }

    // 8: posting, every body distinct; accepted ones must be stored.
    {
      const url = `${BASE}/api/articles/${EMPTY_SLUG}/comments`;
      const script = postScript(EMPTY_SLUG, formToken);
      const runId = crypto.randomBytes(3).toString("hex");
      await fetch(`${AKISMET_URL}/__requests`, { method: "DELETE" });
      const one = await request(url, {
        method: "POST",
        headers: { "Content-Type": "application/json", Origin: BASE },
        body: JSON.stringify({ content: `Probe comment ${runId}: is the pipeline whole?`, name: "Probe Reader", email: `probe-${runId}@example.org`, formToken }),
      });
      if (one.status !== 201) throw new Error(`POST ${url} answered ${one.status}: ${one.body.toString()}`);
      process.stdout.write("load 8: POST a comment (JSON API)...");
      const m = await measure(pid, url, [], { file: script, warmArg: `warm${runId}`, runArg: `run${runId}` });
      process.stdout.write(` ${m.result.rps.toFixed(0)} req/s\n`);
      await new Promise((r) => setTimeout(r, 1000)); // requests in flight at wrk's deadline still finish
      const accepted = Object.entries(m.result.statuses).reduce((n, [s, c]) => (Number(s) >= 200 && Number(s) < 300 ? n + c : n), 0);
      const answered = Object.values(m.result.statuses).reduce((a, b) => a + b, 0);
      const like = `Comment run${runId}-%`;
      const stored = countRows("select count(*) as n from comments where content like ?", like);
      const approved = countRows("select count(*) as n from comments where content like ? and status = 'approved'", like);
      const checked = countRows("select count(*) as n from comments where content like ? and spam_check_state = 'checked'", like);
      const akismetChecks = ((await (await fetch(`${AKISMET_URL}/__requests`)).json()) as { path: string }[]).filter(
        (r) => r.path === "/1.1/comment-check",
      ).length;
      rows.push({
        id: "8",
        name: "POST a comment (JSON API, Akismet)",
        method: "POST",
        url,
        ...figures(m),
        kib: one.bytes / 1024,
        gzipKib: null,
        non2xx: answered - accepted + m.result.socketErrors,
        post: {
          accepted,
          refused: answered - accepted,
          statuses: JSON.stringify(m.result.statuses),
          socketErrors: m.result.socketErrors,
          stored,
          approved,
          akismetChecked: checked,
          akismetCommentChecksIncludingWarmup: akismetChecks,
          allStored: stored >= accepted,
        },
      });
    }

    // 9: load 2's page through nginx with a 1 s cache.
    let nginxSkipped = "Load 9 skipped: nginx is not installed (apt-get install -y nginx).";
    try {
      nginx = await startNginx((child) => (nginxChild = child));
    } catch (error) {
      nginxSkipped = `Load 9 not run: nginx did not start: ${(error as Error).message} (see ${path.relative(process.cwd(), NGINX_DIR)}/error.log)`;
      process.exitCode = 1;
    }
    if (nginx) {
      const url = `${nginx.base}/articles/${SEED_SLUG}`;
      const size = await sizes(url);
      const cacheStatuses: string[] = [];
      for (let i = 0; i < 3; i++) cacheStatuses.push(header(await request(url), "x-cache-status") ?? "-");
      process.stdout.write("load 9: article through nginx proxy_cache (1 s)...");
      const m = await measure(pid, url, [], undefined, nginx.child.pid);
      process.stdout.write(` ${m.result.rps.toFixed(0)} req/s\n`);
      rows.push({
        id: "9",
        name: "article, 200 comments, nginx 1 s cache",
        method: "GET",
        url,
        ...figures(m),
        kib: size.kib,
        gzipKib: size.gzipKib,
        non2xx: m.result.non2xx + m.result.socketErrors,
        nginxCpuMsPerRequest: m.alsoCpuMsPerRequest,
        cacheStatuses,
      });
    }

    report(rows, { viral, asset, sessionCookieName: sessionCookie.split("=")[0]!, data, nginx: nginx?.conf ?? null, nginxSkipped, seconds: (Date.now() - startedAt) / 1000 });
  } finally {
    if (nginxChild) await stop(nginxChild, "SIGQUIT");
    stopping = true;
    await stop(server);
    fs.closeSync(logFd);
    await stop(akismet);
  }
}

function report(
  rows: Row[],
  meta: { viral: ViralFigures | null; asset: string; sessionCookieName: string; data: ReturnType<typeof fillDatabase>; nginx: string | null; nginxSkipped: string; seconds: number },
) {
  rows.sort((a, b) => a.id.localeCompare(b.id, "en", { numeric: true }));
  const staticRps = rows.find((r) => r.id === "1a")!.rps;
  const handlerRps = rows.find((r) => r.id === "1b")!.rps;
  for (const r of rows) {
    r.vsStatic = r.rps / staticRps;
    r.vsHandler = r.rps / handlerRps;
  }
  const commit = spawnSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).stdout.trim();
  const dirty = spawnSync("git", ["status", "--porcelain", "--", "app", "lib", "db", "next.config.js", "proxy.ts"], { encoding: "utf8" }).stdout.trim() !== "";
  const f = (n: number, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : "-");
  const cols = [
    ["load", 44, "l"],
    ["req/s", 8],
    ["p50 ms", 8],
    ["p99 ms", 8],
    ["CPU ms/req", 11],
    ["KiB (gzip)", 14],
    ["peak RSS MiB", 13],
    ["non-2xx", 8],
    ["×static", 8],
    ["×handler", 9],
  ] as const;
  const line = (cells: string[]) => cells.map((c, i) => (cols[i]![2] === "l" ? c.padEnd(cols[i]![1]) : c.padStart(cols[i]![1]))).join(" ");
  console.log(
    `\nPages on the production build (commit ${commit}${dirty ? " + uncommitted changes" : ""}), wrk ${WRK.join(" ")} -d${DURATION}s after a ${WARMUP} s warm-up; ` +
      `server: node scripts/server.mjs, SQLite ${path.relative(process.cwd(), DB)}; ${spawnSync("nproc", { encoding: "utf8" }).stdout.trim()} cores, wrk on the same machine`,
  );
  const head = line(cols.map((c) => c[0]));
  console.log(head);
  console.log("-".repeat(head.length));
  for (const r of rows) {
    console.log(
      line([
        `${r.id.padEnd(3)}${r.name}`.slice(0, 44),
        f(r.rps),
        f(r.p50, 2),
        f(r.p99, 2),
        f(r.cpuMsPerRequest, 2),
        `${f(r.kib, 1)}${r.gzipKib !== null ? ` (${f(r.gzipKib, 1)})` : ""}`,
        f(r.peakRssMib),
        String(r.non2xx),
        f(r.vsStatic!, 3),
        f(r.vsHandler!, 3),
      ]),
    );
  }
  console.log(
    "CPU: the server's process tree (utime+stime from /proc) over the measured load ÷ requests completed; KiB: body of one GET without Accept-Encoding " +
      "(gzip in brackets when the server compresses); non-2xx: wrk's count of answers ≥ 400 plus socket errors (load 8: every answer not 2xx).",
  );
  const anonymous = rows.find((r) => r.id === "2");
  if (anonymous) {
    console.log("\nIssue 20's goals, from the rows above (a view by a reader with JavaScript = the page + its personal request):");
    for (const id of ["3", "3b", "3c"]) {
      const r = rows.find((row) => row.id === id);
      if (r) console.log(`  ${id.padEnd(3)}${r.name.padEnd(40)} ${f(r.rps)} views/s = ${f(r.rps / anonymous.rps, 3)} × the anonymous cached page (load 2; goal ≥ 0.5 for 3 and 3b)`);
    }
    const viralRow = rows.find((r) => r.id === "2v");
    const v = meta.viral;
    if (viralRow && v) {
      const ms = (l: ViralFigures["shown"]) => `p50 ${f(l.p50)} ms, p99 ${f(l.p99)} ms, max ${f(l.max)} ms, ${f(l.within2s * 100, 1)}% within 2 s (${l.n})`;
      console.log(
        `  2v while comments are approved: ${f(viralRow.rps)} req/s = ${f(viralRow.rps / anonymous.rps, 3)} × the quiet page (load 2; goal ≥ 0.8); ` +
          `${v.approvals} approvals in ${f(v.seconds, 1)} s (${f(v.approvalsPerSecond, 1)}/s), each with one comment taken back to held.\n` +
          `      A fresh reader (a probe every 100 ms, ${v.probes} probes) saw each approval: ${ms(v.shown)}; each taken back gone: ${ms(v.gone)}; ` +
          `never seen: ${v.unseenAtEnd}. Page versions seen: ${f(v.pageVersionsPerSecond, 2)} a second (goal: about 1).`,
      );
    }
    for (const id of ["3d", "3e"]) {
      const personal = rows.find((r) => r.id === id);
      if (personal) console.log(`  ${id} ${personal.name}: ${f(personal.vsHandler!, 3)} × /healthz/live (goal ≥ 0.8); ${f(personal.kib * 1024)} bytes, no held comment (goal ≤ 2048)`);
    }
  }
  const post = rows.find((r) => r.id === "8")?.post;
  if (post) {
    console.log(
      `\nLoad 8, POST /api/articles/${EMPTY_SLUG}/comments: accepted (2xx) ${post.accepted}, refused ${post.refused} (statuses ${post.statuses}, socket errors ${post.socketErrors}); ` +
        `stored ${post.stored} (approved ${post.approved}, Akismet-checked ${post.akismetChecked}; wrk stops counting at its deadline, requests then in flight are stored too): ` +
        `${post.allStored ? "every accepted comment stored" : "ACCEPTED COMMENTS MISSING"}.`,
    );
  }
  const nginxRow = rows.find((r) => r.id === "9");
  if (nginxRow) {
    console.log(
      `Load 9: nginx (${meta.nginx}) answered X-Cache-Status ${nginxRow.cacheStatuses!.join(", ")} to three probes; ` +
        `nginx's own CPU ${f(nginxRow.nginxCpuMsPerRequest!, 3)} ms per request (not in the table's CPU column, which is the app server's).`,
    );
  } else {
    console.log(meta.nginxSkipped);
  }
  console.log("\nCaching headers and conditional GETs (anonymous):");
  for (const r of rows.filter((row) => row.validators)) {
    const v = r.validators!;
    console.log(
      `  ${r.id.padEnd(3)}${r.name.padEnd(36)} Cache-Control: ${v.cacheControl ?? "(none)"}; ETag: ${v.etag ?? "(none)"}; Last-Modified: ${v.lastModified ?? "(none)"}; ` +
        `304 to a conditional GET: ${v.answers304 ? "yes" : "no"} (${v.tries.map((t) => `${t.sent.split(":")[0]} → ${t.status}`).join(", ")})`,
    );
  }
  console.log(`\nStatic asset: ${meta.asset}. Total run time ${meta.seconds.toFixed(0)} s. Results: ${path.relative(process.cwd(), RESULTS)}`);

  fs.writeFileSync(
    RESULTS,
    JSON.stringify(
      {
        when: new Date().toISOString(),
        commit,
        uncommittedAppChanges: dirty,
        node: process.version,
        cores: Number(spawnSync("nproc", { encoding: "utf8" }).stdout.trim()),
        wrk: `${WRK.join(" ")} -d${DURATION}s after a ${WARMUP} s warm-up`,
        data: { ...meta.data, secondArticle: EMPTY_SLUG },
        staticAsset: meta.asset,
        sessionCookie: meta.sessionCookieName,
        nginxConfig: meta.nginx,
        seconds: meta.seconds,
        viral: meta.viral,
        loads: rows,
      },
      null,
      2,
    ) + "\n",
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
