import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { getArticleById } from "@/lib/articles/editorial";
import { getReviewForEditor, reviewToForm } from "@/lib/articles/reviews";
import { requirePermission } from "@/lib/auth/session";
import { formatDateTime } from "@/lib/dates";
import { ReviewForm } from "./review-form";

export const metadata: Metadata = { title: "Editor review", robots: { index: false } };
export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }> };

export default async function ReviewPage({ params }: Props) {
  const { id: raw } = await params;
  await requirePermission("review:write", { callbackUrl: `/editor/${raw}/review` });
  const id = z.coerce.number().int().positive().safeParse(raw);
  if (!id.success) notFound();
  const article = getArticleById(id.data);
  if (!article) notFound();
  const review = getReviewForEditor(article.id);
  return (
    <div className="admin-page">
      <p>
        <Link href={`/editor/${article.id}`}>← Back to the article</Link>
      </p>
      <h1 className="page-heading">Editor review</h1>
      <p>
        Of <strong>{article.title}</strong>.{" "}
        {review ? (
          <span className="muted">
            {review.status === "published" && review.publishedAt
              ? `Published on ${formatDateTime(review.publishedAt)} by ${review.reviewerName ?? "an editor"}.`
              : `Draft, last saved ${formatDateTime(review.updatedAt)} by ${review.reviewerName ?? "an editor"}.`}
          </span>
        ) : (
          <span className="muted">No review yet.</span>
        )}
      </p>
      <ReviewForm
        articleId={article.id}
        published={review?.status === "published"}
        initial={{ status: "idle", message: null, fieldErrors: {}, values: reviewToForm(review) }}
      />
    </div>
  );
}
