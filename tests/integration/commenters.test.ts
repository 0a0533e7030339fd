/**
 * Commenters (lib/community/commenters.ts, lib/community/standing.ts): a
 * suspended account is refused on every path (posting through the form's
 * pipeline and the JSON API, editing its own comment through the action and
 * the API, reporting, respecting) with "Your account is suspended until
 * <date and time>.", and nothing is stored; a suspension ends by itself or is
 * lifted early; who may suspend, ban or pre-moderate whom; suspending and
 * banning delete nothing; "Always pre-moderate" for an account and a guest
 * address, with its history; moderators' notes; the history written by role
 * changes and bans; the commenter page's counts and 7-day rejected share.
 *
 * Akismet is not configured in this file: a reader's comment that no rule
 * holds is approved on the local defences; a guest's waits for a moderator
 * ("Held: Akismet is not configured, …") unless a hold rule says why.
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
const ownRoute = await import("@/app/api/articles/[slug]/comments/[id]/route");
const { postCommentFromRequest } = await import("@/lib/comments/post");
const { editOwnCommentFromRequest } = await import("@/lib/comments/own-request");
const { respectFromRequest } = await import("@/lib/comments/respect-request");
const { reportFromRequest } = await import("@/lib/community/report-request");
const { issueFormToken } = await import("@/lib/comments/form-token");
const { OWN_COMMENTS_COOKIE, writeOwnCommentIds } = await import("@/lib/comments/ownership");
const {
  addCommenterNote,
  banCommenter,
  commenterHistory,
  commenterNotesOf,
  commenterProfile,
  deleteCommenterNote,
  liftSuspension,
  setPremoderated,
  suspendAccount,
} = await import("@/lib/community/commenters");
const { standingOf, suspendedUntilText, SUSPENSION_CHOICES } = await import("@/lib/community/standing");
const { changeRole, getAccountById, setBanned } = await import("@/lib/auth/users");
const { formatDateTime } = await import("@/lib/dates");
const { getDb, row, rows, sql } = await import("@/lib/db");
const { updateSettings } = await import("@/lib/settings");
const { getComment, postComment } = await import("../support/comments");
const { createArticle, createComment, createUser } = await import("../support/factories");

type UserRow = Awaited<ReturnType<typeof createUser>>;
type Subject = { kind: "account"; userId: number } | { kind: "guest"; email: string };

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const PREMODERATED = "Held: this commenter is always pre-moderated";
const GUEST_WITHOUT_AKISMET = "Held: Akismet is not configured, guest comments wait for a moderator";

const actorOf = (u: UserRow) => ({ id: u.id, name: u.name, role: u.role });
const account = (u: { id: number }): Subject => ({ kind: "account", userId: u.id });

async function count(query: ReturnType<typeof sql>): Promise<number> {
  const found = await row<{ n: number | string }>(getDb(), query);
  return Number(found?.n ?? 0);
}

/** The commenter_events rows of an account or a guest address, oldest first. */
async function eventsOf(subject: Subject) {
  const where = subject.kind === "account" ? sql`user_id = ${subject.userId}` : sql`email = ${subject.email}`;
  const found = await rows<{ type: string; actorId: number | string | null; message: string; userId: number | string | null; email: string | null }>(
    getDb(),
    sql`select type, actor_id as "actorId", message, user_id as "userId", email from commenter_events where ${where} order by id`,
  );
  return found.map((e) => ({ ...e, actorId: e.actorId === null ? null : Number(e.actorId), userId: e.userId === null ? null : Number(e.userId) }));
}

/** The account as a signed-in request sees it (fresh from the database). */
async function signIn(userId: number) {
  const fresh = await getAccountById(userId);
  if (!fresh) throw new Error(`no account ${userId}`);
  request.user = fresh as unknown as Record<string, unknown>;
  return fresh;
}

const formFor = (article: { id: number }, content: string) => ({ content, formToken: issueFormToken(article.id, Date.now() - 30_000) });

const apiPost = (slug: string, body: unknown) =>
  route.POST(
    new Request(`http://localhost:3000/api/articles/${slug}/comments`, {
      method: "POST",
      headers: { origin: "http://localhost:3000", "content-type": "application/json" },
      body: JSON.stringify(body),
    }),
    { params: Promise.resolve({ slug }) },
  );

const apiPatch = (slug: string, id: number, body: unknown) =>
  ownRoute.PATCH(
    new Request(`http://localhost:3000/api/articles/${slug}/comments/${id}`, {
      method: "PATCH",
      headers: { origin: "http://localhost:3000", "content-type": "application/json" },
      body: JSON.stringify(body),
    }),
    { params: Promise.resolve({ slug, id: String(id) }) },
  );

const commentsOfUser = (userId: number) => count(sql`select count(*) as n from comments where user_id = ${userId}`);

beforeEach(async () => {
  resetRequest();
  await updateSettings({ floodSeconds: 0, minSubmitSeconds: 3, trustMinApproved: 0, trustRejectedHold: false, holdFirstTime: false, commentEditMinutes: 10, reportsPerHour: 20 });
});

describe("a suspended account is refused on every path", () => {
  it("posting (the form's pipeline and the JSON API's 403), editing (action and API), reporting and respecting, storing nothing", async () => {
    const article = await createArticle();
    const moderator = await createUser({ role: "moderator" });
    const reader = await createUser({ name: "Sue Spended" });
    const other = await createComment(article.id, { content: "Someone else's words." });
    const own = await createComment(article.id, { userId: reader.id, authorEmail: reader.email, content: "My words before the suspension.", createdAt: new Date() });
    const now = new Date();
    const suspended = await suspendAccount(actorOf(moderator), reader.id, "24h", "Cool down, please.", now);
    const until = new Date(now.getTime() + DAY);
    expect(suspended).toEqual({ ok: true, code: "suspended", message: `Sue Spended is suspended until ${formatDateTime(until)}.` });
    const fresh = await signIn(reader.id);
    expect(fresh.suspendedUntil?.getTime()).toBe(until.getTime());
    expect(fresh.suspensionMessage).toBe("Cool down, please.");

    // The contract's words, with the date and time the suspension ends.
    const words = `Your account is suspended until ${formatDateTime(until)}.`;
    expect(suspendedUntilText(until)).toBe(words);
    // A date (with its year) and a time of day, whatever the format.
    expect(words).toMatch(/^Your account is suspended until \S.*\b2\d{3}\b.*\b\d{1,2}:\d\d\b.*\.$/);
    const startsWithWords = (message: string) => expect(message.slice(0, words.length)).toBe(words);

    const before = {
      comments: await count(sql`select count(*) as n from comments`),
      reports: await count(sql`select count(*) as n from comment_reports`),
      respects: await count(sql`select count(*) as n from comment_respects`),
    };

    // Posting, through the form's pipeline...
    const posted = await postCommentFromRequest(article.slug, formFor(article, "Posted while suspended."));
    expect(posted).toMatchObject({ result: { ok: false, kind: "refused", code: "suspended" }, location: null });
    if (posted.result.ok || posted.result.kind !== "refused") throw new Error("not refused");
    startsWithWords(posted.result.message);
    expect(posted.result.message).toBe(`${words} You cannot comment until then.`);
    expect(request.cookies.has(OWN_COMMENTS_COOKIE)).toBe(false);
    // ...and the JSON API.
    const api = await apiPost(article.slug, formFor(article, "Posted through the API while suspended."));
    expect(api.status).toBe(403);
    const apiBody = (await api.json()) as { error: string };
    startsWithWords(apiBody.error);

    // Editing their own comment, through the action and the API.
    request.cookies.set(OWN_COMMENTS_COOKIE, writeOwnCommentIds([own.id]));
    const edited = await editOwnCommentFromRequest({ commentId: String(own.id), content: "Edited while suspended.", version: "0", articleSlug: article.slug }, { kind: "article" });
    expect(edited).toMatchObject({ result: { ok: false }, location: null });
    if (edited.result.ok) throw new Error("not refused");
    startsWithWords(edited.result.message);
    const patched = await apiPatch(article.slug, own.id, { content: "Edited through the API while suspended.", version: 0 });
    expect(patched.status).toBe(403);
    startsWithWords(((await patched.json()) as { error: string }).error);

    // Reporting.
    const reported = await reportFromRequest({ commentId: String(other.id), reason: "abusive", note: "Rude." });
    expect(reported).toMatchObject({ kind: "refused" });
    if (reported.kind !== "refused") throw new Error("not refused");
    startsWithWords(reported.state.message);
    expect(reported.state.message).toBe(`${words} You cannot report comments until then.`);

    // Respecting.
    const respected = await respectFromRequest({ commentId: String(other.id), intent: "respect", returnTo: `/articles/${article.slug}` });
    expect(respected).toMatchObject({ kind: "refused", commentId: other.id });
    if (respected.kind !== "refused") throw new Error("not refused");
    startsWithWords(respected.message);

    // Nothing stored by any of them.
    expect(await count(sql`select count(*) as n from comments`)).toBe(before.comments);
    expect(await count(sql`select count(*) as n from comment_reports`)).toBe(before.reports);
    expect(await count(sql`select count(*) as n from comment_respects`)).toBe(before.respects);
    expect(await getComment(own.id)).toMatchObject({ content: "My words before the suspension.", editedAt: null });
    expect(await count(sql`select count(*) as n from comment_events where comment_id = ${own.id} and type = 'edited'`)).toBe(0);
    expect(await getComment(other.id)).toMatchObject({ respectCount: 0, openReportCount: 0 });

    // The same requests from an account in good standing go through (the refusals above were the suspension's).
    const reader2 = await createUser();
    await signIn(reader2.id);
    expect((await postCommentFromRequest(article.slug, formFor(article, "Posted in good standing."))).result).toMatchObject({ ok: true, status: "approved" });
    expect(await respectFromRequest({ commentId: String(other.id), intent: "respect", returnTo: "/" })).toMatchObject({ kind: "done", count: 1 });
    expect(await reportFromRequest({ commentId: String(other.id), reason: "other", note: "" })).toMatchObject({ kind: "done" });
  });
});

describe("a suspension ends", () => {
  it("by itself: one that has run its length no longer stands in the way, and lifting it is refused", async () => {
    const article = await createArticle();
    const moderator = await createUser({ role: "moderator" });
    const reader = await createUser();
    // Suspended for 1 hour two hours ago: over an hour since.
    const then = new Date(Date.now() - 2 * HOUR);
    expect(await suspendAccount(actorOf(moderator), reader.id, "1h", "", then)).toMatchObject({ ok: true, code: "suspended" });
    const fresh = await signIn(reader.id);
    expect(fresh.suspendedUntil?.getTime()).toBe(then.getTime() + HOUR);
    expect(standingOf(fresh)).toEqual({ kind: "active" });
    const posted = await postCommentFromRequest(article.slug, formFor(article, "Back after the hour."));
    expect(posted.result).toMatchObject({ ok: true, status: "approved" });
    expect(await liftSuspension(actorOf(moderator), reader.id)).toEqual({ ok: false, code: "not_suspended", message: `${reader.name} is not suspended.` });
    expect((await eventsOf(account(reader))).map((e) => e.type)).toEqual(["suspended"]);

    // A suspended_until set in the past, however it got there, is over too.
    const other = await createUser({ suspendedUntil: new Date(Date.now() - 1000), suspensionMessage: "Old news." });
    await signIn(other.id);
    expect((await postCommentFromRequest(article.slug, formFor(article, "Also back."))).result).toMatchObject({ ok: true });
  });

  it("early, when a moderator lifts it: the account posts again, and the history has both with the actor", async () => {
    const article = await createArticle();
    const moderator = await createUser({ role: "moderator", name: "Mo Derator" });
    const reader = await createUser();
    const now = new Date();
    expect(await suspendAccount(actorOf(moderator), reader.id, "7d", "A week off.", now)).toMatchObject({ ok: true });
    await signIn(reader.id);
    expect((await postCommentFromRequest(article.slug, formFor(article, "Still suspended."))).result).toMatchObject({ ok: false, code: "suspended" });

    expect(await liftSuspension(actorOf(moderator), reader.id)).toEqual({ ok: true, code: "lifted", message: `${reader.name}'s suspension is lifted.` });
    const lifted = await signIn(reader.id);
    expect(lifted).toMatchObject({ suspendedUntil: null, suspensionMessage: "" });
    expect((await postCommentFromRequest(article.slug, formFor(article, "Lifted, so I post."))).result).toMatchObject({ ok: true, status: "approved" });
    // Not suspended any more: lifting again is refused, and writes nothing.
    expect(await liftSuspension(actorOf(moderator), reader.id)).toMatchObject({ ok: false, code: "not_suspended" });

    const events = await eventsOf(account(reader));
    expect(events.map((e) => [e.type, e.actorId])).toEqual([
      ["suspended", moderator.id],
      ["suspension_lifted", moderator.id],
    ]);
    expect(events[0]!.message).toBe(`Suspended for 7 days, until ${formatDateTime(new Date(now.getTime() + 7 * DAY))}: “A week off.”`);
    const history = await commenterHistory(account(reader));
    expect(history.map((h) => [h.type, h.actorName])).toEqual([
      ["suspension_lifted", "Mo Derator"],
      ["suspended", "Mo Derator"],
    ]);
  });
});

describe("who may suspend, ban and pre-moderate whom", () => {
  it("offers 1 hour, 3 hours, 24 hours and 7 days, and refuses any other length, storing nothing", async () => {
    const moderator = await createUser({ role: "moderator" });
    const now = new Date(Date.UTC(2026, 11, 6, 20, 40));
    expect(SUSPENSION_CHOICES.map((c) => c.value)).toEqual(["1h", "3h", "24h", "7d"]);
    for (const [choice, ms] of [["1h", HOUR], ["3h", 3 * HOUR], ["24h", DAY], ["7d", 7 * DAY]] as const) {
      const reader = await createUser();
      expect(await suspendAccount(actorOf(moderator), reader.id, choice, "", now)).toMatchObject({ ok: true, code: "suspended" });
      expect((await getAccountById(reader.id))?.suspendedUntil?.getTime()).toBe(now.getTime() + ms);
    }
    const reader = await createUser();
    for (const bad of ["2h", "1d", "30d", "", "forever", "1H"]) {
      expect(await suspendAccount(actorOf(moderator), reader.id, bad as never, "", now)).toEqual({
        ok: false,
        code: "choose_length",
        message: "Choose how long the suspension lasts.",
      });
    }
    expect(await getAccountById(reader.id)).toMatchObject({ suspendedUntil: null });
    expect(await eventsOf(account(reader))).toEqual([]);
  });

  it("keeps the message to 500 characters (after trimming), and stores it trimmed", async () => {
    const moderator = await createUser({ role: "moderator" });
    const reader = await createUser();
    expect(await suspendAccount(actorOf(moderator), reader.id, "1h", "x".repeat(501))).toEqual({
      ok: false,
      code: "message_long",
      message: "The message can be at most 500 characters.",
    });
    expect(await getAccountById(reader.id)).toMatchObject({ suspendedUntil: null });
    expect(await eventsOf(account(reader))).toEqual([]);
    const exactly = "y".repeat(500);
    expect(await suspendAccount(actorOf(moderator), reader.id, "1h", `  ${exactly}\n `)).toMatchObject({ ok: true });
    expect(await getAccountById(reader.id)).toMatchObject({ suspensionMessage: exactly });
  });

  it("lets a moderator act on readers only, an admin on staff too, and nobody on their own account", async () => {
    const moderator = await createUser({ role: "moderator" });
    const admin = await createUser({ role: "admin" });
    const staff = await Promise.all((["editor", "moderator", "admin"] as const).map((role) => createUser({ role })));
    const staffRefusal = { ok: false, code: "staff", message: "Staff accounts are managed by an admin on /admin/users." };
    for (const target of staff) {
      expect(await suspendAccount(actorOf(moderator), target.id, "1h", "")).toEqual(staffRefusal);
      expect(await banCommenter(actorOf(moderator), target.id, true)).toEqual(staffRefusal);
      expect(await setPremoderated(actorOf(moderator), account(target), true)).toEqual(staffRefusal);
      expect(await getAccountById(target.id)).toMatchObject({ suspendedUntil: null, banned: false, premoderate: false });
      expect(await eventsOf(account(target))).toEqual([]);
    }
    // An admin can.
    const [editor, otherModerator, otherAdmin] = staff;
    expect(await suspendAccount(actorOf(admin), editor!.id, "3h", "")).toMatchObject({ ok: true, code: "suspended" });
    expect(await banCommenter(actorOf(admin), otherModerator!.id, true)).toMatchObject({ ok: true, code: "banned" });
    // Pre-moderation never applies to staff (their comments are approved before any hold rule): refused, even for an admin.
    expect(await setPremoderated(actorOf(admin), account(otherAdmin!), true)).toMatchObject({ ok: false, code: "staff_trusted" });
    expect(await getAccountById(editor!.id)).toMatchObject({ suspendedUntil: expect.any(Date) });
    expect(await getAccountById(otherModerator!.id)).toMatchObject({ banned: true });
    expect(await getAccountById(otherAdmin!.id)).toMatchObject({ premoderate: false });

    // Nobody on their own account, admin or moderator.
    const self = { ok: false, code: "self", message: "You cannot do this to your own account." };
    for (const actor of [moderator, admin]) {
      expect(await suspendAccount(actorOf(actor), actor.id, "1h", "")).toEqual(self);
      expect(await liftSuspension(actorOf(actor), actor.id)).toEqual(self);
      expect(await banCommenter(actorOf(actor), actor.id, true)).toEqual(self);
      expect(await setPremoderated(actorOf(actor), account(actor), true)).toEqual(self);
      expect(await getAccountById(actor.id)).toMatchObject({ suspendedUntil: null, banned: false, premoderate: false });
      expect(await eventsOf(account(actor))).toEqual([]);
    }
    // An account that is gone.
    expect(await suspendAccount(actorOf(admin), 999_999, "1h", "")).toMatchObject({ ok: false, code: "gone" });
  });

  it("suspending and banning delete nothing: the account's comments stay, each with its status", async () => {
    const article = await createArticle();
    const moderator = await createUser({ role: "moderator" });
    const reader = await createUser();
    const statuses = ["approved", "approved", "pending", "spam", "trash"] as const;
    const ids = [];
    for (const status of statuses) ids.push((await createComment(article.id, { userId: reader.id, authorEmail: reader.email, status })).id);
    const total = await count(sql`select count(*) as n from comments`);
    const statusesNow = async () => (await rows<{ status: string }>(getDb(), sql`select status from comments where user_id = ${reader.id} order by id`)).map((r) => r.status);

    expect(await suspendAccount(actorOf(moderator), reader.id, "7d", "")).toMatchObject({ ok: true });
    expect(await commentsOfUser(reader.id)).toBe(5);
    expect(await banCommenter(actorOf(moderator), reader.id, true)).toMatchObject({ ok: true, code: "banned" });
    expect(await commentsOfUser(reader.id)).toBe(5);
    expect(await statusesNow()).toEqual([...statuses]);
    expect(await count(sql`select count(*) as n from comments`)).toBe(total);
    expect((await commenterProfile(account(reader)))?.counts).toEqual({ approved: 2, pending: 1, spam: 1, trash: 1 });
    expect((await eventsOf(account(reader))).map((e) => [e.type, e.actorId])).toEqual([
      ["suspended", moderator.id],
      ["banned", moderator.id],
    ]);
    // Unbanned: still all there.
    expect(await banCommenter(actorOf(moderator), reader.id, false)).toMatchObject({ ok: true, code: "unbanned" });
    expect(await statusesNow()).toEqual([...statuses]);
  });

  it("refuses a suspension message with a NUL character, as every other free-text field does, instead of a database error on PostgreSQL", async () => {
    // Found while writing this file (SQLite stored it, PostgreSQL threw "invalid byte
    // sequence for encoding UTF8: 0x00"): now refused, as notes, reports and the
    // article's message are (lib/text/storable.ts, tests/integration/nul-input.test.ts).
    const moderator = await createUser({ role: "moderator" });
    const reader = await createUser();
    expect(await suspendAccount(actorOf(moderator), reader.id, "1h", "Cool\u0000 down")).toMatchObject({ ok: false, message: expect.stringContaining("cannot be stored") });
    expect(await getAccountById(reader.id)).toMatchObject({ suspendedUntil: null, suspensionMessage: "" });
    expect(await eventsOf(account(reader))).toEqual([]);
  });
});

describe("Always pre-moderate", () => {
  it("holds every new comment of an account with that reason until undone; each change is one history row with the actor", async () => {
    const article = await createArticle();
    const moderator = await createUser({ role: "moderator" });
    const reader = await createUser();
    // The account has approved comments: nothing else would hold it.
    await createComment(article.id, { userId: reader.id, authorEmail: reader.email, status: "approved" });
    const user = { id: reader.id, name: reader.name, email: reader.email, role: reader.role };

    expect(await setPremoderated(actorOf(moderator), account(reader), true)).toEqual({
      ok: true,
      code: "premoderated",
      message: "Every new comment from this commenter is held for moderation.",
    });
    expect(await getAccountById(reader.id)).toMatchObject({ premoderate: true });
    expect((await commenterProfile(account(reader)))?.premoderated).toBe(true);
    // Again: no change, no second row.
    expect(await setPremoderated(actorOf(moderator), account(reader), true)).toMatchObject({ ok: true });
    for (const content of ["First while pre-moderated.", "Second while pre-moderated."]) {
      const r = await postComment(article, { content }, { user });
      expect(r).toMatchObject({ ok: true, status: "pending" });
      if (r.ok) expect(await getComment(r.commentId)).toMatchObject({ status: "pending", statusReason: PREMODERATED });
    }
    // Through the request too (the form and the API use it).
    await signIn(reader.id);
    const viaRequest = await postCommentFromRequest(article.slug, formFor(article, "Third while pre-moderated."));
    expect(viaRequest.result).toMatchObject({ ok: true, status: "pending" });
    if (viaRequest.result.ok) expect((await getComment(viaRequest.result.commentId)).statusReason).toBe(PREMODERATED);

    expect(await setPremoderated(actorOf(moderator), account(reader), false)).toEqual({
      ok: true,
      code: "unpremoderated",
      message: "This commenter's comments are no longer pre-moderated.",
    });
    expect(await setPremoderated(actorOf(moderator), account(reader), false)).toMatchObject({ ok: true });
    expect(await getAccountById(reader.id)).toMatchObject({ premoderate: false });
    const after = await postComment(article, { content: "After the undo." }, { user });
    expect(after).toMatchObject({ ok: true, status: "approved" });

    const events = await eventsOf(account(reader));
    expect(events.map((e) => [e.type, e.actorId, e.message])).toEqual([
      ["premoderated", moderator.id, "Always pre-moderate: every new comment is held"],
      ["premoderation_lifted", moderator.id, "No longer pre-moderated"],
    ]);
  });

  it("holds every new comment from a guest address, whatever its case, with that reason until undone", async () => {
    const article = await createArticle();
    const moderator = await createUser({ role: "moderator" });
    const email = "pat.guest@example.com";
    const guest = { kind: "guest" as const, email };

    expect(await setPremoderated(actorOf(moderator), guest, true)).toMatchObject({ ok: true, code: "premoderated" });
    expect(await setPremoderated(actorOf(moderator), guest, true)).toMatchObject({ ok: true });
    expect(await count(sql`select count(*) as n from premoderated_addresses where email = ${email}`)).toBe(1);
    // A guest address with no comment yet has a page, because it is pre-moderated.
    expect(await commenterProfile(guest)).toMatchObject({ premoderated: true, total: 0, account: null });

    for (const typed of [email, "Pat.Guest@EXAMPLE.com"]) {
      const r = await postComment(article, { name: "Pat", email: typed });
      expect(r).toMatchObject({ ok: true, status: "pending" });
      if (r.ok) expect(await getComment(r.commentId)).toMatchObject({ authorEmail: email, statusReason: PREMODERATED });
    }
    // Another guest is not.
    const other = await postComment(article, { name: "Quinn", email: "quinn@example.com" });
    if (other.ok) expect((await getComment(other.commentId)).statusReason).toBe(GUEST_WITHOUT_AKISMET);

    expect(await setPremoderated(actorOf(moderator), guest, false)).toMatchObject({ ok: true, code: "unpremoderated" });
    expect(await setPremoderated(actorOf(moderator), guest, false)).toMatchObject({ ok: true });
    expect(await count(sql`select count(*) as n from premoderated_addresses where email = ${email}`)).toBe(0);
    const after = await postComment(article, { name: "Pat", email });
    if (!after.ok) throw new Error("refused");
    expect((await getComment(after.commentId)).statusReason).toBe(GUEST_WITHOUT_AKISMET);
    expect((await commenterProfile(guest))?.premoderated).toBe(false);

    const events = await eventsOf(guest);
    expect(events.map((e) => [e.type, e.actorId, e.userId, e.email])).toEqual([
      ["premoderated", moderator.id, null, email],
      ["premoderation_lifted", moderator.id, null, email],
    ]);
    expect((await commenterHistory(guest)).map((h) => [h.type, h.actorName])).toEqual([
      ["premoderation_lifted", moderator.name],
      ["premoderated", moderator.name],
    ]);
  });
});

describe("moderators' notes", () => {
  it("are added trimmed (at most 2,000 characters, never empty), listed newest first with their author, and deleted only from their own subject", async () => {
    const moderator = await createUser({ role: "moderator", name: "Nora Notes" });
    const admin = await createUser({ role: "admin", name: "Ada Admin" });
    const reader = await createUser();
    const subject = account(reader);
    const guest = { kind: "guest" as const, email: "noted.guest@example.com" };
    const t = (minute: number) => new Date(Date.UTC(2026, 0, 1, 12, minute));

    expect(await addCommenterNote(actorOf(moderator), subject, "   \n\t ", t(0))).toEqual({ ok: false, code: "note_empty", message: "Write the note first." });
    expect(await addCommenterNote(actorOf(moderator), subject, "n".repeat(2001), t(0))).toEqual({
      ok: false,
      code: "note_long",
      message: "A note can be at most 2000 characters.",
    });
    expect(await commenterNotesOf(subject)).toEqual([]);

    expect(await addCommenterNote(actorOf(moderator), subject, "  Warned once about insults.  \n", t(1))).toEqual({ ok: true, code: "note_added", message: "Note added." });
    expect(await addCommenterNote(actorOf(admin), subject, ` ${"m".repeat(2000)} `, t(2))).toMatchObject({ ok: true });
    expect(await addCommenterNote(actorOf(admin), subject, "Second warning.", t(3))).toMatchObject({ ok: true });
    expect(await addCommenterNote(actorOf(moderator), guest, "A guest's note.", t(4))).toMatchObject({ ok: true });

    const notes = await commenterNotesOf(subject);
    expect(notes.map((n) => [n.body, n.authorName, n.createdAt.getTime()])).toEqual([
      ["Second warning.", "Ada Admin", t(3).getTime()],
      ["m".repeat(2000), "Ada Admin", t(2).getTime()],
      ["Warned once about insults.", "Nora Notes", t(1).getTime()],
    ]);
    const guestNotes = await commenterNotesOf(guest);
    expect(guestNotes.map((n) => [n.body, n.authorName])).toEqual([["A guest's note.", "Nora Notes"]]);

    // A note is deleted only through its own subject's page.
    expect(await deleteCommenterNote(subject, guestNotes[0]!.id)).toEqual({ ok: false, code: "note_gone", message: "That note no longer exists." });
    expect(await deleteCommenterNote(account(admin), notes[0]!.id)).toMatchObject({ ok: false, code: "note_gone" });
    expect(await commenterNotesOf(guest)).toHaveLength(1);
    expect(await deleteCommenterNote(subject, notes[0]!.id)).toEqual({ ok: true, code: "note_deleted", message: "Note deleted." });
    expect(await deleteCommenterNote(subject, notes[0]!.id)).toMatchObject({ ok: false, code: "note_gone" });
    expect((await commenterNotesOf(subject)).map((n) => n.body)).toEqual(["m".repeat(2000), "Warned once about insults."]);
    expect(await deleteCommenterNote(guest, guestNotes[0]!.id)).toMatchObject({ ok: true });
    expect(await commenterNotesOf(guest)).toEqual([]);
  });
});

describe("a commenter's history and counts", () => {
  it("records role changes, bans and unbans made on /admin/users, with the actor, once per change", async () => {
    const admin = await createUser({ role: "admin", name: "Alex Admin" });
    const reader = await createUser();
    expect(await changeRole(admin.id, reader.id, "editor")).toMatchObject({ ok: true });
    // The same role again changes nothing and writes nothing.
    expect(await changeRole(admin.id, reader.id, "editor")).toMatchObject({ ok: true });
    expect(await changeRole(admin.id, reader.id, "reader")).toMatchObject({ ok: true });
    expect(await setBanned(admin.id, reader.id, true)).toMatchObject({ ok: true });
    expect(await setBanned(admin.id, reader.id, true)).toMatchObject({ ok: true });
    expect(await setBanned(admin.id, reader.id, false)).toMatchObject({ ok: true });
    // Refused changes write nothing either.
    expect(await changeRole(reader.id, reader.id, "admin")).toMatchObject({ ok: false });

    expect((await eventsOf(account(reader))).map((e) => [e.type, e.actorId, e.message])).toEqual([
      ["role_changed", admin.id, "Role changed from reader to editor"],
      ["role_changed", admin.id, "Role changed from editor to reader"],
      ["banned", admin.id, "Banned"],
      ["unbanned", admin.id, "Ban lifted"],
    ]);
    const history = await commenterHistory(account(reader));
    expect(history.map((h) => h.type)).toEqual(["unbanned", "banned", "role_changed", "role_changed"]);
    expect(history.every((h) => h.actorName === "Alex Admin")).toBe(true);
  });

  it("counts an account's comments per status and the share rejected in the last 7 days", async () => {
    const article = await createArticle();
    const reader = await createUser();
    const now = new Date();
    const ago = (days: number) => new Date(now.getTime() - days * DAY);
    const mine = (status: "approved" | "pending" | "spam" | "trash", at: Date) =>
      createComment(article.id, { userId: reader.id, authorEmail: reader.email, status, createdAt: at });
    // Within the last 7 days: 3 approved, 1 pending, 1 spam, 1 trash (2 of 6 rejected).
    for (const at of [ago(0.1), ago(2), ago(6.9)]) await mine("approved", at);
    await mine("pending", ago(1));
    await mine("spam", ago(3));
    await mine("trash", ago(6.5));
    // Older: counted per status, not in the 7 days.
    await mine("spam", ago(7.1));
    await mine("spam", ago(30));
    await mine("approved", ago(60));
    // Someone else's, under another account, on the same article.
    await createComment(article.id, { status: "spam", createdAt: ago(1) });

    const profile = await commenterProfile(account(reader), now);
    expect(profile).toMatchObject({
      name: reader.name,
      email: reader.email,
      account: { role: "reader", banned: false, standing: { kind: "active" } },
      premoderated: false,
      counts: { approved: 4, pending: 1, spam: 3, trash: 1 },
      total: 9,
      recent: { total: 6, rejected: 2, days: 7 },
    });
    expect(await commenterProfile(account({ id: 999_999 }), now)).toBeNull();
  });

  it("counts a guest email's comments, from any address, and names the guest as they signed last", async () => {
    const article = await createArticle();
    const email = "gale.guest@example.com";
    const now = new Date();
    const ago = (days: number) => new Date(now.getTime() - days * DAY);
    const theirs = (status: "approved" | "pending" | "spam" | "trash", at: Date, name = "Gale", ip = "198.51.100.20") =>
      createComment(article.id, { authorEmail: email, authorName: name, status, createdAt: at, ip, ipKey: ip });
    await theirs("approved", ago(10), "Gale (old name)");
    await theirs("spam", ago(5), "Gale", "203.0.113.5");
    await theirs("spam", ago(4));
    await theirs("approved", ago(3));
    await theirs("trash", ago(8));
    await theirs("pending", ago(0.5), "Gale G.");
    await createComment(article.id, { authorEmail: "someone.else@example.com", status: "spam", createdAt: ago(1) });

    const profile = await commenterProfile({ kind: "guest", email }, now);
    expect(profile).toMatchObject({
      name: "Gale G.",
      email,
      account: null,
      premoderated: false,
      counts: { approved: 2, pending: 1, spam: 2, trash: 1 },
      total: 6,
      recent: { total: 4, rejected: 2, days: 7 },
    });
    expect(await commenterProfile({ kind: "guest", email: "nobody.here@example.com" }, now)).toBeNull();
  });
});
