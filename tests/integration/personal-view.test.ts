/**
 * The reader's own parts of an article page (docs/decisions/022), as
 * `GET /api/articles/<slug>/personal` answers them: only from the reader's own
 * cookies and account, never shareable, and the same for held and spam.
 */
import { beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("next/headers", () => import("../support/next-request"));
vi.mock("@/lib/auth/session", async () => (await import("../support/next-request")).sessionModule);

const { request, resetRequest } = await import("../support/next-request");
const route = await import("@/app/api/articles/[slug]/personal/route");
const { OWN_COMMENTS_COOKIE, writeOwnCommentIds } = await import("@/lib/comments/ownership");
const { REMEMBER_COOKIE, encodeRemembered } = await import("@/lib/comments/remember");
const { setRespect } = await import("@/lib/comments/respect");
const { updateSettings } = await import("@/lib/settings");
const { createArticle, createComment, createUser } = await import("../support/factories");
const { JUST_CHANGED_MS } = await import("@/lib/comments/personal");
const { AWAITING_MODERATION, CAN_REPLY } = await import("@/lib/comments/compact");

async function personal(slug: string) {
  const response = await route.GET(new Request(`http://localhost:3000/api/articles/${slug}/personal`), { params: Promise.resolve({ slug }) });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> & { held: { parentId: number | null; comment: unknown[] }[]; own: Record<string, unknown> } };
}

beforeEach(async () => {
  resetRequest();
  await updateSettings({ commentEditMinutes: 10 });
});

describe("the personal request", () => {
  it("is never shareable, whoever asks, and 404s for an article that is not published", async () => {
    const article = await createArticle();
    const draft = await createArticle({ status: "draft", publishedAt: null });
    for (const setUp of [() => undefined, async () => void (request.user = await createUser())]) {
      await setUp();
      const answer = await personal(article.slug);
      expect(answer.status).toBe(200);
      expect(answer.headers.get("cache-control")).toBe("private, no-store");
      expect(answer.headers.get("vary")).toMatch(/Cookie/);
    }
    const missing = await personal(draft.slug);
    expect(missing.status).toBe(404);
    expect(missing.headers.get("cache-control")).toBe("private, no-store");
  });

  it("gives a guest nothing but what their own cookies say: remembered fields and their held comments, held and spam alike", async () => {
    const article = await createArticle();
    const parent = await createComment(article.id);
    const held = await createComment(article.id, { status: "pending", parentId: parent.id, content: "Mine, held." });
    const spam = await createComment(article.id, { status: "spam", content: "Mine, in spam." });
    const someoneElses = await createComment(article.id, { status: "pending", content: "Not mine." });
    request.cookies.set(OWN_COMMENTS_COOKIE, writeOwnCommentIds([held.id, spam.id]));
    request.cookies.set(REMEMBER_COOKIE, encodeRemembered({ name: "Gina Guest", email: "gina@example.com", url: "https://gina.example" }));
    const { body } = await personal(article.slug);
    expect(body.account).toBeNull();
    expect(body.remembered).toEqual({ name: "Gina Guest", email: "gina@example.com", url: "https://gina.example" });
    expect(body.held.map((h) => [h.comment[0], h.parentId])).toEqual([
      [held.id, parent.id],
      [spam.id, null],
    ]);
    // Held and spam look the same: the same flags, the same controls.
    expect(body.held[0]!.comment[7]).toBe(body.held[1]!.comment[7]);
    expect(Object.keys(body.own).map(Number).sort()).toEqual([held.id, spam.id].sort());
    expect(JSON.stringify(body)).not.toContain("Not mine.");
    expect(JSON.stringify(body)).not.toMatch(/spam"/);
    expect(someoneElses.id).toBeGreaterThan(0);

    // A cookie with ids that are not signed is ignored; so is an own-comments cookie for other articles' comments.
    request.cookies.set(OWN_COMMENTS_COOKIE, `${someoneElses.id}.forged`);
    expect((await personal(article.slug)).body.held).toEqual([]);
  });

  it("gives a signed-in reader their account, respects and comments by account (on any device), and no remembered fields", async () => {
    const article = await createArticle();
    const reader = await createUser({ role: "moderator" });
    request.user = reader;
    request.cookies.set(REMEMBER_COOKIE, encodeRemembered({ name: "Old Guest Name", email: "old@example.com", url: "" }));
    const other = await createComment(article.id);
    const mineHeld = await createComment(article.id, { status: "pending", userId: reader.id });
    await setRespect({ commentId: other.id, userId: reader.id, intent: "respect" });
    const { body } = await personal(article.slug);
    expect(body.account).toEqual({ name: reader.name, banned: false, areas: ["moderation"], suspendedUntil: null, suspensionMessage: "" });
    expect(body.remembered).toBeNull();
    expect(body.respected).toEqual([other.id]);
    expect(body.held.map((h) => h.comment[0])).toEqual([mineHeld.id]);
    expect(Object.keys(body.own).map(Number)).toEqual([mineHeld.id]);
  });

  it("gives a reader their comment published moments ago, which the shared page may not show yet, and not once it is older", async () => {
    const article = await createArticle();
    const now = Date.now();
    const justNow = await createComment(article.id, { status: "approved", content: "Mine, published just now.", createdAt: new Date(now - 2_000) });
    const earlier = await createComment(article.id, { status: "approved", content: "Mine, from earlier.", createdAt: new Date(now - JUST_CHANGED_MS - 5_000) });
    const editedNow = await createComment(article.id, {
      status: "approved",
      content: "Mine, corrected just now.",
      createdAt: new Date(now - JUST_CHANGED_MS - 4_000),
      editedAt: new Date(now - 1_000),
    });
    request.cookies.set(OWN_COMMENTS_COOKIE, writeOwnCommentIds([justNow.id, earlier.id, editedNow.id]));
    const { body } = await personal(article.slug);
    expect(body.held.map((h) => h.comment[0])).toEqual([editedNow.id, justNow.id]);
    // Published: not marked as awaiting moderation.
    expect(Number(body.held[0]!.comment[7]) & AWAITING_MODERATION).toBe(0);
    expect(body.held[0]!.comment[6]).toBe("Mine, corrected just now.");
    // With its Reply link, as the page will give it.
    expect(Number(body.held[1]!.comment[7]) & CAN_REPLY).toBe(CAN_REPLY);
  });

  it("gives a suspended account its held comments to see, but no controls and no respects", async () => {
    const article = await createArticle();
    const reader = await createUser({ banned: true });
    request.user = reader;
    const mine = await createComment(article.id, { status: "pending", userId: reader.id });
    const { body } = await personal(article.slug);
    expect(body.account).toEqual({ name: reader.name, banned: true, areas: [], suspendedUntil: null, suspensionMessage: "" });
    expect(body.held.map((h) => h.comment[0])).toEqual([mine.id]);
    expect(body.own).toEqual({});
    expect(body.respected).toEqual([]);
  });

  it("stays small for a reader with no held comment", async () => {
    const article = await createArticle();
    for (let i = 0; i < 20; i += 1) await createComment(article.id);
    request.user = await createUser({ name: "A reader with a rather long display name, as some have" });
    const response = await route.GET(new Request(`http://localhost:3000/api/articles/${article.slug}/personal`), { params: Promise.resolve({ slug: article.slug }) });
    expect((await response.text()).length).toBeLessThan(2048);
  });
});
