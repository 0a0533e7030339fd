/**
 * Starts every lane (e2e/support/lanes.ts) once per run, and stops them at
 * the end. The database is prepared once, as a template (migrated, seeded
 * with the sample article and e2e/fixtures/articles, the minimum-time and
 * flood defences off: browsers driven by tests are fast and all come from
 * 127.0.0.1; integration tests cover both defences), then copied per lane.
 * Needs `npm run build` first.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { E2E_NEXTAUTH_SECRET, lane, laneCount, type Lane } from "./lanes";
import { TSX_NODE_ARGS } from "../../scripts/lib/tsx-node-args";

const E2E_DIR = path.join(process.cwd(), ".tmp", "e2e");
const PIDS_FILE = path.join(E2E_DIR, "pids.json");
const START_TIMEOUT_MS = 90_000;

function run(args: string[], env: NodeJS.ProcessEnv): void {
  const r = spawnSync(process.execPath, [...TSX_NODE_ARGS, ...args], { env, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${args.join(" ")} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
}

/** Stops processes a run killed before its teardown left behind (they would hold the lanes' ports). */
function stopLeftovers(): void {
  let pids: number[] = [];
  try {
    pids = JSON.parse(fs.readFileSync(PIDS_FILE, "utf8")) as number[];
  } catch {
    return;
  }
  for (const pid of pids) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // gone already
    }
  }
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: "127.0.0.1" });
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", () => resolve(true));
  });
}

type Started = { name: string; child: ChildProcess; log: string };

function start(name: string, command: string, args: string[], env: NodeJS.ProcessEnv, log: string): Started {
  const out = fs.openSync(log, "a");
  // Its own process group: teardown stops it with everything it started.
  // Through a watcher that ends it if this run dies without its teardown.
  const child = spawn(process.execPath, ["e2e/support/lane-process.mjs", String(process.pid), command, ...args], { env, stdio: ["ignore", out, out], detached: true });
  fs.closeSync(out);
  return { name, child, log };
}

async function waitUntilUp(started: Started, url: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (started.child.exitCode !== null) throw new Error(`${started.name} exited (${started.child.exitCode}); see ${started.log}:\n${fs.readFileSync(started.log, "utf8").slice(-2000)}`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${started.name} did not answer ${url} within ${START_TIMEOUT_MS / 1000} s; see ${started.log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function stopAll(all: Started[]): Promise<void> {
  return Promise.all(
    all.map(
      ({ child }) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const timer = setTimeout(() => {
            try {
              process.kill(-child.pid!, "SIGKILL");
            } catch {
              // gone
            }
          }, 5_000);
          child.once("exit", () => {
            clearTimeout(timer);
            resolve();
          });
          try {
            process.kill(-child.pid!, "SIGTERM");
          } catch {
            clearTimeout(timer);
            resolve();
          }
        }),
    ),
  ).then(() => undefined);
}

function laneProcesses(l: Lane): Array<{ name: string; command: string; args: string[]; env: NodeJS.ProcessEnv; health: string }> {
  return [
    {
      // The local Akismet-compatible server, reached through the real client.
      name: `lane ${l.index} Akismet`,
      command: process.execPath,
      args: [...TSX_NODE_ARGS, "scripts/akismet-local.ts"],
      env: { ...process.env, AKISMET_LOCAL_PORT: String(l.akismetPort), AKISMET_LOCAL_KEYS: "e2etestkey" },
      health: `${l.akismetURL}/health`,
    },
    {
      // The local SMTP server: the site's mail (reply notifications, digests, data links) lands here.
      name: `lane ${l.index} SMTP`,
      command: process.execPath,
      args: [...TSX_NODE_ARGS, "scripts/smtp-local.ts"],
      env: { ...process.env, SMTP_LOCAL_PORT: String(l.smtpPort), SMTP_LOCAL_HTTP_PORT: new URL(l.smtpHttpURL).port, SMTP_LOCAL_LOG: "0" },
      health: `${l.smtpHttpURL}/health`,
    },
    {
      name: `lane ${l.index} app`,
      command: process.execPath,
      args: ["--max-old-space-size=256", "scripts/server.mjs"],
      env: {
        ...process.env,
        NODE_ENV: "production",
        PORT: String(l.port),
        HOSTNAME: "127.0.0.1",
        SITE_URL: l.baseURL,
        DATABASE_PATH: l.databasePath,
        NEXTAUTH_SECRET: E2E_NEXTAUTH_SECRET,
        AKISMET_URL: l.akismetURL,
        AKISMET_KEY: "e2etestkey",
        SMTP_URL: `smtp://127.0.0.1:${l.smtpPort}`,
      },
      health: `${l.baseURL}/`,
    },
  ];
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  if (!fs.existsSync(".next/BUILD_ID")) throw new Error("No production build: run 'npm run build' first.");
  stopLeftovers();
  fs.rmSync(E2E_DIR, { recursive: true, force: true });
  const template = path.join(E2E_DIR, "template");
  fs.mkdirSync(template, { recursive: true });
  const templateDb = path.join(template, "app.db");
  const env = { ...process.env, DATABASE_PATH: templateDb };
  run(["scripts/db-seed.ts"], env);
  run(["scripts/db-seed.ts", "e2e/fixtures/articles"], env);
  // Sign-in limit (per account from one address) lowered so the rate-limit test needs few attempts.
  run(["scripts/settings.ts", "set", "minSubmitSeconds=0", "floodSeconds=0", "signInMaxPerAccountAndIp=3", "signInMaxPerIp=100"], env);

  const lanes = Array.from({ length: laneCount() }, (_, i) => lane(i));
  for (const l of lanes) {
    for (const port of [l.port, l.akismetPort, l.smtpPort, Number(new URL(l.smtpHttpURL).port)]) {
      if (!(await portFree(port))) throw new Error(`port ${port} (lane ${l.index}) is already in use: stop what listens there, or set E2E_PORT_BASE`);
    }
    fs.cpSync(template, l.dir, { recursive: true });
  }

  const started: Started[] = [];
  const teardown = async () => {
    await stopAll(started);
    fs.rmSync(PIDS_FILE, { force: true });
  };
  try {
    const waits: Promise<void>[] = [];
    for (const l of lanes) {
      for (const p of laneProcesses(l)) {
        const s = start(p.name, p.command, p.args, p.env, path.join(l.dir, `${p.name.split(" ").at(-1)!.toLowerCase()}.log`));
        started.push(s);
        waits.push(waitUntilUp(s, p.health));
      }
    }
    fs.writeFileSync(PIDS_FILE, JSON.stringify(started.map((s) => s.child.pid)));
    await Promise.all(waits);
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}
