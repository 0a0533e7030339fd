"use client";

import { useActionState } from "react";
import { reviewAction, type ReviewFormState } from "./actions";

type Criterion = keyof ReviewFormState["values"]["criteria"];
type Field = keyof ReviewFormState["fieldErrors"];

type Props = {
  articleId: number;
  /** The criteria, in order (from lib/articles/reviews.ts). */
  criteria: readonly Criterion[];
  limits: { headline: number; summary: number; note: number };
  /** Whether the saved review is published (shows "Unpublish review"). */
  published: boolean;
  initial: ReviewFormState;
};

const STARS = [1, 2, 3, 4, 5] as const;
const starWords = (n: number) => `${n} star${n === 1 ? "" : "s"}`;

const errorId = (field: Field) => `review-${field.replace(":", "-")}-error`;

function FieldError({ field, error }: { field: Field; error: string | undefined }) {
  return error ? (
    <span id={errorId(field)} className="field-error">
      {error}
    </span>
  ) : null;
}

/** aria-describedby: the field's note, then its error when there is one. */
function describedBy(note: string | null, field: Field, error: string | undefined): string | undefined {
  return [note, error ? errorId(field) : null].filter(Boolean).join(" ") || undefined;
}

/**
 * The editor review form: a rating as five star radios, the verdict, a
 * summary and the optional scored criteria; "Save draft" or "Publish review";
 * and, for a published review, "Unpublish review" (a form of its own). Both
 * forms post to one action, so the page shows one answer. Works without
 * JavaScript (plain posts); a refused form keeps everything typed.
 */
export function ReviewForm({ articleId, criteria, limits, published, initial }: Props) {
  const [state, formAction, pending] = useActionState(reviewAction, initial);
  const v = state.values;
  const e = state.fieldErrors;

  return (
    <>
      <div role="status" className="review-form__status">
        {state.status === "saved" && state.message ? <p className="form-notice">{state.message}</p> : null}
      </div>
      {state.status === "error" && state.message ? (
        <p className="form-message" role="alert">
          {state.message}
        </p>
      ) : null}

      <form action={formAction} className="article-form review-form" noValidate>
        <input type="hidden" name="articleId" value={articleId} />

        <fieldset className="review-form__rating" aria-describedby={describedBy("review-rating-note", "rating", e.rating)}>
          <legend>Rating</legend>
          <div className="review-form__stars">
            {STARS.map((n) => (
              <label key={n} className="review-form__star">
                <input
                  type="radio"
                  name="rating"
                  value={n}
                  required
                  defaultChecked={v.rating === String(n)}
                  aria-invalid={e.rating ? true : undefined}
                />
                <span className="review-form__star-icon" aria-hidden="true">
                  ★
                </span>
                <span className="visually-hidden">{starWords(n)}</span>
              </label>
            ))}
          </div>
          <span id="review-rating-note" className="field-note">
            1 star: poor; 5 stars: excellent. Readers see it at the top of the review.
          </span>
          <FieldError field="rating" error={e.rating} />
        </fieldset>

        <div className="form-field">
          <label htmlFor="review-headline">Verdict headline</label>
          <input
            id="review-headline"
            name="headline"
            type="text"
            required
            maxLength={limits.headline}
            defaultValue={v.headline}
            aria-invalid={e.headline ? true : undefined}
            aria-describedby={describedBy("review-headline-note", "headline", e.headline)}
          />
          <span id="review-headline-note" className="field-note">
            The verdict in a line, up to {limits.headline} characters.
          </span>
          <FieldError field="headline" error={e.headline} />
        </div>

        <div className="form-field">
          <label htmlFor="review-summary">Summary</label>
          <textarea
            id="review-summary"
            name="summary"
            rows={5}
            maxLength={limits.summary}
            defaultValue={v.summary}
            aria-invalid={e.summary ? true : undefined}
            aria-describedby={describedBy("review-summary-note", "summary", e.summary)}
          />
          <span id="review-summary-note" className="field-note">
            Optional, up to {limits.summary.toLocaleString("en-GB")} characters.
          </span>
          <FieldError field="summary" error={e.summary} />
        </div>

        <fieldset className="article-form__group review-form__criteria" aria-describedby="review-criteria-note">
          <legend>Criteria (optional)</legend>
          <p id="review-criteria-note" className="field-note">
            Score what you assessed; a criterion without a score is left out (a note needs a score).
          </p>
          {criteria.map((c) => {
            const field: Field = `criterion:${c}`;
            const error = e[field];
            const score = v.criteria[c]?.score ?? "";
            return (
              <div key={c} className="review-form__criterion">
                <div className="form-field">
                  <label htmlFor={`review-score-${c}`}>{c} score</label>
                  {/* Keyed by its value: React applies a select's defaultValue only when it mounts. */}
                  <select
                    key={`${c}-${score}`}
                    id={`review-score-${c}`}
                    name={`score_${c}`}
                    defaultValue={score}
                    aria-invalid={error ? true : undefined}
                    aria-describedby={describedBy(null, field, error)}
                  >
                    <option value="">—</option>
                    {STARS.map((n) => (
                      <option key={n} value={n}>
                        {n}
                      </option>
                    ))}
                  </select>
                </div>
                <div className="form-field">
                  <label htmlFor={`review-note-${c}`}>{c} note</label>
                  <input
                    id={`review-note-${c}`}
                    name={`note_${c}`}
                    type="text"
                    maxLength={limits.note}
                    defaultValue={v.criteria[c]?.note ?? ""}
                    aria-invalid={error ? true : undefined}
                    aria-describedby={describedBy(null, field, error)}
                  />
                </div>
                <FieldError field={field} error={error} />
              </div>
            );
          })}
        </fieldset>

        <p className="form-submit review-form__buttons">
          <button type="submit" name="intent" value="draft" className="review-form__draft" disabled={pending} aria-busy={pending}>
            Save draft
          </button>
          <button type="submit" name="intent" value="publish" disabled={pending} aria-busy={pending}>
            Publish review
          </button>
        </p>
        {published ? (
          <p className="field-note">
            The review is published: “Publish review” updates it and dates it today; “Save draft” takes it off the article page.
          </p>
        ) : null}
      </form>

      {published ? (
        <form action={formAction} className="review-form__unpublish">
          <input type="hidden" name="articleId" value={articleId} />
          <button type="submit" name="intent" value="unpublish" disabled={pending} aria-busy={pending}>
            Unpublish review
          </button>
          <span className="field-note">Takes the review off the article page; it stays here as a draft.</span>
        </form>
      ) : null}
    </>
  );
}
