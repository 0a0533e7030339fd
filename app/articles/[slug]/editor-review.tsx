import type { PublishedReview } from "@/lib/articles/queries";
import { formatDate } from "@/lib/dates";

function Stars({ rating, label }: { rating: number; label?: string }) {
  return (
    <span className="stars" role="img" aria-label={label ?? `Rated ${rating} out of 5`}>
      <span aria-hidden="true">{"★".repeat(rating)}</span>
      <span aria-hidden="true" className="stars__off">
        {"★".repeat(5 - rating)}
      </span>
    </span>
  );
}

export function EditorReviewSection({ review }: { review: PublishedReview | null }) {
  return (
    <section className="panel" aria-labelledby="editor-review-title" id="editor-review">
      <h2 id="editor-review-title">Editor review</h2>
      {review ? (
        <div className="review">
          <Stars rating={review.rating} />
          <p className="review__headline">{review.headline}</p>
          {review.summary ? <p>{review.summary}</p> : null}
          {review.criteria.length > 0 ? (
            <table>
              <caption className="muted review__caption">
                Criteria
              </caption>
              <thead>
                <tr>
                  <th scope="col">Criterion</th>
                  <th scope="col">Score</th>
                  <th scope="col">Note</th>
                </tr>
              </thead>
              <tbody>
                {review.criteria.map((c) => (
                  <tr key={c.name}>
                    <th scope="row">{c.name}</th>
                    <td>
                      <Stars rating={c.score} label={`${c.name}: ${c.score} out of 5`} />
                    </td>
                    <td>{c.note}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          {review.publishedAt ? (
            <p className="muted">
              Reviewed{review.reviewerName ? ` by ${review.reviewerName}` : ""} on{" "}
              <time dateTime={review.publishedAt.toISOString()}>
                {formatDate(review.publishedAt)}
              </time>
            </p>
          ) : null}
        </div>
      ) : (
        <p className="muted">No editor review yet.</p>
      )}
    </section>
  );
}
