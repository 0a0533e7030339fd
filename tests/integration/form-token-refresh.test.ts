/**
 * The minimum-time rule on a cached page (docs/decisions/013): the page's
 * form carries the token of the page's render, and with JavaScript it fetches
 * a fresh one from the comments API when the reader first focuses it
 * (app/_article/comment-form.tsx). A reader who read the article for ten
 * minutes, focused the form and sent 0.1 s later is held by the rule, which
 * counts from the token; the reason a moderator reads must say that, not
 * that the comment came 0.1 s after the form was shown.
 */
import { afterEach, describe, expect, it, vi } from "vitest";

// Next's data cache, outside Next: every call renders.
vi.mock("next/cache", () => ({
  unstable_cache:
    <T,>(fn: () => Promise<T>) =>
    () =>
      fn(),
  revalidateTag: () => undefined,
}));

const { commentsJsonForApi } = await import("@/lib/comments/api");
const { issueFormToken } = await import("@/lib/comments/form-token");
const { updateSettings } = await import("@/lib/settings");
const { getComment, historyOf, postComment } = await import("../support/comments");
const { createArticle } = await import("../support/factories");

afterEach(() => {
  vi.useRealTimers();
});

describe("too fast after the form's first focus on a cached page", () => {
  it("holds the comment and says it was sent 0.1 s after its form token was issued", async () => {
    await updateSettings({ minSubmitSeconds: 3, floodSeconds: 0 });
    const article = await createArticle();
    // Only the clock is faked: the page shown, the first focus and the post are moments apart.
    vi.useFakeTimers({ toFake: ["Date"] });
    const shownAt = Date.now();
    vi.setSystemTime(shownAt);
    const pageToken = issueFormToken(article.id); // in the cached page's HTML
    vi.setSystemTime(shownAt + 10 * 60_000); // first focus, ten minutes of reading later
    const api = JSON.parse((await commentsJsonForApi(article.slug, 1))!) as { formToken: string };
    expect(api.formToken).not.toBe(pageToken);
    vi.setSystemTime(shownAt + 10 * 60_000 + 100); // sent 0.1 s after that focus
    const r = await postComment(article, { formToken: api.formToken });
    vi.useRealTimers();

    expect(r).toMatchObject({ ok: true, status: "pending" });
    if (!r.ok) return;
    const expected =
      "Held: sent 0.1 s after its form token was issued (minimum 3 s; issued with the page, or when a cached page's form was first focused)";
    const defences = (await historyOf(r.commentId)).filter((e) => e.type === "defence").map((e) => e.message);
    expect(defences).toEqual([expected]);
    expect((await getComment(r.commentId)).statusReason).toContain(expected);
    expect(defences.join()).not.toContain("after the form was shown");
  });
});
