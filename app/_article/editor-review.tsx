import type { EditorReview } from "@/lib/articles/article";
import { formatDate } from "@/lib/dates";

/** The published review with its reviewer's name (null when the account is gone). */
export type EditorReviewWithReviewer = EditorReview & { reviewerName: string | null };

/** 1 to 5 stars, read out as one image: "Rated 4 out of 5" (or the given label). */
function Stars({ rating, label, className }: { rating: number; label?: string; className?: string }) {
  const n = Math.min(5, Math.max(0, Math.round(rating)));
  return (
    <span className={className ? `stars ${className}` : "stars"} role="img" aria-label={label ?? `Rated ${n} out of 5`}>
      <span aria-hidden="true">{"★".repeat(n)}</span>
      <span aria-hidden="true" className="stars__off">
        {"★".repeat(5 - n)}
      </span>
    </span>
  );
}

/** The summary's paragraphs (separated by blank lines). */
function paragraphs(text: string): string[] {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean);
}

/** The article's editor review (published only), or "No editor review yet." */
export function EditorReviewSection({ review }: { review: EditorReviewWithReviewer | null }) {
  const withNotes = review?.criteria.some((c) => c.note) ?? false;
  return (
    <section className="panel" aria-labelledby="editor-review-title" id="editor-review">
      <h2 id="editor-review-title">Editor review</h2>
      {review ? (
        <div className="review">
          <p className="review__rating">
            <Stars rating={review.rating} />{" "}
            <span className="review__score" aria-hidden="true">
              {review.rating}/5
            </span>
          </p>
          <p className="review__headline">{review.headline}</p>
          {paragraphs(review.summary).map((p, i) => (
            <p key={i} className="review__summary">
              {p}
            </p>
          ))}
          {review.criteria.length > 0 ? (
            <table className="review__criteria">
              <caption className="muted review__caption">Criteria</caption>
              <thead>
                <tr>
                  <th scope="col">Criterion</th>
                  <th scope="col">Score</th>
                  {withNotes ? <th scope="col">Note</th> : null}
                </tr>
              </thead>
              <tbody>
                {review.criteria.map((c) => (
                  <tr key={c.name}>
                    <th scope="row">{c.name}</th>
                    <td className="review__criterion-score">
                      <Stars rating={c.score} label={`${c.name}: ${c.score} out of 5`} className="review__stars--small" />
                    </td>
                    {withNotes ? <td>{c.note}</td> : null}
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          {review.publishedAt ? (
            <p className="muted review__byline">
              Reviewed{review.reviewerName ? ` by ${review.reviewerName}` : ""} on{" "}
              <time dateTime={review.publishedAt.toISOString()}>{formatDate(review.publishedAt)}</time>
            </p>
          ) : null}
        </div>
      ) : (
        <p className="muted">No editor review yet.</p>
      )}
    </section>
  );
}
