/** Helpers the benchmarks share (not part of the app or the tests). */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import pg from "pg";

/** wrk's settings for every load: 2 threads, 10 connections, latency percentiles, a 30 s timeout (its default, 2 s, would drop the slowest pages from the figures). */
export const WRK_ARGS = ["-t2", "-c10", "--latency", "--timeout", "30s"];
const CLK_TCK = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;


/** Waits until `url` answers 2xx; fails early when the process behind it has exited. */
export async function waitFor(url: string, timeoutMs: number, alive: () => boolean = () => true) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (!alive()) throw new Error(`the process behind ${url} exited before answering`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

/** Deterministic pseudo-random numbers (mulberry32), so every run builds the same data. */
export function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------------------
// Processes

export function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: [input === undefined ? "ignore" : "pipe", "pipe", "inherit"] });
    let out = "";
    child.stdout!.on("data", (d) => (out += d));
    if (input !== undefined) child.stdin!.end(input);
    child.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(" ")} exited ${code}`))));
  });
}

export function hasCommand(name: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${name}`], { stdio: "ignore" }).status === 0;
}

export function stop(child: ChildProcess, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}

// ---------------------------------------------------------------------------
// /proc: CPU time and RSS of a process and its descendants

type ProcStat = { pid: number; ppid: number; ticks: number };

export function readStat(pid: number): ProcStat | null {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after "(comm)": state ppid ... utime(14) stime(15) cutime(16) cstime(17)
    const rest = text.slice(text.lastIndexOf(")") + 2).split(" ");
    const n = (field: number) => Number(rest[field - 3]);
    return { pid, ppid: n(4), ticks: n(14) + n(15) + n(16) + n(17) };
  } catch {
    return null;
  }
}

/** The process and its live descendants. */
export function tree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (!stat) continue;
    const list = children.get(stat.ppid) ?? [];
    list.push(stat.pid);
    children.set(stat.ppid, list);
  }
  const pids = [root];
  for (let i = 0; i < pids.length; i++) pids.push(...(children.get(pids[i]!) ?? []));
  return pids;
}

/**
 * CPU milliseconds used so far by the tree: utime + stime of each live
 * process, plus cutime + cstime (children already waited for, which are no
 * longer in the tree, so nothing is counted twice).
 */
export function cpuMs(root: number): number {
  return tree(root).reduce((sum, pid) => sum + (readStat(pid)?.ticks ?? 0), 0) * (1000 / CLK_TCK);
}

export function rssKib(root: number): number {
  let total = 0;
  for (const pid of tree(root)) {
    try {
      total += Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
    } catch {
      // gone
    }
  }
  return total;
}

// ---------------------------------------------------------------------------
// One request, byte-exact (no Accept-Encoding unless given)

export type Probe = { status: number; headers: http.IncomingHttpHeaders; bytes: number; body: Buffer };

export function request(url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Probe> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? "GET", headers: options.headers ?? {}, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes: body.length, body });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(options.body);
  });
}

export const header = (p: Probe, name: string): string | null => {
  const v = p.headers[name.toLowerCase()];
  return v === undefined ? null : Array.isArray(v) ? v.join(", ") : v;
};

/** Validators and whether a conditional GET is answered 304. */
export async function conditional(url: string, headers: Record<string, string> = {}) {
  const first = await request(url, { headers });
  const etag = header(first, "etag");
  const lastModified = header(first, "last-modified");
  const tries: { sent: string; status: number }[] = [];
  if (etag) tries.push({ sent: `If-None-Match: ${etag}`, status: (await request(url, { headers: { ...headers, "If-None-Match": etag } })).status });
  // Without a Last-Modified, ask with the time now: nothing on the page can be newer.
  const since = lastModified ?? new Date().toUTCString();
  tries.push({
    sent: `If-Modified-Since: ${since}`,
    status: (await request(url, { headers: { ...headers, "If-Modified-Since": since } })).status,
  });
  return {
    cacheControl: header(first, "cache-control"),
    etag,
    lastModified,
    tries,
    answers304: tries.some((t) => t.status === 304),
  };
}

// ---------------------------------------------------------------------------
// wrk

export type WrkResult = {
  requests: number;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  socketErrors: number;
  statuses: Record<string, number>;
  raw: string;
};

export function toMs(value: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(value.trim());
  if (!m) return NaN;
  const n = Number(m[1]);
  return m[2] === "us" ? n / 1000 : m[2] === "ms" ? n : m[2] === "s" ? n * 1000 : n * 60_000;
}

export function parseWrk(raw: string): WrkResult {
  const num = (re: RegExp) => Number(re.exec(raw)?.[1] ?? NaN);
  const done = /(\d+) requests in ([\d.]+)(us|ms|s|m)/.exec(raw);
  const sockets = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(raw);
  const statuses: Record<string, number> = {};
  for (const m of raw.matchAll(/^STATUS (\d+) (\d+)$/gm)) statuses[m[1]!] = Number(m[2]);
  return {
    requests: done ? Number(done[1]) : NaN,
    seconds: done ? toMs(`${done[2]}${done[3]}`) / 1000 : NaN,
    rps: num(/Requests\/sec:\s+([\d.]+)/),
    p50: toMs(/^\s+50%\s+(\S+)/m.exec(raw)?.[1] ?? ""),
    p99: toMs(/^\s+99%\s+(\S+)/m.exec(raw)?.[1] ?? ""),
    non2xx: num(/Non-2xx or 3xx responses: (\d+)/) || 0,
    socketErrors: sockets ? sockets.slice(1).reduce((a, b) => a + Number(b), 0) : 0,
    statuses,
    raw,
  };
}

export function wrk(url: string, seconds: number, extra: string[] = [], scriptArgs: string[] = []): Promise<WrkResult> {
  const args = [...WRK_ARGS, `-d${seconds}s`, ...extra, url, ...(scriptArgs.length ? ["--", ...scriptArgs] : [])];
  return run("wrk", args, process.env).then(parseWrk);
}

// ---------------------------------------------------------------------------
// Realistic comment text and authors

export function commentWriter(random: () => number) {
  const pick = <T,>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const FIRST = ["Anna", "Ben", "Carla", "David", "Elif", "Farid", "Grace", "Hugo", "Ines", "Jonas", "Kemal", "Lena", "Marta", "Nils", "Olga", "Pavel", "Quinn", "Rosa", "Sami", "Tara", "Umar", "Vera", "Wen", "Yusuf", "Zoe"];
  const LAST = ["Smith", "Okafor", "Müller", "Rossi", "Nguyen", "García", "Kowalski", "Haddad", "Johansson", "Silva", "Tanaka", "O'Brien", "Dubois", "Yilmaz", "Novak"];
  const DOMAINS = ["gmail.com", "outlook.com", "yahoo.com", "proton.me", "posteo.de", "icloud.com", "gmx.net", "fastmail.com"];
  const SENTENCES = [
  "Thank you for reporting this, it is rarely covered elsewhere.",
  "I think the article leaves out the role of the neighbouring governments, which matters for how the strikes were planned.",
  "Does anyone know where the full report can be read?",
  "The numbers quoted here do not match what the ministry published last week, and that gap deserves an explanation.",
  "My family lived there until 2015 and this matches what they describe.",
  "Good piece, but the headline is more certain than the evidence.",
  "Accountability has to start with independent investigations on the ground, not press releases.",
  "I disagree: the coalition did publish its own figures, however incomplete they were.",
  "It is shocking how little attention this gets.",
  "Could you add a map of the districts mentioned?",
  "Journalists on the ground deserve more support for this kind of work.",
  "The comparison with Mosul is apt and worth a follow-up.",
  "Whoever wrote the denial clearly did not read past the executive summary.",
  "Civilian casualty counts are always contested, but the method described here seems careful.",
  "Rebuilding will take a generation, and nobody is talking about who pays for it.",
];

  /** A comment of realistic length: mostly one to three sentences, sometimes several paragraphs. */
  function commentText(): string {
  const r = random();
  const sentences = r < 0.45 ? 1 + Math.floor(random() * 2) : r < 0.85 ? 3 + Math.floor(random() * 4) : 8 + Math.floor(random() * 10);
  const parts = Array.from({ length: sentences }, () => pick(SENTENCES));
  if (sentences < 8) return parts.join(" ");
  const third = Math.ceil(parts.length / 3);
  return [parts.slice(0, third), parts.slice(third, 2 * third), parts.slice(2 * third)].map((p) => p.join(" ")).join("\n\n");
}

  return { commentText, pick, FIRST, LAST, DOMAINS };
}

// ---------------------------------------------------------------------------
// The comment-posting load's wrk script: every request a distinct body

/** A wrk script that POSTs a distinct comment per request (the run's name as its first argument). */
export function writePostScript(dir: string, base: string, slug: string, formToken: string): string {
  const file = path.join(dir, "post-comment.lua");
  const lua = `-- Written by bench/support.ts: POSTs a distinct comment per request.
local threads = {}
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
  table.insert(threads, thread)
end
function init(args)
  run = args[1] or "run"
  n = 0
  statuses = {}
end
local sentence = "I read the report and the article side by side; the figures for the western districts differ, and I would like to know which source is right."
function request()
  n = n + 1
  local key = run .. "-" .. tid .. "-" .. n
  local body = '{"content":"Comment ' .. key .. ': ' .. sentence .. '","name":"Bench Reader ' .. key ..
    '","email":"reader-' .. key .. '@example.org","formToken":"${formToken}"}'
  return wrk.format("POST", "/api/articles/${slug}/comments", {
    ["Content-Type"] = "application/json",
    ["Origin"] = "${base}",
    ["User-Agent"] = "Mozilla/5.0 (bench:pages)",
    ["Referer"] = "${base}/articles/${slug}",
  }, body)
end
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("statuses")) do total[k] = (total[k] or 0) + v end
  end
  for k, v in pairs(total) do io.write(string.format("STATUS %d %d\\n", k, v)) end
end
`;
  fs.writeFileSync(file, lua);
  return file;
}

/** The PostgreSQL server the benchmarks make their databases on (TEST_DATABASE_URL's, or the local one). */
const PG_SERVER = process.env.TEST_DATABASE_URL || "postgres://127.0.0.1:5432/postgres";

/** The address of one database on that server. */
export function pgUrl(database: string): string {
  const url = new URL(PG_SERVER);
  url.pathname = `/${database}`;
  if (!url.username) url.username = process.env.PGUSER || os.userInfo().username;
  return url.toString();
}

/** One statement on a database of that server (`postgres` to create or drop one). */
export async function pgQuery<T extends pg.QueryResultRow = pg.QueryResultRow>(database: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: pgUrl(database) });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/**
 * nginx in front of app instances, round-robin: e2e's cluster configuration
 * (e2e/support/nginx-cluster.conf) in a folder of its own, listening on
 * `host:listen`. `connections` raises its connection limits (two a client:
 * the client's and the upstream's), for long-lived streams.
 */
export async function startClusterNginx(dir: string, host: string, listen: number, upstreams: number[], { connections }: { connections?: number } = {}): Promise<ChildProcess> {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  const conf = path.join(dir, "nginx.conf");
  let template = fs.readFileSync("e2e/support/nginx-cluster.conf", "utf8");
  if (connections !== undefined) {
    if (!template.includes("worker_connections 512;")) throw new Error("e2e/support/nginx-cluster.conf changed: update startClusterNginx in bench/support.ts");
    template = template
      .replace("worker_processes 1;", `worker_processes 1;\nworker_rlimit_nofile ${2 * connections + 1024};`)
      .replace("worker_connections 512;", `worker_connections ${connections + 512};`);
  }
  fs.writeFileSync(
    conf,
    template
      .replaceAll("@PREFIX@", dir)
      .replaceAll("@LISTEN@", `${host}:${listen}`)
      .replaceAll("@UPSTREAMS@", upstreams.map((p) => `        server ${host}:${p};`).join("\n")),
  );
  const child = spawn("nginx", ["-c", conf, "-p", dir, "-e", path.join(dir, "error.log")], { stdio: ["ignore", "ignore", "inherit"] });
  await waitFor(`http://${host}:${listen}/healthz/live`, 10_000, () => child.exitCode === null);
  return child;
}
