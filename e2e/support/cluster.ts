/**
 * Several app instances on one PostgreSQL database behind nginx (Debian's
 * package, round-robin), with a local Akismet server of their own whose
 * requests the test counts. Used by e2e/scale.spec.ts; needs the production
 * build and a PostgreSQL server (`TEST_DATABASE_URL`, set by the test
 * command).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { E2E_NEXTAUTH_SECRET } from "./lanes";
import { TSX_NODE_ARGS } from "../../scripts/lib/tsx-node-args";

export type Instance = { name: string; url: string; process: ChildProcess; output: () => string };
export type Cluster = {
  url: string;
  databaseUrl: string;
  akismetUrl: string;
  instances: Instance[];
  query: <T extends pg.QueryResultRow>(text: string, values?: unknown[]) => Promise<T[]>;
  stop: () => Promise<void>;
};

export function pgServerUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error("TEST_DATABASE_URL is not set: run the tests with `npm run test:all`, which starts PostgreSQL");
  return url;
}

function withDatabase(server: string, database: string): string {
  const url = new URL(server);
  url.pathname = `/${database}`;
  if (!url.username) url.username = process.env.PGUSER || os.userInfo().username;
  return url.toString();
}

async function waitFor(url: string, child: ChildProcess, output: () => string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${url}: exited (${child.exitCode}): ${output()}`);
    try {
      const res = await fetch(url);
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer: ${output()}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** In a process group of its own, so stopping it stops what it started too (npx → tsx → node). */
function start(command: string, args: string[], env: NodeJS.ProcessEnv): { process: ChildProcess; output: () => string } {
  const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  return { process: child, output: () => output };
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // already gone
  }
}

function stopProcess(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      signalGroup(child, "SIGKILL"); // anything it left behind
      return resolve();
    }
    child.once("exit", () => {
      signalGroup(child, "SIGKILL");
      resolve();
    });
    signalGroup(child, "SIGTERM");
    setTimeout(() => signalGroup(child, "SIGKILL"), 5_000).unref();
  });
}

/** Refuses to start on a port something else already listens on (a server left over from an interrupted run would answer instead). */
async function assertFree(port: number): Promise<void> {
  const inUse = await fetch(`http://127.0.0.1:${port}/`).then(
    () => true,
    () => false,
  );
  if (inUse) throw new Error(`port ${port} is already in use (a server left over from an interrupted run?)`);
}

function tsx(args: string[], env: NodeJS.ProcessEnv): void {
  const r = spawnSync(process.execPath, [...TSX_NODE_ARGS, ...args], { env, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${args.join(" ")} failed: ${r.stderr}${r.stdout}`);
}

/**
 * A fresh database (seeded with e2e/fixtures/articles), one Akismet server,
 * `count` app instances and nginx in front of them. Ports: base (nginx),
 * base+1… (instances), base+9 (Akismet).
 */
/**
 * `generatedSecret`: start the instances without NEXTAUTH_SECRET, so the first
 * one generates the signing secret into the database and the others use it.
 */
export async function startCluster({
  base,
  count = 2,
  settings = [],
  generatedSecret = false,
}: {
  base: number;
  count?: number;
  settings?: string[];
  generatedSecret?: boolean;
}): Promise<Cluster> {
  const server = pgServerUrl();
  const database = `newsroom_e2e_${base}_${crypto.randomBytes(3).toString("hex")}`;
  const admin = new pg.Client({ connectionString: withDatabase(server, "postgres") });
  await admin.connect();
  await admin.query(`create database "${database}"`);
  await admin.end();
  const databaseUrl = withDatabase(server, database);
  const dir = path.join(".tmp", `cluster-${base}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });

  const baseEnv = { ...process.env, DATABASE_URL: databaseUrl, DATABASE_PATH: path.join(dir, "unused.db") };
  tsx(["scripts/db-seed.ts", "e2e/fixtures/articles"], baseEnv);
  tsx(["scripts/settings.ts", "set", "minSubmitSeconds=0", "floodSeconds=0", ...settings], baseEnv);

  const children: ChildProcess[] = [];
  const dropDatabase = async () => {
    const cleanup = new pg.Client({ connectionString: withDatabase(server, "postgres") });
    await cleanup.connect();
    await cleanup.query(`drop database if exists "${database}" with (force)`);
    await cleanup.end();
  };
  try {
    for (let port = base; port <= base + 9; port++) await assertFree(port);
    const akismetPort = base + 9;
    const akismetUrl = `http://127.0.0.1:${akismetPort}`;
    const akismet = start(process.execPath, [...TSX_NODE_ARGS, "scripts/akismet-local.ts"], {
      ...process.env,
      AKISMET_LOCAL_PORT: String(akismetPort),
      AKISMET_LOCAL_KEYS: "e2etestkey",
    });
    children.push(akismet.process);
    await waitFor(`${akismetUrl}/health`, akismet.process, akismet.output);

    const url = `http://127.0.0.1:${base}`;
    const instances: Instance[] = [];
    for (let i = 1; i <= count; i++) {
      const port = base + i;
      const app = start("node", ["--max-old-space-size=256", "scripts/server.mjs"], {
        ...process.env,
        NODE_ENV: "production",
        PORT: String(port),
        HOSTNAME: "127.0.0.1",
        SITE_URL: url,
        DATABASE_URL: databaseUrl,
        DATABASE_POOL_SIZE: "5",
        NEXTAUTH_SECRET: generatedSecret ? "" : E2E_NEXTAUTH_SECRET,
        // Each instance its own data folder, as on separate machines (no shared secret file).
        DATABASE_PATH: path.join(dir, `instance-${i}`, "unused.db"),
        AKISMET_URL: akismetUrl,
        AKISMET_KEY: "e2etestkey",
        TRUSTED_PROXIES: "127.0.0.1",
      });
      children.push(app.process);
      instances.push({ name: `instance ${i}`, url: `http://127.0.0.1:${port}`, ...app });
    }
    await Promise.all(instances.map((instance) => waitFor(`${instance.url}/healthz/live`, instance.process, instance.output)));

    const conf = fs
      .readFileSync("e2e/support/nginx-cluster.conf", "utf8")
      .replaceAll("@PREFIX@", path.resolve(dir))
      .replaceAll("@LISTEN@", `127.0.0.1:${base}`)
      .replaceAll("@UPSTREAMS@", instances.map((i) => `        server ${new URL(i.url).host};`).join("\n"));
    fs.writeFileSync(path.join(dir, "nginx.conf"), conf);
    const nginx = start("nginx", ["-c", path.resolve(dir, "nginx.conf"), "-p", path.resolve(dir)], process.env);
    children.push(nginx.process);
    await waitFor(`${url}/healthz/live`, nginx.process, nginx.output);

    const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
    // `pool.end()` resolves once it has asked its idle connections to close, not once
    // they have: the DROP DATABASE … WITH (FORCE) that follows can terminate one first,
    // and an idle connection's error is emitted on the pool (an uncaught exception in
    // the test worker, reported against the spec's last test). Errors on idle
    // connections are the cluster's own ending, or the restart a test makes on purpose.
    let stopping = false;
    pool.on("error", (error) => {
      if (!stopping) console.warn(`[cluster] an idle connection of the test's pool ended: ${error.message}`);
    });
    return {
      url,
      databaseUrl,
      akismetUrl,
      instances,
      query: async (text, values) => (await pool.query(text, values)).rows,
      async stop() {
        stopping = true;
        await Promise.all(children.reverse().map(stopProcess));
        await pool.end();
        await dropDatabase();
      },
    };
  } catch (error) {
    // Nothing left running or behind when start-up fails half way.
    await Promise.all(children.reverse().map(stopProcess));
    await dropDatabase().catch(() => {});
    throw error;
  }
}
