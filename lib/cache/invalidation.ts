import "server-only";
import http from "node:http";
import { isDatabaseUnavailable } from "@/lib/db/errors";
import { revalidateTag } from "next/cache";
import { sign, verifySignature } from "@/lib/auth/secret";
import { execute, getDb, row, rows, sql, type Db } from "@/lib/db";
import { inIds } from "@/lib/db/dialect";

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
 * A tag is expired at most once per MIN_EXPIRY_INTERVAL_MS: a change that
 * comes sooner waits for that (already scheduled) second expiry, so a story
 * whose comments are approved many times a second is rendered again about
 * once a second, and every change is expired within about a second and a
 * poll (docs/decisions/013, "Viral writes").
 * Several instances each read the log and expire their own cache; a shared
 * cache handler would take the place of `revalidateTag` here.
 */

/** How often the change log is read when nothing asked for it. */
export const POLL_MS = 250;
/** The second expiry, after a render that started before the change has finished. */
export const SECOND_EXPIRY_MS = 1_000;
/**
 * A tag is expired at most once per this long. The first change after a quiet
 * while is expired at once; changes that follow within this time are expired
 * together when it has passed (the second expiry, which is due then anyway).
 */
export const MIN_EXPIRY_INTERVAL_MS = SECOND_EXPIRY_MS;
/**
 * Respect counts (`respects:<article>` rows) expire the article's pages at most
 * once per this long: a cached page's counts lag by at most this (plus a poll
 * and a render), and a stream of presses renders the page at most twice a
 * minute, never once per press.
 */
export const RESPECT_EXPIRY_MS = 30_000;
const RESPECTS_PREFIX = "respects:";
/** How long change rows are kept (every instance has read them long before). */
export const CHANGE_LOG_RETENTION_MS = 10 * 60 * 1000;
/**
 * On PostgreSQL, ids are handed out when a row is inserted, not when its
 * transaction commits: a change can become visible after one with a higher
 * id was read. Each id skipped over by a read (a gap) is therefore asked for
 * again by the next reads, for two minutes (far longer than a transaction
 * here lasts: statements time out after seconds, an idle transaction after a
 * minute); a gap left by a rolled-back transaction is then forgotten. On
 * SQLite (one writer, ids in commit order) there are no gaps to follow.
 */
export const LATE_COMMIT_WINDOW_MS = 2 * 60 * 1000;
/** At most this many gaps are followed (a jump larger than that is not a transaction in flight). */
const MAX_GAPS = 1_000;

const STATE_KEY = Symbol.for("newsroom.page-cache-invalidation");
type State = {
  /** The highest change row this process expired. */
  cursor: number;
  /** Ids below the cursor not seen yet (not committed when read past): id → when noticed. */
  gaps: Map<number, number>;
  /** Tags to expire once more, with when. */
  secondExpiries: Map<string, number>;
  /** Tags changed since their last expiry, waiting for their second expiry (MIN_EXPIRY_INTERVAL_MS). */
  waiting: Set<string>;
  /** Article tags whose respect counts changed, with when they are due (RESPECT_EXPIRY_MS). */
  countExpiries: Map<string, number>;
  /** When each article tag was last expired here (for the count expiries; entries older than RESPECT_EXPIRY_MS go). */
  lastExpired: Map<string, number>;
  /** When a change row of each tag was last read here (expireChangesOf; entries go with lastExpired's). */
  changeReadAt: Map<string, number>;
  poller?: NodeJS.Timeout;
  lastPruneAt: number;
  /** A tick (reading the log, poking the server) is under way. */
  poking: boolean;
};

function state(): State {
  const holder = globalThis as Record<symbol, State | undefined>;
  const s = (holder[STATE_KEY] ??= { cursor: 0, gaps: new Map(), secondExpiries: new Map(), waiting: new Set(), countExpiries: new Map(), lastExpired: new Map(), changeReadAt: new Map(), lastPruneAt: 0, poking: false });
  // A state made by an earlier version of this module (hot reload in development).
  s.countExpiries ??= new Map();
  s.lastExpired ??= new Map();
  s.waiting ??= new Set();
  s.changeReadAt ??= new Map();
  return s;
}

async function latestChangeId(db: Db): Promise<number> {
  return Number((await row<{ id: number }>(db, sql`SELECT coalesce(max(id), 0) AS id FROM page_changes`))?.id ?? 0);
}

type ChangeRow = { id: number; tag: string };

/** The change rows after `afterId`, and those of the gaps it skipped over. */
async function unreadChanges(db: Db, afterId: number, gaps: ReadonlyMap<number, number>): Promise<ChangeRow[]> {
  const lateIds = [...gaps.keys()];
  return rows<ChangeRow>(
    db,
    sql`SELECT id, tag FROM page_changes
        WHERE id > ${afterId}${lateIds.length > 0 ? sql` OR ${inIds(db, sql`id`, lateIds)}` : sql``}
        ORDER BY id LIMIT 10000`,
  );
}

/** Notes the ids a read skipped over (between the old cursor and the rows read), and forgets the old ones. */
function followGaps(s: State, read: readonly ChangeRow[], now: number): void {
  let previous = s.cursor;
  for (const r of read) {
    s.gaps.delete(r.id);
    if (r.id <= previous) continue;
    for (let id = Math.max(previous + 1, r.id - MAX_GAPS); id < r.id; id++) s.gaps.set(id, now);
    previous = r.id;
  }
  s.cursor = Math.max(s.cursor, previous);
  for (const [id, at] of s.gaps) if (at < now - LATE_COMMIT_WINDOW_MS) s.gaps.delete(id);
  if (s.gaps.size > MAX_GAPS) for (const id of [...s.gaps.keys()].sort((x, y) => x - y).slice(0, s.gaps.size - MAX_GAPS)) s.gaps.delete(id);
}

/** Tags changed after `afterId` (distinct), and the last row read. */
export async function changesSince(db: Db, afterId: number): Promise<{ tags: string[]; lastId: number }> {
  const changes = await unreadChanges(db, afterId, new Map());
  return { tags: [...new Set(changes.map((r) => r.tag))], lastId: changes.at(-1)?.id ?? afterId };
}

function expire(tags: readonly string[]): void {
  // `expire: 0`: the next request renders the page afresh, not a stale copy.
  for (const tag of tags) revalidateTag(tag, { expire: 0 });
  if (tags.length > 0) for (const listener of expiryListeners()) notify(listener, tags);
}

/** Told the tags of every expiry, in this process (lib/comments/live.ts: open pages follow the changes). */
export type ExpiryListener = (tags: readonly string[]) => void;

const LISTENERS_KEY = Symbol.for("newsroom.page-expiry-listeners");
function expiryListeners(): Set<ExpiryListener> {
  const holder = globalThis as Record<symbol, Set<ExpiryListener> | undefined>;
  return (holder[LISTENERS_KEY] ??= new Set());
}

/** Calls `listener` with the tags each expiry here expires (after they are expired); returns how to stop. */
export function onPagesExpired(listener: ExpiryListener): () => void {
  expiryListeners().add(listener);
  return () => expiryListeners().delete(listener);
}

function notify(listener: ExpiryListener, tags: readonly string[]): void {
  try {
    listener(tags);
  } catch (error) {
    console.error("[page-cache] a listener of expired pages failed:", error);
  }
}

/**
 * Expires, in Next's cache, the pages changed since this process last
 * looked, and the second expiries that are due. Call it inside a request
 * (a server action or route handler) after changing data.
 */
export async function expirePageChanges(db: Db = getDb(), now = Date.now()): Promise<string[]> {
  const s = state();
  // Two calls may overlap (a request's and the poller's): rows the other one took while this one
  // read are left to it, and the cursor only moves forward.
  const changes = (await unreadChanges(db, s.cursor, s.gaps)).filter((r) => r.id > s.cursor || s.gaps.has(r.id));
  const read = [...new Set(changes.map((r) => r.tag))];
  followGaps(s, changes, now);
  scheduleCountExpiries(s, read, now);
  // Tags whose pages show data newer than their last expiry: expired now, and once more a second later.
  const fresh = new Set<string>();
  for (const tag of read) {
    if (tag.startsWith(RESPECTS_PREFIX)) continue;
    s.changeReadAt.set(tag, now);
    const last = s.lastExpired.get(tag);
    if (last !== undefined && now - last < MIN_EXPIRY_INTERVAL_MS) {
      // Expired moments ago: this change waits for the second expiry, due when the interval has passed.
      s.waiting.add(tag);
      s.secondExpiries.set(tag, Math.min(s.secondExpiries.get(tag) ?? Infinity, last + MIN_EXPIRY_INTERVAL_MS));
    } else fresh.add(tag);
  }
  const due = [...s.secondExpiries].filter(([, at]) => at <= now).map(([tag]) => tag);
  for (const tag of due) {
    s.secondExpiries.delete(tag);
    if (s.waiting.delete(tag)) fresh.add(tag);
  }
  for (const [tag, at] of s.countExpiries) if (at <= now) fresh.add(tag);
  const all = [...new Set([...fresh, ...due])];
  for (const tag of fresh) {
    s.secondExpiries.set(tag, now + SECOND_EXPIRY_MS);
    s.waiting.delete(tag);
  }
  for (const tag of all) {
    // Expired for any reason, the page is rendered again with the counts as they are now.
    s.countExpiries.delete(tag);
    s.lastExpired.set(tag, now);
  }
  for (const [tag, at] of s.lastExpired) if (at < now - RESPECT_EXPIRY_MS && !s.secondExpiries.has(tag)) s.lastExpired.delete(tag);
  for (const [tag, at] of s.changeReadAt) if (at < now - RESPECT_EXPIRY_MS) s.changeReadAt.delete(tag);
  expire(all);
  return all;
}

/**
 * For the request of the person who made a change (a reader's own comment,
 * edit or deletion): expires it like expirePageChanges, and when the article's
 * pages were expired less than MIN_EXPIRY_INTERVAL_MS ago, so the change waits
 * for that second, waits for it too (at most that long) and expires it then.
 * Their next page shows what they did, and a stream of posts still renders the
 * page at most once a second: every post in that second waits for the same
 * expiry. (Another instance reads the change from the log on its own clock;
 * the personal view carries the reader's own recent comments meanwhile.)
 */
export async function expireChangesOf(tags: readonly string[], db: Db = getDb()): Promise<void> {
  const started = Date.now();
  const done = new Set(await expirePageChanges(db));
  const s = state();
  const due = Math.max(0, ...tags.filter((tag) => s.waiting.has(tag)).map((tag) => s.secondExpiries.get(tag) ?? 0));
  const wait = Math.min(MIN_EXPIRY_INTERVAL_MS, due - Date.now());
  if (wait > 0) {
    await new Promise((resolve) => setTimeout(resolve, wait));
    for (const tag of await expirePageChanges(db)) done.add(tag);
  }
  // The poller may have read the change first and expired it while a render that began before
  // the change was still under way: that render would be kept until the second expiry, a second
  // later, and the author sent to it. So a tag changed just now (the change log says so) and not
  // expired here is expired here once more, once per change read (not again until the log shows
  // another). A change the log does not hold (an edit of a held comment, which no shared page
  // shows) expires nothing.
  const left = tags.filter((tag) => {
    const readAt = s.changeReadAt.get(tag) ?? -Infinity;
    return !done.has(tag) && readAt >= started - MIN_EXPIRY_INTERVAL_MS && readAt >= (s.lastExpired.get(tag) ?? -Infinity);
  });
  for (const tag of left) s.lastExpired.set(tag, Date.now());
  expire(left);
}

/** `respects:<id>` rows: the article's pages expire once the last expiry here is RESPECT_EXPIRY_MS old (at once if it is). */
function scheduleCountExpiries(s: State, read: readonly string[], now: number): void {
  for (const tag of read) {
    if (!tag.startsWith(RESPECTS_PREFIX)) continue;
    const page = `article:${tag.slice(RESPECTS_PREFIX.length)}`;
    if (!s.countExpiries.has(page)) s.countExpiries.set(page, Math.max(now, (s.lastExpired.get(page) ?? -Infinity) + RESPECT_EXPIRY_MS));
  }
}

/** Whether there is anything for `expirePageChanges` to do. */
export async function pageChangesPending(db: Db = getDb(), now = Date.now()): Promise<boolean> {
  const s = state();
  if ((await unreadChanges(db, s.cursor, s.gaps)).length > 0) return true;
  for (const at of s.secondExpiries.values()) if (at <= now) return true;
  for (const at of s.countExpiries.values()) if (at <= now) return true;
  return false;
}

export async function pruneChangeLog(db: Db = getDb(), now = Date.now()): Promise<number> {
  return execute(db, sql`DELETE FROM page_changes WHERE created_at < ${now - CHANGE_LOG_RETENTION_MS}`);
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

/**
 * Asks this server to expire the changed pages, over loopback. node:http, not
 * fetch: fetch refuses the ports on the Fetch standard's "bad ports" list
 * (3659, 6000, 6665-6669, …), and the site may listen on any port.
 */
function poke(): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      new URL(POKE_PATH, ownOrigin()),
      { method: "POST", headers: { [POKE_HEADER]: pokeToken(), "content-length": 0 }, timeout: 5_000 },
      (response) => {
        response.resume();
        if (response.statusCode === 200) resolve();
        else reject(new Error(`${POKE_PATH} answered ${response.statusCode}`));
      },
    );
    request.on("timeout", () => request.destroy(new Error("no answer within 5 s")));
    request.on("error", reject);
    request.end();
  });
}

/**
 * Starts the poller (production server only: `next dev` caches no pages).
 * The cache is empty when the process starts, so older changes are skipped:
 * the first tick reads where the log ends before it looks for changes.
 */
export function startPageCacheInvalidation(db: Db = getDb()): void {
  const s = state();
  if (s.poller || process.env.NODE_ENV !== "production") return;
  let started = false;
  let failing = false;
  const tick = async () => {
    const now = Date.now();
    try {
      if (!started) {
        s.cursor = Math.max(s.cursor, await latestChangeId(db));
        started = true;
        return;
      }
      if (now - s.lastPruneAt > 60_000) {
        s.lastPruneAt = now;
        await pruneChangeLog(db, now);
      }
      if (!(await pageChangesPending(db, now))) return;
      if (failing) console.log("[page-cache] reading the change log again");
      failing = false;
    } catch (error) {
      // Once per outage (the database restarting), not four times a second.
      if (!failing) console.error("[page-cache] reading the change log failed (retrying every tick):", isDatabaseUnavailable(error) ? (error as Error).message : error);
      failing = true;
      return;
    }
    // Not up yet, or busy: the rows stay, and the next tick tries again.
    await poke().catch((error) =>
      console.error(`[page-cache] expiring changed pages failed (${ownOrigin()}): ${error instanceof Error ? error.message : String(error)}`),
    );
  };
  const run = () => {
    // One tick at a time: a slow read or poke makes the next ticks wait.
    if (s.poking) return;
    s.poking = true;
    void tick().finally(() => {
      s.poking = false;
    });
  };
  s.poller = setInterval(run, POLL_MS);
  s.poller.unref();
  run(); // the first: where the log ends now
}
