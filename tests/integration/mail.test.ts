/**
 * Mail, against the local SMTP server (smtp-server) and the local Akismet
 * server: reply notifications go out only for approved replies and only to
 * authors who asked; every message carries one-click unsubscribe headers
 * that work; the outbox retries temporary failures, gives up on permanent
 * ones, and two runners never send one message twice; the moderators' digest
 * lists what was held in the last period, once.
 */
import { eq, sql as dsql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { comments, mailOutbox, users } from "@/db/schema";
import { execute, getDb, sql } from "@/lib/db";
import { moderateComment } from "@/lib/moderation/moderate";
import { recheckComments } from "@/lib/jobs/akismet-retry";
import { processMailOutbox, pruneMailOutbox } from "@/lib/jobs/mail-outbox";
import { queueHeldDigests, digestPeriod } from "@/lib/mail/digest";
import { enqueueMail } from "@/lib/mail/outbox";
import { confirmNotifications, readNotifyConfirmToken } from "@/lib/mail/notifications";
import { closeTransport } from "@/lib/mail/transport";
import { applyUnsubscribe, readUnsubscribeToken } from "@/lib/mail/unsubscribe";
import { updateSettings } from "@/lib/settings";
import { useLocalAkismet } from "../support/akismet";
import { startLocalSmtp, type LocalSmtp } from "../../scripts/smtp-local/server";
import { getComment, historyOf, postComment } from "../support/comments";
import { createArticle, createUser } from "../support/factories";

const akismet = useLocalAkismet();
let smtp: LocalSmtp;
const mo = { id: 0, name: "Mo Moderator" };

beforeAll(async () => {
  smtp = await startLocalSmtp();
  process.env.SMTP_URL = smtp.smtpUrl;
  await updateSettings({ floodSeconds: 0, minSubmitSeconds: 0, akismetTimeoutMs: 2000 });
  mo.id = (await createUser({ role: "moderator", name: mo.name })).id;
  vi.spyOn(console, "log").mockImplementation(() => {});
});
afterAll(async () => {
  closeTransport();
  await smtp.close();
});
beforeEach(async () => {
  process.env.SMTP_URL = smtp.smtpUrl;
  smtp.setBehaviour(null);
  smtp.messages.length = 0;
  await execute(getDb(), sql`delete from mail_outbox`);
});

async function outbox() {
  return getDb().select().from(mailOutbox).orderBy(mailOutbox.id);
}

/** A published article and an approved top-level comment by Ada, who asked for replies by mail (or not). */
async function thread({ notify = true, email = "Ada@Example.com" } = {}) {
  const article = await createArticle({ title: "Rivers & <Dams>" });
  const parent = await postComment(article, { name: "Ada", email, content: "The dam report leaves out the spring floods.", notify });
  if (!parent.ok) throw new Error(parent.message);
  expect(parent.status).toBe("approved");
  if (notify) await confirmFromMail(parent.commentId);
  return { article, parentId: parent.commentId };
}

/** The confirmation message queued for a comment's address: its link's token, confirmed (double opt-in). */
async function confirmFromMail(commentId: number) {
  const [confirm] = await getDb().select().from(mailOutbox).where(eq(mailOutbox.dedupeKey, `confirm:${commentId}`));
  if (confirm) {
    const token = decodeURIComponent(/confirm\?token=(\S+)/.exec(confirm.textBody)![1]!);
    expect(readNotifyConfirmToken(token)).toBe(commentId);
    expect(await confirmNotifications(commentId)).toMatchObject({ ok: true });
  }
  await getDb().delete(mailOutbox).where(eq(mailOutbox.dedupeKey, `confirm:${commentId}`));
}

async function reply(article: { id: number; slug: string }, parentId: number, fields: Record<string, unknown> = {}) {
  const r = await postComment(article, { parentId, name: "Bo", email: "bo@example.com", content: "They were in the appendix, <b>page 4</b>.", ...fields });
  if (!r.ok) throw new Error(r.message);
  return r;
}

describe("reply notifications", () => {
  it("keeps the opt-in on the comment, and mails its author once a reply is approved", async () => {
    const { article, parentId } = await thread();
    expect((await getComment(parentId)).notifyReplies).toBe(true);
    const r = await reply(article, parentId);
    expect(r.status).toBe("approved");
    const queued = await outbox();
    expect(queued).toHaveLength(1);
    expect(queued[0]).toMatchObject({ kind: "reply_notification", toAddress: "ada@example.com", dedupeKey: `reply:${r.commentId}`, state: "pending" });

    expect(await processMailOutbox()).toEqual({ sent: 1, failed: 0, gaveUp: 0 });
    const [message] = await smtp.waitForMessages(1);
    expect(message!.envelope.to).toEqual(["ada@example.com"]);
    expect(message!.subject).toBe("Bo replied to your comment on “Rivers & <Dams>”");
    expect(message!.text).toContain("> They were in the appendix, <b>page 4</b>.");
    expect(message!.text).toContain(`http://localhost:3000/comments/${r.commentId}`);
    // The HTML part escapes what people wrote.
    expect(message!.html).toContain("&lt;b&gt;page 4&lt;/b&gt;");
    expect(message!.html).not.toContain("<b>page 4</b>");
    // RFC 8058 one-click unsubscribe.
    expect(message!.headers["list-unsubscribe-post"]).toBe("List-Unsubscribe=One-Click");
    expect(message!.headers["list-unsubscribe"]).toMatch(/^<http:\/\/localhost:3000\/api\/unsubscribe\?token=replies%3A\d+\.[A-Za-z0-9_-]{43}>$/);
    expect(message!.messageId).toMatch(/^<newsroom-mail-\d+-\d+@localhost>$/);
    const [sent] = await outbox();
    expect(sent).toMatchObject({ state: "sent", attempts: 1, lastError: null });
    expect(sent!.smtpResponse).toContain("Queued as local-");
    expect((await historyOf(r.commentId)).map((e) => e.type)).toContain("notification");
  });

  it("queues nothing for a held or spam reply; approving the held one queues it once, however often", async () => {
    const { article, parentId } = await thread();
    await updateSettings({ holdWords: ["appendix"] });
    try {
      const held = await reply(article, parentId);
      expect(held.status).toBe("pending");
      const spam = await reply(article, parentId, { content: "cheap viagra here", email: "spam@example.com" });
      expect(spam.status).toBe("spam");
      expect(await outbox()).toHaveLength(0);

      const first = await moderateComment(getDb(), mo, { id: held.commentId, action: "approve", expected: "pending" });
      expect(first.ok).toBe(true);
      expect(await outbox()).toHaveLength(1);
      await moderateComment(getDb(), mo, { id: held.commentId, action: "unapprove", expected: "approved" });
      await moderateComment(getDb(), mo, { id: held.commentId, action: "approve", expected: "pending" });
      expect(await outbox()).toHaveLength(1);
      await processMailOutbox();
      await processMailOutbox();
      expect(smtp.messages).toHaveLength(1);
      expect(smtp.messages[0]!.text).toContain("appendix");
    } finally {
      await updateSettings({ holdWords: [] });
    }
  });

  it("queues the mail when the retry job approves a reply Akismet could not check at first", async () => {
    const { article, parentId } = await thread({ email: "rita@example.com" });
    akismet.setBehaviour({ status: 500 });
    const r = await reply(article, parentId, { content: "Checked later, then published." });
    akismet.setBehaviour(null);
    expect(r.status).toBe("pending");
    expect(await outbox()).toHaveLength(0);
    await getDb().update(comments).set({ nextSpamCheckAt: new Date(Date.now() - 1000) }).where(eq(comments.id, r.commentId));
    const summary = await recheckComments();
    expect(summary.approved).toBe(1);
    const queued = await outbox();
    expect(queued.map((m) => [m.dedupeKey, m.toAddress])).toEqual([[`reply:${r.commentId}`, "rita@example.com"]]);
  });

  it("mails nobody about their own reply, or an author who did not ask", async () => {
    const { article, parentId } = await thread();
    await reply(article, parentId, { name: "Ada again", email: "ada@example.COM" });
    const quiet = await thread({ notify: false });
    await reply(quiet.article, quiet.parentId);
    expect(await outbox()).toHaveLength(0);
  });

  it("keeps no opt-in and queues nothing while mail is off", async () => {
    delete process.env.SMTP_URL;
    const { article, parentId } = await thread();
    expect((await getComment(parentId)).notifyReplies).toBe(false);
    await reply(article, parentId);
    expect(await outbox()).toHaveLength(0);
    expect(await enqueueMail(getDb(), { kind: "data_link", dedupeKey: "x", to: "a@example.com", subject: "s", text: "t" })).toEqual({ queued: false });
  });

  it("unsubscribes the address from every comment of its own with the link, and from nothing else", async () => {
    const { article, parentId } = await thread({ email: "Una@example.com" });
    const other = await postComment(article, { name: "Una", email: "una@EXAMPLE.com", content: "And the summer drought too.", notify: true });
    const stranger = await postComment(article, { name: "Cy", email: "cy@example.com", content: "I asked for replies too.", notify: true });
    if (!other.ok || !stranger.ok) throw new Error("not posted");
    // A guest's address is confirmed per request (typing an address proves nothing): Una and Cy confirm.
    expect((await getComment(other.commentId)).notifyReplies).toBe(false);
    await confirmFromMail(other.commentId);
    expect((await getComment(other.commentId)).notifyReplies).toBe(true);
    await confirmFromMail(stranger.commentId);
    const token = (await (async () => {
      await reply(article, parentId);
      const [m] = await outbox();
      return /token=([^>]+)>/.exec(m!.headers["List-Unsubscribe"]!)![1]!;
    })());
    const scope = readUnsubscribeToken(decodeURIComponent(token));
    expect(scope).toEqual({ kind: "replies", commentId: parentId });
    expect(readUnsubscribeToken(decodeURIComponent(token).replace(/.$/, (c) => (c === "A" ? "B" : "A")))).toBeNull();
    expect(readUnsubscribeToken(`replies:${stranger.commentId}.${decodeURIComponent(token).split(".")[1]}`)).toBeNull();

    expect(await applyUnsubscribe(scope!)).toEqual({ ok: true, kind: "replies", changed: 2 });
    expect(await applyUnsubscribe(scope!)).toEqual({ ok: true, kind: "replies", changed: 0 });
    expect((await getComment(parentId)).notifyReplies).toBe(false);
    expect((await getComment(other.commentId)).notifyReplies).toBe(false);
    expect((await getComment(stranger.commentId)).notifyReplies).toBe(true);
    await execute(getDb(), sql`delete from mail_outbox`);
    await reply(article, other.commentId, { content: "Droughts are in chapter 9." });
    expect(await outbox()).toHaveLength(0);
  });
});

describe("double opt-in", () => {
  it("asks the address to confirm once its comment is approved, and never for a held or spam one", async () => {
    const article = await createArticle();
    await updateSettings({ holdWords: ["hold-this"] });
    try {
      const held = await postComment(article, { name: "Hal", email: "hal@example.com", content: "Please hold-this one.", notify: true });
      const spam = await postComment(article, { name: "Sam", email: "victim@example.com", content: "buy viagra now", notify: true });
      if (!held.ok || !spam.ok) throw new Error("not posted");
      expect([held.status, spam.status]).toEqual(["pending", "spam"]);
      expect(await getComment(held.commentId)).toMatchObject({ notifyReplies: false });
      expect((await getComment(held.commentId)).notifyRequestedAt).not.toBeNull();
      expect(await outbox()).toHaveLength(0);

      await moderateComment(getDb(), mo, { id: held.commentId, action: "approve", expected: "pending" });
      const queued = await outbox();
      expect(queued.map((m) => [m.kind, m.toAddress, m.dedupeKey])).toEqual([["notify_confirmation", "hal@example.com", `confirm:${held.commentId}`]]);
      expect(queued[0]!.subject).toBe("Confirm reply notifications from The Newsroom");

      // Not confirmed: a reply is not mailed.
      await reply(article, held.commentId, { content: "A reply before confirming." });
      expect((await outbox()).filter((m) => m.kind === "reply_notification")).toHaveLength(0);

      // Confirmed: on for this comment.
      expect(await confirmNotifications(held.commentId)).toEqual({ ok: true, articleTitle: article.title, already: false });
      expect(await confirmNotifications(held.commentId)).toEqual({ ok: true, articleTitle: article.title, already: true });
      expect(await getComment(held.commentId)).toMatchObject({ notifyReplies: true, notifyRequestedAt: null });

      // A guest's next comment with that address waits for a confirmation again (anyone can type it),
      // but no second request is mailed within a day: the first link answers it.
      const next = await postComment(article, { name: "Hal", email: "HAL@example.com", content: "Second thought.", notify: true });
      if (!next.ok) throw new Error(next.message);
      expect(next.status).toBe("approved");
      expect(await getComment(next.commentId)).toMatchObject({ notifyReplies: false });
      expect((await outbox()).filter((m) => m.kind === "notify_confirmation")).toHaveLength(1);
      await confirmNotifications(held.commentId);
      expect(await getComment(next.commentId)).toMatchObject({ notifyReplies: true, notifyRequestedAt: null });

      // An account that confirmed the address is on at once for its next comment.
      const member = await createUser({ role: "reader", name: "Mem", email: "mem@example.com" });
      const user = { id: member.id, name: "Mem", email: "mem@example.com", role: "reader" as const };
      const first = await postComment(article, { content: "Member comment one.", notify: true }, { user });
      if (!first.ok) throw new Error(first.message);
      await confirmNotifications(first.commentId);
      const second = await postComment(article, { content: "Member comment two.", notify: true }, { user });
      if (!second.ok) throw new Error(second.message);
      expect(await getComment(second.commentId)).toMatchObject({ notifyReplies: true, notifyRequestedAt: null });
      expect(readNotifyConfirmToken(`${held.commentId}.${"A".repeat(43)}`)).toBeNull();
    } finally {
      await updateSettings({ holdWords: [] });
    }
  });
});

describe("the mail outbox", () => {
  async function queue(n: number) {
    for (let i = 0; i < n; i++) {
      await enqueueMail(getDb(), { kind: "data_link", dedupeKey: `test:${i}:${Math.random()}`, to: `person${i}@example.com`, subject: `Message ${i}`, text: `Body ${i}` });
    }
  }

  it("retries a temporary refusal later, and gives up at once on a permanent one", async () => {
    await queue(2);
    smtp.setBehaviour({ rejectCode: 451, message: "Try again later", times: 1 });
    const first = await processMailOutbox();
    expect(first).toEqual({ sent: 1, failed: 1, gaveUp: 0 });
    const waiting = (await outbox()).find((m) => m.state === "pending")!;
    expect(waiting.attempts).toBe(1);
    expect(waiting.lastError).toContain("Try again later");
    expect(waiting.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 50_000);
    // Not due yet: nothing happens; when due, it goes.
    expect(await processMailOutbox()).toEqual({ sent: 0, failed: 0, gaveUp: 0 });
    expect(await processMailOutbox({ now: new Date(Date.now() + 61_000) })).toEqual({ sent: 1, failed: 0, gaveUp: 0 });
    expect(smtp.messages).toHaveLength(2);

    await queue(1);
    smtp.setBehaviour({ rejectCode: 550, message: "No such mailbox", times: 1 });
    expect(await processMailOutbox()).toEqual({ sent: 0, failed: 0, gaveUp: 1 });
    const failed = (await outbox()).find((m) => m.state === "failed")!;
    expect(failed.lastError).toContain("No such mailbox");
  });

  it("retries when the SMTP server is down, and sends once it is back", async () => {
    await queue(1);
    process.env.SMTP_URL = "smtp://127.0.0.1:9"; // nothing listens on the discard port
    closeTransport();
    const down = await processMailOutbox();
    expect(down).toEqual({ sent: 0, failed: 1, gaveUp: 0 });
    expect((await outbox())[0]!.lastError).toMatch(/ECONNREFUSED|connect/i);
    process.env.SMTP_URL = smtp.smtpUrl;
    closeTransport();
    expect(await processMailOutbox({ now: new Date(Date.now() + 61_000) })).toEqual({ sent: 1, failed: 0, gaveUp: 0 });
    expect(smtp.messages).toHaveLength(1);
  });

  it("never sends a message twice when two runners work at once", async () => {
    await queue(30);
    smtp.setBehaviour({ delayMs: 20 });
    const [a, b] = await Promise.all([processMailOutbox(), processMailOutbox()]);
    // One batch is 20: together they take it all, each message by one of them.
    const again = await processMailOutbox();
    expect(a.sent + b.sent + again.sent).toBe(30);
    expect(smtp.messages).toHaveLength(30);
    expect(new Set(smtp.messages.map((m) => m.subject)).size).toBe(30);
    expect((await outbox()).every((m) => m.state === "sent" && m.attempts === 1)).toBe(true);
  });

  it("queues one message per dedupe key", async () => {
    const mail = { kind: "data_link" as const, dedupeKey: "same", to: "a@example.com", subject: "s", text: "t" };
    const results = await Promise.all([enqueueMail(getDb(), mail), enqueueMail(getDb(), mail), enqueueMail(getDb(), mail)]);
    expect(results.filter((r) => r.queued)).toHaveLength(1);
    expect(await outbox()).toHaveLength(1);
  });

  it("deletes sent and failed mail after 30 days, never mail still waiting", async () => {
    await queue(3);
    await processMailOutbox();
    await queue(1);
    const old = new Date(Date.now() - 31 * 86_400_000);
    await getDb().update(mailOutbox).set({ createdAt: old });
    expect(await pruneMailOutbox()).toBe(3);
    expect((await outbox()).map((m) => m.state)).toEqual(["pending"]);
  });
});

describe("the moderators' digest of held comments", () => {
  it("lists the comments held in the last hour, once, to moderators who asked for it", async () => {
    await execute(getDb(), sql`update comments set status = 'trash' where status = 'pending'`);
    // Midday today (UTC): the last whole hour is 11:00-12:00, yesterday is the last whole day.
    const now = new Date(`${new Date().toISOString().slice(0, 10)}T12:30:00.000Z`);
    const { from, to } = digestPeriod("hourly", now);
    const daily = await createUser({ role: "moderator", name: "Dee" });
    const reader = await createUser({ role: "reader", name: "Ray" });
    await getDb().update(users).set({ heldDigest: "hourly" }).where(eq(users.id, mo.id));
    await getDb().update(users).set({ heldDigest: "daily" }).where(eq(users.id, daily.id));
    await getDb().update(users).set({ heldDigest: "hourly" }).where(eq(users.id, reader.id));
    const article = await createArticle({ title: "Budget" });
    await updateSettings({ holdWords: ["hold-me"] });
    const held: number[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        const c = await postComment(article, { content: `Please hold-me number ${i}` });
        if (!c.ok || c.status !== "pending") throw new Error("not held");
        held.push(c.commentId);
      }
    } finally {
      await updateSettings({ holdWords: [] });
    }
    // Two were held in the last whole hour, one before it; a held one already approved is not listed.
    await getDb().update(comments).set({ createdAt: new Date(from.getTime() + 60_000) }).where(eq(comments.id, held[0]!));
    await getDb().update(comments).set({ createdAt: new Date(to.getTime() - 60_000) }).where(eq(comments.id, held[1]!));
    await getDb().update(comments).set({ createdAt: new Date(from.getTime() - 60_000) }).where(eq(comments.id, held[2]!));

    // Dee's daily digest covers yesterday, when nothing was held: no message for her.
    expect(await queueHeldDigests({ now })).toBe(1);
    const queued = await outbox();
    const hourly = queued.find((m) => m.dedupeKey === `digest:${mo.id}:${to.getTime()}`)!;
    expect(hourly.subject).toBe("2 comments held for moderation on The Newsroom");
    expect(hourly.textBody).toContain("Please hold-me number 0");
    expect(hourly.textBody).toContain("Please hold-me number 1");
    expect(hourly.textBody).not.toContain("number 2");
    expect(hourly.headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
    expect(queued.some((m) => m.toAddress === (reader as { email?: string }).email)).toBe(false);
    // Asked again in the same period (another instance, the next tick): nothing more.
    expect(await queueHeldDigests({ now: new Date(now.getTime() + 1000) })).toBe(0);

    // The digest's unsubscribe link turns it off.
    const token = decodeURIComponent(/token=([^>]+)>/.exec(hourly.headers["List-Unsubscribe"]!)![1]!);
    const scope = readUnsubscribeToken(token);
    expect(scope).toEqual({ kind: "digest", userId: mo.id });
    await applyUnsubscribe(scope!);
    const [after] = await getDb().select({ heldDigest: users.heldDigest }).from(users).where(eq(users.id, mo.id));
    expect(after!.heldDigest).toBe("off");
    expect(await getDb().$count(users, dsql`${users.heldDigest} = 'hourly'`)).toBe(1); // the reader's, never mailed
  });
});
