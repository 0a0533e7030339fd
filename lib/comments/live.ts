import "server-only";
import { onPagesExpired } from "@/lib/cache/invalidation";
import { countApprovedComments, getPublishedArticle, publishedArticleId } from "@/lib/articles/queries";
import { getDb, row, rows, sql, type Db } from "@/lib/db";
import { inIds } from "@/lib/db/dialect";
import { addressLimitKey } from "@/lib/http/address-key";
import { getSettings } from "@/lib/settings";
import { CAN_REPLY, EDITED, FEATURED, STAFF, type CompactComment } from "./compact";
import { commentsAreOpen } from "./defences";
import { compactComment } from "./thread-view";

/**
 * Live threads (issue 20, docs/decisions/023): open article pages follow
 * their thread over Server-Sent Events. Each instance keeps, for every
 * article someone has open on it, the set of comments a reader sees (approved,
 * under approved parents) and the count, and is told of changes by the page
 * cache's expiries (lib/cache/invalidation.ts), which every instance reads
 * from the shared change log: a comment approved on one instance reaches
 * readers connected to another within the poller's quarter second. On a
 * change it reads the article's visible comments again (one indexed
 * statement), and sends what was added (as the page's compact rows, built
 * once for every reader) and what was taken down.
 */

export type LiveRow = { parentId: number | null; comment: CompactComment };
export type LiveSnapshot = { ids: number[]; count: number };
export type LiveChange = { added: LiveRow[]; removed: number[]; count: number };

/**
 * Refused beyond this many open streams on one instance: each holds a socket and
 * about 80 KiB (bench:live), and the server runs with a 256 MB heap.
 */
export const MAX_STREAMS = 2_500;
/** A stream is ended after this long; the browser opens a new one at once and catches up from its snapshot. */
export const MAX_STREAM_MS = 30 * 60 * 1000;
/** At most this many comments' rows in one event (a re-published article's thread); the rest come by `?rows=`. */
export const MAX_ROWS_PER_EVENT = 200;
/** A comment line every so often keeps proxies and browsers from closing an idle stream. */
export const HEARTBEAT_MS = 25_000;

/** Given each event's bytes, encoded once for every reader. */
type Subscriber = (chunk: Uint8Array) => void;
type Feed = {
  articleId: number;
  slug: string;
  subscribers: Set<Subscriber>;
  /** Visible comment id → depth (1: top level). */
  visible: Map<number, number>;
  count: number;
  /** A refresh under way, and whether another was asked for meanwhile. */
  refreshing: Promise<void> | null;
  again: boolean;
  /** The first read of the thread: readers who arrive meanwhile wait for it. */
  ready: Promise<void>;
};
type State = {
  feeds: Map<number, Feed>;
  streams: number;
  byAddress: Map<string, number>;
  stopListening: (() => void) | null;
  heartbeat: NodeJS.Timeout | null;
  closers: Set<() => void>;
};

const STATE_KEY = Symbol.for("newsroom.live-threads");
function state(): State {
  const holder = globalThis as Record<symbol, State | undefined>;
  return (holder[STATE_KEY] ??= { feeds: new Map(), streams: 0, byAddress: new Map(), stopListening: null, heartbeat: null, closers: new Set() });
}

const encoder = new TextEncoder();

/** One server-sent event (JSON data: no raw line breaks can end it early). */
export function sseEvent(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

const KEEP_ALIVE = encoder.encode(": keep-alive\n\n");

/** The comments a reader of the article sees, with their depths: approved, under approved parents. */
async function visibleComments(db: Db, articleId: number): Promise<Map<number, number>> {
  const found = await rows<{ id: number; depth: number }>(
    db,
    sql`with recursive v(id, depth) as (
          select id, 1 from comments where article_id = ${articleId} and status = 'approved' and parent_id is null
          union all
          select c.id, v.depth + 1 from comments c join v on c.parent_id = v.id where c.status = 'approved' and v.depth < 100
        )
        select id, depth from v`,
  );
  return new Map(found.map((r) => [Number(r.id), Number(r.depth)]));
}

/** The rows of these comments as the page shows them (reply links where the thread allows one). */
async function liveRows(db: Db, ids: readonly number[], depths: ReadonlyMap<number, number>, { maxDepth }: { maxDepth: number }): Promise<LiveRow[]> {
  if (ids.length === 0) return [];
  const found = await rows<{
    id: number;
    parentId: number | null;
    authorName: string;
    authorUrl: string;
    authorEmail: string;
    content: string;
    createdAt: number | string;
    editedAt: number | string | null;
    respectCount: number;
    featured: number | boolean;
    staff: number | boolean;
  }>(
    db,
    sql`select c.id, c.parent_id as "parentId", c.author_name as "authorName", c.author_url as "authorUrl", c.author_email as "authorEmail",
          c.content, c.created_at as "createdAt", c.edited_at as "editedAt", c.respect_count as "respectCount",
          case when c.featured_at is null then 0 else 1 end as featured,
          case when u.role in ('editor', 'moderator', 'admin') then 1 else 0 end as staff
        from comments c left join users u on u.id = c.user_id
        where ${inIds(db, sql`c.id`, ids)} and c.status = 'approved'
        order by c.created_at, c.id`,
  );
  return found.map((c) => {
    const depth = depths.get(Number(c.id)) ?? 1;
    const comment = compactComment({
      ...c,
      id: Number(c.id),
      depth,
      createdAt: new Date(Number(c.createdAt)),
      flags:
        (depth < maxDepth ? CAN_REPLY : 0) | (c.editedAt === null ? 0 : EDITED) | (Number(c.featured) === 1 ? FEATURED : 0) | (Number(c.staff) === 1 ? STAFF : 0),
      respectCount: Number(c.respectCount),
    });
    return { parentId: c.parentId === null ? null : Number(c.parentId), comment };
  });
}

/** Which of these comments take a reply link now (approved, visible, not at the thread's depth, comments open). */
export async function replyableAmong(db: Db, article: { id: number; slug: string }, ids: readonly number[]): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const maxDepth = await replyDepth(article.slug);
  if (maxDepth === 0) return new Set();
  const depths = await visibleComments(db, article.id);
  return new Set(ids.filter((id) => (depths.get(id) ?? maxDepth) < maxDepth));
}

/** How deep replies may go on the article now (0: comments closed, no reply links). */
async function replyDepth(slug: string): Promise<number> {
  const [article, settings] = await Promise.all([getPublishedArticle(slug), getSettings()]);
  if (!article) return 0;
  return commentsAreOpen(article, new Date(), settings.commentsAutoCloseDays) ? settings.threadDepth : 0;
}

function listen(s: State): void {
  if (s.stopListening) return;
  s.stopListening = onPagesExpired((tags) => {
    const everything = tags.includes("site");
    for (const feed of s.feeds.values()) {
      if (everything || tags.includes(`article:${feed.articleId}`) || tags.includes(`slug:${feed.slug}`)) refresh(feed);
    }
  });
  s.heartbeat = setInterval(() => {
    for (const feed of s.feeds.values()) for (const send of feed.subscribers) send(KEEP_ALIVE);
  }, HEARTBEAT_MS);
  s.heartbeat.unref();
}

/** Reads the article's thread again and tells its readers what changed; one refresh at a time per article. */
function refresh(feed: Feed): void {
  if (feed.refreshing) {
    feed.again = true;
    return;
  }
  feed.refreshing = (async () => {
    do {
      feed.again = false;
      try {
        await refreshOnce(feed);
      } catch (error) {
        console.error(`[live] reading article ${feed.articleId}'s thread failed:`, error instanceof Error ? error.message : error);
      }
    } while (feed.again);
  })().finally(() => {
    feed.refreshing = null;
  });
}

async function refreshOnce(feed: Feed, db: Db = getDb()): Promise<void> {
  await feed.ready;
  const published = (await row<{ id: number }>(db, sql`select id from articles where id = ${feed.articleId} and status = 'published'`)) !== undefined;
  const visible = published ? await visibleComments(db, feed.articleId) : new Map<number, number>();
  const count = published ? await countApprovedComments(feed.articleId) : 0;
  // A comment whose depth changed was moved (a reply moved up when its parent was deleted):
  // it leaves with its old place and arrives at its new one.
  const moved = [...visible].filter(([id, depth]) => feed.visible.has(id) && feed.visible.get(id) !== depth).map(([id]) => id);
  const added = [...[...visible.keys()].filter((id) => !feed.visible.has(id)), ...moved];
  const removed = [...[...feed.visible.keys()].filter((id) => !visible.has(id)), ...moved];
  if (added.length === 0 && removed.length === 0 && count === feed.count) return;
  // The newest first when there are too many (a re-published thread): pages lacking the rest fetch them by `?rows=`.
  const sent = added.sort((a, b) => b - a).slice(0, MAX_ROWS_PER_EVENT);
  const rowsAdded = sent.length > 0 ? await liveRows(db, sent, visible, { maxDepth: await replyDepth(feed.slug) }) : [];
  feed.visible = visible;
  feed.count = count;
  const chunk = encoder.encode(sseEvent("change", { added: rowsAdded, removed, count } satisfies LiveChange));
  for (const send of feed.subscribers) send(chunk);
}

export type LiveSubscription = { snapshot: LiveSnapshot; unsubscribe: () => void };

/**
 * Follows an article's thread for one open page: `send` gets each change as a
 * server-sent event. Null when the instance already has MAX_STREAMS open.
 */
export async function subscribeToArticle(
  article: { id: number; slug: string },
  send: Subscriber,
  { close = () => {}, address = "" }: { close?: () => void; address?: string } = {},
): Promise<LiveSubscription | null> {
  const s = state();
  const perAddress = (await getSettings()).liveStreamsPerAddress;
  const key = address ? addressLimitKey(address) : "";
  if (s.streams >= MAX_STREAMS || (perAddress > 0 && (s.byAddress.get(key) ?? 0) >= perAddress)) return null;
  // Counted before the first read, so streams opened at once cannot all pass the limits.
  s.streams += 1;
  s.byAddress.set(key, (s.byAddress.get(key) ?? 0) + 1);
  const release = () => {
    s.streams -= 1;
    const left = (s.byAddress.get(key) ?? 1) - 1;
    if (left > 0) s.byAddress.set(key, left);
    else s.byAddress.delete(key);
  };
  listen(s);
  let feed = s.feeds.get(article.id);
  if (!feed) {
    const created: Feed = { articleId: article.id, slug: article.slug, subscribers: new Set(), visible: new Map(), count: 0, refreshing: null, again: false, ready: Promise.resolve() };
    created.ready = (async () => {
      created.visible = await visibleComments(getDb(), article.id);
      created.count = await countApprovedComments(article.id);
    })();
    s.feeds.set(article.id, created);
    feed = created;
  }
  const current = feed;
  try {
    await current.ready;
  } catch (error) {
    release();
    if (s.feeds.get(current.articleId) === current && current.subscribers.size === 0) s.feeds.delete(current.articleId);
    throw error;
  }
  current.subscribers.add(send);
  s.closers.add(close);
  let subscribed = true;
  return {
    snapshot: { ids: [...current.visible.keys()], count: current.count },
    unsubscribe: () => {
      if (!subscribed) return;
      subscribed = false;
      release();
      s.closers.delete(close);
      current.subscribers.delete(send);
      if (current.subscribers.size === 0 && s.feeds.get(current.articleId) === current) s.feeds.delete(current.articleId);
    },
  };
}

/** The published article a live stream follows, by its slug (id and slug only). */
export async function liveArticle(slug: string): Promise<{ id: number; slug: string } | null> {
  const id = await publishedArticleId(slug);
  return id === null ? null : { id, slug };
}

/** Rows of visible comments by id (a page that reconnects asks for those it lacks). */
export async function liveRowsFor(article: { id: number; slug: string }, ids: readonly number[]): Promise<LiveRow[]> {
  const wanted = ids.filter((id) => Number.isSafeInteger(id) && id > 0).slice(0, 200);
  if (wanted.length === 0) return [];
  const db = getDb();
  // An article open on this instance: the visible set is known, no need to read the thread again.
  const feed = state().feeds.get(article.id);
  const visible = feed && feed.subscribers.size > 0 ? feed.visible : await visibleComments(db, article.id);
  return liveRows(
    db,
    wanted.filter((id) => visible.has(id)),
    visible,
    { maxDepth: await replyDepth(article.slug) },
  );
}

/**
 * Ends every open stream (the server is shutting down: scripts/server.mjs calls
 * it through the global below, so the connections go idle and close; the
 * browsers reconnect to another instance).
 */
export function closeAllStreams(): void {
  for (const close of [...state().closers]) close();
}
(globalThis as Record<symbol, unknown>)[Symbol.for("newsroom.live-close-all")] = closeAllStreams;

/** How many streams are open on this instance, over how many articles (health, the benchmark). */
export function liveStats(): { streams: number; articles: number; addresses: number } {
  const s = state();
  return { streams: s.streams, articles: s.feeds.size, addresses: s.byAddress.size };
}
