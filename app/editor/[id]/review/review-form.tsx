"use client";

import { useActionState } from "react";
import { REVIEW_CRITERIA_LIST } from "./criteria";
import { saveReviewAction, unpublishReviewAction, type ReviewFormState } from "./actions";

/** The editor review form: works without JavaScript (plain POSTs), keeps every typed value on errors. */
export function ReviewForm({ articleId, initial, published }: { articleId: number; initial: ReviewFormState; published: boolean }) {
  const [state, formAction, pending] = useActionState(saveReviewAction, initial);
  const [unpublishState, unpublishAction, unpublishing] = useActionState(unpublishReviewAction, initial);
  const v = state.values;
  const e = state.fieldErrors;
  return (
    <>
      {state.message ? (
        <p className={state.status === "saved" ? "form-notice" : "form-message"} role={state.status === "saved" ? "status" : "alert"}>
          {state.message}
        </p>
      ) : null}
      <form action={formAction} className="article-form review-form" noValidate>
        <input type="hidden" name="articleId" value={articleId} />
        <fieldset className="review-form__rating" aria-describedby={e.rating ? "rating-error" : undefined}>
          <legend>Rating</legend>
          {[1, 2, 3, 4, 5].map((n) => (
            <label key={n} className="review-form__star">
              <input type="radio" name="rating" value={n} defaultChecked={v.rating === String(n)} />
              <span aria-hidden="true">{"★".repeat(n)}</span>
              <span className="visually-hidden">
                {n} star{n === 1 ? "" : "s"}
              </span>
            </label>
          ))}
          {e.rating ? (
            <span id="rating-error" className="field-error">
              {e.rating}
            </span>
          ) : null}
        </fieldset>
        <div className="form-field">
          <label htmlFor="review-headline">Verdict headline</label>
          <input id="review-headline" name="headline" type="text" defaultValue={v.headline} aria-invalid={e.headline ? true : undefined} />
          {e.headline ? <span className="field-error">{e.headline}</span> : null}
        </div>
        <div className="form-field">
          <label htmlFor="review-summary">Summary</label>
          <textarea id="review-summary" name="summary" rows={4} defaultValue={v.summary} aria-invalid={e.summary ? true : undefined} />
          {e.summary ? <span className="field-error">{e.summary}</span> : null}
        </div>
        <fieldset className="article-form__group">
          <legend>Criteria (optional)</legend>
          {REVIEW_CRITERIA_LIST.map((c) => (
            <div key={c} className="review-form__criterion">
              <div className="form-field">
                <label htmlFor={`score-${c}`}>{c} score</label>
                <select id={`score-${c}`} name={`score_${c}`} defaultValue={v.criteria[c].score}>
                  <option value="">—</option>
                  {[1, 2, 3, 4, 5].map((n) => (
                    <option key={n} value={n}>
                      {n}
                    </option>
                  ))}
                </select>
              </div>
              <div className="form-field">
                <label htmlFor={`note-${c}`}>{c} note</label>
                <input id={`note-${c}`} name={`note_${c}`} type="text" defaultValue={v.criteria[c].note} />
              </div>
              {e[`criterion:${c}`] ? <span className="field-error">{e[`criterion:${c}`]}</span> : null}
            </div>
          ))}
        </fieldset>
        <p className="form-submit review-form__buttons">
          <button type="submit" name="intent" value="draft" disabled={pending}>
            Save draft
          </button>{" "}
          <button type="submit" name="intent" value="publish" disabled={pending}>
            Publish review
          </button>
        </p>
      </form>
      {published ? (
        <form action={unpublishAction} className="inline-form">
          <input type="hidden" name="articleId" value={articleId} />
          <button type="submit" disabled={unpublishing}>
            Unpublish review
          </button>
          {unpublishState !== initial && unpublishState.message ? (
            <span role="status" className={unpublishState.status === "saved" ? "form-notice" : "form-message"}>
              {unpublishState.message}
            </span>
          ) : null}
        </form>
      ) : null}
    </>
  );
}
