import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { getArticleById } from "@/lib/articles/editorial";
import { getReviewForEditor, REVIEW_CRITERIA, REVIEW_LIMITS, reviewToForm, type ReviewForEditor } from "@/lib/articles/reviews";
import { requirePermission } from "@/lib/auth/session";
import { formatDateTime } from "@/lib/dates";
import { articlePath } from "@/lib/site";
import { ReviewForm } from "./review-form";

export const metadata: Metadata = { title: "Editor review", robots: { index: false } };
export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }> };

/** "Draft, last saved …" or "Published on …", with the reviewer's name. */
function ReviewState({ review }: { review: ReviewForEditor | null }) {
  if (!review) return <>No review yet: the article page shows “No editor review yet.”</>;
  const by = review.reviewerName ? ` by ${review.reviewerName}` : "";
  if (review.status === "published" && review.publishedAt) {
    return (
      <>
        Published on <time dateTime={review.publishedAt.toISOString()}>{formatDateTime(review.publishedAt)}</time>
        {by}.
      </>
    );
  }
  return (
    <>
      Draft, last saved <time dateTime={review.updatedAt.toISOString()}>{formatDateTime(review.updatedAt)}</time>
      {by}: not shown on the article page.
    </>
  );
}

export default async function ReviewPage({ params }: Props) {
  const { id: raw } = await params;
  await requirePermission("review:write", { callbackUrl: `/editor/${encodeURIComponent(raw)}/review` });
  const id = z.coerce.number().int().positive().safeParse(raw);
  if (!id.success) notFound();
  const article = await getArticleById(id.data);
  if (!article) notFound();
  const review = await getReviewForEditor(article.id);
  const published = review?.status === "published";

  return (
    <div className="admin-page review-form__page">
      <p>
        Back to the article: <Link href={`/editor/${article.id}`}>{article.title}</Link>
      </p>
      <h1 className="page-heading">Editor review</h1>
      <p className="review-form__state">
        <ReviewState review={review} />
        {published && article.status === "published" ? (
          <>
            {" "}
            <Link href={`${articlePath(article.slug)}#editor-review`}>See it on the article page</Link>
          </>
        ) : null}
      </p>
      {article.status !== "published" ? (
        <p className="field-note">
          The article itself is not published yet: a published review shows on its page once the article is published.
        </p>
      ) : null}
      <ReviewForm
        articleId={article.id}
        criteria={REVIEW_CRITERIA}
        limits={REVIEW_LIMITS}
        published={published}
        initial={{ status: "idle", message: null, fieldErrors: {}, values: reviewToForm(review) }}
      />
    </div>
  );
}
