import "server-only";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { articleEvents, articles, editorReviews, users, type EditorReview } from "@/db/schema";
import { getDb, type Db } from "@/lib/db";

/** The criteria an editor may score (each optional). */
export const REVIEW_CRITERIA = ["Sourcing", "Balance", "Clarity"] as const;
export type ReviewCriterion = (typeof REVIEW_CRITERIA)[number];

export type ReviewFormValues = {
  rating: string;
  headline: string;
  summary: string;
  criteria: Record<ReviewCriterion, { score: string; note: string }>;
};

export type ReviewField = "rating" | "headline" | "summary" | `criterion:${ReviewCriterion}`;

export function readReviewForm(form: FormData): ReviewFormValues {
  const text = (k: string) => String(form.get(k) ?? "");
  return {
    rating: text("rating"),
    headline: text("headline"),
    summary: text("summary"),
    criteria: Object.fromEntries(REVIEW_CRITERIA.map((c) => [c, { score: text(`score_${c}`), note: text(`note_${c}`) }])) as ReviewFormValues["criteria"],
  };
}

export function reviewToForm(review: EditorReview | null): ReviewFormValues {
  const byName = new Map((review?.criteria ?? []).map((c) => [c.name, c]));
  return {
    rating: review ? String(review.rating) : "",
    headline: review?.headline ?? "",
    summary: review?.summary ?? "",
    criteria: Object.fromEntries(
      REVIEW_CRITERIA.map((c) => [c, { score: byName.get(c) ? String(byName.get(c)!.score) : "", note: byName.get(c)?.note ?? "" }]),
    ) as ReviewFormValues["criteria"],
  };
}

const score = z.coerce.number().int().min(1).max(5);

/** Validates a review form: field by field, in plain words. */
export function validateReview(values: ReviewFormValues):
  | { ok: true; data: { rating: number; headline: string; summary: string; criteria: { name: string; score: number; note?: string }[] } }
  | { ok: false; fieldErrors: Partial<Record<ReviewField, string>> } {
  const fieldErrors: Partial<Record<ReviewField, string>> = {};
  const rating = score.safeParse(values.rating);
  if (!values.rating || !rating.success) fieldErrors.rating = "Choose a rating from 1 to 5 stars.";
  const headline = values.headline.trim();
  if (!headline) fieldErrors.headline = "Write a verdict headline.";
  else if (headline.length > 200) fieldErrors.headline = "A headline can be at most 200 characters.";
  const summary = values.summary.trim();
  if (summary.length > 2000) fieldErrors.summary = "A summary can be at most 2,000 characters.";
  const criteria: { name: string; score: number; note?: string }[] = [];
  for (const name of REVIEW_CRITERIA) {
    const c = values.criteria[name];
    const note = c.note.trim();
    if (!c.score) {
      if (note) fieldErrors[`criterion:${name}`] = `Give ${name} a score, or clear its note.`;
      continue;
    }
    const s = score.safeParse(c.score);
    if (!s.success) fieldErrors[`criterion:${name}`] = `${name}: choose a score from 1 to 5.`;
    else if (note.length > 500) fieldErrors[`criterion:${name}`] = `${name}: a note can be at most 500 characters.`;
    else criteria.push(note ? { name, score: s.data, note } : { name, score: s.data });
  }
  if (Object.keys(fieldErrors).length > 0) return { ok: false, fieldErrors };
  return { ok: true, data: { rating: rating.data!, headline, summary, criteria } };
}

export type ReviewForEditor = EditorReview & { reviewerName: string | null };

export function getReviewForEditor(articleId: number, db: Db = getDb()): ReviewForEditor | null {
  const row = db
    .select({ review: editorReviews, reviewerName: users.name })
    .from(editorReviews)
    .leftJoin(users, eq(users.id, editorReviews.reviewerId))
    .where(eq(editorReviews.articleId, articleId))
    .get();
  return row ? { ...row.review, reviewerName: row.reviewerName } : null;
}

export type SaveReviewResult =
  | { ok: true; status: "draft" | "published"; message: string }
  | { ok: false; message: string; fieldErrors: Partial<Record<ReviewField, string>> };

/**
 * Saves the article's one review as a draft or publishes it (the reviewer is
 * the editor saving; publishing dates it now), with an entry in the article's
 * history, in one transaction.
 */
export function saveReview(
  actor: { id: number; name: string },
  articleId: number,
  values: ReviewFormValues,
  intent: "draft" | "publish",
  { now = new Date(), db = getDb() }: { now?: Date; db?: Db } = {},
): SaveReviewResult {
  const valid = validateReview(values);
  if (!valid.ok) return { ok: false, message: "Please correct the highlighted fields; nothing was saved.", fieldErrors: valid.fieldErrors };
  return db.transaction(() => {
    if (!db.select({ id: articles.id }).from(articles).where(eq(articles.id, articleId)).get()) {
      return { ok: false, message: "This article no longer exists.", fieldErrors: {} } as const;
    }
    const status = intent === "publish" ? "published" : "draft";
    const fields = { ...valid.data, reviewerId: actor.id, status, publishedAt: intent === "publish" ? now : null, updatedAt: now } as const;
    db.insert(editorReviews)
      .values({ articleId, ...fields, createdAt: now })
      .onConflictDoUpdate({ target: editorReviews.articleId, set: fields })
      .run();
    db.insert(articleEvents)
      .values({ articleId, type: intent === "publish" ? "review_published" : "review_saved", actorId: actor.id, createdAt: now })
      .run();
    return { ok: true, status, message: intent === "publish" ? "Review published." : "Review saved as a draft." } as const;
  });
}

export function unpublishReview(actor: { id: number }, articleId: number, { now = new Date(), db = getDb() }: { now?: Date; db?: Db } = {}): SaveReviewResult {
  return db.transaction(() => {
    const review = db.select().from(editorReviews).where(eq(editorReviews.articleId, articleId)).get();
    if (!review || review.status !== "published") return { ok: false, message: "There is no published review to unpublish.", fieldErrors: {} } as const;
    db.update(editorReviews).set({ status: "draft", publishedAt: null, updatedAt: now }).where(eq(editorReviews.id, review.id)).run();
    db.insert(articleEvents).values({ articleId, type: "review_unpublished", actorId: actor.id, createdAt: now }).run();
    return { ok: true, status: "draft", message: "Review unpublished." } as const;
  });
}
