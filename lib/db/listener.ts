import "server-only";
import pg from "pg";
import type { Db } from "./index";
import { instanceName, pgConnectionString } from "./postgres";

/**
 * PostgreSQL's LISTEN/NOTIFY for caches kept in each instance's memory: a
 * trigger announces a change (`pg_notify`), and every instance listening on
 * one dedicated connection hears it. A cache is trusted only while the
 * connection is up and nothing was announced since it was filled: `version`
 * counts announcements, and also moves whenever the connection is lost or
 * comes back (announcements may have been missed in between).
 */
export type Listener = {
  /** Changes each time the channel announces something or the connection drops or returns. */
  version(): number;
  /** Whether the connection is up: a cache may be reused only then. */
  connected(): boolean;
  /** Called on each announcement (and with null after a reconnection). */
  onChange(handler: (payload: string | null) => void): () => void;
  close(): Promise<void>;
};

/** Process-wide (one connection per channel, whichever bundled copy of this module asks). */
const listenerHolder = globalThis as typeof globalThis & { [key: symbol]: Map<string, Listener> | undefined };
const listeners = (listenerHolder[Symbol.for("newsroom.db-listeners")] ??= new Map<string, Listener>());

/** The `application_name` prefix of listening connections: one per instance for as long as it runs. */
export const LISTENER_ROLE = "newsroom-listener";

function connectionString(db: Db): string {
  const pool = (db as unknown as { $client: pg.Pool & { options: { connectionString: string } } }).$client;
  return pool.options.connectionString;
}

/** The process's listener on `channel` of the database `db` connects to (one connection per channel). */
export function listenerFor(db: Db, channel: string): Listener {
  if (!/^[a-z_]+$/.test(channel)) throw new Error(`bad channel ${channel}`);
  const url = connectionString(db);
  const key = `${url}#${channel}`;
  let listener = listeners.get(key);
  if (!listener) {
    listener = startListener(url, channel);
    listeners.set(key, listener);
  }
  return listener;
}

function startListener(url: string, channel: string): Listener {
  let version = 0;
  let client: pg.Client | null = null;
  let up = false;
  let closed = false;
  let retryMs = 250;
  const handlers = new Set<(payload: string | null) => void>();

  const changed = (payload: string | null) => {
    version += 1;
    for (const handler of handlers) handler(payload);
  };

  const connect = async () => {
    if (closed) return;
    const next = new pg.Client({ connectionString: pgConnectionString(url), application_name: instanceName(LISTENER_ROLE) });
    const lost = () => {
      if (client !== next) return;
      client = null;
      if (up) changed(null);
      up = false;
      next.removeAllListeners();
      next.on("error", () => {}); // ending a broken connection may report its error once more
      next.end().catch(() => {});
      if (!closed) setTimeout(() => void connect(), retryMs).unref();
      retryMs = Math.min(retryMs * 2, 5_000);
    };
    client = next;
    next.on("error", lost);
    next.on("end", lost);
    next.on("notification", (message) => {
      if (message.channel === channel) changed(message.payload ?? "");
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${channel}`);
      up = true;
      retryMs = 250;
      changed(null); // anything may have changed while no one listened
    } catch {
      lost();
    }
  };
  void connect();

  return {
    version: () => version,
    connected: () => up,
    onChange(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    async close() {
      closed = true;
      up = false;
      const current = client;
      client = null;
      if (current) {
        current.removeAllListeners();
        current.on("error", () => {});
        await current.end().catch(() => {});
      }
    },
  };
}

/** Closes every listener of the process (tests, scripts). */
export async function closeListeners(): Promise<void> {
  const all = [...listeners.values()];
  listeners.clear();
  await Promise.all(all.map((l) => l.close()));
}
