import "server-only";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import {
  articleEvents,
  articles,
  editorReviews,
  users,
  type EditorReview,
  type ReviewStatus,
} from "@/db/schema";
import { getDb, transaction, type Db } from "@/lib/db";
import { hasNul, nulMessage } from "@/lib/text/storable";

/** The criteria an editor may score, in the order shown (each optional). */
export const REVIEW_CRITERIA = ["Sourcing", "Balance", "Clarity"] as const;
export type ReviewCriterion = (typeof REVIEW_CRITERIA)[number];

export const REVIEW_LIMITS = { headline: 200, summary: 2000, note: 500 } as const;

/** The form as typed: every field a string, so a refused form shows it back unchanged. */
export type ReviewFormValues = {
  rating: string;
  headline: string;
  summary: string;
  criteria: Record<ReviewCriterion, { score: string; note: string }>;
};

/** A criterion's error (its score or its note) is shown under that criterion. */
export type ReviewField = "rating" | "headline" | "summary" | `criterion:${ReviewCriterion}`;
export type ReviewFieldErrors = Partial<Record<ReviewField, string>>;

export type ReviewCriterionScore = { name: string; score: number; note?: string };
export type ReviewData = { rating: number; headline: string; summary: string; criteria: ReviewCriterionScore[] };

/** The form's field names: `rating`, `headline`, `summary`, `score_<Name>`, `note_<Name>`. */
export const criterionFieldNames = (name: ReviewCriterion) => ({ score: `score_${name}`, note: `note_${name}` }) as const;

/** The typed values of a posted review form (missing fields read as empty). */
export function readReviewForm(form: FormData): ReviewFormValues {
  const text = (k: string) => {
    const v = form.get(k);
    return typeof v === "string" ? v : "";
  };
  return {
    rating: text("rating"),
    headline: text("headline"),
    // Browsers post a textarea's line breaks as CRLF: count them as one character, as the textarea does.
    summary: text("summary").replace(/\r\n?/g, "\n"),
    criteria: Object.fromEntries(
      REVIEW_CRITERIA.map((c) => {
        const names = criterionFieldNames(c);
        return [c, { score: text(names.score), note: text(names.note) }];
      }),
    ) as ReviewFormValues["criteria"],
  };
}

/** A saved review as the form shows it (an empty form when there is none). */
export function reviewToForm(review: EditorReview | null): ReviewFormValues {
  const byName = new Map((review?.criteria ?? []).map((c) => [c.name, c]));
  return {
    rating: review ? String(review.rating) : "",
    headline: review?.headline ?? "",
    summary: review?.summary ?? "",
    criteria: Object.fromEntries(
      REVIEW_CRITERIA.map((name) => {
        const c = byName.get(name);
        return [name, { score: c ? String(c.score) : "", note: c?.note ?? "" }];
      }),
    ) as ReviewFormValues["criteria"],
  };
}

const ONE_TO_FIVE = /^[1-5]$/;

/**
 * One criterion: left out when it has no score; a note needs a score. Its
 * errors carry the criterion's name (they are shown under it).
 */
function criterionSchema(name: ReviewCriterion) {
  return z
    .object({ score: z.string().trim(), note: z.string().trim() })
    .superRefine((c, ctx) => {
      if (!c.score) {
        if (c.note) ctx.addIssue({ code: "custom", message: `Give ${name} a score, or clear its note.` });
      } else if (!ONE_TO_FIVE.test(c.score)) {
        ctx.addIssue({ code: "custom", message: `${name}: choose a score from 1 to 5.` });
      } else if (c.note.length > REVIEW_LIMITS.note) {
        ctx.addIssue({ code: "custom", message: `${name}: a note can be at most 500 characters.` });
      } else if (hasNul(c.note)) {
        ctx.addIssue({ code: "custom", message: nulMessage(`${name}: the note`) });
      }
    })
    .transform((c): ReviewCriterionScore | null =>
      c.score ? (c.note ? { name, score: Number(c.score), note: c.note } : { name, score: Number(c.score) }) : null,
    );
}

/** The review form, from typed values (`ReviewFormValues`) to what is saved (`ReviewData`). */
export const reviewFormSchema = z.object({
  rating: z.string().trim().regex(ONE_TO_FIVE, "Choose a rating from 1 to 5 stars.").transform(Number),
  headline: z
    .string()
    .trim()
    .min(1, "Write a verdict headline.")
    .max(REVIEW_LIMITS.headline, "A headline can be at most 200 characters.")
    .refine((v) => !hasNul(v), nulMessage("The headline")),
  summary: z
    .string()
    .trim()
    .max(REVIEW_LIMITS.summary, "A summary can be at most 2,000 characters.")
    .refine((v) => !hasNul(v), nulMessage("The summary")),
  criteria: z
    .object({
      Sourcing: criterionSchema("Sourcing"),
      Balance: criterionSchema("Balance"),
      Clarity: criterionSchema("Clarity"),
    } satisfies Record<ReviewCriterion, unknown>)
    .transform((c) => REVIEW_CRITERIA.flatMap((name) => (c[name] ? [c[name]] : []))),
});

/** Validates a review form: field by field (the first error of each), in plain words. */
export function validateReview(
  values: ReviewFormValues,
): { ok: true; data: ReviewData } | { ok: false; fieldErrors: ReviewFieldErrors } {
  const parsed = reviewFormSchema.safeParse(values);
  if (parsed.success) return { ok: true, data: parsed.data };
  const fieldErrors: ReviewFieldErrors = {};
  for (const issue of parsed.error.issues) {
    const [first, second] = issue.path;
    const field = (first === "criteria" ? `criterion:${String(second)}` : String(first)) as ReviewField;
    fieldErrors[field] ??= issue.message;
  }
  return { ok: false, fieldErrors };
}

export type ReviewForEditor = EditorReview & { reviewerName: string | null };

/** The article's review in any status, with its reviewer's name, or null when there is none. */
export async function getReviewForEditor(articleId: number, db: Db = getDb()): Promise<ReviewForEditor | null> {
  const [row] = await db
    .select({ review: editorReviews, reviewerName: users.name })
    .from(editorReviews)
    .leftJoin(users, eq(users.id, editorReviews.reviewerId))
    .where(eq(editorReviews.articleId, articleId));
  return row ? { ...row.review, reviewerName: row.reviewerName } : null;
}

export type ReviewActor = { id: number; name: string };

export type SaveReviewResult =
  | { ok: true; status: ReviewStatus; message: string }
  | { ok: false; message: string; fieldErrors: ReviewFieldErrors; values: ReviewFormValues };

type Options = { now?: Date; db?: Db };

/**
 * Saves the article's one review from its posted form, as a draft or
 * published: the reviewer becomes the editor saving, and publishing dates it
 * now (the date readers see; a draft has none). The article's history gets a
 * `review_saved` or `review_published` entry, in the same transaction. Invalid
 * input, or an article that does not exist, saves nothing; the answer then
 * carries the typed values back to the form.
 */
export async function saveReview(
  actor: ReviewActor,
  articleId: number,
  formData: FormData,
  intent: "draft" | "publish",
  { now = new Date(), db = getDb() }: Options = {},
): Promise<SaveReviewResult> {
  const values = readReviewForm(formData);
  return transaction(db, async (tx): Promise<SaveReviewResult> => {
    const [article] = await tx.select({ id: articles.id }).from(articles).where(eq(articles.id, articleId));
    if (!article) {
      return { ok: false, message: "This article no longer exists; nothing was saved.", fieldErrors: {}, values };
    }
    const valid = validateReview(values);
    if (!valid.ok) {
      return {
        ok: false,
        message: "Please correct the highlighted fields; nothing was saved.",
        fieldErrors: valid.fieldErrors,
        values,
      };
    }
    const status: ReviewStatus = intent === "publish" ? "published" : "draft";
    const fields = {
      ...valid.data,
      reviewerId: actor.id,
      status,
      publishedAt: status === "published" ? now : null,
      updatedAt: now,
    };
    // One statement (the article's one review, by its unique article_id): two saves at once both land, the later last.
    await tx
      .insert(editorReviews)
      .values({ articleId, ...fields, createdAt: now })
      .onConflictDoUpdate({ target: editorReviews.articleId, set: fields });
    await tx
      .insert(articleEvents)
      .values({ articleId, type: status === "published" ? "review_published" : "review_saved", actorId: actor.id, createdAt: now });
    return { ok: true, status, message: status === "published" ? "Review published." : "Review saved as a draft." };
  });
}

export type UnpublishReviewResult = { ok: true; status: "draft"; message: string } | { ok: false; message: string };

/**
 * Takes the article's published review off the article page (it stays, as a
 * draft, for the editors), with a `review_unpublished` entry in the article's
 * history, in the same transaction. One conditional update: of two editors
 * unpublishing at once, one does it and the other is told there is nothing to do.
 */
export async function unpublishReview(
  actor: ReviewActor,
  articleId: number,
  { now = new Date(), db = getDb() }: Options = {},
): Promise<UnpublishReviewResult> {
  return transaction(db, async (tx): Promise<UnpublishReviewResult> => {
    const changed = await tx
      .update(editorReviews)
      .set({ status: "draft", publishedAt: null, updatedAt: now })
      .where(and(eq(editorReviews.articleId, articleId), eq(editorReviews.status, "published")))
      .returning({ id: editorReviews.id });
    if (changed.length === 0) {
      return { ok: false, message: "There is no published review to unpublish." };
    }
    await tx.insert(articleEvents).values({ articleId, type: "review_unpublished", actorId: actor.id, createdAt: now });
    return { ok: true, status: "draft", message: "Review unpublished." };
  });
}
