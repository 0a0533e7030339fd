/**
 * A NUL character (U+0000) typed or pasted into a form: SQLite could store
 * it, PostgreSQL cannot. Every free-text boundary refuses it with a message
 * (keeping what was typed), on both stores, instead of a 500 on one.
 */
import { describe, expect, it } from "vitest";
import { articleToForm, saveArticle } from "@/lib/articles/editorial";
import { authorizeCredentials } from "@/lib/auth/options";
import { getDb, storeOf } from "@/lib/db";
import { getSettings, updateSettings } from "@/lib/settings";
import { createUser } from "../support/factories";
import { getComment, postComment } from "../support/comments";
import { createArticle } from "../support/factories";

const NUL = "\u0000";

describe(`NUL characters in form input (${storeOf(getDb())})`, () => {
  it("a sign-in with one in the email is a failed sign-in, not an error", async () => {
    await expect(authorizeCredentials({ email: `someone${NUL}@example.com`, password: "whatever password" }, {})).resolves.toBeNull();
  });

  it("an article's title or body with one is refused with the field's message", async () => {
    const u = await createUser({ role: "editor" });
    const actor = { id: u.id, name: u.name };
    const body = await saveArticle(actor, null, { ...articleToForm(null), title: "Fine", body: `text${NUL}more` });
    expect(body).toMatchObject({ ok: false, fieldErrors: { body: expect.stringContaining("NUL character (U+0000)") } });
    const title = await saveArticle(actor, null, { ...articleToForm(null), title: `Ti${NUL}tle`, body: "text" });
    expect(title).toMatchObject({ ok: false, fieldErrors: { title: expect.stringContaining("NUL character") } });
  });

  it("a settings list entry with one is refused and nothing is stored", async () => {
    const before = await getSettings();
    const result = await updateSettings({ holdWords: ["fine", `bad${NUL}word`] });
    expect(result).toMatchObject({ ok: false, errors: { holdWords: expect.stringContaining("NUL character") } });
    expect(await getSettings()).toEqual(before);
  });

  it("a comment with one is stored without it (the comment rules drop control characters)", async () => {
    const article = await createArticle();
    const r = await postComment(article, { content: `Hello${NUL} there, a comment.` });
    expect(r.ok).toBe(true);
    if (r.ok) expect((await getComment(r.commentId)).content).toBe("Hello there, a comment.");
  });
});
