import type { Metadata } from "next";
import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { getCurrentUser } from "@/lib/auth/session";
import { commentLocation } from "@/lib/comments/permalink";
import { REPORT_CHOICES, REPORT_NOTE_MAX, hasReported, reportableComment } from "@/lib/community/reports";
import { reportPath } from "@/lib/community/report-path";
import { standingOf, standingRefusal } from "@/lib/community/standing";
import { ReportForm } from "./report-form";

export const metadata: Metadata = { title: "Report a comment", robots: { index: false } };
export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }> };

/**
 * A comment's report form (its `Report` control leads here, with or without
 * JavaScript). Guests are sent to sign in and come back here.
 */
export default async function ReportPage({ params }: Props) {
  const { id: raw } = await params;
  if (!/^[1-9]\d{0,9}$/.test(raw) || Number(raw) > 2 ** 31 - 1) notFound();
  const id = Number(raw);
  const user = await getCurrentUser();
  if (!user) redirect(`/login?callbackUrl=${encodeURIComponent(reportPath(id))}`);
  const comment = await reportableComment(id);
  if (!comment) notFound();
  const back = (await commentLocation(id)) ?? `/articles/${comment.articleSlug}#comments`;
  const refusal = standingRefusal(standingOf(user), "report comments");
  const own = comment.userId === user.id;
  const already = !refusal && !own ? await hasReported(user.id, id) : false;
  return (
    <div className="auth-page report-page">
      <h1 className="page-heading">Report a comment</h1>
      <figure className="report-page__comment">
        <blockquote>{comment.excerpt}</blockquote>
        <figcaption>
          {comment.authorName}, on <Link href={back}>{comment.articleTitle}</Link>
        </figcaption>
      </figure>
      {refusal ? (
        <p className="form-message" role="alert">
          {refusal}
        </p>
      ) : own ? (
        <p className="form-message">You cannot report your own comment.</p>
      ) : already ? (
        <p className="form-notice" role="status">
          Reported. You reported this comment; the moderators have it.
        </p>
      ) : (
        <ReportForm commentId={id} reasons={REPORT_CHOICES} noteMax={REPORT_NOTE_MAX} />
      )}
      <p>
        <Link href={back}>Back to the comment</Link>
      </p>
    </div>
  );
}
