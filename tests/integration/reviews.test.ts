import { describe, expect, it } from "vitest";
import { articleHistory } from "@/lib/articles/editorial";
import { getPublishedReview } from "@/lib/articles/queries";
import { getReviewForEditor, readReviewForm, reviewToForm, saveReview, unpublishReview, validateReview, type ReviewFormValues } from "@/lib/articles/reviews";
import { getDb } from "@/lib/db";
import { createArticle, createUser } from "../support/factories";

function values(overrides: Partial<ReviewFormValues> = {}, criteria: Partial<ReviewFormValues["criteria"]> = {}): ReviewFormValues {
  return {
    rating: "4",
    headline: "Well sourced, fairly told",
    summary: "Names its sources and lets the coalition answer.",
    criteria: { Sourcing: { score: "5", note: "Documents cited." }, Balance: { score: "", note: "" }, Clarity: { score: "4", note: "" }, ...criteria },
    ...overrides,
  };
}

describe("review validation", () => {
  it("accepts a rating, a headline and scored criteria", () => {
    expect(validateReview(values())).toEqual({
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
  });

  it("explains every error", () => {
    const r = validateReview(
      values({ rating: "", headline: "  ", summary: "x".repeat(2001) }, { Balance: { score: "", note: "A note without a score" }, Clarity: { score: "9", note: "" } }),
    );
    expect(r).toEqual({
      ok: false,
      fieldErrors: {
        rating: "Choose a rating from 1 to 5 stars.",
        headline: "Write a verdict headline.",
        summary: "A summary can be at most 2,000 characters.",
        "criterion:Balance": "Give Balance a score, or clear its note.",
        "criterion:Clarity": "Clarity: choose a score from 1 to 5.",
      },
    });
    expect(validateReview(values({ rating: "6" }))).toMatchObject({ ok: false, fieldErrors: { rating: expect.any(String) } });
  });

  it("reads the form's fields", () => {
    const form = new FormData();
    form.set("rating", "3");
    form.set("headline", "H");
    form.set("score_Sourcing", "2");
    form.set("note_Sourcing", "thin");
    expect(readReviewForm(form)).toEqual({
      rating: "3",
      headline: "H",
      summary: "",
      criteria: { Sourcing: { score: "2", note: "thin" }, Balance: { score: "", note: "" }, Clarity: { score: "", note: "" } },
    });
  });
});

describe("saving and publishing a review", () => {
  it("drafts, publishes and unpublishes one review per article, in the article's history", () => {
    const article = createArticle();
    const editor = createUser({ role: "editor", name: "Rhea Reviewer" });
    const actor = { id: editor.id, name: editor.name };

    expect(saveReview(actor, article.id, values(), "draft")).toEqual({ ok: true, status: "draft", message: "Review saved as a draft." });
    expect(getPublishedReview(article.id)).toBeNull();
    expect(getReviewForEditor(article.id)).toMatchObject({ status: "draft", reviewerName: "Rhea Reviewer", publishedAt: null });

    expect(saveReview(actor, article.id, values({ rating: "5" }), "publish")).toMatchObject({ ok: true, status: "published" });
    const published = getPublishedReview(article.id);
    expect(published).toMatchObject({ rating: 5, reviewerName: "Rhea Reviewer", status: "published" });
    expect(published?.publishedAt).toBeInstanceOf(Date);
    expect(reviewToForm(published).criteria.Sourcing).toEqual({ score: "5", note: "Documents cited." });

    expect(unpublishReview(actor, article.id)).toMatchObject({ ok: true, message: "Review unpublished." });
    expect(getPublishedReview(article.id)).toBeNull();
    expect(unpublishReview(actor, article.id)).toMatchObject({ ok: false });

    const rows = getDb().$client.prepare("select count(*) as n from editor_reviews where article_id = ?").get(article.id);
    expect(rows).toEqual({ n: 1 });
    expect(articleHistory(article.id).map((e) => [e.type, e.actorName])).toEqual([
      ["review_unpublished", "Rhea Reviewer"],
      ["review_published", "Rhea Reviewer"],
      ["review_saved", "Rhea Reviewer"],
    ]);
  });

  it("saves nothing for invalid input or an unknown article", () => {
    const editor = createUser({ role: "editor" });
    const article = createArticle();
    expect(saveReview({ id: editor.id, name: editor.name }, article.id, values({ headline: "" }), "publish")).toMatchObject({ ok: false });
    expect(saveReview({ id: editor.id, name: editor.name }, 999_999, values(), "publish")).toMatchObject({ ok: false, message: "This article no longer exists." });
    expect(getReviewForEditor(article.id)).toBeNull();
  });
});
