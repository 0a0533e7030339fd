/**
 * Respect: once per reader and comment, withdrawn by pressing again; counts
 * exact under presses at once (on PostgreSQL, 50 at once on the pool); the
 * "Most respected" order; cached pages expired lazily, never on every press.
 */
import { beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("next/headers", () => import("../support/next-request"));
vi.mock("@/lib/auth/session", async () => (await import("../support/next-request")).sessionModule);
const expired: string[] = [];
vi.mock("next/cache", () => ({
  unstable_cache: <T,>(fn: () => Promise<T>) => fn,
  revalidateTag: (tag: string) => void expired.push(tag),
}));

const { request, resetRequest } = await import("../support/next-request");
const { setRespect, respectedAmong, respectedInArticle } = await import("@/lib/comments/respect");
const { respectFromRequest, RESPECT_LIMIT } = await import("@/lib/comments/respect-request");
const { getThreadPage } = await import("@/lib/comments/thread");
const { commentsJsonForApi } = await import("@/lib/comments/api");
const { expirePageChanges, RESPECT_EXPIRY_MS } = await import("@/lib/cache/invalidation");
const { execute, getDb, rows, sql } = await import("@/lib/db");
const { users } = await import("@/db/schema");
const { eq } = await import("drizzle-orm");
const { createArticle, createComment, createUser } = await import("../support/factories");

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 12, minute));

async function respectCount(commentId: number): Promise<number> {
  const [found] = await rows<{ n: number }>(getDb(), sql`select respect_count as n from comments where id = ${commentId}`);
  return Number(found?.n);
}

beforeEach(() => {
  resetRequest();
  expired.length = 0;
});

describe("respecting a comment", () => {
  it("counts once per reader, withdraws on the second press, and says so twice without counting twice", async () => {
    const article = await createArticle();
    const comment = await createComment(article.id);
    const [ada, bo] = [await createUser(), await createUser()];
    expect(await setRespect({ commentId: comment.id, userId: ada.id, intent: "respect" })).toMatchObject({ ok: true, respected: true, count: 1 });
    // The same again (a double click, a retried form): still one.
    expect(await setRespect({ commentId: comment.id, userId: ada.id, intent: "respect" })).toMatchObject({ ok: true, respected: true, count: 1 });
    expect(await setRespect({ commentId: comment.id, userId: bo.id, intent: "respect" })).toMatchObject({ ok: true, respected: true, count: 2 });
    expect(await setRespect({ commentId: comment.id, userId: ada.id, intent: "withdraw" })).toMatchObject({ ok: true, respected: false, count: 1 });
    expect(await setRespect({ commentId: comment.id, userId: ada.id, intent: "withdraw" })).toMatchObject({ ok: true, respected: false, count: 1 });
    expect(await respectCount(comment.id)).toBe(1);
    expect([...(await respectedAmong(bo.id, [comment.id, comment.id + 1000]))]).toEqual([comment.id]);
    expect(await respectedInArticle(ada.id, article.id)).toEqual([]);
  });

  it("is refused on held, spam and trashed comments, on unpublished articles and on the reader's own comment", async () => {
    const article = await createArticle();
    const draft = await createArticle({ status: "draft", publishedAt: null });
    const reader = await createUser();
    for (const status of ["pending", "spam", "trash"] as const) {
      const held = await createComment(article.id, { status });
      expect(await setRespect({ commentId: held.id, userId: reader.id, intent: "respect" })).toMatchObject({ ok: false, code: "not_found" });
    }
    const onDraft = await createComment(draft.id);
    expect(await setRespect({ commentId: onDraft.id, userId: reader.id, intent: "respect" })).toMatchObject({ ok: false, code: "not_found" });
    const own = await createComment(article.id, { userId: reader.id });
    expect(await setRespect({ commentId: own.id, userId: reader.id, intent: "respect" })).toMatchObject({ ok: false, code: "own" });
    expect(await setRespect({ commentId: 999_999, userId: reader.id, intent: "respect" })).toMatchObject({ ok: false, code: "not_found" });
    // Posted as a guest from this browser, before signing in: still their own.
    const asGuest = await createComment(article.id);
    expect(await setRespect({ commentId: asGuest.id, userId: reader.id, intent: "respect", ownIds: [asGuest.id] })).toMatchObject({ ok: false, code: "own" });
    expect(await respectCount(own.id)).toBe(0);
  });

  it("a respect given before a comment was taken down can still be withdrawn, and comes back with it", async () => {
    const article = await createArticle();
    const comment = await createComment(article.id);
    const reader = await createUser();
    await setRespect({ commentId: comment.id, userId: reader.id, intent: "respect" });
    await execute(getDb(), sql`update comments set status = 'pending' where id = ${comment.id}`);
    expect(await respectCount(comment.id)).toBe(1);
    expect(await setRespect({ commentId: comment.id, userId: reader.id, intent: "withdraw" })).toMatchObject({ ok: true, respected: false, count: 0 });
  });

  it("keeps the count exact with 50 readers pressing at once, then 25 withdrawing at once", async () => {
    const article = await createArticle();
    const comment = await createComment(article.id);
    const readers = await Promise.all(Array.from({ length: 50 }, () => createUser()));
    const pressed = await Promise.all(readers.map((r) => setRespect({ commentId: comment.id, userId: r.id, intent: "respect" })));
    expect(pressed.every((p) => p.ok)).toBe(true);
    expect(await respectCount(comment.id)).toBe(50);
    // Everyone presses again at once (a double click each): nothing more is counted.
    await Promise.all(readers.map((r) => setRespect({ commentId: comment.id, userId: r.id, intent: "respect" })));
    expect(await respectCount(comment.id)).toBe(50);
    await Promise.all(readers.slice(0, 25).map((r) => setRespect({ commentId: comment.id, userId: r.id, intent: "withdraw" })));
    expect(await respectCount(comment.id)).toBe(25);
    const [rowsCount] = await rows<{ n: number }>(getDb(), sql`select count(*) as n from comment_respects where comment_id = ${comment.id}`);
    expect(Number(rowsCount!.n)).toBe(25);
  });

  it("a deleted account's respects leave the counts", async () => {
    const article = await createArticle();
    const comment = await createComment(article.id);
    const [ada, bo] = [await createUser(), await createUser()];
    await setRespect({ commentId: comment.id, userId: ada.id, intent: "respect" });
    await setRespect({ commentId: comment.id, userId: bo.id, intent: "respect" });
    await getDb().delete(users).where(eq(users.id, ada.id));
    expect(await respectCount(comment.id)).toBe(1);
  });
});

describe("the request: who may respect", () => {
  it("sends a guest to sign in and back to the comment, on this site only", async () => {
    const article = await createArticle();
    const comment = await createComment(article.id);
    const result = await respectFromRequest({ commentId: String(comment.id), intent: "respect", returnTo: `/articles/${article.slug}?cpage=2` });
    expect(result).toEqual({ kind: "sign_in", location: `/login?callbackUrl=${encodeURIComponent(`/articles/${article.slug}?cpage=2#comment-${comment.id}`)}` });
    const elsewhere = await respectFromRequest({ commentId: String(comment.id), intent: "respect", returnTo: "https://evil.example/articles/x" });
    expect(elsewhere).toEqual({ kind: "sign_in", location: `/login?callbackUrl=${encodeURIComponent(`/#comment-${comment.id}`)}` });
    expect(await respectCount(comment.id)).toBe(0);
  });

  it("refuses a banned account and bad input, and counts a reader's press", async () => {
    const article = await createArticle();
    const comment = await createComment(article.id);
    const banned = await createUser({ banned: true });
    request.user = banned;
    expect(await respectFromRequest({ commentId: String(comment.id), intent: "respect", returnTo: "/" })).toMatchObject({ kind: "refused", message: expect.stringMatching(/suspended/) });
    const reader = await createUser();
    request.user = reader;
    for (const bad of ["0", "-3", "abc", "1e400", "", null]) {
      expect(await respectFromRequest({ commentId: bad, intent: "respect", returnTo: "/" })).toMatchObject({ kind: "refused" });
    }
    expect(await respectFromRequest({ commentId: String(comment.id), intent: "sideways", returnTo: "/" })).toMatchObject({ kind: "refused" });
    expect(await respectCount(comment.id)).toBe(0);
    expect(await respectFromRequest({ commentId: String(comment.id), intent: "respect", returnTo: `/articles/${article.slug}` })).toEqual({
      kind: "done",
      commentId: comment.id,
      respected: true,
      count: 1,
      location: `/articles/${article.slug}#comment-${comment.id}`,
    });
  });

  it(`limits one account to ${RESPECT_LIMIT.points} presses a minute, however many arrive at once`, async () => {
    const article = await createArticle();
    const comments = await Promise.all(Array.from({ length: 100 }, () => createComment(article.id)));
    request.user = await createUser();
    const results = await Promise.all(comments.map((c) => respectFromRequest({ commentId: String(c.id), intent: "respect", returnTo: "/" })));
    expect(results.filter((r) => r.kind === "done")).toHaveLength(RESPECT_LIMIT.points);
    expect(results.filter((r) => r.kind === "refused" && /too often/.test(r.message))).toHaveLength(100 - RESPECT_LIMIT.points);
  });
});

describe("Most respected", () => {
  it("sorts top-level comments by respect, ties oldest first, replies oldest first under their parents, in the page and the JSON API", async () => {
    const article = await createArticle();
    const c = [];
    for (let i = 0; i < 4; i += 1) c.push(await createComment(article.id, { createdAt: at(i) }));
    const late = await createComment(article.id, { parentId: c[1]!.id, createdAt: at(30) });
    const early = await createComment(article.id, { parentId: c[1]!.id, createdAt: at(20) });
    const readers = await Promise.all([1, 2, 3].map(() => createUser()));
    // c[2]: 3 respects, c[1]: 1, c[3]: 1 (newer than c[1]), c[0]: none; the late reply: 2 (replies keep their order).
    for (const r of readers) await setRespect({ commentId: c[2]!.id, userId: r.id, intent: "respect" });
    await setRespect({ commentId: c[1]!.id, userId: readers[0]!.id, intent: "respect" });
    await setRespect({ commentId: c[3]!.id, userId: readers[0]!.id, intent: "respect" });
    for (const r of readers.slice(0, 2)) await setRespect({ commentId: late.id, userId: r.id, intent: "respect" });

    const page = await getThreadPage(getDb(), article.id, { perPage: 50, order: "respected" });
    expect(page.roots.map((r) => r.id)).toEqual([c[2]!.id, c[1]!.id, c[3]!.id, c[0]!.id]);
    expect(page.roots.map((r) => r.respectCount)).toEqual([3, 1, 1, 0]);
    expect(page.roots[1]!.children.map((r) => r.id)).toEqual([early.id, late.id]);
    const paged = await Promise.all([1, 2].map((n) => getThreadPage(getDb(), article.id, { page: n, perPage: 2, order: "respected" })));
    expect(paged.map((p) => p.roots.map((r) => r.id))).toEqual([[c[2]!.id, c[1]!.id], [c[3]!.id, c[0]!.id]]);

    const api = JSON.parse((await commentsJsonForApi(article.slug, 1, "respected"))!);
    expect(api.order).toBe("respected");
    expect(api.comments.map((x: { id: number; respects: number }) => [x.id, x.respects])).toEqual([
      [c[2]!.id, 3],
      [c[1]!.id, 1],
      [c[3]!.id, 1],
      [c[0]!.id, 0],
    ]);
    expect(api.comments[1].replies.map((x: { id: number; respects: number }) => [x.id, x.respects])).toEqual([
      [early.id, 0],
      [late.id, 2],
    ]);
  });
});

describe("cached pages and respect counts", () => {
  it("expire lazily: at most once per RESPECT_EXPIRY_MS per article, whatever the number of presses", async () => {
    const article = await createArticle();
    const comment = await createComment(article.id);
    const other = await createComment(article.id);
    const readers = await Promise.all(Array.from({ length: 5 }, () => createUser()));
    const tag = `article:${article.id}`;
    // Whatever earlier tests and the comments' creation left, expired and long past.
    await expirePageChanges(getDb(), Date.now() + 10 * RESPECT_EXPIRY_MS);
    await expirePageChanges(getDb(), Date.now() + 11 * RESPECT_EXPIRY_MS);
    const t0 = Date.now() + 13 * RESPECT_EXPIRY_MS;
    expired.length = 0;

    // No comment change is logged for the article: only its respects.
    await setRespect({ commentId: comment.id, userId: readers[0]!.id, intent: "respect" });
    const logged = await rows<{ tag: string }>(getDb(), sql`select tag from page_changes order by id desc limit 1`);
    expect(logged.map((r) => r.tag)).toEqual([`respects:${article.id}`]);

    // The first press in a while expires the page at once (and once more a second later,
    // as every change does, for a render that was under way).
    expect(await expirePageChanges(getDb(), t0 + 1_000)).toContain(tag);
    expect(await expirePageChanges(getDb(), t0 + 2_000)).toEqual([tag]);
    // Presses for the next RESPECT_EXPIRY_MS wait: one expiry for all four, once the time has come.
    for (const r of readers.slice(1)) await setRespect({ commentId: other.id, userId: r.id, intent: "respect" });
    expect(await expirePageChanges(getDb(), t0 + 3_000)).toEqual([]);
    expect(await expirePageChanges(getDb(), t0 + 2_000 + RESPECT_EXPIRY_MS - 1)).toEqual([]);
    expect(await expirePageChanges(getDb(), t0 + 2_000 + RESPECT_EXPIRY_MS)).toEqual([tag]);
    expect(expired.filter((t) => t === tag)).toHaveLength(3);
    // Another change to the article (a comment approved) expires it as any change does: here
    // half a second after that expiry, so once its second has passed (MIN_EXPIRY_INTERVAL_MS).
    await createComment(article.id);
    expect(await expirePageChanges(getDb(), t0 + 2_500 + RESPECT_EXPIRY_MS)).not.toContain(tag);
    expect(await expirePageChanges(getDb(), t0 + 3_000 + RESPECT_EXPIRY_MS)).toContain(tag);
    expect(expired.some((t) => t.startsWith("respects:"))).toBe(false);
  });
});
