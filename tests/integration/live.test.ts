/**
 * Live threads (docs/decisions/023): what an open page is told, that a change
 * written by another connection (another instance, a script) reaches it
 * through the change log, and the stream's limits: per address, HEAD, a
 * client gone before its stream started.
 */
import { beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("next/cache", () => ({ unstable_cache: <T,>(fn: () => Promise<T>) => fn, revalidateTag: () => undefined }));

const { subscribeToArticle, liveStats, liveRowsFor } = await import("@/lib/comments/live");
const { expirePageChanges, MIN_EXPIRY_INTERVAL_MS } = await import("@/lib/cache/invalidation");
const route = await import("@/app/api/articles/[slug]/live/route");
const { updateSettings } = await import("@/lib/settings");
const { execute, getDb, sql } = await import("@/lib/db");
const { createArticle, createComment } = await import("../support/factories");
const { deleteCommentsKeepingReplies } = await import("@/lib/comments/removal");

const decoder = new TextDecoder();
type Event = { event: string; data: { added?: { parentId: number | null; comment: unknown[] }[]; removed?: number[]; count?: number } };
function collector() {
  const events: Event[] = [];
  const send = (chunk: Uint8Array) => {
    const text = decoder.decode(chunk);
    const event = /^event: (.*)$/m.exec(text)?.[1];
    const data = /^data: (.*)$/m.exec(text)?.[1];
    if (event && data) events.push({ event, data: JSON.parse(data) });
  };
  return { events, send };
}

/** Another connection to the same database: another instance, or a script. */
async function elsewhere(statement: ReturnType<typeof sql>): Promise<void> {
  await execute(getDb(), statement);
}

beforeEach(async () => {
  await updateSettings({ liveStreamsPerAddress: 100 });
  await expirePageChanges(); // read past whatever earlier tests logged
});

describe("an open page's live thread", () => {
  it("starts from the comments a reader sees, then hears what another instance approves and takes down", async () => {
    const article = await createArticle();
    const top = await createComment(article.id);
    const reply = await createComment(article.id, { parentId: top.id });
    const held = await createComment(article.id, { status: "pending" });
    const underHeld = await createComment(article.id, { parentId: held.id }); // approved, under a held parent: not seen
    const page = collector();
    const subscription = (await subscribeToArticle(article, page.send, { address: "203.0.113.9" }))!;
    expect(subscription.snapshot.ids.sort()).toEqual([top.id, reply.id].sort());
    expect(subscription.snapshot.count).toBe(3);

    // Approved by another instance: its trigger logs the change; this instance's poller reads it.
    await elsewhere(sql`update comments set status = 'approved' where id = ${held.id}`);
    await expirePageChanges();
    await vi.waitFor(() => expect(page.events.filter((e) => e.event === "change")).toHaveLength(1));
    const added = page.events[0]!.data.added!;
    expect(added.map((r) => [r.comment[0], r.parentId]).sort()).toEqual([
      [held.id, null],
      [underHeld.id, held.id],
    ]);
    expect(page.events[0]!.data.count).toBe(4);

    // Within a second of the last expiry, a change waits for the second to pass (viral writes).
    await elsewhere(sql`update comments set status = 'spam' where id = ${top.id}`);
    await expirePageChanges();
    expect(page.events.filter((e) => e.event === "change")).toHaveLength(1);
    await expirePageChanges(getDb(), Date.now() + MIN_EXPIRY_INTERVAL_MS);
    await vi.waitFor(() => expect(page.events.filter((e) => e.event === "change")).toHaveLength(2));
    expect(page.events[1]!.data.removed!.sort()).toEqual([top.id, reply.id].sort());
    expect(page.events[1]!.data.added).toEqual([]);

    // Rows on demand: only comments a reader sees.
    expect((await liveRowsFor(article, [held.id, top.id, 999_999])).map((r) => r.comment[0])).toEqual([held.id]);
    subscription.unsubscribe();
  });

  it("tells a page that a reply moved up (its parent deleted for good) left its old place and arrived at its new one", async () => {
    const article = await createArticle();
    const top = await createComment(article.id);
    const reply = await createComment(article.id, { parentId: top.id });
    const answer = await createComment(article.id, { parentId: reply.id });
    const page = collector();
    const subscription = (await subscribeToArticle(article, page.send, { address: "203.0.113.11" }))!;
    await deleteCommentsKeepingReplies(getDb(), [top.id], { actor: null, how: "deleted by a test" });
    await expirePageChanges(getDb(), Date.now() + 5_000);
    await vi.waitFor(() => expect(page.events.filter((e) => e.event === "change")).toHaveLength(1));
    const change = page.events.find((e) => e.event === "change")!.data;
    expect(change.removed!.sort()).toEqual([top.id, reply.id, answer.id].sort());
    // Arrived again, oldest first (the page finds each parent), one level up.
    expect(change.added!.map((r) => [r.comment[0], r.parentId, r.comment[1]])).toEqual([
      [reply.id, null, 1],
      [answer.id, reply.id, 2],
    ]);
    subscription.unsubscribe();
  });

  it("tells every page of an article the same change, once", async () => {
    const article = await createArticle();
    const pages = [collector(), collector(), collector()];
    const subscriptions = await Promise.all(pages.map((p) => subscribeToArticle(article, p.send, { address: "203.0.113.10" })));
    const comment = await createComment(article.id);
    await expirePageChanges();
    await expirePageChanges(getDb(), Date.now() + 1_500); // the second expiry changes nothing more
    for (const p of pages) await vi.waitFor(() => expect(p.events.map((e) => e.data.added?.map((r) => r.comment[0]))).toEqual([[comment.id]]));
    for (const s of subscriptions) s!.unsubscribe();
  });
});

describe("the stream's limits", () => {
  it("refuses more streams from one address than the setting allows, and counts them back", async () => {
    await updateSettings({ liveStreamsPerAddress: 2 });
    const article = await createArticle();
    const before = liveStats().streams;
    const opened = await Promise.all([1, 2, 3, 4].map(() => subscribeToArticle(article, () => undefined, { address: "198.51.100.20" })));
    expect(opened.filter(Boolean)).toHaveLength(2);
    // Another address (not the same IPv6 /64) is not refused.
    expect(await subscribeToArticle(article, () => undefined, { address: "2001:db8:1::1" })).not.toBeNull();
    expect(await subscribeToArticle(article, () => undefined, { address: "2001:db8:1::2" })).not.toBeNull();
    expect(await subscribeToArticle(article, () => undefined, { address: "2001:db8:1::3" })).toBeNull();
    opened.find(Boolean)!.unsubscribe();
    expect(await subscribeToArticle(article, () => undefined, { address: "198.51.100.20" })).not.toBeNull();
    expect(liveStats().streams).toBe(before + 4);
  });

  it("answers HEAD without following, and lets go of a client gone before its stream started", async () => {
    const article = await createArticle();
    const before = liveStats().streams;
    const head = await route.GET(new Request(`http://localhost:3000/api/articles/${article.slug}/live`, { method: "HEAD" }), {
      params: Promise.resolve({ slug: article.slug }),
    });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(liveStats().streams).toBe(before);

    const gone = new AbortController();
    gone.abort();
    const response = await route.GET(new Request(`http://localhost:3000/api/articles/${article.slug}/live`, { signal: gone.signal }), {
      params: Promise.resolve({ slug: article.slug }),
    });
    const reader = response.body!.getReader();
    while (!(await reader.read()).done) {
      // drain: the stream ends at once
    }
    expect(liveStats().streams).toBe(before);

    // A real one: the snapshot first, and the stream is counted until the client goes.
    const client = new AbortController();
    const open = await route.GET(new Request(`http://localhost:3000/api/articles/${article.slug}/live`, { signal: client.signal }), {
      params: Promise.resolve({ slug: article.slug }),
    });
    expect(open.headers.get("cache-control")).toBe("no-cache, no-transform");
    const body = open.body!.getReader();
    let text = "";
    while (!text.includes("event: snapshot")) text += decoder.decode((await body.read()).value);
    expect(liveStats().streams).toBe(before + 1);
    client.abort();
    await vi.waitFor(() => expect(liveStats().streams).toBe(before));
  });

  it("answers 404 for an article that is not published, and 400 for rows that are not ids", async () => {
    const draft = await createArticle({ status: "draft", publishedAt: null });
    const missing = await route.GET(new Request(`http://localhost:3000/api/articles/${draft.slug}/live`), { params: Promise.resolve({ slug: draft.slug }) });
    expect(missing.status).toBe(404);
    const article = await createArticle();
    const bad = await route.GET(new Request(`http://localhost:3000/api/articles/${article.slug}/live?rows=1,x`), { params: Promise.resolve({ slug: article.slug }) });
    expect(bad.status).toBe(400);
  });
});
