/**
 * A production server of the tests' own, beside the shared one: its own port
 * and database, started and killed by the test (fault tests kill it with
 * SIGKILL). Needs `npm run build` first, as all end-to-end tests do.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { E2E_NEXTAUTH_SECRET, currentLane } from "./lanes";
import { TSX_NODE_ARGS } from "../../scripts/lib/tsx-node-args";

export type OwnServer = { url: string; databasePath: string; process: ChildProcess; output: () => string };

export function ownServerEnv(port: number, databasePath: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: "production",
    PORT: String(port),
    HOSTNAME: "127.0.0.1",
    SITE_URL: `http://127.0.0.1:${port}`,
    DATABASE_PATH: databasePath,
    NEXTAUTH_SECRET: E2E_NEXTAUTH_SECRET,
    AKISMET_URL: currentLane().akismetURL,
    AKISMET_KEY: "e2etestkey",
    ...extra,
  };
}

/** A fresh database folder with the sample article and the given settings (`key=value`). */
export function prepareDatabase(name: string, settings: string[]): string {
  const dir = path.join(".tmp", name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const databasePath = path.join(dir, "app.db");
  const env = { ...process.env, DATABASE_PATH: databasePath };
  for (const args of [["scripts/db-seed.ts"], ["scripts/settings.ts", "set", ...settings]]) {
    const r = spawnSync(process.execPath, [...TSX_NODE_ARGS, ...args], { env, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`${args.join(" ")} failed: ${r.stderr}`);
  }
  return databasePath;
}

/** Starts `node scripts/server.mjs` and waits until it answers. */
export async function startOwnServer(port: number, databasePath: string, extra: Record<string, string> = {}): Promise<OwnServer> {
  const child = spawn("node", ["--max-old-space-size=256", "scripts/server.mjs"], { env: ownServerEnv(port, databasePath, extra), stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}): ${output}`);
    try {
      const res = await fetch(`${url}/`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`server did not start: ${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, databasePath, process: child, output: () => output };
}

export function killHard(server: OwnServer): Promise<void> {
  return new Promise((resolve) => {
    if (server.process.exitCode !== null || server.process.signalCode !== null) return resolve();
    server.process.once("exit", () => resolve());
    server.process.kill("SIGKILL");
  });
}

/** Tells the lane's local Akismet server how to misbehave (null: back to normal). */
export async function akismetBehaviour(behaviour: Record<string, unknown> | null): Promise<void> {
  await fetch(`${currentLane().akismetURL}/__behaviour`, behaviour ? { method: "POST", body: JSON.stringify(behaviour) } : { method: "DELETE" });
}

/** Comment calls the lane's Akismet server has received and not answered yet. */
/** Comment calls in flight that were given the behaviour set last (not ones still finishing under an earlier one). */
export async function akismetInFlightUnderBehaviour(): Promise<number> {
  return ((await (await fetch(`${currentLane().akismetURL}/__in-flight`)).json()) as { underBehaviour: number }).underBehaviour;
}
