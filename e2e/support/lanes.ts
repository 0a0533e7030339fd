/**
 * Lanes: the end-to-end tests run in parallel workers, and each worker has a
 * lane of its own: a production server on its own port and SQLite database,
 * with its own local Akismet server and local SMTP server (a test that tells
 * Akismet to misbehave, or reads the inbox, sees only its own lane). The
 * global set-up (e2e/support/global-setup.ts) starts every lane once per run;
 * a worker finds its lane by Playwright's TEST_PARALLEL_INDEX, which stays
 * the same when a worker is replaced after a failure.
 *
 * Files in one spec run in order in one worker (fullyParallel is off), so a
 * spec sees one database from its first test to its last, as before.
 */
import path from "node:path";

/** Known to the tests so they can mint sessions (e2e/support/accounts.ts); never used outside them. */
export const E2E_NEXTAUTH_SECRET = "e2e-only-secret-0123456789abcdefghijklmnopqrstuvwxyz";

/** How many lanes (and so Playwright workers) a run has. */
export function laneCount(): number {
  const n = Number(process.env.E2E_WORKERS ?? 3);
  return Number.isInteger(n) && n >= 1 && n <= 8 ? n : 3;
}

const PORT_BASE = Number(process.env.E2E_PORT_BASE ?? 3200);

export type Lane = {
  index: number;
  /** The app (`node scripts/server.mjs` on the production build). */
  port: number;
  baseURL: string;
  akismetPort: number;
  akismetURL: string;
  smtpPort: number;
  smtpHttpURL: string;
  dir: string;
  databasePath: string;
};

export function lane(index: number): Lane {
  const port = PORT_BASE + index;
  const akismetPort = PORT_BASE + 20 + index;
  const smtpPort = PORT_BASE + 40 + index;
  const smtpHttpPort = PORT_BASE + 60 + index;
  const dir = path.join(process.cwd(), ".tmp", "e2e", `lane-${index}`);
  return {
    index,
    port,
    baseURL: `http://127.0.0.1:${port}`,
    akismetPort,
    akismetURL: `http://127.0.0.1:${akismetPort}`,
    smtpPort,
    smtpHttpURL: `http://127.0.0.1:${smtpHttpPort}`,
    dir,
    databasePath: path.join(dir, "app.db"),
  };
}

/** The lane of the worker this code runs in. */
export function currentLane(): Lane {
  return lane(Number(process.env.TEST_PARALLEL_INDEX ?? 0));
}
