import { CommentSettingsPanel } from "@/app/_comment-settings/panel";
import { articleCommentSettings } from "@/lib/articles/comment-settings";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import {
  articleHistory,
  articleToForm,
  getArticleById,
  listRevisions,
  pendingSendBackNote,
  STATUS_WORDS,
  WORKFLOW_ERRORS,
  WORKFLOW_LABELS,
  WORKFLOW_NOTICES,
  workflowActionsFor,
  type ArticleHistoryItem,
} from "@/lib/articles/editorial";
import { renderMarkdown } from "@/lib/articles/markdown";
import { can } from "@/lib/auth/permissions";
import { requirePermission } from "@/lib/auth/session";
import { formatDateTime } from "@/lib/dates";
import { noticeText } from "@/lib/http/notices";
import { workflowAction } from "../actions";
import { ArticleForm } from "../article-form";

export const metadata: Metadata = { title: "Edit article", robots: { index: false } };
export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

const EVENT_WORDS: Record<ArticleHistoryItem["type"], string> = {
  created: "Created the draft",
  submitted: "Submitted for review",
  published: "Published",
  sent_back: "Sent back to the author",
  unpublished: "Unpublished",
  comments_closed: "Closed comments",
  comments_opened: "Opened comments",
  comment_settings: "Changed the comment settings",
  slug_changed: "Changed the slug",
  review_saved: "Saved the editor review as a draft",
  review_published: "Published the editor review",
  review_unpublished: "Unpublished the editor review",
};

export default async function EditArticlePage({ params, searchParams }: Props) {
  const { id: raw } = await params;
  const id = z.coerce.number().int().positive().safeParse(raw);
  const user = await requirePermission("article:edit", { callbackUrl: `/editor/${raw}` });
  if (!id.success) notFound();
  const article = await getArticleById(id.data);
  if (!article) notFound();
  const query = await searchParams;
  // Codes only: a known code shows its fixed text, anything else nothing.
  const done = noticeText(WORKFLOW_NOTICES, "done", query, undefined) ?? (query.created ? "Draft created." : null);
  const error = noticeText(WORKFLOW_ERRORS, "error", query, undefined);
  const history = await articleHistory(article.id);
  const commentSettings = can(user, "article:comments") ? await articleCommentSettings(article.id) : null;
  const revisions = await listRevisions(article.id);
  const sentBack = article.status === "draft" ? await pendingSendBackNote(article.id) : null;
  const steps = workflowActionsFor(article.status).filter((a) => a === "submit" || can(user, "article:publish"));

  return (
    <div className="admin-page editor-page">
      <p>
        <Link href="/editor">← All articles</Link>
        {article.status === "published" ? (
          <>
            {" · "}
            <Link href={`/articles/${article.slug}`}>View on the site</Link>
          </>
        ) : null}
        {" · "}
        <Link href={`/editor/${article.id}/review`}>Editor review</Link>
      </p>
      <h1 className="page-heading">Edit article</h1>
      <div role="status" aria-live="polite">
        {done ? <p className="form-notice">{done}</p> : null}
      </div>
      {error ? (
        <p className="form-message" role="alert">
          {error}
        </p>
      ) : null}

      <section className="panel workflow" aria-labelledby="workflow-title">
        <h2 id="workflow-title">
          Status: <span className={`status-badge status-badge--${article.status}`}>{STATUS_WORDS[article.status]}</span>
        </h2>
        <p className="muted">
          By {article.authorName ?? "an unknown author"}
          {article.publishedAt ? <> · first published {formatDateTime(article.publishedAt)}</> : null}
        </p>
        {sentBack ? (
          <div className="form-message sent-back" role="note">
            Sent back by {sentBack.actorName ?? "an editor"} on {formatDateTime(sentBack.createdAt)}: “{sentBack.note}”
          </div>
        ) : null}
        <div className="workflow__actions">
          {steps.map((action) =>
            action === "send_back" ? (
              <form key={action} action={workflowAction} className="stack-form">
                <input type="hidden" name="id" value={article.id} />
                <input type="hidden" name="action" value={action} />
                <input type="hidden" name="expected" value={article.status} />
                <label htmlFor="send-back-note">Note for the author</label>
                <textarea id="send-back-note" name="note" rows={2} required />
                <button type="submit">{WORKFLOW_LABELS[action]}</button>
              </form>
            ) : (
              <form key={action} action={workflowAction} className="inline-form">
                <input type="hidden" name="id" value={article.id} />
                <input type="hidden" name="action" value={action} />
                <input type="hidden" name="expected" value={article.status} />
                <button type="submit">{WORKFLOW_LABELS[action]}</button>
              </form>
            ),
          )}
        </div>
      </section>

      <ArticleForm
        id={article.id}
        published={Boolean(article.publishedAt)}
        initialPreview={renderMarkdown(article.body)}
        initial={{ status: "idle", message: null, fieldErrors: {}, values: articleToForm(article), version: article.version }}
      />

      {commentSettings ? <CommentSettingsPanel settings={commentSettings} query={query} /> : null}

      <section className="panel" aria-labelledby="history-title">
        <h2 id="history-title">History</h2>
        <ol className="history-list">
          {history.map((e) => (
            <li key={e.id}>
              <time dateTime={e.createdAt.toISOString()}>{formatDateTime(e.createdAt)}</time> — {EVENT_WORDS[e.type]}
              {e.actorName ? ` by ${e.actorName}` : ""}
              {e.note ? <>: “{e.note}”</> : null}
            </li>
          ))}
        </ol>
      </section>

      <section className="panel" aria-labelledby="revisions-title">
        <h2 id="revisions-title">Revisions</h2>
        <p className="muted">The last {revisions.length} saves of the title, summary and body (up to 50 are kept).</p>
        <ol className="history-list">
          {revisions.map((r, i) => (
            <li key={r.id}>
              <Link href={`/editor/${article.id}/revisions/${r.id}`}>
                <time dateTime={r.createdAt.toISOString()}>{formatDateTime(r.createdAt)}</time>
              </Link>{" "}
              by {r.savedByName ?? "someone"} · {r.bodyLength.toLocaleString("en")} characters
              {i === 0 ? <span className="muted"> (current)</span> : null}
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}
