/**
 * Personal data (issue 13, part 5): a commenter's download holds exactly the
 * comments stored under their address (whatever its case) or their account;
 * erasing takes those comments, their history, the mail addressed to them
 * and the Akismet reports about them, keeps other readers' replies, and
 * leaves one audit row that says nothing about whose data it was. Afterwards
 * the address is nowhere in the database.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { akismetOutbox, commentEvents, comments, erasures, mailOutbox } from "@/db/schema";
import { deleteCommentsKeepingReplies } from "@/lib/comments/removal";
import { getDb, rows, sql, storeOf } from "@/lib/db";
import { queueHeldDigests } from "@/lib/mail/digest";
import { enqueueMail } from "@/lib/mail/outbox";
import { erasePersonalData } from "@/lib/privacy/erase";
import { countSubjectComments, exportPersonalData } from "@/lib/privacy/export";
import { historyOf, postComment } from "../support/comments";
import { pgPlan, sqlitePlan } from "../support/plans";
import { createArticle, createComment, createUser } from "../support/factories";

const previousSmtp = process.env.SMTP_URL;
beforeAll(() => {
  process.env.SMTP_URL = "smtp://127.0.0.1:2525";
  vi.spyOn(console, "log").mockImplementation(() => {});
});
afterAll(() => {
  if (previousSmtp === undefined) delete process.env.SMTP_URL;
  else process.env.SMTP_URL = previousSmtp;
});

/** Every row of every table, as text (SQLite's FTS index included): where an erased address could hide. */
async function databaseText(): Promise<string> {
  const db = getDb();
  const tables =
    storeOf(db) === "sqlite"
      ? (await rows<{ name: string }>(db, sql`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`)).map((t) => t.name)
      : (await rows<{ name: string }>(db, sql`select tablename as name from pg_tables where schemaname = 'public'`)).map((t) => t.name);
  expect(tables).toEqual(expect.arrayContaining(["comments", "comment_events", "mail_outbox", "akismet_outbox", "erasures", "users"]));
  const parts: string[] = [];
  for (const table of tables) {
    const found = await rows<Record<string, unknown>>(db, sql`select * from ${sql.identifier(table)}`);
    parts.push(`${table}: ${JSON.stringify(found, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v))}`);
  }
  return parts.join("\n").toLowerCase();
}

describe("download", () => {
  it("holds exactly the comments stored under the address, whatever its case, and nothing of anyone else's", async () => {
    const article = await createArticle({ title: "Harbour news" });
    const mine = [
      await createComment(article.id, { authorEmail: "dana@example.com", authorName: "Dana", ip: "198.51.100.7", userAgent: "DanaBrowser/1" }),
      await createComment(article.id, { authorEmail: "Dana@Example.COM", authorName: "Dana D.", status: "pending" }),
      await createComment(article.id, { authorEmail: "DANA@EXAMPLE.COM", authorName: "Dana", status: "spam" }),
    ];
    const others = [
      await createComment(article.id, { authorEmail: "dana@example.org", parentId: mine[0]!.id }),
      await createComment(article.id, { authorEmail: "notdana@example.com" }),
      await createComment(article.id, { authorEmail: "dana@example.com.evil" }),
    ];
    const data = await exportPersonalData({ kind: "email", email: "Dana@example.com" });
    expect(data.commentCount).toBe(3);
    expect(data.comments.map((c) => c.id).sort()).toEqual(mine.map((c) => c.id).sort());
    expect(await countSubjectComments({ kind: "email", email: "DANA@example.com" })).toBe(3);
    const first = data.comments.find((c) => c.id === mine[0]!.id)!;
    expect(first).toMatchObject({
      article: { id: article.id, title: "Harbour news", url: `http://localhost:3000/articles/${article.slug}` },
      parentId: null,
      url: `http://localhost:3000/articles/${article.slug}#comment-${mine[0]!.id}`,
      author: { name: "Dana", email: "dana@example.com", url: "" },
      ip: "198.51.100.7",
      userAgent: "DanaBrowser/1",
      content: mine[0]!.content,
      status: "approved",
      editedAt: null,
    });
    expect(first.createdAt).toBe(mine[0]!.createdAt.toISOString());
    expect(data.account).toBeNull();
    const text = JSON.stringify(data);
    for (const other of others) expect(text).not.toContain(other.authorEmail);
  });

  it("for an account: its comments and account details, never the password hash", async () => {
    const article = await createArticle();
    const user = await createUser({ email: "acct@example.com", name: "Acct Holder", passwordHash: "$argon2id$v=19$secret-hash" });
    const own = await createComment(article.id, { userId: user.id, authorEmail: "acct@example.com", authorName: "Acct Holder" });
    // A guest comment under the same address is not the account's: the address was never proven (it needs the mailed link).
    await createComment(article.id, { authorEmail: "acct@example.com", authorName: "Someone" });
    await createComment(article.id, { authorEmail: "else@example.com" });
    const data = await exportPersonalData({ kind: "account", userId: user.id, email: user.email });
    expect(data.comments.map((c) => c.id)).toEqual([own.id]);
    expect(data.account).toMatchObject({ id: user.id, name: "Acct Holder", email: "acct@example.com", role: "reader" });
    expect(JSON.stringify(data)).not.toContain("argon2");
    expect(JSON.stringify(data)).not.toMatch(/password|sessionVersion/i);
  });
});

describe("erase", () => {
  it("deletes the comments and their history, keeps others' replies, clears mail and Akismet reports, and leaves the address nowhere", async () => {
    const email = "erin.erasable@example.net";
    const article = await createArticle();
    const root = await createComment(article.id, { authorName: "Rosa Root", authorEmail: "rosa@example.com" });
    // One through the real pipeline: its history says "Submitted by guest Erin … <address>".
    const posted = await postComment(article, { email: "Erin.Erasable@Example.NET", name: "Erin Erasable", parentId: root.id });
    expect(posted.ok).toBe(true);
    const postedId = (posted as { ok: true; commentId: number }).commentId;
    expect((await historyOf(postedId)).some((e) => e.message.toLowerCase().includes(email))).toBe(true);
    const erinTop = await createComment(article.id, { authorName: "Erin Erasable", authorEmail: email, ip: "192.0.2.99" });
    const erinSpam = await createComment(article.id, { authorName: "Erin Erasable", authorEmail: email.toUpperCase(), status: "spam" });
    // Others answered Erin: their words stay.
    const replyToTop = await createComment(article.id, { authorName: "Otto Other", authorEmail: "otto@example.com", parentId: erinTop.id });
    const replyToPosted = await createComment(article.id, { authorName: "Pia Other", authorEmail: "pia@example.com", parentId: postedId });
    const deepReply = await createComment(article.id, { authorName: "Quinn", authorEmail: "quinn@example.com", parentId: replyToTop.id });
    const unrelated = await createComment(article.id, { authorEmail: "someone@example.com" });

    const db = getDb();
    // A moderator's report to Akismet about Erin's spam, still waiting, and one about a comment deleted long ago.
    await db.insert(akismetOutbox).values([
      { commentId: erinSpam.id, kind: "submit-spam", params: { comment_author: "Erin Erasable", comment_author_email: email, user_ip: "192.0.2.99" } },
      { commentId: null, kind: "submit-ham", params: { comment_author: "Erin Erasable", comment_author_email: email.toUpperCase() } },
      { commentId: unrelated.id, kind: "submit-ham", params: { comment_author_email: "someone@example.com" } },
    ]);
    // Mail for Erin (one sent, one waiting), one for someone else, and a moderator's digest quoting her address.
    await enqueueMail(db, { kind: "reply_notification", dedupeKey: "reply:1:2", to: email, subject: "A reply", text: "Otto replied." });
    await enqueueMail(db, { kind: "data_link", dedupeKey: "data-link:x:1", to: "Erin.Erasable@example.net", subject: "Your comments", text: "link" });
    await db.update(mailOutbox).set({ state: "sent", sentAt: new Date() }).where(eq(mailOutbox.dedupeKey, "data-link:x:1"));
    await enqueueMail(db, { kind: "reply_notification", dedupeKey: "reply:3:4", to: "rosa@example.com", subject: "A reply", text: "Someone replied." });
    // Rosa was told of Erin's reply: the message quotes Erin's words and name.
    await enqueueMail(db, { kind: "reply_notification", dedupeKey: `reply:${postedId}`, to: "rosa@example.com", subject: "Erin Erasable replied", text: "Erin Erasable wrote: …" });
    await enqueueMail(db, {
      kind: "held_digest",
      dedupeKey: "digest:9:1",
      to: "mod@example.com",
      subject: "Held comments",
      text: `Held: Erin Erasable <${email}> wrote …`,
      html: `<p>Held: Erin Erasable &lt;${email.toUpperCase()}&gt;</p>`,
    });

    expect(await databaseText()).toContain(email);
    const summary = await erasePersonalData({ kind: "email", email: "ERIN.erasable@example.net" }, { via: "email_link" });
    expect(summary).toEqual({ commentsErased: 3, repliesKept: 2, mailsErased: 3, feedbackErased: 2 });

    // Erin's comments and their history are gone; everyone else's are there, the replies moved up.
    const left = await db.select({ id: comments.id, parentId: comments.parentId }).from(comments).where(eq(comments.articleId, article.id));
    const byId = new Map(left.map((c) => [c.id, c.parentId]));
    for (const id of [postedId, erinTop.id, erinSpam.id]) expect(byId.has(id)).toBe(false);
    expect(byId.get(replyToTop.id)).toBeNull();
    expect(byId.get(replyToPosted.id)).toBe(root.id);
    expect(byId.get(deepReply.id)).toBe(replyToTop.id);
    expect(byId.has(unrelated.id)).toBe(true);
    expect(byId.has(root.id)).toBe(true);
    expect(await historyOf(postedId)).toEqual([]);
    const moved = (await historyOf(replyToTop.id)).find((e) => e.type === "moved_up");
    expect(moved?.message).toBe(`Moved up a level: the comment it replied to (#${erinTop.id}) was erased at its author's request`);

    // Mail: Erin's two and the notification quoting her gone, Rosa's other one kept, the digest kept with the address blanked.
    const mail = await db.select().from(mailOutbox);
    expect(mail.map((m) => m.dedupeKey).sort()).toEqual(["digest:9:1", "reply:3:4"]);
    const digest = mail.find((m) => m.dedupeKey === "digest:9:1")!;
    expect(digest.textBody).toBe("Held: Erin Erasable <[erased]> wrote …");
    expect(digest.htmlBody).toBe("<p>Held: Erin Erasable &lt;[erased]&gt;</p>");
    // Akismet: the two reports carrying Erin's data gone, the other kept.
    expect((await db.select().from(akismetOutbox)).map((r) => r.commentId)).toEqual([unrelated.id]);

    // One audit row: the door, the counts, the time; nothing about Erin.
    const audit = await db.select().from(erasures);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ via: "email_link", actorId: null, commentsErased: 3, mailsErased: 3 });
    expect(Object.keys(audit[0]!).sort()).toEqual(["actorId", "commentsErased", "createdAt", "id", "mailsErased", "via"]);

    // The address (any case), the name and the IP are nowhere in the database.
    const everything = await databaseText();
    expect(everything).not.toContain(email);
    // The name too, but in the moderator's digest, where only the address is blanked (a name can be anyone's word).
    const outsideMail = everything.split("\n").filter((table) => !table.startsWith("mail_outbox:")).join("\n");
    expect(outsideMail).not.toContain("erin erasable");
    expect(everything).not.toContain("192.0.2.99");
    expect(everything).toContain("otto@example.com");

    // Again: nothing left to erase; the request is still logged, with zeros.
    const again = await erasePersonalData({ kind: "email", email }, { via: "email_link" });
    expect(again).toEqual({ commentsErased: 0, repliesKept: 0, mailsErased: 0, feedbackErased: 0 });
    const audit2 = await db.select().from(erasures);
    expect(audit2).toHaveLength(2);
    expect(audit2[1]).toMatchObject({ via: "email_link", commentsErased: 0, mailsErased: 0 });
    expect(await db.$count(comments, eq(comments.articleId, article.id))).toBe(left.length);
  });

  it("works through many comments in short batches, a thread of the commenter's own replies included", async () => {
    const email = "busy.bee@example.org";
    const article = await createArticle();
    let parent: number | null = null;
    const ids: number[] = [];
    for (let i = 0; i < 23; i++) {
      // Every other comment replies to the previous one of hers: a chain across batches.
      const c = await createComment(article.id, { authorEmail: email, authorName: "Bee", parentId: i % 2 ? parent : null });
      ids.push(c.id);
      parent = c.id;
    }
    const answer = await createComment(article.id, { authorEmail: "friend@example.org", parentId: ids[10]! });
    const summary = await erasePersonalData({ kind: "email", email }, { via: "admin", actorId: null }, getDb(), { batchSize: 5 });
    expect(summary.commentsErased).toBe(23);
    expect(await countSubjectComments({ kind: "email", email })).toBe(0);
    const [kept] = await getDb().select().from(comments).where(eq(comments.id, answer.id));
    expect(kept?.parentId).toBeNull();
  });

  it("an account's erasure takes its comments, not the account, and records the door without the person", async () => {
    const article = await createArticle();
    const user = await createUser({ email: "holder@example.com", name: "Holder" });
    const admin = await createUser({ role: "admin", name: "Ada Admin" });
    await createComment(article.id, { userId: user.id, authorEmail: "holder@example.com", authorName: "Holder" });
    await createComment(article.id, { userId: user.id, authorEmail: "holder@example.com", authorName: "Holder", status: "pending" });
    const guestSameAddress = await createComment(article.id, { authorEmail: "holder@example.com", authorName: "Guest" });
    // Mail to the address that is not about the account's comments: an account's address was never
    // proven, so its erasure must not reach what is found by the address alone.
    await enqueueMail(getDb(), { kind: "data_link", dedupeKey: "holder-link", to: "holder@example.com", subject: "Your data", text: "A link" });
    const summary = await erasePersonalData({ kind: "account", userId: user.id, email: user.email }, { via: "account", actorId: admin.id });
    expect(summary.commentsErased).toBe(2);
    expect(summary.mailsErased).toBe(0);
    expect(await getDb().select({ id: mailOutbox.id }).from(mailOutbox).where(eq(mailOutbox.dedupeKey, "holder-link"))).toHaveLength(1);
    expect(await countSubjectComments({ kind: "account", userId: user.id, email: user.email })).toBe(0);
    expect(await countSubjectComments({ kind: "email", email: "holder@example.com" })).toBe(1);
    expect((await getDb().select().from(comments).where(eq(comments.id, guestSameAddress.id))).length).toBe(1);
    const [log] = (await getDb().select().from(erasures)).filter((e) => e.via === "account");
    // actor_id is only ever an admin's.
    expect(log).toMatchObject({ via: "account", actorId: null, commentsErased: 2 });

    await erasePersonalData({ kind: "email", email: "holder@example.com" }, { via: "admin", actorId: admin.id });
    const adminRow = (await getDb().select().from(erasures)).find((e) => e.via === "admin" && e.actorId === admin.id);
    // The admin's erasure by address takes that mail.
    expect(adminRow).toMatchObject({ commentsErased: 1, mailsErased: 1 });
  });
});

describe("erase: what earlier deletions and the digest kept", () => {
  it("a note an earlier deletion wrote on a reply (\"#N by <name>\") no longer names the commenter", async () => {
    const email = "nora.noted@example.com";
    const article = await createArticle();
    const mod = await createUser({ role: "moderator", name: "Mo Moderator" });
    // Nora's comment, answered by Otto; a moderator deletes hers permanently: Otto's reply moves up, and its note names her.
    const noras = await createComment(article.id, { authorName: "Nora Noted", authorEmail: email });
    const ottos = await createComment(article.id, { authorName: "Otto Other", authorEmail: "otto.n@example.com", parentId: noras.id });
    await deleteCommentsKeepingReplies(getDb(), [noras.id], { actor: mod, how: "deleted permanently by Mo Moderator" });
    // A note written before notes carried their author (no key): found by her name, on a comment of hers still there.
    const still = await createComment(article.id, { authorName: "Nora Noted", authorEmail: email.toUpperCase() });
    const pias = await createComment(article.id, { authorName: "Pia Other", authorEmail: "pia.n@example.com" });
    await getDb()
      .insert(commentEvents)
      .values({
        commentId: pias.id,
        type: "moved_up",
        message: "Moved up a level: the comment it replied to (#999 by Nora Noted) was deleted by the retention job",
        detail: { deletedParentId: 999, newParentId: null },
      });
    // Someone else's note stays as it was.
    const others = await createComment(article.id, { authorName: "Rita Root", authorEmail: "rita.n@example.com" });
    const quinns = await createComment(article.id, { authorName: "Quinn", authorEmail: "quinn.n@example.com", parentId: others.id });
    await deleteCommentsKeepingReplies(getDb(), [others.id], { actor: mod, how: "deleted permanently by Mo Moderator" });

    const note = async (id: number) => (await historyOf(id)).find((e) => e.type === "moved_up")?.message;
    expect(await note(ottos.id)).toBe(`Moved up a level: the comment it replied to (#${noras.id} by Nora Noted) was deleted permanently by Mo Moderator`);
    expect(await note(pias.id)).toContain("by Nora Noted");

    const summary = await erasePersonalData({ kind: "email", email }, { via: "email_link" });
    expect(summary.commentsErased).toBe(1);
    expect(await db$count(still.id)).toBe(0);
    expect(await note(ottos.id)).toBe(`Moved up a level: the comment it replied to (#${noras.id}) was deleted permanently by Mo Moderator`);
    expect(await note(pias.id)).toBe("Moved up a level: the comment it replied to (#999) was deleted by the retention job");
    expect(await note(quinns.id)).toBe(`Moved up a level: the comment it replied to (#${others.id} by Rita Root) was deleted permanently by Mo Moderator`);
    const everything = await databaseText();
    expect(everything).not.toContain("nora noted");
    expect(everything).not.toContain(email);
  });

  it("an account's erasure rewrites the notes about its comments deleted earlier, even with none left", async () => {
    const article = await createArticle();
    const user = await createUser({ email: "acct.noted@example.com", name: "Ansel Account" });
    const own = await createComment(article.id, { userId: user.id, authorName: "Ansel Account", authorEmail: user.email });
    const reply = await createComment(article.id, { authorName: "Otto Other", authorEmail: "otto.a@example.com", parentId: own.id });
    await deleteCommentsKeepingReplies(getDb(), [own.id], { actor: null, how: "deleted by the retention job" });
    expect((await historyOf(reply.id)).find((e) => e.type === "moved_up")?.message).toContain("by Ansel Account");

    const summary = await erasePersonalData({ kind: "account", userId: user.id, email: user.email }, { via: "account" });
    expect(summary.commentsErased).toBe(0);
    expect((await historyOf(reply.id)).find((e) => e.type === "moved_up")?.message).toBe(
      `Moved up a level: the comment it replied to (#${own.id}) was deleted by the retention job`,
    );
  });

  it("a moderator's queued digest no longer holds the commenter's name nor their comment's words", async () => {
    const email = "dora.digest@example.com";
    const article = await createArticle({ title: "Digest harbour" });
    const mod = await createUser({ role: "moderator", name: "Mo Digest", email: "mo.digest@example.com", heldDigest: "hourly" });
    const hour = 3_600_000;
    const end = Math.floor(Date.now() / hour) * hour; // the end of the last whole hour
    // Two hours ago only Dora was held; last hour Dora and Bo.
    await createComment(article.id, {
      authorName: "Dora Digest", authorEmail: email, status: "pending", statusReason: "Held: first comment",
      content: "Earlier words about the lighthouse keeper's secret", createdAt: new Date(end - hour - 20 * 60_000),
    });
    await createComment(article.id, {
      authorName: "Dora Digest", authorEmail: email, status: "pending", statusReason: "Held: links",
      content: "My private opinion of the harbour master", createdAt: new Date(end - 30 * 60_000),
    });
    await createComment(article.id, {
      authorName: "Bo Bystander", authorEmail: "bo.digest@example.com", status: "pending", statusReason: "Held: links",
      content: "Bo's own words stay listed", createdAt: new Date(end - 20 * 60_000),
    });
    expect(await queueHeldDigests({ now: new Date(end - hour + 60_000) })).toBe(1);
    expect(await queueHeldDigests({ now: new Date(end + 60_000) })).toBe(1);
    const digests = async () =>
      (await getDb().select().from(mailOutbox).where(eq(mailOutbox.kind, "held_digest"))).filter((m) => m.toAddress === mod.email);
    const before = await digests();
    expect(before.map((m) => m.dedupeKey).sort()).toEqual([`digest:${mod.id}:${end - hour}`, `digest:${mod.id}:${end}`]);
    const last = before.find((m) => m.dedupeKey === `digest:${mod.id}:${end}`)!;
    expect(last.state).toBe("pending");
    expect(last.subject).toBe("2 comments held for moderation on The Newsroom");
    for (const body of [last.textBody, last.htmlBody!]) {
      expect(body).toContain("Dora Digest");
      expect(body).toContain("My private opinion of the harbour master");
      expect(body).toContain("Bo Bystander");
    }

    const summary = await erasePersonalData({ kind: "email", email }, { via: "admin", actorId: null });
    expect(summary.commentsErased).toBe(2);
    const after = await digests();
    // The digest that listed only Dora has nothing left to say: gone (and counted); the other is written again without her.
    expect(after.map((m) => m.dedupeKey)).toEqual([`digest:${mod.id}:${end}`]);
    expect(summary.mailsErased).toBe(1);
    const rewritten = after[0]!;
    expect(rewritten).toMatchObject({ id: last.id, state: "pending", subject: "1 comment held for moderation on The Newsroom" });
    for (const body of [rewritten.subject, rewritten.textBody, rewritten.htmlBody!]) {
      expect(body).not.toContain("Dora");
      expect(body).not.toContain("harbour master");
      expect(body).not.toContain("lighthouse");
    }
    expect(rewritten.textBody).toContain("- Bo Bystander on “Digest harbour” (Held: links): Bo's own words stay listed");
    expect(rewritten.htmlBody).toContain("Bo Bystander");
    const everything = await databaseText();
    expect(everything).not.toContain("dora digest");
    expect(everything).not.toContain("harbour master");
    expect(everything).not.toContain("lighthouse keeper");
  });
});

async function db$count(id: number): Promise<number> {
  return getDb().$count(comments, eq(comments.id, id));
}

describe("query plans", () => {
  it("finds a commenter's comments and mail through the lower(email) indexes, not a scan", async () => {
    const db = getDb();
    const byEmail = sql`select id from comments where lower(author_email) = lower(${"Ann@Example.com"})`;
    const mailTo = sql`delete from mail_outbox where lower(to_address) = lower(${"ann@example.com"})`;
    if (storeOf(db) === "sqlite") {
      expect(await sqlitePlan(db, byEmail)).toMatch(/USING (COVERING )?INDEX comments_email_lower_idx/);
      expect(await sqlitePlan(db, mailTo)).toMatch(/USING (COVERING )?INDEX mail_outbox_to_idx/);
    } else {
      const comments = await pgPlan(db, byEmail, { noSeqScan: true });
      expect(comments.indexes, comments.text).toContain("comments_email_lower_idx");
      const mail = await pgPlan(db, mailTo, { noSeqScan: true });
      expect(mail.indexes, mail.text).toContain("mail_outbox_to_idx");
    }
  });
});
