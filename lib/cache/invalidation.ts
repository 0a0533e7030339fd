import "server-only";
import { revalidateTag } from "next/cache";
import { sign, verifySignature } from "@/lib/auth/secret";
import { getDb, statement, type Db } from "@/lib/db";

/**
 * Page cache invalidation: the one place that turns changes into expired
 * cache tags (docs/decisions/013).
 *
 * Triggers write every change that alters a page into `page_changes`
 * (migration 0011), whatever made it: a moderator's click, a comment approved
 * on arrival, a background job, a command-line script. This process expires
 * the tags it has not yet seen in Next's cache:
 * - right away, inside the request that made the change (server actions and
 *   route handlers call `expirePageChanges()`), so the next request sees it;
 * - within POLL_MS otherwise: a poller notices new rows and asks this server,
 *   over loopback, to run `expirePageChanges()` inside a request (Next's
 *   `revalidateTag` works only there).
 * Each tag is expired a second time SECOND_EXPIRY_MS later, so a page that was
 * being rendered from the old data while the change committed is not kept.
 * Several instances each read the log and expire their own cache; a shared
 * cache handler would take the place of `revalidateTag` here.
 */

/** How often the change log is read when nothing asked for it. */
export const POLL_MS = 250;
/** The second expiry, after a render that started before the change has finished. */
export const SECOND_EXPIRY_MS = 1_000;
/** How long change rows are kept (every instance has read them long before). */
export const CHANGE_LOG_RETENTION_MS = 10 * 60 * 1000;

const STATE_KEY = Symbol.for("newsroom.page-cache-invalidation");
type State = {
  /** The last change row this process expired. */
  cursor: number;
  /** Tags to expire once more, with when. */
  secondExpiries: Map<string, number>;
  poller?: NodeJS.Timeout;
  lastPruneAt: number;
  poking: boolean;
};

function state(): State {
  const holder = globalThis as Record<symbol, State | undefined>;
  return (holder[STATE_KEY] ??= { cursor: 0, secondExpiries: new Map(), lastPruneAt: 0, poking: false });
}

function latestChangeId(db: Db): number {
  return (statement(db, "SELECT coalesce(max(id), 0) AS id FROM page_changes").get() as { id: number }).id;
}

/** Tags changed after `afterId` (distinct), and the last row read. */
export function changesSince(db: Db, afterId: number): { tags: string[]; lastId: number } {
  const rows = statement(db, "SELECT id, tag FROM page_changes WHERE id > ? ORDER BY id LIMIT 10000").all(afterId) as {
    id: number;
    tag: string;
  }[];
  return { tags: [...new Set(rows.map((r) => r.tag))], lastId: rows.at(-1)?.id ?? afterId };
}

function expire(tags: Iterable<string>): void {
  // `expire: 0`: the next request renders the page afresh, not a stale copy.
  for (const tag of tags) revalidateTag(tag, { expire: 0 });
}

/**
 * Expires, in Next's cache, the pages changed since this process last
 * looked, and the second expiries that are due. Call it inside a request
 * (a server action or route handler) after changing data.
 */
export function expirePageChanges(db: Db = getDb(), now = Date.now()): string[] {
  const s = state();
  const { tags, lastId } = changesSince(db, s.cursor);
  s.cursor = lastId;
  const due = [...s.secondExpiries].filter(([, at]) => at <= now).map(([tag]) => tag);
  for (const tag of due) s.secondExpiries.delete(tag);
  for (const tag of tags) s.secondExpiries.set(tag, now + SECOND_EXPIRY_MS);
  const all = [...new Set([...tags, ...due])];
  expire(all);
  return all;
}

/** Whether there is anything for `expirePageChanges` to do. */
export function pageChangesPending(db: Db = getDb(), now = Date.now()): boolean {
  const s = state();
  if (latestChangeId(db) > s.cursor) return true;
  for (const at of s.secondExpiries.values()) if (at <= now) return true;
  return false;
}

export function pruneChangeLog(db: Db = getDb(), now = Date.now()): number {
  return statement(db, "DELETE FROM page_changes WHERE created_at < ?").run(now - CHANGE_LOG_RETENTION_MS).changes;
}

const POKE_PURPOSE = "page-cache-poke";
const POKE_MAX_AGE_MS = 60_000;

/** The header a poke carries: a timestamp signed with the server secret. */
export function pokeToken(now = Date.now()): string {
  return `${now}.${sign(POKE_PURPOSE, String(now))}`;
}

export function validPokeToken(token: string | null, now = Date.now()): boolean {
  const match = token ? /^(\d{10,16})\.([A-Za-z0-9_-]{43})$/.exec(token) : null;
  if (!match) return false;
  const at = Number(match[1]);
  return Math.abs(now - at) <= POKE_MAX_AGE_MS && verifySignature(POKE_PURPOSE, match[1]!, match[2]!);
}

export const POKE_PATH = "/api/internal/page-cache";
export const POKE_HEADER = "x-newsroom-page-cache";

/** This server's own address, for the poller (scripts/server.mjs sets it). */
function ownOrigin(): string {
  return process.env.NEWSROOM_INTERNAL_URL ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`;
}

async function poke(): Promise<void> {
  const response = await fetch(new URL(POKE_PATH, ownOrigin()), {
    method: "POST",
    headers: { [POKE_HEADER]: pokeToken() },
    signal: AbortSignal.timeout(5_000),
  });
  if (!response.ok) throw new Error(`${POKE_PATH} answered ${response.status}`);
}

/**
 * Starts the poller (production server only: `next dev` caches no pages).
 * The cache is empty when the process starts, so older changes are skipped.
 */
export function startPageCacheInvalidation(db: Db = getDb()): void {
  const s = state();
  if (s.poller || process.env.NODE_ENV !== "production") return;
  s.cursor = latestChangeId(db);
  s.poller = setInterval(() => {
    if (s.poking) return;
    const now = Date.now();
    try {
      if (now - s.lastPruneAt > 60_000) {
        s.lastPruneAt = now;
        pruneChangeLog(db, now);
      }
      if (!pageChangesPending(db, now)) return;
    } catch (error) {
      console.error("[page-cache] reading the change log failed:", error);
      return;
    }
    s.poking = true;
    poke()
      // Not up yet, or busy: the rows stay, and the next tick tries again.
      .catch((error) => console.error("[page-cache] expiring changed pages failed:", error instanceof Error ? error.message : error))
      .finally(() => {
        s.poking = false;
      });
  }, POLL_MS);
  s.poller.unref();
}
