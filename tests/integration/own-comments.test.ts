import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { deleteOwnComment, editOwnComment, listAccountComments, ownCommentControls, type OwnerProof } from "@/lib/comments/own";
import { getThreadPage } from "@/lib/comments/thread";
import { execute, getDb, sql } from "@/lib/db";
import { recheckComments } from "@/lib/jobs/akismet-retry";
import { updateSettings } from "@/lib/settings";
import { updateAkismetStatus } from "@/lib/spam/status";
import { useLocalAkismet } from "../support/akismet";
import { getComment, historyOf, postComment } from "../support/comments";
import { createArticle, createComment, createUser } from "../support/factories";

const akismet = useLocalAkismet();

beforeEach(async () => {
  await updateSettings({ akismetTimeoutMs: 400, akismetRetryMinutes: 20, floodSeconds: 0, commentEditMinutes: 10, holdWords: [], blockWords: [] });
  await updateAkismetStatus({ pausedUntil: null });
  await execute(getDb(), sql`update comments set spam_check_state = 'skipped', next_spam_check_at = null where spam_check_state = 'not_checked'`);
});

const browser = (...ids: number[]): OwnerProof => ({ ownIds: ids, userId: null });
const minutesAfter = (date: Date, minutes: number) => new Date(date.getTime() + minutes * 60_000);

/** A guest's comment, approved by Akismet, and the proof of the browser that posted it. */
async function approvedGuestComment(content = "The figures in the third paragraph look wrong.") {
  const article = await createArticle();
  const posted = await postComment(article, { content });
  if (!posted.ok) throw new Error(`not posted: ${posted.message}`);
  expect(posted.status).toBe("approved");
  return { article, id: posted.commentId, proof: browser(posted.commentId) };
}

describe("what an edit may not do", () => {
  it("keeps a held comment held, even when Akismet says ham: only a moderator publishes it", async () => {
    const article = await createArticle();
    // Posted without the form's token (as a bot would): held.
    const posted = await postComment(article, { content: "Posted by a script, no form token.", formToken: "" });
    if (!posted.ok) throw new Error(posted.message);
    expect(posted.status).toBe("pending");
    const result = await editOwnComment(getDb(), { commentId: posted.commentId, content: "Posted by a script, edited once.", version: 0, proof: browser(posted.commentId), actor: null });
    expect(result).toMatchObject({ ok: true, status: "pending" });
    const c = await getComment(posted.commentId);
    expect(c.status).toBe("pending");
    expect(c.statusReason).toContain("Held before the edit");
    // An edit to spam still goes to spam.
    const spam = await editOwnComment(getDb(), { commentId: posted.commentId, content: "buy viagra today", version: c.editedAt!.getTime(), proof: browser(posted.commentId), actor: null });
    expect(spam).toMatchObject({ ok: true });
    expect((await getComment(posted.commentId)).status).toBe("spam");
  });

  it("allows five edits of a comment, then refuses with the text kept", async () => {
    const { id, proof } = await approvedGuestComment("Edit me many times, version 0.");
    let version = 0;
    for (let i = 1; i <= 5; i++) {
      const r = await editOwnComment(getDb(), { commentId: id, content: `Edit me many times, version ${i}.`, version, proof, actor: null });
      if (!r.ok) throw new Error(r.message);
      version = r.version;
    }
    const sixth = await editOwnComment(getDb(), { commentId: id, content: "Edit me many times, version 6.", version, proof, actor: null });
    expect(sixth).toMatchObject({ ok: false, code: "window", message: "A comment can be edited at most 5 times. Your text is kept below." });
    expect((await getComment(id)).content).toBe("Edit me many times, version 5.");
  });

  it("never lets a browser cookie change a comment an account posted", async () => {
    const article = await createArticle();
    const user = await createUser();
    const posted = await postComment(article, { content: "Account comment, cookie must not touch it." }, { user: { id: user.id, name: user.name, email: user.email, role: "reader" } });
    if (!posted.ok) throw new Error("not posted");
    const edit = await editOwnComment(getDb(), { commentId: posted.commentId, content: "Changed through a cookie.", version: 0, proof: browser(posted.commentId), actor: null });
    expect(edit).toMatchObject({ ok: false, code: "not_yours" });
    const removal = await deleteOwnComment(getDb(), { commentId: posted.commentId, proof: browser(posted.commentId), actor: null });
    expect(removal).toMatchObject({ ok: false, code: "not_yours" });
    expect((await getComment(posted.commentId)).content).toBe("Account comment, cookie must not touch it.");
  });
});

describe("editing one's own comment", () => {
  it("re-checks the new text with Akismet and records the edit with the text before", async () => {
    const { article, id, proof } = await approvedGuestComment();
    akismet.clearRequests();
    const result = await editOwnComment(getDb(), { commentId: id, content: "The figures in the fourth paragraph look wrong.", version: 0, proof, actor: null });
    expect(result).toMatchObject({ ok: true, status: "approved", changed: true, articleSlug: article.slug });

    const c = await getComment(id);
    expect(c.content).toBe("The figures in the fourth paragraph look wrong.");
    expect(c.editedAt).toBeInstanceOf(Date);
    expect(c).toMatchObject({ status: "approved", spamCheckState: "checked", checkLeaseOwner: null });

    const [request] = akismet.requests();
    expect(request?.path).toBe("/1.1/comment-check");
    expect(request?.params).toMatchObject({ comment_content: "The figures in the fourth paragraph look wrong.", recheck_reason: "edit" });

    const history = await historyOf(id);
    const types = history.map((e) => e.type);
    expect(types.slice(-3)).toEqual(["edited", "akismet_check", "status_change"]);
    const edited = history.find((e) => e.type === "edited")!;
    expect(edited.detail).toMatchObject({ previousContent: "The figures in the third paragraph look wrong.", previousStatus: "approved", via: "browser" });
    expect(edited.message).toContain("third paragraph");
    expect(history.at(-1)).toMatchObject({ toStatus: "approved" });

    // The thread marks it edited.
    const thread = await getThreadPage(getDb(), article.id, { perPage: 50 });
    expect(thread.roots.find((r) => r.id === id)?.editedAt).toBeInstanceOf(Date);
  });

  it("lets the account that posted it edit it from anywhere", async () => {
    const article = await createArticle();
    const user = await createUser();
    const posted = await postComment(article, { content: "Posted while signed in." }, { user: { id: user.id, name: user.name, email: user.email, role: "reader" } });
    if (!posted.ok) throw new Error("not posted");
    const result = await editOwnComment(getDb(), {
      commentId: posted.commentId,
      content: "Posted while signed in, then fixed.",
      version: 0,
      proof: { ownIds: [], userId: user.id },
      actor: { id: user.id, name: user.name },
    });
    expect(result).toMatchObject({ ok: true, changed: true });
    const edited = (await historyOf(posted.commentId)).find((e) => e.type === "edited");
    expect(edited).toMatchObject({ actorId: user.id, detail: expect.objectContaining({ via: "account" }) });
  });

  it("refuses an edit after the window, and any edit when editing is off", async () => {
    const { id, proof } = await approvedGuestComment();
    const posted = (await getComment(id)).createdAt;
    const late = await editOwnComment(getDb(), { commentId: id, content: "Too late.", version: 0, proof, actor: null, now: minutesAfter(posted, 10.5) });
    expect(late).toMatchObject({ ok: false, code: "window" });
    if (!late.ok) expect(late.message).toMatch(/run out.*10 minutes/);
    expect(await editOwnComment(getDb(), { commentId: id, content: "Just in time.", version: 0, proof, actor: null, now: minutesAfter(posted, 9.5) })).toMatchObject({
      ok: true,
    });

    await updateSettings({ commentEditMinutes: 0 });
    const off = await editOwnComment(getDb(), { commentId: id, content: "Editing is off.", version: (await getComment(id)).editedAt!.getTime(), proof, actor: null });
    expect(off).toMatchObject({ ok: false, code: "window", message: "Comments cannot be edited on this site." });
    expect((await getComment(id)).content).toBe("Just in time.");
  });

  it("refuses someone else's comment, whether by cookie or by account", async () => {
    const { article, id } = await approvedGuestComment();
    const stranger = await createUser();
    const other = await postComment(article, { content: "My own, different comment." });
    if (!other.ok) throw new Error("not posted");
    for (const proof of [browser(other.commentId), { ownIds: [], userId: stranger.id }, browser()]) {
      expect(await editOwnComment(getDb(), { commentId: id, content: "Hijacked.", version: 0, proof, actor: null })).toMatchObject({ ok: false, code: "not_yours" });
      expect(await deleteOwnComment(getDb(), { commentId: id, proof, actor: null })).toMatchObject({ ok: false, code: "not_yours" });
    }
    expect((await getComment(id)).content).not.toBe("Hijacked.");
    expect(await editOwnComment(getDb(), { commentId: 99_999_999, content: "x", version: 0, proof: browser(99_999_999), actor: null })).toMatchObject({
      ok: false,
      code: "not_found",
    });
  });

  it("refuses a comment a moderator put in trash", async () => {
    const article = await createArticle();
    const c = await createComment(article.id, { status: "trash", createdAt: new Date() });
    const edit = await editOwnComment(getDb(), { commentId: c.id, content: "New words.", version: 0, proof: browser(c.id), actor: null });
    expect(edit).toMatchObject({ ok: false, code: "locked", message: "This comment can no longer be changed." });
    expect(await deleteOwnComment(getDb(), { commentId: c.id, proof: browser(c.id), actor: null })).toMatchObject({ ok: false, code: "locked" });
  });

  it("lets the author edit and delete a comment in spam as a held one, keeping it in spam (own-comments-held-spam.test.ts compares the two)", async () => {
    const article = await createArticle();
    const c = await createComment(article.id, { status: "spam", createdAt: new Date() });
    akismet.clearRequests();
    const edit = await editOwnComment(getDb(), { commentId: c.id, content: "New words.", version: 0, proof: browser(c.id), actor: null });
    expect(edit).toMatchObject({ ok: true, changed: true, status: "spam" });
    expect(await getComment(c.id)).toMatchObject({ content: "New words.", status: "spam" });
    expect(akismet.requests()).toHaveLength(0);
    expect(await deleteOwnComment(getDb(), { commentId: c.id, proof: browser(c.id), actor: null })).toMatchObject({ ok: true });
  });

  it("validates the new text as posting does and changes nothing on refusal", async () => {
    const { id, proof } = await approvedGuestComment();
    for (const content of ["   ", "\u0000 \t", "x".repeat(70_000)]) {
      const result = await editOwnComment(getDb(), { commentId: id, content, version: 0, proof, actor: null });
      expect(result).toMatchObject({ ok: false, code: "invalid", fieldErrors: { content: expect.any(String) } });
    }
    expect((await getComment(id)).editedAt).toBeNull();
    // As when posting, control characters (NUL among them) are taken out of the text, never stored.
    expect(await editOwnComment(getDb(), { commentId: id, content: "Fixed\u0000 text.", version: 0, proof, actor: null })).toMatchObject({ ok: true });
    expect((await getComment(id)).content).toBe("Fixed text.");
  });

  it("takes an approved comment off the public page when Akismet calls the new text spam", async () => {
    const { article, id, proof } = await approvedGuestComment();
    const result = await editOwnComment(getDb(), { commentId: id, content: "Great article! Visit my casino bonus site.", version: 0, proof, actor: null });
    expect(result).toMatchObject({ ok: true, status: "spam" });
    expect(await getComment(id)).toMatchObject({ status: "spam", spamCheckState: "checked" });
    const publicThread = await getThreadPage(getDb(), article.id, { perPage: 50 });
    expect(publicThread.roots.map((r) => r.id)).not.toContain(id);
    // Its author still sees it (as awaiting moderation), with Edit and Delete as for a held one.
    const ownThread = await getThreadPage(getDb(), article.id, { perPage: 50, ownIds: [id] });
    expect(ownThread.roots.find((r) => r.id === id)?.awaitingModeration).toBe(true);
    expect(await ownCommentControls(getDb(), { articleId: article.id, proof, editMinutes: 10 })).toEqual({
      [id]: { version: result.ok ? result.version : -1, editUntil: expect.any(String), content: "Great article! Visit my casino bonus site." },
    });
  });

  it("applies the local hold and block rules again", async () => {
    const { article, id, proof } = await approvedGuestComment();
    await updateSettings({ holdWords: ["refund"], blockWords: ["scamword"] });
    const held = await editOwnComment(getDb(), { commentId: id, content: "I want a refund for this article.", version: 0, proof, actor: null });
    expect(held).toMatchObject({ ok: true, status: "pending" });
    expect((await getComment(id)).statusReason).toContain("hold word");
    expect((await getThreadPage(getDb(), article.id, { perPage: 50 })).roots.map((r) => r.id)).not.toContain(id);

    const version = (await getComment(id)).editedAt!.getTime();
    const blocked = await editOwnComment(getDb(), { commentId: id, content: "scamword everywhere", version, proof, actor: null });
    expect(blocked).toMatchObject({ ok: true, status: "spam" });
    expect((await getComment(id)).statusReason).toContain("Block list");
  });

  it("holds the edit 'not checked' when Akismet is down, and the retry job checks it later", async () => {
    const { article, id, proof } = await approvedGuestComment();
    akismet.setBehaviour({ status: 500 });
    const result = await editOwnComment(getDb(), { commentId: id, content: "Edited while Akismet was down.", version: 0, proof, actor: null });
    expect(result).toMatchObject({ ok: true, status: "pending" });
    const held = await getComment(id);
    expect(held).toMatchObject({ status: "pending", spamCheckState: "not_checked", checkLeaseOwner: null });
    expect(held.nextSpamCheckAt).toBeInstanceOf(Date);
    expect((await getThreadPage(getDb(), article.id, { perPage: 50 })).roots.map((r) => r.id)).not.toContain(id);
    expect((await historyOf(id)).map((e) => e.type)).toContain("akismet_error");

    akismet.setBehaviour(null);
    akismet.clearRequests();
    const summary = await recheckComments({ now: minutesAfter(new Date(), 21) });
    expect(summary).toMatchObject({ checked: 1, approved: 1 });
    expect(akismet.requests()[0]?.params).toMatchObject({ comment_content: "Edited while Akismet was down." });
    expect(await getComment(id)).toMatchObject({ status: "approved", spamCheckState: "checked" });
  });

  it("waits while another runner holds the comment's check lease", async () => {
    const { id, proof } = await approvedGuestComment();
    await execute(getDb(), sql`update comments set check_lease_owner = 'another-runner', check_lease_until = ${Date.now() + 60_000} where id = ${id}`);
    expect(await editOwnComment(getDb(), { commentId: id, content: "Edited during a check.", version: 0, proof, actor: null })).toMatchObject({
      ok: false,
      code: "busy",
    });
    expect((await getComment(id)).content).not.toBe("Edited during a check.");
  });

  it("never loses one of two edits made at once: the stale one is refused", async () => {
    const { id, proof } = await approvedGuestComment();
    // Two tabs opened on the same version, saved at the same moment.
    const [a, b] = await Promise.all([
      editOwnComment(getDb(), { commentId: id, content: "Edit from tab A.", version: 0, proof, actor: null }),
      editOwnComment(getDb(), { commentId: id, content: "Edit from tab B.", version: 0, proof, actor: null }),
    ]);
    const results = [a, b];
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const refused = results.find((r) => !r.ok);
    expect(refused).toMatchObject({ ok: false, code: "stale" });
    if (refused && !refused.ok) expect(refused.message).toMatch(/changed in another window/);
    const winner = results[0]!.ok ? "Edit from tab A." : "Edit from tab B.";
    expect((await getComment(id)).content).toBe(winner);
    expect((await historyOf(id)).filter((e) => e.type === "edited")).toHaveLength(1);

    // A form from before the first edit, sent afterwards, is refused too.
    const later = await editOwnComment(getDb(), { commentId: id, content: "Edit from an old tab.", version: 0, proof, actor: null });
    expect(later).toMatchObject({ ok: false, code: "stale" });
    // With the version it now has, the edit goes through.
    const version = (await getComment(id)).editedAt!.getTime();
    expect(await editOwnComment(getDb(), { commentId: id, content: "Edit from a fresh tab.", version, proof, actor: null })).toMatchObject({ ok: true });
  });
});

describe("deleting one's own comment", () => {
  it("deletes it and keeps its replies, which move up with a history entry", async () => {
    const { article, id, proof } = await approvedGuestComment("A top-level comment with an answer.");
    const reply = await postComment(article, { content: "An answer from someone else.", parentId: id });
    if (!reply.ok) throw new Error("reply not posted");
    const result = await deleteOwnComment(getDb(), { commentId: id, proof, actor: null });
    expect(result).toMatchObject({ ok: true, repliesKept: 1, articleSlug: article.slug });
    const kept = await getComment(reply.commentId);
    expect(kept).toMatchObject({ parentId: null, status: "approved", content: "An answer from someone else." });
    const moved = (await historyOf(reply.commentId)).find((e) => e.type === "moved_up");
    expect(moved?.message).toContain("deleted by its author");
    expect(await getComment(id).catch(() => null)).toBeNull();
    // Deleting it again: it is gone.
    expect(await deleteOwnComment(getDb(), { commentId: id, proof, actor: null })).toMatchObject({ ok: false, code: "not_found" });
  });

  it("can be done from the account at any time, also after the edit window", async () => {
    const article = await createArticle();
    const user = await createUser();
    const old = await createComment(article.id, { userId: user.id, createdAt: new Date(Date.now() - 3 * 24 * 3600_000) });
    expect(await ownCommentControls(getDb(), { articleId: article.id, proof: { ownIds: [], userId: user.id }, editMinutes: 10 })).toEqual({
      [old.id]: { version: 0, editUntil: null, content: null },
    });
    expect(await deleteOwnComment(getDb(), { commentId: old.id, proof: { ownIds: [], userId: user.id }, actor: { id: user.id, name: user.name } })).toMatchObject({
      ok: true,
    });
  });
});

describe("the page's controls and the my-comments list", () => {
  it("gives controls only for the requester's own changeable comments", async () => {
    const { article, id, proof } = await approvedGuestComment();
    const someoneElse = await postComment(article, { content: "Not yours." });
    if (!someoneElse.ok) throw new Error("not posted");
    const controls = await ownCommentControls(getDb(), { articleId: article.id, proof, editMinutes: 10 });
    expect(Object.keys(controls).map(Number)).toEqual([id]);
    expect(controls[id]).toMatchObject({ version: 0, editUntil: expect.any(String), content: "The figures in the third paragraph look wrong." });
    expect(await ownCommentControls(getDb(), { articleId: article.id, proof: browser(), editMinutes: 10 })).toEqual({});
  });

  it("lists an account's comments newest first, paged, with their status", async () => {
    const user = await createUser();
    const other = await createUser();
    const article = await createArticle({ title: "Budget vote" });
    const base = Date.now() - 60 * 60_000;
    const statuses = ["approved", "pending", "spam", "trash", "approved"] as const;
    const made = [];
    for (const [i, status] of statuses.entries()) {
      made.push(await createComment(article.id, { userId: user.id, status, content: `Mine ${i}`, createdAt: new Date(base + i * 60_000) }));
    }
    await createComment(article.id, { userId: other.id, content: "Not mine" });
    const first = await listAccountComments(getDb(), user.id, { page: 1, perPage: 2 });
    expect(first).toMatchObject({ total: 5, page: 1, pageCount: 3 });
    expect(first.comments.map((c) => c.content)).toEqual(["Mine 4", "Mine 3"]);
    expect(first.comments[0]).toMatchObject({ articleTitle: "Budget vote", articleSlug: article.slug, articlePublished: true, status: "approved" });
    const last = await listAccountComments(getDb(), user.id, { page: 9, perPage: 2 });
    expect(last.page).toBe(3);
    expect(last.comments.map((c) => c.id)).toEqual([made[0]!.id]);
  });
});
