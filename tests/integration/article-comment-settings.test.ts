/**
 * One article's comment settings (lib/articles/comment-settings.ts), for
 * editors, moderators and admins: Close comments / Open comments (posting
 * refused with "closed", the API's 403, the thread kept; opened by hand, the
 * site's auto-close by age no longer closes it; each change in the article's
 * history with its actor, and the article's version moved on so an editor's
 * form opened before is refused as a conflict), and the pre-moderation
 * switches and the message above the comments (trimmed plain text, at most
 * 500 characters; a save that changes nothing writes nothing).
 *
 * Akismet is not configured in this file: a reader's comment that no rule
 * holds is approved on the local defences, so a hold is the rule's.
 */
import { beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("next/headers", () => import("../support/next-request"));
vi.mock("@/lib/auth/session", async () => (await import("../support/next-request")).sessionModule);
vi.mock("next/cache", () => ({
  unstable_cache: <T,>(fn: () => Promise<T>) => fn,
  revalidateTag: () => undefined,
}));

const { request, resetRequest } = await import("../support/next-request");
const route = await import("@/app/api/articles/[slug]/comments/route");
const { articleCommentSettings, saveArticleCommentSettings, setArticleCommentsOpen } = await import("@/lib/articles/comment-settings");
const { articleToForm, getArticleById, saveArticle } = await import("@/lib/articles/editorial");
const { postCommentFromRequest } = await import("@/lib/comments/post");
const { issueFormToken } = await import("@/lib/comments/form-token");
const { getThreadPage } = await import("@/lib/comments/thread");
const { getDb, row, rows, sql } = await import("@/lib/db");
const { updateSettings } = await import("@/lib/settings");
const { countComments, getComment, postComment } = await import("../support/comments");
const { createArticle, createComment, createUser } = await import("../support/factories");

type UserRow = Awaited<ReturnType<typeof createUser>>;
type Posted = Awaited<ReturnType<typeof postComment>>;

const DAY = 24 * 3_600_000;
const CLOSED = "Comments are closed on this article.";
const ALL = "Held: every comment on this article is pre-moderated";
const LINKS = "Held: comments with links are pre-moderated on this article";
const LOCAL_PASS = "Approved: passed the local defences";

const userCtx = (u: UserRow) => ({ user: { id: u.id, name: u.name, email: u.email, role: u.role } });

async function stored(result: Posted) {
  if (!result.ok) throw new Error(`refused: ${JSON.stringify(result)}`);
  return getComment(result.commentId);
}

/** The article's history rows about its comments, oldest first. */
async function commentEvents(articleId: number) {
  const found = await rows<{ type: string; actorId: number | string | null; note: string | null }>(
    getDb(),
    sql`select type, actor_id as "actorId", note from article_events
        where article_id = ${articleId} and type in ('comments_closed', 'comments_opened', 'comment_settings') order by id`,
  );
  return found.map((e) => ({ type: e.type, actorId: e.actorId === null ? null : Number(e.actorId), note: e.note }));
}

async function stateOf(articleId: number) {
  const a = await getArticleById(articleId);
  if (!a) throw new Error("gone");
  return a;
}

const formFor = (article: { id: number }, content: string, guest = false) => ({
  content,
  formToken: issueFormToken(article.id, Date.now() - 30_000),
  ...(guest ? { name: "Gus Guest", email: "gus@example.com" } : {}),
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

const apiGet = (slug: string) => route.GET(new Request(`http://localhost:3000/api/articles/${slug}/comments`), { params: Promise.resolve({ slug }) });

beforeEach(async () => {
  resetRequest();
  await updateSettings({ floodSeconds: 0, minSubmitSeconds: 3, linkLimit: 2, holdWords: [], blockWords: [], trustMinApproved: 0, trustRejectedHold: false, holdFirstTime: false, commentsAutoCloseDays: 0 });
});

describe("Close comments / Open comments", () => {
  it("closed: posting is refused (the API answers 403), the thread stays; opened: posting works again; each change is in the history with its actor", async () => {
    const article = await createArticle();
    const editor = await createUser({ role: "editor", name: "Eddie Editor" });
    const moderator = await createUser({ role: "moderator", name: "Mona Moderator" });
    const reader = await createUser();
    const kept = [await createComment(article.id), await createComment(article.id)];
    request.user = reader;

    expect(await setArticleCommentsOpen(editor.id, article.id, false)).toEqual({ ok: true, code: "closed" });
    expect(await stateOf(article.id)).toMatchObject({ commentsOpen: false, commentsKeepOpen: false });
    const before = await countComments();

    // The form's pipeline, for a reader and a guest, and the JSON API.
    const posted = await postCommentFromRequest(article.slug, formFor(article, "Posted after closing."));
    expect(posted).toEqual({ result: { ok: false, kind: "refused", code: "closed", message: CLOSED }, location: null });
    expect(await postComment(article, {}, userCtx(reader))).toMatchObject({ ok: false, kind: "refused", code: "closed" });
    expect(await postComment(article)).toMatchObject({ ok: false, kind: "refused", code: "closed" });
    const api = await apiPost(article.slug, formFor(article, "Posted through the API after closing."));
    expect(api.status).toBe(403);
    expect(await api.json()).toEqual({ error: CLOSED });
    request.user = null;
    const apiGuest = await apiPost(article.slug, formFor(article, "A guest through the API after closing.", true));
    expect(apiGuest.status).toBe(403);
    expect(await countComments()).toBe(before);

    // The thread stays: on the page and in the API.
    const thread = await getThreadPage(getDb(), article.id, { perPage: 50 });
    expect(thread.roots.map((r) => r.id)).toEqual(kept.map((c) => c.id));
    const listed = await apiGet(article.slug);
    expect(listed.status).toBe(200);
    expect(((await listed.json()) as { comments: { id: number }[] }).comments.map((c) => c.id)).toEqual(kept.map((c) => c.id));
    expect((await articleCommentSettings(article.id))?.openNow).toBe(false);

    // Opened again (by a moderator): posting works.
    expect(await setArticleCommentsOpen(moderator.id, article.id, true)).toEqual({ ok: true, code: "opened" });
    expect(await stateOf(article.id)).toMatchObject({ commentsOpen: true, commentsKeepOpen: true, commentsCloseAt: null });
    request.user = reader;
    const again = await postCommentFromRequest(article.slug, formFor(article, "Posted after opening."));
    expect(again.result).toMatchObject({ ok: true, status: "approved" });
    const apiAgain = await apiPost(article.slug, formFor(article, "Through the API after opening."));
    expect(apiAgain.status).toBe(201);

    expect(await commentEvents(article.id)).toEqual([
      { type: "comments_closed", actorId: editor.id, note: null },
      { type: "comments_opened", actorId: moderator.id, note: null },
    ]);
    const settings = await articleCommentSettings(article.id);
    expect(settings?.history.map((h) => [h.type, h.actorName])).toEqual([
      ["comments_opened", "Mona Moderator"],
      ["comments_closed", "Eddie Editor"],
    ]);
    expect(await setArticleCommentsOpen(editor.id, 999_999, true)).toMatchObject({ ok: false, code: "gone" });
  });

  it("opened by hand, an article old enough for the site's auto-close stays open; closing it by hand ends that", async () => {
    await updateSettings({ commentsAutoCloseDays: 30 });
    const editor = await createUser({ role: "editor" });
    const reader = await createUser();
    const article = await createArticle({ publishedAt: new Date(Date.now() - 60 * DAY) });
    const fresh = await createArticle({ publishedAt: new Date(Date.now() - 2 * DAY) });

    // 60 days old: closed by age; 2 days old: open.
    expect(await postComment(article, {}, userCtx(reader))).toMatchObject({ ok: false, code: "closed" });
    expect(await postComment(fresh, {}, userCtx(reader))).toMatchObject({ ok: true, status: "approved" });
    expect((await articleCommentSettings(article.id))?.openNow).toBe(false);

    expect(await setArticleCommentsOpen(editor.id, article.id, true)).toMatchObject({ ok: true, code: "opened" });
    expect(await stateOf(article.id)).toMatchObject({ commentsOpen: true, commentsKeepOpen: true });
    expect(await articleCommentSettings(article.id)).toMatchObject({ openNow: true, keepOpen: true });
    expect(await postComment(article, {}, userCtx(reader))).toMatchObject({ ok: true, status: "approved" });
    request.user = reader;
    expect((await apiPost(article.slug, formFor(article, "Kept open by hand."))).status).toBe(201);

    // Closed by hand, then the age closes it again unless opened by hand once more.
    expect(await setArticleCommentsOpen(editor.id, article.id, false)).toMatchObject({ ok: true, code: "closed" });
    expect(await stateOf(article.id)).toMatchObject({ commentsOpen: false, commentsKeepOpen: false });
    expect(await postComment(article, {}, userCtx(reader))).toMatchObject({ ok: false, code: "closed" });
  });

  it("opening clears a closing time the editor set that has passed", async () => {
    const editor = await createUser({ role: "editor" });
    const reader = await createUser();
    const article = await createArticle({ commentsCloseAt: new Date(Date.now() - DAY) });
    expect(await postComment(article, {}, userCtx(reader))).toMatchObject({ ok: false, code: "closed" });
    expect(await setArticleCommentsOpen(editor.id, article.id, true)).toMatchObject({ ok: true });
    expect(await stateOf(article.id)).toMatchObject({ commentsCloseAt: null });
    expect(await postComment(article, {}, userCtx(reader))).toMatchObject({ ok: true, status: "approved" });
  });

  it("moves the article's version on, so an editor's form opened before is refused as a conflict and saves nothing", async () => {
    const editor = await createUser({ role: "editor" });
    const actor = { id: editor.id, name: editor.name };
    const article = await createArticle({ commentsOpen: false });
    const opened = await stateOf(article.id);
    const staleForm = { ...articleToForm(opened), title: "Title typed in the old form" };

    expect(await setArticleCommentsOpen(editor.id, article.id, true)).toMatchObject({ ok: true });
    const afterOpening = await stateOf(article.id);
    expect(afterOpening.version).toBe(opened.version + 1);

    const stale = await saveArticle(actor, article.id, staleForm, { expectedVersion: opened.version });
    expect(stale).toMatchObject({ ok: false, conflict: true });
    // Nothing of the old form was saved: not its title, nor its "comments closed".
    expect(await stateOf(article.id)).toMatchObject({ title: article.title, commentsOpen: true, commentsKeepOpen: true, version: opened.version + 1 });

    // A form opened after it saves, and keeps the comments open.
    const current = await saveArticle(actor, article.id, { ...articleToForm(afterOpening), title: "Title saved from a fresh form" }, { expectedVersion: afterOpening.version });
    expect(current).toMatchObject({ ok: true, version: opened.version + 2 });
    expect(await stateOf(article.id)).toMatchObject({ title: "Title saved from a fresh form", commentsOpen: true, commentsKeepOpen: true });

    // Closing moves it on as well.
    const beforeClosing = await stateOf(article.id);
    expect(await setArticleCommentsOpen(editor.id, article.id, false)).toMatchObject({ ok: true });
    expect(await saveArticle(actor, article.id, articleToForm(beforeClosing), { expectedVersion: beforeClosing.version })).toMatchObject({ ok: false, conflict: true });
    expect(await stateOf(article.id)).toMatchObject({ commentsOpen: false });
  });
});

describe("pre-moderation and the message above the comments", () => {
  it("premoderateAll holds every new comment, from readers and guests, with that reason; off, they pass again", async () => {
    const editor = await createUser({ role: "editor" });
    const reader = await createUser();
    const article = await createArticle();
    const other = await createArticle();
    expect(await saveArticleCommentSettings(editor.id, article.id, { premoderateAll: true, premoderateLinks: false, message: "" })).toEqual({ ok: true, code: "saved" });
    expect(await stateOf(article.id)).toMatchObject({ premoderateAll: true, premoderateLinks: false });

    for (const content of ["A plain comment.", "With a link: https://example.org/story"]) {
      expect(await stored(await postComment(article, { content }, userCtx(reader)))).toMatchObject({ status: "pending", statusReason: ALL });
    }
    expect(await stored(await postComment(article, { name: "Gus", email: "gus@example.com" }))).toMatchObject({ status: "pending", statusReason: ALL });
    request.user = reader;
    const viaRequest = await postCommentFromRequest(article.slug, formFor(article, "Through the form."));
    expect(viaRequest.result).toMatchObject({ ok: true, status: "pending" });
    const viaApi = await apiPost(article.slug, formFor(article, "Through the API."));
    expect(viaApi.status).toBe(201);
    expect(await viaApi.json()).toMatchObject({ status: "pending", message: "Your comment is awaiting moderation." });

    // Another article is not pre-moderated.
    expect(await stored(await postComment(other, {}, userCtx(reader)))).toMatchObject({ status: "approved", statusReason: LOCAL_PASS });

    expect(await saveArticleCommentSettings(editor.id, article.id, { premoderateAll: false, premoderateLinks: false, message: "" })).toMatchObject({ ok: true, code: "saved" });
    expect(await stored(await postComment(article, {}, userCtx(reader)))).toMatchObject({ status: "approved", statusReason: LOCAL_PASS });
  });

  it("premoderateLinks holds only comments with a link, with that reason", async () => {
    const moderator = await createUser({ role: "moderator" });
    const reader = await createUser();
    const article = await createArticle();
    expect(await saveArticleCommentSettings(moderator.id, article.id, { premoderateAll: false, premoderateLinks: true, message: "" })).toMatchObject({ ok: true });

    expect(await stored(await postComment(article, { content: "No link in here at all." }, userCtx(reader)))).toMatchObject({ status: "approved", statusReason: LOCAL_PASS });
    // A bare domain is text, not a link (as the thread shows it).
    expect(await stored(await postComment(article, { content: "I read it on example.org today." }, userCtx(reader)))).toMatchObject({ status: "approved" });
    for (const content of ["Source: https://example.org/a", "See www.example.org/page for more."]) {
      expect(await stored(await postComment(article, { content }, userCtx(reader)))).toMatchObject({ status: "pending", statusReason: LINKS });
    }
    // More links than the site's limit: both reasons.
    expect((await stored(await postComment(article, { content: "https://a.example/1 https://a.example/2 https://a.example/3" }, userCtx(reader)))).statusReason).toBe(
      `${LINKS}; Held: 3 links (more than 2)`,
    );
    // With both switches on, every comment is held, with the one reason that covers it.
    expect(await saveArticleCommentSettings(moderator.id, article.id, { premoderateAll: true, premoderateLinks: true, message: "" })).toMatchObject({ ok: true });
    expect((await stored(await postComment(article, { content: "Link: https://example.org/b" }, userCtx(reader)))).statusReason).toBe(ALL);
  });

  it("keeps the message as trimmed plain text, at most 500 characters, and refuses a longer one storing nothing", async () => {
    const editor = await createUser({ role: "editor" });
    const article = await createArticle();
    const save = (message: string) => saveArticleCommentSettings(editor.id, article.id, { premoderateAll: false, premoderateLinks: false, message });

    expect(await save("  \r\nPlease stay on topic.\r\nBe <b>kind</b> & fair.  \n")).toEqual({ ok: true, code: "saved" });
    expect(await stateOf(article.id)).toMatchObject({ commentsMessage: "Please stay on topic.\nBe <b>kind</b> & fair." });
    expect((await articleCommentSettings(article.id))?.message).toBe("Please stay on topic.\nBe <b>kind</b> & fair.");

    const tooLong = await save("x".repeat(501));
    expect(tooLong).toEqual({
      ok: false,
      code: "invalid",
      message: "The message can be at most 500 characters.",
      fieldErrors: { message: "The message can be at most 500 characters." },
    });
    expect(await stateOf(article.id)).toMatchObject({ commentsMessage: "Please stay on topic.\nBe <b>kind</b> & fair." });
    // 500 characters with spaces around them: the spaces do not count.
    expect(await save(`   ${"y".repeat(500)}   `)).toMatchObject({ ok: true, code: "saved" });
    expect(await stateOf(article.id)).toMatchObject({ commentsMessage: "y".repeat(500) });
    expect(await commentEvents(article.id)).toHaveLength(2);
  });

  it("writes one comment_settings event describing a change, with its actor, and none for a save that changes nothing", async () => {
    const editor = await createUser({ role: "editor", name: "Ed Itor" });
    const moderator = await createUser({ role: "moderator", name: "Mo Derator" });
    const article = await createArticle();
    const save = (actorId: number, values: { premoderateAll: boolean; premoderateLinks: boolean; message: string }) => saveArticleCommentSettings(actorId, article.id, values);

    // Nothing differs from the article's defaults.
    expect(await save(editor.id, { premoderateAll: false, premoderateLinks: false, message: "   " })).toEqual({ ok: true, code: "unchanged" });
    expect(await commentEvents(article.id)).toEqual([]);

    expect(await save(editor.id, { premoderateAll: true, premoderateLinks: false, message: "Read the house rules." })).toEqual({ ok: true, code: "saved" });
    // The same again, the message typed with spaces and a Windows line ending around it: no change.
    expect(await save(moderator.id, { premoderateAll: true, premoderateLinks: false, message: "  Read the house rules.\r\n" })).toEqual({ ok: true, code: "unchanged" });
    expect(await save(moderator.id, { premoderateAll: false, premoderateLinks: true, message: "" })).toEqual({ ok: true, code: "saved" });
    // A refused save writes nothing.
    expect(await save(moderator.id, { premoderateAll: true, premoderateLinks: true, message: "z".repeat(501) })).toMatchObject({ ok: false });

    expect(await commentEvents(article.id)).toEqual([
      { type: "comment_settings", actorId: editor.id, note: "pre-moderate all comments: on; message above the comments: “Read the house rules.”" },
      {
        type: "comment_settings",
        actorId: moderator.id,
        note: "pre-moderate all comments: off; pre-moderate comments with links: on; message above the comments removed",
      },
    ]);
    expect((await articleCommentSettings(article.id))?.history.map((h) => [h.type, h.actorName])).toEqual([
      ["comment_settings", "Mo Derator"],
      ["comment_settings", "Ed Itor"],
    ]);
    expect(await stateOf(article.id)).toMatchObject({ premoderateAll: false, premoderateLinks: true, commentsMessage: "" });
    const count = await row<{ n: number | string }>(getDb(), sql`select count(*) as n from article_events where article_id = ${article.id}`);
    expect(Number(count?.n)).toBe(2);
    expect(await saveArticleCommentSettings(editor.id, 999_999, { premoderateAll: true, premoderateLinks: false, message: "" })).toMatchObject({ ok: false, code: "gone" });
  });
});
