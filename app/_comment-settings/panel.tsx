import Link from "next/link";
import type { ArticleCommentSettings } from "@/lib/articles/comment-settings";
import { COMMENTS_MESSAGE_MAX } from "@/lib/articles/comment-settings";
import { formatDateTime } from "@/lib/dates";
import { noticeText, type NoticeCatalog, type PageQuery } from "@/lib/http/notices";
import { setCommentsOpenAction } from "./actions";
import { CommentSettingsForm } from "./settings-form";

const DONE: NoticeCatalog = {
  closed: () => "Comments are closed on this article. The thread stays.",
  opened: () => "Comments are open on this article; the site's auto-close no longer closes it.",
  saved: () => "Comment settings saved.",
  unchanged: () => "Nothing changed.",
  gone: () => "That article no longer exists.",
};

const EVENT_WORDS: Partial<Record<ArticleCommentSettings["history"][number]["type"], string>> = {
  comments_closed: "Closed comments",
  comments_opened: "Opened comments",
  comment_settings: "Changed the comment settings",
};

/** One article's comment settings (/editor/<id> and /moderation/articles/<id>). */
export function CommentSettingsPanel({ settings, query }: { settings: ArticleCommentSettings; query: PageQuery }) {
  const done = noticeText(DONE, "comments", query, undefined);
  return (
    <section className="panel" id="comment-settings" aria-labelledby="comment-settings-title">
      <h2 id="comment-settings-title">Comments</h2>
      {done ? (
        <p className="form-notice" role="status">
          {done}
        </p>
      ) : null}
      <p>
        {settings.openNow ? "Comments are open." : "Comments are closed."}
        {settings.commentsOpen && !settings.openNow ? " (closed by their closing time or the site's auto-close by age)" : null}
        {settings.openNow && settings.commentsCloseAt ? ` They close on ${formatDateTime(settings.commentsCloseAt)}.` : null}
        {settings.published ? (
          <>
            {" "}
            <Link href={`/articles/${settings.slug}#comments`}>See the thread</Link>
          </>
        ) : null}
      </p>
      <form action={setCommentsOpenAction} className="inline-form">
        <input type="hidden" name="articleId" value={settings.id} />
        <input type="hidden" name="open" value={settings.openNow ? "false" : "true"} />
        <button type="submit">{settings.openNow ? "Close comments" : "Open comments"}</button>
      </form>
      <CommentSettingsForm
        articleId={settings.id}
        initial={{ message: settings.message, premoderateAll: settings.premoderateAll, premoderateLinks: settings.premoderateLinks }}
        messageMax={COMMENTS_MESSAGE_MAX}
      />
      {settings.history.length > 0 ? (
        <details>
          <summary>Changes ({settings.history.length})</summary>
          <ol>
            {settings.history.map((e) => (
              <li key={e.id}>
                <time dateTime={e.createdAt.toISOString()}>{formatDateTime(e.createdAt)}</time> — {EVENT_WORDS[e.type] ?? e.type}
                {e.note ? `: ${e.note}` : null}
                {e.actorName ? <span className="muted"> (by {e.actorName})</span> : null}
              </li>
            ))}
          </ol>
        </details>
      ) : null}
    </section>
  );
}
