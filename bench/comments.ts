/**
 * `npm run bench:comments`: posting throughput and latency of the comment
 * pipeline on the production build. The local Akismet-compatible server
 * answers at once; autocannon posts distinct comments through the JSON API
 * at 10 and 50 connections for 10 s each. Prints req/s, p50, p99 and the
 * server's peak RSS, and checks that every accepted comment was stored.
 * It runs twice, once with each SQLite durability setting
 * (`SQLITE_SYNCHRONOUS=normal`, the default, and `full`, which fsyncs every
 * commit: decision 010); `BENCH_SYNC=normal` or `full` runs one.
 * `BENCH_TRUST=1` turns the trust rules on (fewer than 1 approved comment, and
 * 30% rejected in 7 days, both read for every post) and posts as 50 returning
 * guests, so every post reads a growing record (issue 21: the POST rate may
 * drop by at most 10%).
 * Not part of the test suite.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import autocannon from "autocannon";
import Database from "better-sqlite3";
import { waitFor } from "./support";

const PORT = Number(process.env.BENCH_PORT ?? 3200);
const BASE = `http://127.0.0.1:${PORT}`;
const DIR = path.join(process.cwd(), ".tmp", "bench-comments");
const DB = path.join(DIR, "app.db");
const SLUG = "syria-us-led-coalition-deeply-in-denial-about-civilian-casualties-in-raqqa";
const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const AKISMET_PORT = Number(process.env.BENCH_AKISMET_PORT ?? 3997);
const AKISMET_URL = `http://127.0.0.1:${AKISMET_PORT}`;
const TRUST = process.env.BENCH_TRUST === "1";

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv) {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ["ignore", "ignore", "inherit"] });
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(" ")} exited ${code}`))));
  });
}

function rssKb(pid: number, field: "VmRSS" | "VmHWM"): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

async function main() {
  if (!fs.existsSync(".next/BUILD_ID")) {
    console.log("Building the production app first (npm run build)...");
    await run("npm", ["run", "build"], process.env);
  }

  // The local Akismet server in a process of its own, so the load generator
  // does not slow its answers.
  const akismet = spawn(process.execPath, ["--import", "tsx", "scripts/akismet-local.ts"], {
    env: { ...process.env, AKISMET_LOCAL_PORT: String(AKISMET_PORT), AKISMET_LOCAL_KEYS: "benchkey" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  await waitFor(`${AKISMET_URL}/health`, 30_000);
  const modes = process.env.BENCH_SYNC ? [process.env.BENCH_SYNC as "normal" | "full"] : (["normal", "full"] as const);
  try {
    for (const mode of modes) await benchWith(mode);
  } finally {
    akismet.kill("SIGTERM");
  }
}

async function benchWith(synchronous: "normal" | "full") {
  fs.rmSync(DIR, { recursive: true, force: true });
  fs.mkdirSync(DIR, { recursive: true });
  await fetch(`${AKISMET_URL}/__requests`, { method: "DELETE" });
  const env = {
    ...process.env,
    NODE_ENV: "production" as const,
    PORT: String(PORT),
    HOSTNAME: "127.0.0.1",
    DATABASE_PATH: DB,
    SITE_URL: BASE,
    AKISMET_URL,
    AKISMET_KEY: "benchkey",
    SQLITE_SYNCHRONOUS: synchronous,
  };
  // Every request comes from 127.0.0.1 within milliseconds: switch off the
  // flood and minimum-time defences so each post runs the whole pipeline.
  await run("npx", ["tsx", "--conditions=react-server", "scripts/db-seed.ts"], env);
  await run("npx", ["tsx", "--conditions=react-server", "scripts/settings.ts", "set", "floodSeconds=0", "minSubmitSeconds=0", ...(TRUST ? ["trustMinApproved=1", "trustRejectedHold=true"] : [])], env);
  if (TRUST) console.log("Trust rules on: trustMinApproved=1, trustRejectedHold=true (30% in 7 days); 50 returning guests");

  // BENCH_PROFILE=1 writes a CPU profile of the server to .tmp/bench-profile.
  const nodeArgs = process.env.BENCH_PROFILE ? ["--cpu-prof", "--cpu-prof-dir", ".tmp/bench-profile"] : [];
  const server = spawn("node", [...nodeArgs, "--max-old-space-size=256", "scripts/server.mjs"], { env, stdio: ["ignore", "ignore", "inherit"] });
  let peakRss = 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, rssKb(server.pid!, "VmRSS"));
  }, 100);

  try {
    await waitFor(`${BASE}/`, 30_000);
    const { formToken } = (await (await fetch(`${BASE}/api/articles/${SLUG}/comments`)).json()) as { formToken: string };

    let n = 0;
    const rows: string[] = [];
    let accepted = 0;
    for (const connections of [10, 50]) {
      const result = await autocannon({
        url: BASE,
        connections,
        duration: DURATION,
        requests: [
          {
            method: "POST",
            path: `/api/articles/${SLUG}/comments`,
            headers: { "content-type": "application/json", origin: BASE, "user-agent": "bench/1.0" },
            setupRequest: (req) => {
              n += 1;
              return {
                ...req,
                body: JSON.stringify({
                  content: `Benchmark comment number ${n}: distinct text so no duplicate check refuses it.`,
                  name: `Bench Reader ${n}`,
                  email: TRUST ? `bench${n % 50}@example.com` : `bench${n}@example.com`,
                  formToken,
                }),
              };
            },
          },
        ],
      });
      accepted += result["2xx"];
      rows.push(
        [
          String(connections).padStart(11),
          result.requests.average.toFixed(0).padStart(7),
          `${result.latency.p50} ms`.padStart(8),
          `${result.latency.p99} ms`.padStart(8),
          String(result["2xx"]).padStart(7),
          String(result.non2xx + result.errors + result.timeouts).padStart(7),
        ].join("  "),
      );
    }

    // The framework's floor for comparison: the same route answering 400 to
    // an empty body (no database, no Akismet) at 10 connections.
    const floor = await autocannon({
      url: BASE,
      connections: 10,
      duration: Math.min(DURATION, 5),
      requests: [
        {
          method: "POST",
          path: `/api/articles/${SLUG}/comments`,
          headers: { "content-type": "application/json", origin: BASE },
          body: JSON.stringify({ content: "", name: "", email: "" }),
        },
      ],
    });
    const floorRow = `route floor (400 on an empty comment, 10 connections): ${floor.requests.average.toFixed(0)} req/s, p50 ${floor.latency.p50} ms, p99 ${floor.latency.p99} ms`;

    await new Promise((r) => setTimeout(r, 1000)); // let requests still in flight finish
    const db = new Database(DB, { readonly: true });
    const stored = (db.prepare("select count(*) as n from comments").get() as { n: number }).n;
    const unchecked = (db.prepare("select count(*) as n from comments where spam_check_state != 'checked'").get() as { n: number }).n;
    const requests = (await (await fetch(`${AKISMET_URL}/__requests`)).json()) as { path: string }[];
    const checks = requests.filter((r) => r.path === "/1.1/comment-check").length;
    console.log(`\nComment posting through POST /api/articles/<slug>/comments (production build, local Akismet, SQLITE_SYNCHRONOUS=${synchronous})`);
    console.log("connections  req/s      p50      p99     2xx   other");
    for (const row of rows) console.log(row);
    console.log(floorRow);
    console.log(`\npeak RSS of the server: ${(Math.max(peakRss, rssKb(server.pid!, "VmHWM")) / 1024).toFixed(0)} MiB`);
    // autocannon stops counting at the deadline; requests in flight then are still stored.
    const ok = stored >= accepted;
    console.log(
      `answered 201: ${accepted}; stored: ${stored}; Akismet comment-checks: ${checks}; not checked: ${unchecked}: ${ok ? "nothing lost" : "COMMENTS LOST"}`,
    );
    if (!ok) process.exitCode = 1;
  } finally {
    clearInterval(sampler);
    server.kill("SIGTERM");
    await new Promise((r) => server.once("exit", r));
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
