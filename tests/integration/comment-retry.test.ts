/**
 * Posting is idempotent. When the connection drops during COMMIT, the
 * comment may be stored although the author was told nothing was saved;
 * posting again with the same form (token and text) answers with the comment
 * stored the first time and its status, through the pipeline, the form's
 * action and the JSON API, on either store, and stores nothing twice. Anyone
 * else sending the same text, or the same visitor with another form, is
 * answered as before.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { eq } from "drizzle-orm";
import { comments } from "@/db/schema";
import type { Db } from "@/lib/db";

const fault = vi.hoisted(() => ({
  /** The next pipeline transaction commits, then its caller gets a dropped connection. */
  loseNextCommit: false,
}));

vi.mock("next/headers", () => import("../support/next-request"));
vi.mock("@/lib/auth/session", async () => (await import("../support/next-request")).sessionModule);
vi.mock("@/lib/cache/invalidation", () => ({ expirePageChanges: async () => undefined }));
vi.mock("@/lib/db", async (importOriginal) => {
  const actual = await importOriginal<typeof import("@/lib/db")>();
  return {
    ...actual,
    transaction: async <T>(db: Db, work: (tx: Db) => Promise<T>, options?: Parameters<typeof actual.transaction>[2]): Promise<T> => {
      const result = await actual.transaction(db, work, options);
      // The pipeline's insert (lib/comments/submit.ts) has committed: its answer is lost on the way back.
      if (fault.loseNextCommit && result && typeof result === "object" && "commentId" in result && "localHolds" in result) {
        fault.loseNextCommit = false;
        throw new Error("Connection terminated unexpectedly");
      }
      return result;
    },
  };
});

const route = await import("@/app/api/articles/[slug]/comments/route");
const { postComment: postCommentAction } = await import("@/app/_article/actions");
const { INITIAL_COMMENT_FORM_STATE } = await import("@/lib/comments/form-state");
const { UNEXPECTED_FAILURE_MESSAGE } = await import("@/lib/comments/form-recovery");
const { issueFormToken } = await import("@/lib/comments/form-token");
const { OWN_COMMENTS_COOKIE, readOwnCommentIds } = await import("@/lib/comments/ownership");
const { submitComment } = await import("@/lib/comments/submit");
const { getDb, storeOf } = await import("@/lib/db");
const { updateSettings } = await import("@/lib/settings");
const { updateAkismetStatus } = await import("@/lib/spam/status");
const { useLocalAkismet } = await import("../support/akismet");
const { request, resetRequest } = await import("../support/next-request");
const { countComments, getComment } = await import("../support/comments");
const { createArticle, createUser } = await import("../support/factories");

const akismet = useLocalAkismet();

beforeEach(async () => {
  resetRequest();
  fault.loseNextCommit = false;
  await updateSettings({ akismetTimeoutMs: 2_000, floodSeconds: 0, minSubmitSeconds: 5, holdWords: [], blockWords: [] });
  await updateAkismetStatus({ pausedUntil: null });
});

const guest = { name: "Gita Guest", email: "gita@example.com", url: "" };
const ctxFor = (ip = "198.51.100.7", user: { id: number; name: string; email: string; role: "reader" } | null = null) => ({
  ip,
  userAgent: "Mozilla/5.0 (test)",
  referrer: "",
  user,
});
const commentsOf = (articleId: number) => getDb().select().from(comments).where(eq(comments.articleId, articleId)).orderBy(comments.id);
const tokenFor = (articleId: number) => issueFormToken(articleId, Date.now() - 60_000);

describe(`posting again after a lost COMMIT (${process.env.DATABASE_URL ? "PostgreSQL" : "SQLite"})`, () => {
  it("answers with the comment stored the first time and its status, and stores nothing twice", async () => {
    expect(storeOf(getDb())).toBe(process.env.DATABASE_URL ? "postgres" : "sqlite");
    const article = await createArticle();
    const post = { ...guest, content: "The bridge reopens in May, not June.", formToken: tokenFor(article.id) };

    fault.loseNextCommit = true;
    await expect(submitComment(article.slug, post, ctxFor())).rejects.toThrow(/Connection terminated/);
    // It was committed: held, "not checked" (the check never ran), for the retry job.
    const before = await countComments();
    const [stored] = await commentsOf(article.id);
    expect(stored).toMatchObject({ content: post.content, status: "pending", spamCheckState: "not_checked" });

    const again = await submitComment(article.slug, post, ctxFor());
    expect(again).toEqual({ ok: true, commentId: stored!.id, status: "pending", articleId: article.id, articleSlug: article.slug });
    expect(await countComments()).toBe(before);
  });

  it("also within the flood window, and for a comment the first post stored and answered (approved or spam)", async () => {
    await updateSettings({ floodSeconds: 15 });
    const article = await createArticle();
    // Nobody else posted from this address or email within the window.
    const post = { ...guest, email: "flo@example.com", content: "Approved on arrival, then sent again.", formToken: tokenFor(article.id) };
    const first = await submitComment(article.slug, post, ctxFor("198.51.100.20"));
    expect(first).toMatchObject({ ok: true, status: "approved" });
    expect(await submitComment(article.slug, post, ctxFor("198.51.100.20"))).toEqual(first);
    // Another post from the same visitor within the window is still refused.
    expect(await submitComment(article.slug, { ...post, content: "Something else at once." }, ctxFor("198.51.100.20"))).toMatchObject({ ok: false, code: "flood" });

    await updateSettings({ floodSeconds: 0 });
    const spam = { ...guest, content: "Cheap casino bonus, sent twice.", formToken: tokenFor(article.id) };
    const spamFirst = await submitComment(article.slug, spam, ctxFor());
    expect(spamFirst).toMatchObject({ ok: true, status: "spam" });
    expect(await submitComment(article.slug, spam, ctxFor())).toEqual(spamFirst);
  });

  it("works for a signed-in reader, and for a reply (the same parent)", async () => {
    const article = await createArticle();
    const user = await createUser();
    const account = { id: user.id, name: user.name, email: user.email, role: "reader" as const };
    const parent = await submitComment(article.slug, { ...guest, content: "A comment to answer.", formToken: tokenFor(article.id) }, ctxFor("198.51.100.8"));
    if (!parent.ok) throw new Error(parent.message);
    const reply = { content: "An answer, posted signed in.", parentId: String(parent.commentId), formToken: tokenFor(article.id) };

    fault.loseNextCommit = true;
    await expect(submitComment(article.slug, reply, ctxFor("198.51.100.9", account))).rejects.toThrow();
    const count = await countComments();
    // From another address (a phone changing networks): the account is who it is.
    const again = await submitComment(article.slug, reply, ctxFor("203.0.113.50", account));
    expect(again).toMatchObject({ ok: true, status: "pending" });
    if (!again.ok) throw new Error("refused");
    expect(await getComment(again.commentId)).toMatchObject({ parentId: parent.commentId, userId: user.id, content: reply.content });
    expect(await countComments()).toBe(count);

    // The same text as a top-level comment is another post: the duplicate rule answers, as before.
    const topLevel = await submitComment(article.slug, { ...reply, parentId: "" }, ctxFor("198.51.100.9", account));
    expect(topLevel).toMatchObject({ ok: false, kind: "refused", code: "duplicate" });
  });

  it("answers anyone else, and the same visitor with another form, as before", async () => {
    const article = await createArticle();
    const token = tokenFor(article.id);
    const post = { ...guest, content: "Only the author may get this one back.", formToken: token };
    fault.loseNextCommit = true;
    await expect(submitComment(article.slug, post, ctxFor())).rejects.toThrow();
    const count = await countComments();

    // Same token (a cached page gives everyone the same), same text, same name and email, another address: a duplicate.
    expect(await submitComment(article.slug, post, ctxFor("203.0.113.99"))).toEqual({
      ok: false,
      kind: "refused",
      code: "duplicate",
      message: "You have already posted this comment here.",
    });
    // The same visitor with another form (another token): the duplicate rule, as today.
    expect(await submitComment(article.slug, { ...post, formToken: issueFormToken(article.id, Date.now() - 90_000) }, ctxFor())).toMatchObject({
      ok: false,
      code: "duplicate",
    });
    // Without a valid token nothing is the same post.
    expect(await submitComment(article.slug, { ...post, formToken: "" }, ctxFor())).toMatchObject({ ok: false, code: "duplicate" });
    expect(await countComments()).toBe(count);

    // Another guest (another email) and another account, same token and text: their own new comments, never the author's.
    const [stored] = await commentsOf(article.id);
    const other = await submitComment(article.slug, { ...post, name: "Olga Other", email: "olga@example.com" }, ctxFor());
    expect(other).toMatchObject({ ok: true });
    if (other.ok) expect(other.commentId).not.toBe(stored!.id);
    const user = await createUser();
    const mine = await submitComment(article.slug, post, ctxFor("198.51.100.7", { id: user.id, name: user.name, email: user.email, role: "reader" }));
    expect(mine).toMatchObject({ ok: true });
    if (mine.ok) expect(mine.commentId).not.toBe(stored!.id);
  });
});

const apiPost = (slug: string, body: unknown) =>
  route.POST(
    new Request(`http://localhost:3000/api/articles/${slug}/comments`, {
      method: "POST",
      headers: { origin: "http://localhost:3000", "content-type": "application/json" },
      body: JSON.stringify(body),
    }),
    { params: Promise.resolve({ slug }) },
  );

describe("through the JSON API and the form", () => {
  it("POST /api/articles/<slug>/comments answers 201 with the stored comment when sent again after a lost COMMIT", async () => {
    const article = await createArticle();
    const body = { content: "Posted through the API, answer lost.", name: guest.name, email: guest.email, formToken: tokenFor(article.id) };

    fault.loseNextCommit = true;
    const lost = await apiPost(article.slug, body);
    expect(lost.status).toBe(503);
    expect(await lost.json()).toMatchObject({ error: expect.stringContaining("Nothing was saved") });
    expect(request.cookies.has(OWN_COMMENTS_COOKIE)).toBe(false);
    const count = await countComments();

    const again = await apiPost(article.slug, body);
    expect(again.status).toBe(201);
    const answer = (await again.json()) as { id: number; status: string; message: string; location: string };
    const stored = await getComment(answer.id);
    expect(stored).toMatchObject({ articleId: article.id, content: body.content, status: "pending" });
    expect(answer).toEqual({
      id: stored.id,
      status: "pending",
      message: "Your comment is awaiting moderation.",
      location: `/articles/${article.slug}#comment-${stored.id}`,
    });
    expect(await countComments()).toBe(count);
    // The author's browser now knows it as theirs (they see it awaiting moderation).
    expect(readOwnCommentIds(request.cookies.get(OWN_COMMENTS_COOKIE))).toEqual([stored.id]);

    // Someone else (another address, no cookie) sending the very same body: refused as before, nothing given away.
    request.cookies.clear();
    request.ip = "203.0.113.200";
    const stranger = await apiPost(article.slug, body);
    expect(stranger.status).toBe(409);
    expect(await stranger.json()).toEqual({ error: "You have already posted this comment here." });
    expect(request.cookies.has(OWN_COMMENTS_COOKIE)).toBe(false);
  });

  it("the comment form's action redirects to the stored comment when sent again", async () => {
    const article = await createArticle();
    const form = new FormData();
    for (const [k, v] of Object.entries({ content: "Posted with the form, answer lost.", name: guest.name, email: guest.email, formToken: tokenFor(article.id), articleSlug: article.slug })) {
      form.set(k, v);
    }
    fault.loseNextCommit = true;
    expect(await postCommentAction(INITIAL_COMMENT_FORM_STATE, form)).toMatchObject({ message: UNEXPECTED_FAILURE_MESSAGE });
    const [stored] = await commentsOf(article.id);
    expect(stored).toBeDefined();

    const redirected = await postCommentAction(INITIAL_COMMENT_FORM_STATE, form).then(
      (state) => ({ state }),
      (error: { digest?: string }) => ({ digest: error.digest }),
    );
    expect(redirected).toEqual({ digest: expect.stringContaining(`/articles/${article.slug}#comment-${stored!.id};`) });
  });
});
