/**
 * A spammer cannot tell spam from held: a comment in spam and a held one of
 * the same author look and behave the same to them, on the article page
 * (markers, Edit and Delete), on the my-comments page, through the JSON API
 * and the forms' actions, in every answer and refusal. Only the stored
 * outcome differs: an edit keeps spam in spam and never re-checks it.
 */
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { eq } from "drizzle-orm";
import { articles } from "@/db/schema";
import type { OwnerProof } from "@/lib/comments/own";

vi.mock("next/headers", () => import("../support/next-request"));
vi.mock("@/lib/auth/session", async () => (await import("../support/next-request")).sessionModule);
// The page cache is not under test here (Next's revalidateTag works only inside a request).
vi.mock("@/lib/cache/invalidation", () => ({ expirePageChanges: async () => undefined, expireChangesOf: async () => undefined }));

const { PersonalProvider } = await import("@/app/_article/personal");
const { personalView } = await import("@/lib/comments/personal");
const { CommentThread } = await import("@/app/_article/comment-thread");
const { deleteOwnCommentAction, editOwnCommentAction } = await import("@/app/_article/actions");
const { default: AccountCommentsPage } = await import("@/app/(site)/account/comments/page");
const ownRoute = await import("@/app/api/articles/[slug]/comments/[id]/route");
const { forgetCheckDurations } = await import("@/lib/comments/check-timing");
const { editOwnComment, deleteOwnComment, ownCommentControls } = await import("@/lib/comments/own");
const { OWN_COMMENTS_COOKIE, writeOwnCommentIds } = await import("@/lib/comments/ownership");
const { getThreadPage } = await import("@/lib/comments/thread");
const { compactThread } = await import("@/lib/comments/thread-view");
const { INITIAL_OWN_COMMENT_FORM_STATE } = await import("@/lib/comments/own-form-state");
const { execute, getDb, sql } = await import("@/lib/db");
const { updateSettings } = await import("@/lib/settings");
const { updateAkismetStatus } = await import("@/lib/spam/status");
const { useLocalAkismet } = await import("../support/akismet");
const { request, resetRequest } = await import("../support/next-request");
const { getComment, historyOf, postComment } = await import("../support/comments");
const { createArticle, createUser } = await import("../support/factories");

const akismet = useLocalAkismet();

beforeEach(async () => {
  resetRequest("203.0.113.77");
  forgetCheckDurations();
  await updateSettings({ akismetTimeoutMs: 2_000, floodSeconds: 0, commentEditMinutes: 10, holdWords: ["council"], blockWords: [], commentsPerPage: 50 });
  await updateAkismetStatus({ pausedUntil: null });
  await execute(getDb(), sql`update comments set spam_check_state = 'skipped', next_spam_check_at = null where spam_check_state = 'not_checked'`);
});

// Same length, same shape: one held by the hold word "council" (Akismet: ham),
// the other spam by Akismet ("casino bonus" is on the local server's list).
const HELD_TEXT = "The council bonus plan is wrong.";
const SPAM_TEXT = "The casino bonus plan is wrong!!";

type Pair = { article: Awaited<ReturnType<typeof createArticle>>; held: number; spam: number; proof: OwnerProof; user: Awaited<ReturnType<typeof createUser>> | null };

/** A held and a spam comment of one author (a guest's browser, or an account), and that author's request. */
async function heldAndSpam(kind: "guest" | "account"): Promise<Pair> {
  const article = await createArticle();
  const user = kind === "account" ? await createUser({ name: "Rita Reader" }) : null;
  const author = user ? {} : { name: "Sam Same", email: "sam.same@example.com" };
  const ctx = user ? { user: { id: user.id, name: user.name, email: user.email, role: "reader" as const }, ip: "203.0.113.77" } : { ip: "203.0.113.77" };
  const held = await postComment(article, { ...author, content: HELD_TEXT }, ctx);
  const spam = await postComment(article, { ...author, content: SPAM_TEXT }, ctx);
  if (!held.ok || !spam.ok) throw new Error("not posted");
  expect([held.status, spam.status]).toEqual(["pending", "spam"]);
  const ids = [held.commentId, spam.commentId];
  request.cookies.set(OWN_COMMENTS_COOKIE, writeOwnCommentIds(ids));
  request.user = user;
  return { article, held: held.commentId, spam: spam.commentId, proof: { ownIds: ids, userId: user?.id ?? null }, user };
}

/** What one comment's markup is, without what differs by nature: its id, its text, its time, its edit's version. */
function normalized(html: string, id: number, text: string): string {
  return html
    .replace(new RegExp(`\\b${id}\\b`, "g"), "ID")
    .replaceAll(text, "TEXT")
    .replace(/<time[^>]*>[^<]*<\/time>/g, "<time/>")
    .replace(/name="version" value="\d+"/g, 'name="version" value="V"');
}

/** The <li> of one comment in rendered markup (the thread's, or the my-comments list's). */
function itemOf(html: string, id: number): string {
  const start = html.indexOf(`<li id="comment-${id}"`);
  expect(start).toBeGreaterThanOrEqual(0);
  let depth = 0;
  for (let i = start; i < html.length; i++) {
    if (html.startsWith("<li", i)) depth++;
    if (html.startsWith("</li>", i) && --depth === 0) return html.slice(start, i + 5);
  }
  throw new Error("unclosed <li>");
}

/** The thread as the author's page renders it: the shared thread, with their personal view on top (docs/decisions/022). */
async function renderThread(pair: Pair): Promise<string> {
  const thread = await getThreadPage(getDb(), pair.article.id, { perPage: 50 });
  const user = pair.user as Parameters<typeof personalView>[1]["user"];
  const initial = await personalView(pair.article, { user, ownIds: pair.proof.ownIds, remembered: null });
  const children = createElement(CommentThread, {
    comments: compactThread(thread.roots, 5),
    newCommentsHere: true,
    newestFirst: false,
    pagePath: `/articles/${pair.article.slug}`,
    replyQuery: "",
    replyToId: null,
    form: null,
  });
  return renderToStaticMarkup(createElement(PersonalProvider, { slug: pair.article.slug, initial, children }));
}

const jsonRequest = (method: string, body?: unknown) =>
  new Request("http://localhost:3000/api/x", {
    method,
    headers: { origin: "http://localhost:3000", "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

async function api(method: "PATCH" | "DELETE", pair: Pair, id: number, body?: unknown) {
  const handler = method === "PATCH" ? ownRoute.PATCH : ownRoute.DELETE;
  const response = await handler(jsonRequest(method, body), { params: Promise.resolve({ slug: pair.article.slug, id: String(id) }) });
  const json = (await response.json()) as Record<string, unknown>;
  return { status: response.status, body: json };
}

/** An API answer without the comment's id and version (by nature its own). */
function sameShape(answer: { status: number; body: Record<string, unknown> }, id: number): unknown {
  const strip = (value: unknown, key: string): unknown => {
    if (key === "version" && typeof value === "number") return "V";
    if (value === id) return "ID";
    if (typeof value === "string") return value.replace(new RegExp(`\\b${id}\\b`, "g"), "ID");
    if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, strip(v, k)]));
    return value;
  };
  return strip(answer, "");
}

/** What a page says about spam is what it says of every comment: that an edit is checked again. */
const mentionsSpam = (html: string) => /spam/i.test(html.replaceAll("It is checked for spam again.", ""));

/** Runs a form action and gives back where it redirected to, or the state it answered. */
async function action(run: () => Promise<unknown>, id: number): Promise<string> {
  try {
    return `state ${JSON.stringify(await run()).replace(new RegExp(`\\b${id}\\b`, "g"), "ID")}`;
  } catch (error) {
    const digest = String((error as { digest?: unknown }).digest ?? error);
    if (!digest.startsWith("NEXT_REDIRECT")) throw error;
    return `redirect ${digest.replace(new RegExp(`\\b${id}\\b`, "g"), "ID")}`;
  }
}

function form(fields: Record<string, string | number>): FormData {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.set(k, String(v));
  return data;
}

describe.each(["guest", "account"] as const)("a held and a spam comment of one author (%s)", (kind) => {
  it("look the same on the article page: marker, class, Edit and Delete", async () => {
    const pair = await heldAndSpam(kind);
    const controls = await ownCommentControls(getDb(), { articleId: pair.article.id, proof: pair.proof, editMinutes: 10 });
    expect(Object.keys(controls).map(Number).sort()).toEqual([pair.held, pair.spam].sort());
    const shape = (id: number, text: string) => ({ ...controls[id], editUntil: typeof controls[id]?.editUntil, content: controls[id]?.content === text });
    expect(shape(pair.spam, SPAM_TEXT)).toEqual(shape(pair.held, HELD_TEXT));
    expect(shape(pair.held, HELD_TEXT)).toEqual({ version: 0, editUntil: "string", content: true });

    const html = await renderThread(pair);
    const held = normalized(itemOf(html, pair.held), pair.held, HELD_TEXT);
    const spam = normalized(itemOf(html, pair.spam), pair.spam, SPAM_TEXT);
    expect(spam).toBe(held);
    expect(held).toContain("Your comment is awaiting moderation.");
    expect(held).toContain("<summary>Edit</summary>");
    expect(held).toContain("<summary>Delete</summary>");
    expect(mentionsSpam(html)).toBe(false);
  });

  it("answer the same through the JSON API, and an edit keeps spam in spam without a new check", async () => {
    const pair = await heldAndSpam(kind);
    akismet.clearRequests();
    const heldEdit = await api("PATCH", pair, pair.held, { content: `${HELD_TEXT} Fixed.`, version: 0 });
    const afterHeld = akismet.requests().length;
    const spamEdit = await api("PATCH", pair, pair.spam, { content: `${SPAM_TEXT} Fixed.`, version: 0 });
    expect(heldEdit.status).toBe(200);
    expect(sameShape(spamEdit, pair.spam)).toEqual(sameShape(heldEdit, pair.held));
    expect(heldEdit.body).toMatchObject({ status: "pending", message: "Your comment is updated and awaiting moderation." });

    // Stored: the held one stays held (re-checked), the spam one stays spam (not sent to Akismet).
    expect(afterHeld).toBe(1);
    expect(akismet.requests()).toHaveLength(1);
    expect(await getComment(pair.held)).toMatchObject({ status: "pending", content: `${HELD_TEXT} Fixed.` });
    const spam = await getComment(pair.spam);
    expect(spam).toMatchObject({ status: "spam", content: `${SPAM_TEXT} Fixed.`, spamCheckState: "checked" });
    expect(spam.editedAt).toBeInstanceOf(Date);
    expect((await historyOf(pair.spam)).at(-1)).toMatchObject({ type: "edited", fromStatus: "spam", toStatus: "spam" });

    // A stale version is refused alike.
    const staleHeld = await api("PATCH", pair, pair.held, { content: "From an old tab.", version: 0 });
    const staleSpam = await api("PATCH", pair, pair.spam, { content: "From an old tab.", version: 0 });
    expect(staleHeld.status).toBe(409);
    expect(staleSpam).toEqual(staleHeld);

    // The thread marks both edited, the same way.
    const html = await renderThread(pair);
    expect(normalized(itemOf(html, pair.spam), pair.spam, `${SPAM_TEXT} Fixed.`)).toBe(normalized(itemOf(html, pair.held), pair.held, `${HELD_TEXT} Fixed.`));

    const heldDelete = await api("DELETE", pair, pair.held);
    const spamDelete = await api("DELETE", pair, pair.spam);
    expect(heldDelete).toEqual({ status: 200, body: { id: pair.held, deleted: true, repliesKept: 0 } });
    expect(sameShape(spamDelete, pair.spam)).toEqual(sameShape(heldDelete, pair.held));
    await expect(getComment(pair.spam)).rejects.toThrow();
  });

  it("answer the same through the forms' actions (edit, then delete)", async () => {
    const pair = await heldAndSpam(kind);
    const edit = (id: number, text: string) =>
      action(() => editOwnCommentAction(INITIAL_OWN_COMMENT_FORM_STATE, form({ commentId: id, content: text, version: 0, returnTo: "article" })), id);
    const heldEdit = await edit(pair.held, `${HELD_TEXT} Fixed.`);
    expect(heldEdit).toMatch(/^redirect NEXT_REDIRECT;.*#comment-ID;/);
    expect(await edit(pair.spam, `${SPAM_TEXT} Fixed.`)).toBe(heldEdit);
    // An empty edit is refused alike, with the same words.
    const emptyHeld = await edit(pair.held, "   ");
    expect(emptyHeld).toMatch(/^state .*Please type your comment/);
    expect(await edit(pair.spam, "   ")).toBe(emptyHeld);

    const remove = (id: number) => action(() => deleteOwnCommentAction(INITIAL_OWN_COMMENT_FORM_STATE, form({ commentId: id, returnTo: "article" })), id);
    const heldDelete = await remove(pair.held);
    expect(heldDelete).toMatch(/^redirect NEXT_REDIRECT;.*#comments;/);
    expect(await remove(pair.spam)).toBe(heldDelete);
    // Deleted as every delete is: gone, with its history.
    await expect(getComment(pair.spam)).rejects.toThrow();
    expect(await historyOf(pair.spam)).toEqual([]);
  });

  it("are refused alike after the edit window, on a closed article, and to someone else", async () => {
    const pair = await heldAndSpam(kind);
    const late = new Date(Date.now() + 11 * 60_000);
    const refusal = async (id: number, proof: OwnerProof) => ({
      late: await editOwnComment(getDb(), { commentId: id, content: "Late words.", version: 0, proof, actor: null, now: late }),
      stranger: await editOwnComment(getDb(), { commentId: id, content: "Hijacked.", version: 0, proof: { ownIds: [], userId: null }, actor: null }),
      strangerDelete: await deleteOwnComment(getDb(), { commentId: id, proof: { ownIds: [], userId: null }, actor: null }),
    });
    const held = await refusal(pair.held, pair.proof);
    expect(held.late).toMatchObject({ ok: false, code: "window" });
    expect(held.stranger).toMatchObject({ ok: false, code: "not_yours" });
    expect(await refusal(pair.spam, pair.proof)).toEqual(held);

    await getDb().update(articles).set({ commentsOpen: false }).where(eq(articles.id, pair.article.id));
    const closedHeld = await api("PATCH", pair, pair.held, { content: "Closed now.", version: 0 });
    const closedSpam = await api("PATCH", pair, pair.spam, { content: "Closed now.", version: 0 });
    expect(closedHeld.status).toBe(403);
    expect(closedSpam).toEqual(closedHeld);
  });

  it("take as long to edit: the spam one waits as long as the held one's Akismet check", async () => {
    // Akismet answers in 300 ms from the start, so every check this process timed took that long.
    akismet.setBehaviour({ delayMs: 300 });
    const pair = await heldAndSpam(kind);
    const timed = async (id: number, content: string) => {
      const started = performance.now();
      const result = await editOwnComment(getDb(), { commentId: id, content, version: 0, proof: pair.proof, actor: null });
      expect(result).toMatchObject({ ok: true });
      return performance.now() - started;
    };
    const held = await timed(pair.held, `${HELD_TEXT} Slowly.`);
    const spam = await timed(pair.spam, `${SPAM_TEXT} Slowly.`);
    expect(held).toBeGreaterThanOrEqual(290);
    expect(spam).toBeGreaterThanOrEqual(290);
    expect(akismet.requests().filter((r) => r.params.comment_content?.includes("Slowly"))).toHaveLength(1);
  });
});

describe("the my-comments page", () => {
  it("lists a held and a spam comment the same way, each with Edit and Delete", async () => {
    const pair = await heldAndSpam("account");
    const page = await AccountCommentsPage({ searchParams: Promise.resolve({}) });
    const html = renderToStaticMarkup(page);
    const held = normalized(itemOf(html, pair.held), pair.held, HELD_TEXT);
    expect(held).toContain("Awaiting moderation");
    expect(held).toContain("<summary>Edit</summary>");
    expect(held).toContain("<summary>Delete</summary>");
    expect(normalized(itemOf(html, pair.spam), pair.spam, SPAM_TEXT)).toBe(held);
    expect(mentionsSpam(html)).toBe(false);
  });
});

describe("the personal-data download", () => {
  it("gives a held and a spam comment the same status, for an account and for a guest's address", async () => {
    const { exportPersonalData } = await import("@/lib/privacy/export");
    for (const kind of ["account", "guest"] as const) {
      const pair = await heldAndSpam(kind);
      const data = await exportPersonalData(pair.user ? { kind: "account", userId: pair.user.id, email: pair.user.email } : { kind: "email", email: "sam.same@example.com" });
      const status = (id: number) => data.comments.find((c) => c.id === id)?.status;
      expect(status(pair.held)).toBe("pending");
      expect(status(pair.spam)).toBe(status(pair.held));
      expect(JSON.stringify(data)).not.toMatch(/spam/i);
    }
  });
});

describe("posting", () => {
  it("takes as long for a comment the block list sends to spam as for a held one Akismet checks", async () => {
    // Akismet answers in 300 ms from the start, so every check this process timed took that long.
    akismet.setBehaviour({ delayMs: 300 });
    await updateSettings({ blockWords: ["roulette"] });
    const article = await createArticle();
    const timed = async (content: string) => {
      const started = performance.now();
      const result = await postComment(article, { name: "Tim Timer", email: "tim@example.com", content }, { ip: "203.0.113.78" });
      return { result, ms: performance.now() - started };
    };
    const held = await timed("The council should publish the budget.");
    const blocked = await timed("Play roulette online tonight, friend.");
    expect(held.result).toMatchObject({ ok: true, status: "pending" });
    expect(blocked.result).toMatchObject({ ok: true, status: "spam" });
    expect(held.ms).toBeGreaterThanOrEqual(290);
    expect(blocked.ms).toBeGreaterThanOrEqual(290);
    // The block list decided it: Akismet was asked about the held one only.
    expect(akismet.requests().filter((r) => r.params.comment_content?.includes("roulette"))).toHaveLength(0);
  });
});
