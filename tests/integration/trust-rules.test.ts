/**
 * The trust rules (/moderation/settings; lib/spam/verdict.ts trustHolds, the
 * record gathered by lib/comments/lookups.ts commenterRecord), through the
 * real pipeline (submitComment, and postCommentFromRequest for the
 * own-comments cookie), with the project's local Akismet server answering
 * "not spam" so that a comment no rule holds is approved:
 *
 * - `trustMinApproved` N: a commenter with fewer than N approved comments is
 *   held ("Held: first comment from this author" for N = 1, else "Held: K
 *   approved comments before (fewer than N)"); with N, not.
 * - `trustRejectedHold` with P% and D days: a commenter whose comments of the
 *   last D days were rejected (spam or trash) at least P% of the time is held
 *   ("Held: R of T comments in the last D days rejected (at least P%)");
 *   older comments do not count.
 * - Editors, moderators and admins are never held by them.
 * - The legacy `holdFirstTime` setting still acts as trustMinApproved 1.
 *
 * Whose record: an account's is its own comments. A guest's is the comments
 * under the same email address (compared in lower case) AND from the same
 * network (the address key: an IPv4 address, or an IPv6 /64) OR listed in
 * this browser's own-comments cookie (SubmitContext.ownCommentIds). So the
 * same email typed from another network, without that cookie, inherits
 * nobody's approved comments (an address is easy to know, and typing it must
 * not earn its owner's trust); and neither the network alone nor a cookie
 * naming someone else's comment counts.
 */
import { beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("next/headers", () => import("../support/next-request"));
vi.mock("@/lib/auth/session", async () => (await import("../support/next-request")).sessionModule);
vi.mock("next/cache", () => ({
  unstable_cache: <T,>(fn: () => Promise<T>) => fn,
  revalidateTag: () => undefined,
}));

const { request, resetRequest } = await import("../support/next-request");
const { postCommentFromRequest } = await import("@/lib/comments/post");
const { issueFormToken } = await import("@/lib/comments/form-token");
const { OWN_COMMENTS_COOKIE } = await import("@/lib/comments/ownership");
const { execute, getDb, sql } = await import("@/lib/db");
const { getSettings, updateSettings } = await import("@/lib/settings");
const { updateAkismetStatus } = await import("@/lib/spam/status");
const { addressLimitKey } = await import("@/lib/http/address-key");
const { useLocalAkismet } = await import("../support/akismet");
const { getComment, historyOf, postComment } = await import("../support/comments");
const { createArticle, createComment, createUser } = await import("../support/factories");

const akismet = useLocalAkismet();

type UserRow = Awaited<ReturnType<typeof createUser>>;
type Status = "approved" | "pending" | "spam" | "trash";
type Posted = Awaited<ReturnType<typeof postComment>>;

const DAY = 24 * 3_600_000;
const FIRST = "Held: first comment from this author";
const HAM = "Akismet: not spam";

const userCtx = (u: UserRow) => ({ user: { id: u.id, name: u.name, email: u.email, role: u.role } });

/** The stored comment of a post that was accepted. */
async function stored(result: Posted) {
  if (!result.ok) throw new Error(`refused: ${JSON.stringify(result)}`);
  return getComment(result.commentId);
}

/** The defence events (hold rules) in a comment's history: [message, rule]. */
async function defences(commentId: number) {
  return (await historyOf(commentId)).filter((e) => e.type === "defence").map((e) => [e.message, (e.detail as { rule?: string } | null)?.rule]);
}

/** An account's earlier comments, in the given statuses, created at the given times (default: an hour ago). */
async function accountHistory(articleId: number, reader: UserRow, entries: Array<[Status, Date?]>) {
  for (const [status, at] of entries) {
    await createComment(articleId, { userId: reader.id, authorEmail: reader.email, status, createdAt: at ?? new Date(Date.now() - 3_600_000) });
  }
}

const many = (n: number, status: Status, at?: Date): Array<[Status, Date?]> => Array.from({ length: n }, () => [status, at]);
const daysAgo = (days: number) => new Date(Date.now() - days * DAY);

beforeEach(async () => {
  resetRequest();
  await updateSettings({
    floodSeconds: 0,
    minSubmitSeconds: 3,
    linkLimit: 2,
    holdWords: [],
    blockWords: [],
    blockEmails: [],
    blockIps: [],
    akismetTimeoutMs: 2_000,
    holdFirstTime: false,
    trustMinApproved: 0,
    trustRejectedHold: false,
    trustRejectedPercent: 30,
    trustRejectedDays: 7,
  });
  await updateAkismetStatus({ pausedUntil: null });
  await execute(getDb(), sql`update comments set spam_check_state = 'skipped', next_spam_check_at = null where spam_check_state = 'not_checked'`);
});

describe("trustMinApproved: hold commenters with fewer than N approved comments", () => {
  const reasons: Record<number, string> = {
    1: FIRST,
    2: "Held: 1 approved comment before (fewer than 2)",
    3: "Held: 2 approved comments before (fewer than 3)",
  };
  for (const n of [1, 2, 3]) {
    it(`N = ${n}: held with ${n - 1} approved (other statuses do not count), not held with ${n}`, async () => {
      await updateSettings({ trustMinApproved: n });
      const article = await createArticle();
      const reader = await createUser();
      await accountHistory(article.id, reader, [...many(n - 1, "approved"), ["pending"], ["spam"], ["trash"]]);

      const held = await stored(await postComment(article, {}, userCtx(reader)));
      expect(held).toMatchObject({ status: "pending", statusReason: reasons[n], spamCheckState: "checked" });
      expect(await defences(held.id)).toEqual([[reasons[n], n === 1 ? "first_time" : "few_approved"]]);

      await accountHistory(article.id, reader, [["approved"]]);
      const passed = await stored(await postComment(article, {}, userCtx(reader)));
      expect(passed).toMatchObject({ status: "approved", statusReason: HAM });
      expect(await defences(passed.id)).toEqual([]);
    });
  }

  it("N = 0 holds nobody: a first comment is approved", async () => {
    const article = await createArticle();
    const reader = await createUser();
    expect(await stored(await postComment(article, {}, userCtx(reader)))).toMatchObject({ status: "approved", statusReason: HAM });
  });
});

describe("trustRejectedHold: hold commenters whose comments of the last D days were rejected at least P% of the time", () => {
  beforeEach(async () => {
    await updateSettings({ trustRejectedHold: true, trustRejectedPercent: 30, trustRejectedDays: 7 });
  });

  it("holds at exactly 30% (3 of 10: spam and trash are rejected, pending is not)", async () => {
    const article = await createArticle();
    const reader = await createUser();
    await accountHistory(article.id, reader, [...many(6, "approved"), ["pending"], ...many(2, "spam"), ["trash"]]);
    const held = await stored(await postComment(article, {}, userCtx(reader)));
    const reason = "Held: 3 of 10 comments in the last 7 days rejected (at least 30%)";
    expect(held).toMatchObject({ status: "pending", statusReason: reason });
    expect(await defences(held.id)).toEqual([[reason, "rejected_share"]]);
  });

  it("does not hold just under (3 of 11, 27%)", async () => {
    const article = await createArticle();
    const reader = await createUser();
    await accountHistory(article.id, reader, [...many(7, "approved"), ["pending"], ...many(2, "spam"), ["trash"]]);
    const passed = await stored(await postComment(article, {}, userCtx(reader)));
    expect(passed).toMatchObject({ status: "approved", statusReason: HAM });
  });

  it("does not count comments older than D days", async () => {
    const article = await createArticle();
    const reader = await createUser();
    await accountHistory(article.id, reader, [...many(7, "approved", daysAgo(6.9)), ...many(2, "spam", daysAgo(6.9))]);
    // Rejected, but 7 days and 10 minutes ago: out of the window (2 of 9 count, 22%).
    const old = await createComment(article.id, { userId: reader.id, authorEmail: reader.email, status: "trash", createdAt: new Date(Date.now() - 7 * DAY - 600_000) });
    // So do many older ones.
    await accountHistory(article.id, reader, many(20, "spam", daysAgo(30)));
    expect(await stored(await postComment(article, {}, userCtx(reader)))).toMatchObject({ status: "approved", statusReason: HAM });

    // The same rejected comment inside the window: 3 of 11 comments now (with the approved one just posted)...
    await execute(getDb(), sql`update comments set created_at = ${Date.now() - 6 * DAY} where id = ${old.id}`);
    expect(await stored(await postComment(article, {}, userCtx(reader)))).toMatchObject({ status: "approved" });
    // ...and one more rejected makes 4 of 13 (31%): held.
    await accountHistory(article.id, reader, [["spam"]]);
    expect(await stored(await postComment(article, {}, userCtx(reader)))).toMatchObject({
      status: "pending",
      statusReason: "Held: 4 of 13 comments in the last 7 days rejected (at least 30%)",
    });
  });

  it("uses the settings' P and D in the rule and its words", async () => {
    await updateSettings({ trustRejectedPercent: 50, trustRejectedDays: 1 });
    const article = await createArticle();
    const reader = await createUser();
    await accountHistory(article.id, reader, [["approved", daysAgo(0.5)], ["spam", daysAgo(0.5)], ...many(5, "approved", daysAgo(2))]);
    expect(await stored(await postComment(article, {}, userCtx(reader)))).toMatchObject({
      status: "pending",
      statusReason: "Held: 1 of 2 comments in the last 1 day rejected (at least 50%)",
    });
  });

  it("gives both reasons when both rules hold a commenter", async () => {
    await updateSettings({ trustMinApproved: 3 });
    const article = await createArticle();
    const reader = await createUser();
    await accountHistory(article.id, reader, [["approved"], ["spam"]]);
    const held = await stored(await postComment(article, {}, userCtx(reader)));
    expect(held.statusReason).toBe("Held: 1 approved comment before (fewer than 3); Held: 1 of 2 comments in the last 7 days rejected (at least 30%)");
  });
});

describe("staff", () => {
  it("editors, moderators and admins are never held by the trust rules, whatever their record", async () => {
    await updateSettings({ trustMinApproved: 5, trustRejectedHold: true, trustRejectedPercent: 1, trustRejectedDays: 7 });
    const article = await createArticle();
    for (const role of ["editor", "moderator", "admin"] as const) {
      const member = await createUser({ role });
      await accountHistory(article.id, member, many(3, "spam"));
      const r = await stored(await postComment(article, {}, userCtx(member)));
      expect(r).toMatchObject({ status: "approved", statusReason: "Approved: trusted role" });
      expect(await defences(r.id)).toEqual([]);
    }
    // A reader with the same record is held by both.
    const reader = await createUser();
    await accountHistory(article.id, reader, many(3, "spam"));
    expect((await stored(await postComment(article, {}, userCtx(reader)))).statusReason).toBe(
      "Held: 0 approved comments before (fewer than 5); Held: 3 of 3 comments in the last 7 days rejected (at least 1%)",
    );
  });
});

describe("a guest's record: their email, and their network or their own-comments cookie", () => {
  it("counts an approved comment under the same email from the same network, or from the cookie; not the email alone, the network alone, or someone else's comment in the cookie", async () => {
    await updateSettings({ trustMinApproved: 1 });
    const article = await createArticle();
    const home = "198.51.100.10";
    const elsewhere = "203.0.113.99";
    const ana = { name: "Ana", email: "ana@example.com" };

    const first = await stored(await postComment(article, ana, { ip: home }));
    expect(first).toMatchObject({ status: "pending", statusReason: FIRST, ipKey: home });
    await execute(getDb(), sql`update comments set status = 'approved' where id = ${first.id}`);

    // The same email from the same network: trusted, also typed in another case.
    expect(await stored(await postComment(article, ana, { ip: home }))).toMatchObject({ status: "approved", statusReason: HAM });
    expect(await stored(await postComment(article, { ...ana, email: "ANA@Example.COM" }, { ip: home }))).toMatchObject({ status: "approved", statusReason: HAM });
    // The same email typed on another network, without the cookie: no one's approved comments.
    expect(await stored(await postComment(article, ana, { ip: elsewhere }))).toMatchObject({ status: "pending", statusReason: FIRST });
    expect(await stored(await postComment(article, ana, { ip: elsewhere, ownCommentIds: [] }))).toMatchObject({ status: "pending", statusReason: FIRST });
    // The same email on another network, from the browser that posted the approved comment: trusted.
    expect(await stored(await postComment(article, ana, { ip: elsewhere, ownCommentIds: [first.id] }))).toMatchObject({ status: "approved", statusReason: HAM });
    // Another email from Ana's network, or with Ana's comment in its cookie: not Ana's record.
    const bea = { name: "Bea", email: "bea@example.com" };
    expect(await stored(await postComment(article, bea, { ip: home }))).toMatchObject({ status: "pending", statusReason: FIRST });
    expect(await stored(await postComment(article, bea, { ip: elsewhere, ownCommentIds: [first.id] }))).toMatchObject({ status: "pending", statusReason: FIRST });
  });

  it("counts an IPv6 client's whole /64 as one network", async () => {
    await updateSettings({ trustMinApproved: 1 });
    const article = await createArticle();
    const cy = { name: "Cy", email: "cy6@example.com" };
    const first = await stored(await postComment(article, cy, { ip: "2001:db8:5:6::1" }));
    expect(first).toMatchObject({ status: "pending", statusReason: FIRST, ipKey: addressLimitKey("2001:db8:5:6::1") });
    await execute(getDb(), sql`update comments set status = 'approved' where id = ${first.id}`);
    expect(await stored(await postComment(article, cy, { ip: "2001:db8:5:6:ffff:ffff:ffff:fffe" }))).toMatchObject({ status: "approved" });
    expect(await stored(await postComment(article, cy, { ip: "2001:db8:5:7::1" }))).toMatchObject({ status: "pending", statusReason: FIRST });
  });

  it("reads the own-comments cookie of the request (postCommentFromRequest)", async () => {
    await updateSettings({ trustMinApproved: 1 });
    const article = await createArticle();
    const form = (content: string) => ({ content, name: "Dee", email: "dee@example.com", formToken: issueFormToken(article.id, Date.now() - 30_000) });

    request.ip = "198.51.100.40";
    const first = await postCommentFromRequest(article.slug, form("Dee's first comment, from home."));
    expect(first.result).toMatchObject({ ok: true, status: "pending" });
    if (!first.result.ok) return;
    expect((await getComment(first.result.commentId)).statusReason).toBe(FIRST);
    expect(request.cookies.has(OWN_COMMENTS_COOKIE)).toBe(true);
    await execute(getDb(), sql`update comments set status = 'approved' where id = ${first.result.commentId}`);

    // On the phone's network, from the same browser (its cookie): trusted.
    request.ip = "203.0.113.140";
    const sameBrowser = await postCommentFromRequest(article.slug, form("From the same browser on another network."));
    expect(sameBrowser.result).toMatchObject({ ok: true, status: "approved" });

    // Another browser (no cookie) on yet another network, typing the same email: not trusted.
    request.cookies.clear();
    request.ip = "192.0.2.50";
    const otherBrowser = await postCommentFromRequest(article.slug, form("From someone else's browser."));
    expect(otherBrowser.result).toMatchObject({ ok: true, status: "pending" });
    if (otherBrowser.result.ok) expect((await getComment(otherBrowser.result.commentId)).statusReason).toBe(FIRST);
  });

  it("applies the rejected share to the same record", async () => {
    await updateSettings({ trustRejectedHold: true });
    const article = await createArticle();
    const ip = "198.51.100.60";
    const email = "eve@example.com";
    for (const status of ["approved", "approved", "spam"] as const) {
      await createComment(article.id, { authorEmail: email, status, ip, ipKey: addressLimitKey(ip), createdAt: daysAgo(1) });
    }
    expect(await stored(await postComment(article, { name: "Eve", email }, { ip }))).toMatchObject({
      status: "pending",
      statusReason: "Held: 1 of 3 comments in the last 7 days rejected (at least 30%)",
    });
    // The rejected comments of that address from another network are not this visitor's record.
    expect(await stored(await postComment(article, { name: "Eve", email }, { ip: "203.0.113.61" }))).toMatchObject({ status: "approved", statusReason: HAM });
  });
});

describe("the legacy holdFirstTime setting", () => {
  it("still acts as trustMinApproved 1 while trustMinApproved is 0, and does not lower a higher N", async () => {
    await updateSettings({ holdFirstTime: true, trustMinApproved: 0 });
    expect((await getSettings()).trustMinApproved).toBe(1);
    const article = await createArticle();
    const reader = await createUser();
    expect(await stored(await postComment(article, {}, userCtx(reader)))).toMatchObject({ status: "pending", statusReason: FIRST });
    await accountHistory(article.id, reader, [["approved"]]);
    expect(await stored(await postComment(article, {}, userCtx(reader)))).toMatchObject({ status: "approved", statusReason: HAM });

    await updateSettings({ trustMinApproved: 2 });
    expect((await getSettings()).trustMinApproved).toBe(2);
    const other = await createUser();
    await accountHistory(article.id, other, [["approved"]]);
    expect(await stored(await postComment(article, {}, userCtx(other)))).toMatchObject({
      status: "pending",
      statusReason: "Held: 1 approved comment before (fewer than 2)",
    });
    expect(akismet.requests().length).toBeGreaterThan(0);
  });
});
