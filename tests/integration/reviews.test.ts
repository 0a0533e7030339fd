import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { articleEvents, editorReviews } from "@/db/schema";
import { articleHistory } from "@/lib/articles/editorial";
import { getPublishedReview } from "@/lib/articles/queries";
import {
  getReviewForEditor,
  readReviewForm,
  reviewFormSchema,
  reviewToForm,
  saveReview,
  unpublishReview,
  validateReview,
  type ReviewFormValues,
} from "@/lib/articles/reviews";
import { getDb } from "@/lib/db";
import { createArticle, createUser } from "../support/factories";

type Criteria = ReviewFormValues["criteria"];

function values(overrides: Partial<Omit<ReviewFormValues, "criteria">> = {}, criteria: Partial<Criteria> = {}): ReviewFormValues {
  return {
    rating: "4",
    headline: "Well sourced, fairly told",
    summary: "Names its sources and lets the coalition answer.",
    criteria: {
      Sourcing: { score: "5", note: "Documents cited." },
      Balance: { score: "", note: "" },
      Clarity: { score: "4", note: "" },
      ...criteria,
    },
    ...overrides,
  };
}

/** The form as the browser posts it. */
function form(v: ReviewFormValues = values()): FormData {
  const f = new FormData();
  f.set("articleId", "1");
  if (v.rating) f.set("rating", v.rating); // an unchecked radio group posts nothing
  f.set("headline", v.headline);
  f.set("summary", v.summary);
  for (const [name, c] of Object.entries(v.criteria)) {
    f.set(`score_${name}`, c.score);
    f.set(`note_${name}`, c.note);
  }
  f.set("intent", "publish");
  return f;
}

const errorsOf = (v: ReviewFormValues) => {
  const r = validateReview(v);
  return r.ok ? {} : r.fieldErrors;
};

async function reviewRows(articleId: number) {
  return getDb().select().from(editorReviews).where(eq(editorReviews.articleId, articleId));
}

async function eventRows(articleId: number) {
  return getDb()
    .select({ type: articleEvents.type, actorId: articleEvents.actorId, createdAt: articleEvents.createdAt })
    .from(articleEvents)
    .where(eq(articleEvents.articleId, articleId))
    .orderBy(articleEvents.id);
}

describe("review validation", () => {
  it("accepts a rating, a headline and scored criteria (trimmed; criteria without a score left out)", async () => {
    expect(validateReview(values({ headline: "  Well sourced, fairly told " }))).toEqual({
      ok: true,
      data: {
        rating: 4,
        headline: "Well sourced, fairly told",
        summary: "Names its sources and lets the coalition answer.",
        criteria: [
          { name: "Sourcing", score: 5, note: "Documents cited." },
          { name: "Clarity", score: 4 },
        ],
      },
    });
    // The zod schema is the rule book: the same answer straight from it.
    expect(reviewFormSchema.parse(values()).criteria.map((c) => c.name)).toEqual(["Sourcing", "Clarity"]);
  });

  it("needs only a rating and a headline", async () => {
    const bare = values(
      { summary: "" },
      { Sourcing: { score: "", note: "" }, Balance: { score: "", note: "   " }, Clarity: { score: "", note: "" } },
    );
    expect(validateReview(bare)).toEqual({ ok: true, data: { rating: 4, headline: "Well sourced, fairly told", summary: "", criteria: [] } });
  });

  it("explains every error, field by field", async () => {
    const r = validateReview(
      values(
        { rating: "", headline: "  ", summary: "x".repeat(2001) },
        {
          Sourcing: { score: "2", note: "n".repeat(501) },
          Balance: { score: "", note: "A note without a score" },
          Clarity: { score: "9", note: "" },
        },
      ),
    );
    expect(r).toEqual({
      ok: false,
      fieldErrors: {
        rating: "Choose a rating from 1 to 5 stars.",
        headline: "Write a verdict headline.",
        summary: "A summary can be at most 2,000 characters.",
        "criterion:Sourcing": "Sourcing: a note can be at most 500 characters.",
        "criterion:Balance": "Give Balance a score, or clear its note.",
        "criterion:Clarity": "Clarity: choose a score from 1 to 5.",
      },
    });
  });

  it("takes a rating only as a whole number from 1 to 5", async () => {
    for (const rating of ["0", "6", "3.5", "-1", "1e0", "four", "", " "]) {
      expect(errorsOf(values({ rating })), rating).toEqual({ rating: "Choose a rating from 1 to 5 stars." });
    }
    for (const rating of ["1", "5", " 3 "]) expect(errorsOf(values({ rating })), rating).toEqual({});
  });

  it("limits the headline to 200 characters, the summary to 2,000 and a note to 500", async () => {
    expect(errorsOf(values({ headline: "h".repeat(200), summary: "s".repeat(2000) }, { Clarity: { score: "3", note: "n".repeat(500) } }))).toEqual({});
    expect(errorsOf(values({ headline: "h".repeat(201) }))).toEqual({ headline: "A headline can be at most 200 characters." });
    expect(errorsOf(values({ summary: "s".repeat(2001) }))).toEqual({ summary: "A summary can be at most 2,000 characters." });
    expect(errorsOf(values({}, { Clarity: { score: "3", note: "n".repeat(501) } }))).toEqual({
      "criterion:Clarity": "Clarity: a note can be at most 500 characters.",
    });
  });

  it("reads the form's fields (line breaks as one character, missing fields empty)", async () => {
    const f = new FormData();
    f.set("rating", "3");
    f.set("headline", "H");
    f.set("summary", "One.\r\n\r\nTwo.");
    f.set("score_Sourcing", "2");
    f.set("note_Sourcing", "thin");
    f.set("note_Balance", new Blob(["not text"]));
    expect(readReviewForm(f)).toEqual({
      rating: "3",
      headline: "H",
      summary: "One.\n\nTwo.",
      criteria: { Sourcing: { score: "2", note: "thin" }, Balance: { score: "", note: "" }, Clarity: { score: "", note: "" } },
    });
    expect(readReviewForm(new FormData()).rating).toBe("");
  });

  it("shows a saved review in the form, and an empty form when there is none", async () => {
    expect(reviewToForm(null)).toEqual({
      rating: "",
      headline: "",
      summary: "",
      criteria: { Sourcing: { score: "", note: "" }, Balance: { score: "", note: "" }, Clarity: { score: "", note: "" } },
    });
  });
});

describe("saving and publishing a review", () => {
  it("drafts, publishes and unpublishes the article's one review, each step in its history", async () => {
    const article = await createArticle();
    const editor = await createUser({ role: "editor", name: "Rhea Reviewer" });
    const actor = { id: editor.id, name: editor.name };
    const t1 = new Date("2026-03-01T09:00:00Z");
    const t2 = new Date("2026-03-02T09:00:00Z");
    const t3 = new Date("2026-03-03T09:00:00Z");

    expect(await saveReview(actor, article.id, form(), "draft", { now: t1 })).toEqual({
      ok: true,
      status: "draft",
      message: "Review saved as a draft.",
    });
    expect(await getPublishedReview(article.id)).toBeNull();
    expect(await getReviewForEditor(article.id)).toMatchObject({
      status: "draft",
      rating: 4,
      reviewerId: editor.id,
      reviewerName: "Rhea Reviewer",
      publishedAt: null,
      updatedAt: t1,
      criteria: [
        { name: "Sourcing", score: 5, note: "Documents cited." },
        { name: "Clarity", score: 4 },
      ],
    });

    expect(await saveReview(actor, article.id, form(values({ rating: "5" })), "publish", { now: t2 })).toEqual({
      ok: true,
      status: "published",
      message: "Review published.",
    });
    const published = await getPublishedReview(article.id);
    expect(published).toMatchObject({ rating: 5, reviewerName: "Rhea Reviewer", status: "published", publishedAt: t2 });
    expect(reviewToForm(published).criteria.Sourcing).toEqual({ score: "5", note: "Documents cited." });

    expect(await unpublishReview(actor, article.id, { now: t3 })).toEqual({ ok: true, status: "draft", message: "Review unpublished." });
    expect(await getPublishedReview(article.id)).toBeNull();
    expect(await getReviewForEditor(article.id)).toMatchObject({ status: "draft", publishedAt: null, rating: 5, headline: "Well sourced, fairly told" });
    // Nothing left to unpublish: refused, and no history entry.
    expect(await unpublishReview(actor, article.id)).toEqual({ ok: false, message: "There is no published review to unpublish." });

    expect(await reviewRows(article.id)).toHaveLength(1);
    expect(await eventRows(article.id)).toEqual([
      { type: "review_saved", actorId: editor.id, createdAt: t1 },
      { type: "review_published", actorId: editor.id, createdAt: t2 },
      { type: "review_unpublished", actorId: editor.id, createdAt: t3 },
    ]);
    expect((await articleHistory(article.id)).map((e) => [e.type, e.actorName])).toEqual([
      ["review_unpublished", "Rhea Reviewer"],
      ["review_published", "Rhea Reviewer"],
      ["review_saved", "Rhea Reviewer"],
    ]);
  });

  it("re-saving updates the one row: new content, the new reviewer, a new review date on each publish", async () => {
    const article = await createArticle();
    const first = await createUser({ role: "editor", name: "First Editor" });
    const second = await createUser({ role: "admin", name: "Second Editor" });
    const t1 = new Date("2026-04-01T09:00:00Z");
    const t2 = new Date("2026-04-05T09:00:00Z");

    await saveReview(first, article.id, form(), "publish", { now: t1 });
    const [before] = await reviewRows(article.id);
    if (!before) throw new Error("no review saved");
    expect(await getPublishedReview(article.id)).toMatchObject({ reviewerName: "First Editor", publishedAt: t1 });

    const changed = values({ rating: "2", headline: "Thin on sources", summary: "" }, { Sourcing: { score: "1", note: "" }, Clarity: { score: "", note: "" } });
    expect(await saveReview(second, article.id, form(changed), "publish", { now: t2 })).toMatchObject({ ok: true, status: "published" });

    const rows = await reviewRows(article.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      id: before.id,
      createdAt: before.createdAt,
      updatedAt: t2,
      rating: 2,
      headline: "Thin on sources",
      summary: "",
      criteria: [{ name: "Sourcing", score: 1 }],
      reviewerId: second.id,
      publishedAt: t2,
    });
    expect(await getPublishedReview(article.id)).toMatchObject({ reviewerName: "Second Editor", publishedAt: t2 });
    expect((await eventRows(article.id)).map((e) => [e.type, e.actorId])).toEqual([
      ["review_published", first.id],
      ["review_published", second.id],
    ]);
  });

  it("saving a published review as a draft takes it off the article page", async () => {
    const article = await createArticle();
    const editor = await createUser({ role: "editor" });
    await saveReview(editor, article.id, form(), "publish");
    expect(await getPublishedReview(article.id)).not.toBeNull();
    expect(await saveReview(editor, article.id, form(values({ headline: "Second thoughts" })), "draft")).toMatchObject({ ok: true, status: "draft" });
    expect(await getPublishedReview(article.id)).toBeNull();
    expect(await getReviewForEditor(article.id)).toMatchObject({ status: "draft", publishedAt: null, headline: "Second thoughts" });
  });

  it("refuses invalid input with the errors and everything typed, and saves nothing", async () => {
    const editor = await createUser({ role: "editor" });
    const article = await createArticle();
    const typed = values(
      { rating: "", headline: "  A headline with spaces  ", summary: "Line one\r\nline two" },
      { Balance: { score: "", note: "Both sides heard." } },
    );
    const result = await saveReview(editor, article.id, form(typed), "publish");
    expect(result).toEqual({
      ok: false,
      message: "Please correct the highlighted fields; nothing was saved.",
      fieldErrors: { rating: "Choose a rating from 1 to 5 stars.", "criterion:Balance": "Give Balance a score, or clear its note." },
      values: { ...typed, summary: "Line one\nline two" },
    });
    expect(await getReviewForEditor(article.id)).toBeNull();
    expect(await eventRows(article.id)).toEqual([]);

    // An invalid re-save leaves the saved review as it was.
    await saveReview(editor, article.id, form(), "publish");
    const saved = await reviewRows(article.id);
    expect(await saveReview(editor, article.id, form(values({ headline: "" })), "draft")).toMatchObject({
      ok: false,
      fieldErrors: { headline: "Write a verdict headline." },
      values: { headline: "" },
    });
    expect(await reviewRows(article.id)).toEqual(saved);
    expect(await eventRows(article.id)).toHaveLength(1);
  });

  it("refuses an article that does not exist, with a message and the typed values", async () => {
    const editor = await createUser({ role: "editor" });
    expect(await saveReview(editor, 999_999, form(), "publish")).toEqual({
      ok: false,
      message: "This article no longer exists; nothing was saved.",
      fieldErrors: {},
      values: values(),
    });
    expect(await getDb().$count(editorReviews, eq(editorReviews.articleId, 999_999))).toBe(0);
    expect(await unpublishReview(editor, 999_999)).toMatchObject({ ok: false });
    expect(await eventRows(999_999)).toEqual([]);
  });
});
