/**
 * Reader reports: one per account and comment whatever arrives at once; the
 * hold at `reportsToHold` happens exactly once; a moderator's decision closes
 * the reports, which never hold the comment again; the Reported queue, most
 * reported first; who may report (guests sign in, suspended and banned
 * accounts are refused); the hourly limit under a burst. On both stores
 * (PostgreSQL: the reports of one comment meet on its row lock).
 */
import { beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("next/headers", () => import("../support/next-request"));
vi.mock("@/lib/auth/session", async () => (await import("../support/next-request")).sessionModule);
vi.mock("next/cache", () => ({
  unstable_cache: <T,>(fn: () => Promise<T>) => fn,
  revalidateTag: () => undefined,
}));

const { request, resetRequest } = await import("../support/next-request");
const { reportComment, openReportsOf, reportedInArticle } = await import("@/lib/community/reports");
const { reportFromRequest } = await import("@/lib/community/report-request");
const { reportedCount, reportedPage } = await import("@/lib/moderation/queue");
const { moderateComment } = await import("@/lib/moderation/moderate");
const { updateSettings } = await import("@/lib/settings");
const { getDb, rows, sql } = await import("@/lib/db");
const { createArticle, createComment, createUser } = await import("../support/factories");

async function state(commentId: number) {
  const [found] = await rows<{ status: string; reason: string | null; open: number; reports: number }>(
    getDb(),
    sql`select status, status_reason as reason, open_report_count as open,
          (select count(*) from comment_reports r where r.comment_id = c.id) as reports
        from comments c where c.id = ${commentId}`,
  );
  return { status: found!.status, reason: found!.reason, open: Number(found!.open), reports: Number(found!.reports) };
}

async function holdEvents(commentId: number): Promise<string[]> {
  const found = await rows<{ message: string }>(
    getDb(),
    sql`select message from comment_events where comment_id = ${commentId} and type = 'status_change' and to_status = 'pending' order by id`,
  );
  return found.map((e) => e.message);
}

const report = (commentId: number, user: { id: number; name: string }, reportsToHold = 3, reason: "offensive" | "abusive" | "spam" | "off_topic" | "other" = "abusive") =>
  reportComment({ commentId, userId: user.id, userName: user.name, reason, note: "", reportsToHold });

beforeEach(async () => {
  resetRequest();
  await updateSettings({ reportsToHold: 3, reportsPerHour: 20 });
});

describe("reporting a comment", () => {
  it("counts 50 reports sent at once by 5 accounts as 5", async () => {
    const article = await createArticle();
    const comment = await createComment(article.id);
    const readers = await Promise.all(Array.from({ length: 5 }, () => createUser()));
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => report(comment.id, readers[i % 5]!, 0)));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(results.filter((r) => r.ok && !r.alreadyReported)).toHaveLength(5);
    expect(await state(comment.id)).toMatchObject({ status: "approved", open: 5, reports: 5 });
    expect(await reportedInArticle(readers[0]!.id, article.id)).toEqual([comment.id]);
  });

  it("holds a published comment exactly once when reportsToHold different accounts reported it, with the reason", async () => {
    const article = await createArticle();
    const comment = await createComment(article.id);
    const readers = await Promise.all(Array.from({ length: 12 }, () => createUser()));
    const results = await Promise.all(readers.map((r) => report(comment.id, r)));
    expect(results.filter((r) => r.ok && r.held)).toHaveLength(1);
    expect(await holdEvents(comment.id)).toEqual(["Reported by 3 readers"]);
    const after = await state(comment.id);
    expect(after).toMatchObject({ status: "pending", reason: "Reported by 3 readers" });
    // Those that came after the hold found it no longer published (or were counted, not held again).
    expect(after.reports).toBeGreaterThanOrEqual(3);
    expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.code === "not_found")).toBe(true);
  });

  it("below the threshold, and with reportsToHold 0, leaves the comment published", async () => {
    const article = await createArticle();
    const [a, b] = [await createComment(article.id), await createComment(article.id)];
    const readers = await Promise.all(Array.from({ length: 4 }, () => createUser()));
    for (const r of readers.slice(0, 2)) await report(a.id, r);
    for (const r of readers) await report(b.id, r, 0);
    expect(await state(a.id)).toMatchObject({ status: "approved", open: 2 });
    expect(await state(b.id)).toMatchObject({ status: "approved", open: 4 });
  });

  it("closes the reports on a moderator's decision: they never hold it again, new ones count afresh and show in the queue", async () => {
    const article = await createArticle();
    const comment = await createComment(article.id);
    const moderator = await createUser({ role: "moderator" });
    const readers = await Promise.all(Array.from({ length: 6 }, () => createUser()));
    for (const r of readers.slice(0, 2)) await report(comment.id, r);
    expect(await reportedCount()).toBeGreaterThanOrEqual(1);
    const kept = await moderateComment(getDb(), moderator, { id: comment.id, action: "keep", expected: "approved" });
    expect(kept).toMatchObject({ ok: true, from: "approved", to: "approved" });
    expect(await state(comment.id)).toMatchObject({ status: "approved", open: 0, reports: 2 });
    expect((await reportedPage()).rows.map((r) => r.id)).not.toContain(comment.id);
    // The two old reports no longer count: two new ones do not hold it...
    for (const r of readers.slice(2, 4)) await report(comment.id, r);
    expect(await state(comment.id)).toMatchObject({ status: "approved", open: 2 });
    expect((await reportedPage()).rows.map((r) => r.id)).toContain(comment.id);
    // ...a third new one does.
    expect(await report(comment.id, readers[4]!)).toMatchObject({ ok: true, held: true });
    expect(await holdEvents(comment.id)).toEqual(["Reported by 3 readers"]);
    // Approved again from Pending: its reports close, and it is published.
    expect(await moderateComment(getDb(), moderator, { id: comment.id, action: "approve", expected: "pending" })).toMatchObject({ ok: true, to: "approved" });
    expect(await state(comment.id)).toMatchObject({ status: "approved", open: 0 });
    const history = await rows<{ type: string; message: string }>(getDb(), sql`select type, message from comment_events where comment_id = ${comment.id} order by id`);
    expect(history.filter((e) => e.type === "report")).toHaveLength(5);
    expect(history.filter((e) => e.type === "reports_closed").map((e) => e.message)).toEqual([
      `2 reports reviewed by ${moderator.name} (kept)`,
      `3 reports reviewed by ${moderator.name} (approved)`,
    ]);
  });

  it("lists the Reported queue most reported first, with every reason, note and reporter", async () => {
    const article = await createArticle();
    const [once, twice] = [await createComment(article.id), await createComment(article.id)];
    const [ada, bo] = [await createUser({ name: "Ada" }), await createUser({ name: "Bo" })];
    await reportComment({ commentId: once.id, userId: ada.id, userName: ada.name, reason: "off_topic", note: "", reportsToHold: 0 });
    await reportComment({ commentId: twice.id, userId: ada.id, userName: ada.name, reason: "abusive", note: "Name-calling in the second line", reportsToHold: 0 });
    await reportComment({ commentId: twice.id, userId: bo.id, userName: bo.name, reason: "spam", note: "", reportsToHold: 0 });
    const ids = (await reportedPage({ perPage: 500 })).rows.map((r) => r.id);
    expect(ids.indexOf(twice.id)).toBeLessThan(ids.indexOf(once.id));
    const reports = await openReportsOf([twice.id]);
    expect(reports.get(twice.id)?.map((r) => [r.reason, r.note, r.reporterName])).toEqual([
      ["abusive", "Name-calling in the second line", "Ada"],
      ["spam", "", "Bo"],
    ]);
  });

  it("refuses held comments, unpublished articles and the reader's own comment", async () => {
    const article = await createArticle();
    const reader = await createUser();
    const held = await createComment(article.id, { status: "pending" });
    const own = await createComment(article.id, { userId: reader.id });
    const draft = await createArticle({ status: "draft", publishedAt: null });
    const onDraft = await createComment(draft.id);
    expect(await report(held.id, reader)).toMatchObject({ ok: false, code: "not_found" });
    expect(await report(onDraft.id, reader)).toMatchObject({ ok: false, code: "not_found" });
    expect(await report(own.id, reader)).toMatchObject({ ok: false, code: "own" });
  });
});

describe("a report from a request", () => {
  it("sends a guest to sign in and back to the report form", async () => {
    const article = await createArticle();
    const comment = await createComment(article.id);
    expect(await reportFromRequest({ commentId: String(comment.id), reason: "abusive", note: "" })).toEqual({
      kind: "sign_in",
      location: `/login?callbackUrl=${encodeURIComponent(`/comments/${comment.id}/report`)}`,
    });
  });

  it("refuses suspended and banned accounts, and a missing reason or a long note, keeping what was typed", async () => {
    const article = await createArticle();
    const comment = await createComment(article.id);
    request.user = await createUser({ suspendedUntil: new Date(Date.now() + 3_600_000), suspensionMessage: "Cool down." });
    const suspended = await reportFromRequest({ commentId: String(comment.id), reason: "abusive", note: "x" });
    expect(suspended).toMatchObject({ kind: "refused", state: { message: expect.stringMatching(/^Your account is suspended until .+\. You cannot report comments until then\.$/) } });
    request.user = await createUser({ banned: true });
    expect(await reportFromRequest({ commentId: String(comment.id), reason: "abusive", note: "" })).toMatchObject({
      kind: "refused",
      state: { message: "Your account has been suspended, so you cannot report comments." },
    });
    request.user = await createUser();
    const noReason = await reportFromRequest({ commentId: String(comment.id), reason: null, note: "It insults another reader." });
    expect(noReason).toMatchObject({
      kind: "refused",
      state: { fieldErrors: { reason: "Choose why you are reporting this comment." }, values: { reason: "", note: "It insults another reader." } },
    });
    const long = await reportFromRequest({ commentId: String(comment.id), reason: "other", note: "x".repeat(501) });
    expect(long).toMatchObject({ kind: "refused", state: { fieldErrors: { note: "The note can be at most 500 characters." }, values: { reason: "other" } } });
    expect(await state(comment.id)).toMatchObject({ reports: 0 });
    // A suspension that has ended no longer stands in the way.
    request.user = await createUser({ suspendedUntil: new Date(Date.now() - 1000) });
    expect(await reportFromRequest({ commentId: String(comment.id), reason: "other", note: "" })).toMatchObject({ kind: "done" });
  });

  it("keeps an account to reportsPerHour, however many reports arrive at once", async () => {
    await updateSettings({ reportsPerHour: 5 });
    const article = await createArticle();
    const comments = await Promise.all(Array.from({ length: 20 }, () => createComment(article.id)));
    request.user = await createUser();
    const results = await Promise.all(comments.map((c) => reportFromRequest({ commentId: String(c.id), reason: "spam", note: "" })));
    expect(results.filter((r) => r.kind === "done")).toHaveLength(5);
    const refused = results.filter((r) => r.kind === "refused");
    expect(refused).toHaveLength(15);
    expect(refused.every((r) => r.kind === "refused" && /^You have sent 5 reports in the last hour\./.test(r.state.message))).toBe(true);
  });
});
