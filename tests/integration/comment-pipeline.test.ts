import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { submitComment } from "@/lib/comments/submit";
import { getThreadPage } from "@/lib/comments/thread";
import { execute, getDb, row, rows, sql, storeOf } from "@/lib/db";
import { bool } from "@/lib/db/dialect";
import type { SqliteDb } from "@/lib/db/sqlite";
import { updateSettings } from "@/lib/settings";
import { recheckComments } from "@/lib/jobs/akismet-retry";
import { getAkismetStatus, updateAkismetStatus } from "@/lib/spam/status";
import { useLocalAkismet } from "../support/akismet";
import { countComments, getComment, historyOf, postComment } from "../support/comments";
import { createArticle, createUser } from "../support/factories";

const akismet = useLocalAkismet();

beforeEach(async () => {
  await updateSettings({ akismetTimeoutMs: 400, akismetRetryMinutes: 20, floodSeconds: 15 });
  // Each test's retry job sees only the comments that test left unchecked.
  await updateAkismetStatus({ pausedUntil: null });
  await execute(getDb(), sql`update comments set spam_check_state = 'skipped', next_spam_check_at = null where spam_check_state = 'not_checked'`);
});

/** A column's type as stored, and a JSON column's JSON type (integer timestamps, JSON objects, not text). */
const storedType = (column: string) =>
  storeOf(getDb()) === "sqlite" ? sql.raw(`typeof(${column})`) : sql.raw(`pg_typeof(${column})::text`);
const jsonType = (column: string) =>
  storeOf(getDb()) === "sqlite" ? sql.raw(`json_type(${column})`) : sql.raw(`jsonb_typeof(${column})`);
const INTEGER = () => (storeOf(getDb()) === "sqlite" ? "integer" : "bigint");

/** Whether any transaction is open on the store (other than this question). */
async function transactionOpen(): Promise<boolean> {
  const db = getDb();
  if (storeOf(db) === "sqlite") return (db as unknown as SqliteDb).$client.inTransaction;
  const open = await row<{ n: number }>(
    db,
    sql`select count(*) as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and xact_start is not null`,
  );
  return Number(open?.n) > 0;
}

const later = (minutes: number) => new Date(Date.now() + minutes * 60_000);

describe("the Akismet check", () => {
  it("approves ham and keeps the whole check record", async () => {
    const article = await createArticle();
    const result = await postComment(article, { content: "Thanks for the careful reporting." });
    expect(result).toMatchObject({ ok: true, status: "approved" });
    if (!result.ok) return;
    const c = await getComment(result.commentId);
    expect(c).toMatchObject({ status: "approved", spamCheckState: "checked", statusReason: "Akismet: not spam", nextSpamCheckAt: null });
    expect(c.spamCheck).toMatchObject({ verdict: "ham", blatant: false, error: null });
    expect(c.spamCheck?.guid).toMatch(/^[0-9a-f]{32}$/);
    expect(c.spamCheck?.params).toMatchObject({ comment_content: "Thanks for the careful reporting.", user_ip: expect.any(String), is_test: "1" });
    expect(c.spamCheck?.params).not.toHaveProperty("api_key");
    // As stored (the hot path writes through prepared statements): real NULLs,
    // integer timestamps and flags, JSON only where there is a value.
    const raw = await row<{ next_spam_check_at: unknown; blatant: unknown; created: string; json: string }>(
      getDb(),
      sql`select next_spam_check_at, blatant, ${storedType("created_at")} as created, ${jsonType("spam_check")} as json from comments where id = ${result.commentId}`,
    );
    expect({ ...raw, blatant: bool(raw?.blatant) }).toEqual({ next_spam_check_at: null, blatant: false, created: INTEGER(), json: "object" });
    const events = await rows<{ type: string; noDetail: unknown; created: string }>(
      getDb(),
      sql`select type, detail is null as "noDetail", ${storedType("created_at")} as created from comment_events where comment_id = ${result.commentId} order by id`,
    );
    expect(events.map((e) => ({ ...e, noDetail: bool(e.noDetail) }))).toEqual([
      { type: "submitted", noDetail: true, created: INTEGER() },
      { type: "akismet_check", noDetail: false, created: INTEGER() },
      { type: "status_change", noDetail: true, created: INTEGER() },
    ]);

    const [request] = akismet.requests();
    expect(request?.path).toBe("/1.1/comment-check");
    expect(request?.params).toMatchObject({
      api_key: "(sent)",
      blog: "http://localhost:3000/",
      blog_lang: "en",
      blog_charset: "UTF-8",
      user_agent: "Mozilla/5.0 (test)",
      referrer: `http://localhost:3000/articles/${article.slug}`,
      permalink: `http://localhost:3000/articles/${article.slug}`,
      comment_type: "comment",
      comment_author_email: expect.stringMatching(/@example\.com$/),
      honeypot_field_name: "fax",
      is_test: "1",
    });
    expect((await historyOf(c.id)).map((e) => e.type)).toEqual(["submitted", "akismet_check", "status_change"]);
  });

  it("holds Akismet's spam as spam, and marks discard as blatant", async () => {
    const article = await createArticle();
    const spam = await postComment(article, { name: "akismet-guaranteed-spam" });
    expect(spam).toMatchObject({ ok: true, status: "spam" });
    if (!spam.ok) return;
    expect(await getComment(spam.commentId)).toMatchObject({ status: "spam", blatant: false, statusReason: "Akismet: spam" });

    akismet.setBehaviour({ proTip: "discard" });
    const blatant = await postComment(article, { email: "akismet-guaranteed-spam@example.com" });
    if (!blatant.ok) throw new Error("refused");
    expect(await getComment(blatant.commentId)).toMatchObject({ status: "spam", blatant: true, statusReason: "Akismet: spam (blatant)" });
    expect((await getComment(blatant.commentId)).spamCheck?.proTip).toBe("discard");
  });

  it("sends replies as replies with their parent", async () => {
    const article = await createArticle();
    const parent = await postComment(article);
    if (!parent.ok) throw new Error("refused");
    const reply = await postComment(article, { parentId: String(parent.commentId) });
    expect(reply).toMatchObject({ ok: true, status: "approved" });
    expect(akismet.requests()[1]?.params).toMatchObject({ comment_type: "reply", comment_parent: String(parent.commentId) });
  });

  it("approves trusted roles without asking Akismet", async () => {
    const article = await createArticle();
    const editor = await createUser({ role: "editor", name: "Edith Editor" });
    const r = await postComment(article, { name: undefined, email: undefined }, {
      user: { id: editor.id, name: editor.name, email: editor.email, role: editor.role },
    });
    expect(r).toMatchObject({ ok: true, status: "approved" });
    expect(akismet.requests()).toHaveLength(0);
  });
});

describe("the Akismet call and the database", () => {
  it("holds no transaction open while Akismet answers, so other writes go on", async () => {
    const article = await createArticle();
    akismet.setBehaviour({ delayMs: 300 });
    const pending = postComment(article, { content: "Slow Akismet today." });
    await new Promise((r) => setTimeout(r, 100));
    // Mid-call: the comment is already stored, and the database is free.
    expect(await transactionOpen()).toBe(false);
    const stored = await row(getDb(), sql`select status, spam_check_state as state from comments where content = ${"Slow Akismet today."}`);
    expect(stored).toEqual({ status: "pending", state: "not_checked" });
    const other = await createArticle();
    expect(other.id).toBeGreaterThan(0);
    const result = await pending;
    expect(result).toMatchObject({ ok: true, status: "approved" });
  });
});

describe("when Akismet fails, nothing is lost and nothing unchecked is published", () => {
  const failures = [
    { name: "a timeout", behaviour: { delayMs: 1500 }, reason: /Not checked: Akismet timed out after 400 ms/ },
    { name: "HTTP 500", behaviour: { status: 500 }, reason: /Not checked: Akismet answered HTTP 500/ },
    { name: "HTTP 429", behaviour: { status: 429 }, reason: /Not checked: Akismet answered HTTP 429/ },
    { name: "an invalid key", behaviour: { invalid: true }, reason: /Not checked: Akismet: invalid \(We were unable to parse your key\.\)/, retryAfterMinutes: 6 * 60 + 1 },
    { name: "X-akismet-error", behaviour: { error: "Your key has been suspended" }, reason: /Not checked: Akismet error: Your key has been suspended/ },
    { name: "an unexpected body", behaviour: { body: "maybe" }, reason: /Not checked: Akismet gave an unexpected answer: "maybe"/ },
    { name: "a dropped connection", behaviour: { destroy: true }, reason: /Not checked: Akismet unreachable/ },
  ];

  for (const failure of failures) {
    it(`stores the comment as pending, not checked, on ${failure.name}, and the retry job settles it`, async () => {
      const article = await createArticle();
      const before = await countComments();
      akismet.setBehaviour(failure.behaviour);
      const result = await postComment(article, { content: `Posted during ${failure.name}.` });
      expect(result).toMatchObject({ ok: true, status: "pending" });
      if (!result.ok) return;
      expect(await countComments()).toBe(before + 1);
      const held = await getComment(result.commentId);
      expect(held).toMatchObject({ status: "pending", spamCheckState: "not_checked", spamCheckAttempts: 1 });
      expect(held.statusReason).toMatch(failure.reason);
      expect(held.nextSpamCheckAt!.getTime()).toBeGreaterThan(Date.now() + 19 * 60_000);
      expect((await getThreadPage(getDb(), article.id, { perPage: 50 })).roots).toHaveLength(0);

      // Akismet recovers; the retry job re-checks with recheck_reason=retry.
      akismet.setBehaviour(null);
      akismet.clearRequests();
      const summary = await recheckComments({ now: later(failure.retryAfterMinutes ?? 21) });
      expect(summary).toMatchObject({ checked: 1, approved: 1, failed: 0 });
      expect(await getComment(result.commentId)).toMatchObject({ status: "approved", spamCheckState: "checked", nextSpamCheckAt: null });
      expect(akismet.requests()[0]?.params).toMatchObject({ recheck_reason: "retry", comment_content: `Posted during ${failure.name}.` });
      expect((await historyOf(result.commentId)).map((e) => e.type)).toEqual([
        "submitted",
        "akismet_error",
        "status_change",
        "akismet_check",
        "status_change",
      ]);
    });
  }

  it("backs off between failed retries and moves spam to spam when it finally answers", async () => {
    const article = await createArticle();
    akismet.setBehaviour({ status: 503 });
    const r = await postComment(article, { name: "akismet-guaranteed-spam" });
    if (!r.ok) throw new Error("refused");

    expect(await recheckComments({ now: later(10) })).toMatchObject({ checked: 0 }); // not due yet
    const first = await recheckComments({ now: later(21) });
    expect(first).toMatchObject({ checked: 1, failed: 1 });
    const c = await getComment(r.commentId);
    expect(c).toMatchObject({ status: "pending", spamCheckAttempts: 2 });
    // The second retry waits twice the base: 40 minutes after the first.
    expect(Math.round((c.nextSpamCheckAt!.getTime() - Date.now()) / 60_000)).toBe(21 + 40);

    akismet.setBehaviour(null);
    expect(await recheckComments({ now: later(200) })).toMatchObject({ checked: 1, spam: 1 });
    expect(await getComment(r.commentId)).toMatchObject({ status: "spam", spamCheckState: "checked" });
  });

  it("waits as long as Akismet's Retry-After asks when that is longer than the backoff", async () => {
    const article = await createArticle();
    akismet.setBehaviour({ status: 429, retryAfter: 7200 });
    const r = await postComment(article);
    if (!r.ok) throw new Error("refused");
    const c = await getComment(r.commentId);
    expect(c).toMatchObject({ status: "pending", spamCheckState: "not_checked" });
    expect(Math.round((c.nextSpamCheckAt!.getTime() - Date.now()) / 60_000)).toBe(120);
    akismet.setBehaviour(null);
    expect(await recheckComments({ now: later(60) })).toMatchObject({ checked: 0 });
    expect(await recheckComments({ now: later(121) })).toMatchObject({ checked: 1, approved: 1 });
  });

  it("pauses retries after an invalid key and reports it on the status panel", async () => {
    const article = await createArticle();
    akismet.setBehaviour({ invalid: true });
    const r = await postComment(article);
    if (!r.ok) throw new Error("refused");
    const status = await getAkismetStatus();
    expect(status.lastError).toMatch(/invalid/);
    expect(status.debugHelp).toBe("We were unable to parse your key.");
    expect(new Date(status.pausedUntil!).getTime()).toBeGreaterThan(Date.now() + 5 * 3_600_000);
    akismet.setBehaviour(null);
    expect(await recheckComments({ now: later(30) })).toMatchObject({ skipped: "paused", checked: 0 });
    expect(await recheckComments({ now: later(7 * 60) })).toMatchObject({ checked: 1 });
  });

  it("stops retrying comments older than the retry window; they wait for a moderator", async () => {
    const article = await createArticle();
    akismet.setBehaviour({ status: 500 });
    const r = await postComment(article);
    if (!r.ok) throw new Error("refused");
    akismet.setBehaviour(null);
    akismet.clearRequests();
    expect(await recheckComments({ now: later(16 * 24 * 60) })).toMatchObject({ gaveUp: 1, checked: 0 });
    expect(akismet.requests()).toHaveLength(0);
    expect(await getComment(r.commentId)).toMatchObject({ status: "pending", spamCheckState: "not_checked", nextSpamCheckAt: null });
    expect((await historyOf(r.commentId)).at(-1)?.type).toBe("akismet_gave_up");
  });

  it("keeps a moderator's decision made while a retry was due", async () => {
    const article = await createArticle();
    akismet.setBehaviour({ status: 500 });
    const r = await postComment(article);
    if (!r.ok) throw new Error("refused");
    await execute(getDb(), sql`update comments set status = 'trash' where id = ${r.commentId}`);
    akismet.setBehaviour(null);
    expect(await recheckComments({ now: later(30) })).toMatchObject({ checked: 0 });
    expect((await getComment(r.commentId)).status).toBe("trash");
  });

  it("stores every comment sent while Akismet misbehaves: count in equals count stored", async () => {
    const article = await createArticle();
    const before = await countComments();
    const behaviours = [{ status: 500 }, { delayMs: 1000 }, { invalid: true }, { destroy: true }, null, { body: "" }];
    let sent = 0;
    for (let i = 0; i < 12; i++) {
      akismet.setBehaviour(behaviours[i % behaviours.length] ?? null);
      const r = await postComment(article, { content: `Comment ${i} while flaky` });
      expect(r.ok).toBe(true);
      sent++;
    }
    expect((await countComments()) - before).toBe(sent);
    const approvedUnchecked = await row<{ n: number }>(
      getDb(),
      sql`select count(*) as n from comments where status = 'approved' and spam_check_state != 'checked' and user_id is null`,
    );
    expect(Number(approvedUnchecked?.n)).toBe(0);
  });
});

describe("local defences in the pipeline", () => {
  it("sends a filled honeypot to spam without calling Akismet", async () => {
    const article = await createArticle();
    const r = await postComment(article, { honeypot: "I am a bot" });
    expect(r).toMatchObject({ ok: true, status: "spam" });
    if (!r.ok) return;
    expect(akismet.requests()).toHaveLength(0);
    expect((await historyOf(r.commentId)).map((e) => e.message)).toContain("Honeypot: a hidden field was filled in");
  });

  it("holds a form sent too fast even when Akismet says ham", async () => {
    const article = await createArticle();
    const { issueFormToken } = await import("@/lib/comments/form-token");
    const r = await postComment(article, { formToken: issueFormToken(article.id, Date.now() - 500) });
    expect(r).toMatchObject({ ok: true, status: "pending" });
    if (!r.ok) return;
    expect((await getComment(r.commentId)).statusReason).toMatch(/^Held: sent 0\.\d s after its form token was issued/);
    expect((await getComment(r.commentId)).spamCheckState).toBe("checked");
  });

  it("refuses a flood from one IP and a duplicate, storing nothing", async () => {
    const article = await createArticle();
    const first = await postComment(article, { content: "Same words" }, { ip: "198.51.100.1" });
    expect(first.ok).toBe(true);
    const before = await countComments();
    expect(await postComment(article, { content: "Other words" }, { ip: "198.51.100.1" })).toMatchObject({
      ok: false,
      kind: "refused",
      code: "flood",
    });
    await updateSettings({ floodSeconds: 0 });
    const email = first.ok ? (await getComment(first.commentId)).authorEmail : "";
    expect(await postComment(article, { content: "Same words", email }, { ip: "198.51.100.2" })).toMatchObject({
      ok: false,
      code: "duplicate",
      message: "You have already posted this comment here.",
    });
    expect(await countComments()).toBe(before);
  });

  it("counts an IPv6 client's whole /64 as one address for flood control, and another /64 apart", async () => {
    await updateSettings({ floodSeconds: 15 });
    const article = await createArticle();
    const first = await postComment(article, { content: "From one address of a /64" }, { ip: "2001:db8:aa:1::1" });
    expect(first.ok).toBe(true);
    // Another address in the same /64, even posted at the same moment as others, is the same client.
    const sameNetwork = await Promise.all(
      ["2001:db8:aa:1::2", "2001:db8:aa:1:ffff:ffff:ffff:fffe"].map((ip, i) => postComment(article, { content: `Rotated address ${i}` }, { ip })),
    );
    for (const r of sameNetwork) expect(r).toMatchObject({ ok: false, kind: "refused", code: "flood" });
    // The next /64 is someone else.
    expect((await postComment(article, { content: "From the neighbouring /64" }, { ip: "2001:db8:aa:2::1" })).ok).toBe(true);
    if (first.ok) expect((await getComment(first.commentId)).ipKey).toBe("2001:db8:aa:1::/64");
    await updateSettings({ floodSeconds: 0 });
  });

  it("holds the flood and duplicate rules for posts sent at the same moment", async () => {
    const article = await createArticle();
    const before = await countComments();
    const flood = await Promise.all(
      Array.from({ length: 5 }, (_, i) => postComment(article, { content: `At once ${i}` }, { ip: "198.51.100.50" })),
    );
    expect(flood.filter((r) => r.ok)).toHaveLength(1);
    expect(flood.filter((r) => !r.ok && r.kind === "refused" && r.code === "flood")).toHaveLength(4);

    await updateSettings({ floodSeconds: 0 });
    const same = { content: "Posted twice at once", email: "twice@example.com" };
    const duplicate = await Promise.all(
      Array.from({ length: 4 }, (_, i) => postComment(article, same, { ip: `198.51.100.${60 + i}` })),
    );
    expect(duplicate.filter((r) => r.ok)).toHaveLength(1);
    expect(duplicate.filter((r) => !r.ok && r.kind === "refused" && r.code === "duplicate")).toHaveLength(3);
    expect(await countComments()).toBe(before + 2);
  });

  it("refuses comments on a closed article and on unknown articles", async () => {
    const closed = await createArticle({ commentsOpen: false });
    expect(await postComment(closed)).toMatchObject({ ok: false, code: "closed" });
    expect(await submitComment("no-such-article", { content: "x", name: "a", email: "a@b.example" }, { ip: "", userAgent: "", referrer: "", user: null })).toMatchObject({
      ok: false,
      kind: "not_found",
    });
  });

  it("holds a comment with too many links and a block-listed email goes to spam", async () => {
    const article = await createArticle();
    const links = await postComment(article, { content: "https://a.example/1 https://a.example/2 https://a.example/3" });
    expect(links).toMatchObject({ ok: true, status: "pending" });
    if (links.ok) expect((await getComment(links.commentId)).statusReason).toBe("Held: 3 links (more than 2)");

    await updateSettings({ blockEmails: ["blocked.example"] });
    const blocked = await postComment(article, { email: "someone@blocked.example" });
    expect(blocked).toMatchObject({ ok: true, status: "spam" });
    if (blocked.ok) expect((await getComment(blocked.commentId)).statusReason).toBe("Block list: email (blocked.example)");
    await updateSettings({ blockEmails: [] });
  });

  it("answers invalid input with field errors and stores nothing", async () => {
    const article = await createArticle();
    const before = await countComments();
    const r = await postComment(article, { content: "", email: "nope" });
    expect(r).toMatchObject({
      ok: false,
      kind: "invalid",
      fieldErrors: { content: "Please type your comment.", email: "Please enter a valid email address, like name@example.com." },
    });
    expect(await countComments()).toBe(before);
  });

  it("rejects replies to unapproved comments and beyond the thread depth", async () => {
    const article = await createArticle();
    await updateSettings({ threadDepth: 2, floodSeconds: 0 });
    const top = await postComment(article);
    if (!top.ok) throw new Error("refused");
    const reply = await postComment(article, { parentId: top.commentId });
    if (!reply.ok) throw new Error("refused");
    expect(await postComment(article, { parentId: reply.commentId })).toMatchObject({
      ok: false,
      fieldErrors: { parentId: "Replies can nest at most 2 levels deep." },
    });
    const spam = await postComment(article, { name: "akismet-guaranteed-spam" });
    if (!spam.ok) throw new Error("refused");
    expect(await postComment(article, { parentId: spam.commentId })).toMatchObject({
      ok: false,
      fieldErrors: { parentId: "The comment you are replying to is no longer available." },
    });
    await updateSettings({ threadDepth: 5 });
  });
});

describe("the thread", () => {
  it("shows approved comments threaded, and held ones only to their author", async () => {
    await updateSettings({ floodSeconds: 0 });
    const article = await createArticle();
    const a = await postComment(article, { content: "First" });
    const b = await postComment(article, { content: "Second" });
    if (!a.ok || !b.ok) throw new Error("refused");
    const reply = await postComment(article, { content: "Reply to first", parentId: a.commentId });
    const held = await postComment(article, { content: "Spam reply", parentId: a.commentId, name: "akismet-guaranteed-spam" });
    if (!reply.ok || !held.ok) throw new Error("refused");

    const forOthers = await getThreadPage(getDb(), article.id, { perPage: 50 });
    expect(forOthers.roots.map((r) => r.content)).toEqual(["First", "Second"]);
    expect(forOthers.roots[0]?.children.map((r) => [r.content, r.depth])).toEqual([["Reply to first", 2]]);

    const forAuthor = await getThreadPage(getDb(), article.id, { perPage: 50, ownIds: [held.commentId] });
    const children = forAuthor.roots[0]?.children ?? [];
    expect(children.map((r) => [r.content, r.awaitingModeration])).toEqual([
      ["Reply to first", false],
      ["Spam reply", true],
    ]);
  });

  it("pages top-level comments and keeps each thread whole", async () => {
    await updateSettings({ floodSeconds: 0 });
    const article = await createArticle();
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await postComment(article, { content: `Top ${i}` });
      if (!r.ok) throw new Error("refused");
      ids.push(r.commentId);
    }
    await postComment(article, { content: "Reply on page 1", parentId: ids[1] });
    const page1 = await getThreadPage(getDb(), article.id, { perPage: 2, page: 1 });
    const page3 = await getThreadPage(getDb(), article.id, { perPage: 2, page: 3 });
    expect(page1).toMatchObject({ page: 1, pageCount: 3 });
    expect(page1.roots.map((r) => r.content)).toEqual(["Top 0", "Top 1"]);
    expect(page1.roots[1]?.children.map((r) => r.content)).toEqual(["Reply on page 1"]);
    expect(page3.roots.map((r) => r.content)).toEqual(["Top 4"]);
    expect((await getThreadPage(getDb(), article.id, { perPage: 2, page: 99 })).page).toBe(3);
  });
});
