import { notFound, redirect } from "next/navigation";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FORM_TOKEN_LIFETIME_MS, issueFormToken } from "@/lib/comments/form-token";
import { UNEXPECTED_FAILURE_MESSAGE, keepCommentOnFailure } from "@/lib/comments/form-recovery";
import { submitComment } from "@/lib/comments/submit";
import { formValues } from "@/lib/comments/validation";
import { execute, getDb, sql, storeOf } from "@/lib/db";
import { updateSettings } from "@/lib/settings";
import { useLocalAkismet } from "../support/akismet";
import { countComments, getComment, postComment } from "../support/comments";
import { createArticle } from "../support/factories";

const akismet = useLocalAkismet();

beforeEach(async () => {
  await updateSettings({ floodSeconds: 0, minSubmitSeconds: 3 });
});

/** A trigger that makes every comment insert fail, as a broken disk would; returns its removal. */
async function refuseCommentInserts(message: string): Promise<() => Promise<void>> {
  const db = getDb();
  if (storeOf(db) === "sqlite") {
    await execute(db, sql.raw(`create trigger refuse_comments before insert on comments begin select raise(abort, '${message}'); end`));
    return async () => void (await execute(db, sql`drop trigger refuse_comments`));
  }
  await execute(db, sql.raw(`create function refuse_comments() returns trigger language plpgsql as $$ begin raise exception '${message}'; end $$`));
  await execute(db, sql`create trigger refuse_comments before insert on comments for each row execute function refuse_comments()`);
  return async () => {
    await execute(db, sql`drop trigger refuse_comments on comments`);
    await execute(db, sql`drop function refuse_comments()`);
  };
}

/** An error with its causes (on PostgreSQL, drizzle wraps the driver's error in "Failed query: …"). */
const withCauses = (error: unknown): string =>
  error instanceof Error ? `${String(error)} ${withCauses(error.cause)}` : error === undefined ? "" : String(error);

const EXPIRED = "This form has expired; your comment is below, post it again.";

describe("an expired form token", () => {
  it("is refused with a clear message, stores nothing, and comes back with a fresh token that works", async () => {
    const article = await createArticle();
    const before = await countComments();
    const typed = "I wrote this yesterday and left the tab open.";
    const stale = issueFormToken(article.id, Date.now() - FORM_TOKEN_LIFETIME_MS - 60_000);

    const refused = await postComment(article, { content: typed, formToken: stale });
    expect(refused).toMatchObject({ ok: false, kind: "expired", message: EXPIRED });
    expect(await countComments()).toBe(before);
    expect(akismet.requests()).toHaveLength(0);
    if (refused.ok || refused.kind !== "expired") return;
    expect(refused.formToken).not.toBe(stale);

    // Posted again a little later with the fresh token: accepted.
    const again = await postComment(article, { content: typed, formToken: refused.formToken }, { now: new Date(Date.now() + 10_000) });
    expect(again).toMatchObject({ ok: true, status: "approved" });
    if (!again.ok) return;
    expect((await getComment(again.commentId)).content).toBe(typed);
    expect(await countComments()).toBe(before + 1);
  });

  it("replayed forever no more: the same token is accepted within a day and refused after it", async () => {
    const article = await createArticle();
    const token = issueFormToken(article.id, Date.now() - FORM_TOKEN_LIFETIME_MS + 60_000);
    expect(await postComment(article, { formToken: token })).toMatchObject({ ok: true });
    const later = new Date(Date.now() + 2 * 60_000);
    expect(await postComment(article, { formToken: token }, { now: later })).toMatchObject({ ok: false, kind: "expired" });
  });
});

describe("an unexpected failure while posting from the form", () => {
  const raw = { content: "A long, carefully typed comment.", name: "Ada", email: "ada@example.com", url: "", parentId: "" };

  it("answers with the form, a clear message and the text kept, and logs the error", async () => {
    const article = await createArticle();
    // A real fault inside the pipeline: the database refuses the insert.
    const restore = await refuseCommentInserts("disk I/O error (simulated)");
    const logged: unknown[] = [];
    try {
      const state = await keepCommentOnFailure(
        async () => {
          const result = await submitComment(article.slug, { ...raw, formToken: issueFormToken(article.id, Date.now() - 30_000) }, {
            ip: "203.0.113.9",
            userAgent: "Mozilla/5.0 (test)",
            referrer: "",
            user: null,
          });
          return { message: result.ok ? null : result.message, fieldErrors: {}, values: null };
        },
        formValues(raw),
        (_message, error) => logged.push(error),
      );
      expect(state).toEqual({
        message: UNEXPECTED_FAILURE_MESSAGE,
        fieldErrors: {},
        values: { content: raw.content, name: "Ada", email: "ada@example.com", url: "", parentId: "", remember: false, notify: false },
      });
      expect(UNEXPECTED_FAILURE_MESSAGE).toBe("Something went wrong on our side; your comment is below, please try again.");
      expect(withCauses(logged[0])).toMatch(/disk I\/O error \(simulated\)/);
    } finally {
      await restore();
    }
  });

  it("lets Next's redirect() and notFound() through", async () => {
    const values = formValues(raw);
    const log = () => {
      throw new Error("a redirect is not a failure");
    };
    await expect(keepCommentOnFailure(async () => redirect("/articles/x#comment-1"), values, log)).rejects.toMatchObject({
      digest: expect.stringMatching(/^NEXT_REDIRECT;/),
    });
    await expect(keepCommentOnFailure(async () => notFound(), values, log)).rejects.toMatchObject({
      digest: expect.stringMatching(/NEXT_HTTP_ERROR_FALLBACK;404|NEXT_NOT_FOUND/),
    });
  });
});
