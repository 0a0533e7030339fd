import type { Metadata } from "next";
import Link from "next/link";
import { z } from "zod";
import { requirePermission } from "@/lib/auth/session";
import { formatDateTime } from "@/lib/dates";
import { noticeText } from "@/lib/http/notices";
import { COMMENT_STATUSES, type CommentStatus } from "@/lib/comments/status";
import { listArticlesForFilter } from "@/lib/moderation/articles";
import { queueCounts, queuePage, reportedCount, reportedPage, REASON_FILTERS, type QueueRow, type ReasonFilter } from "@/lib/moderation/queue";
import { commenterHref } from "@/lib/community/commenter-path";
import { openReportsOf, REPORT_REASON_LABELS, type CommentReport } from "@/lib/community/reports";
import { MODERATION_DONE, MODERATION_ERRORS } from "@/lib/moderation/notices";
import { ACTION_LABELS, QUEUE_ACTIONS, REPORTED_ACTIONS, STATUS_LABELS } from "@/lib/moderation/transitions";
import { AkismetPanel } from "./akismet-panel";
import { consoleJobs } from "@/lib/moderation/background";
import { checkQueueAction, emptyQueueAction, moderateAction, undoAction } from "./actions";
import { RefreshWhileRunning } from "./job-progress";
import { ModerationKeys } from "./keyboard";

export const metadata: Metadata = { title: "Moderation", robots: { index: false } };
export const dynamic = "force-dynamic";

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

type Queue = CommentStatus | "reported";
const QUEUE_ORDER: Queue[] = ["pending", "reported", "spam", "approved", "trash"];
const QUEUE_LABELS: Record<Queue, string> = { ...STATUS_LABELS, reported: "Reported" };
const KEYS: Partial<Record<string, string>> = { approve: "a", not_spam: "a", keep: "a", spam: "s", trash: "t", feature: "f", unfeature: "f" };

const one = (v: string | string[] | undefined) => (typeof v === "string" ? v : undefined);

function queueHref(params: Record<string, string | number | undefined | null>): string {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") sp.set(k, String(v));
  const s = sp.toString();
  return `/moderation${s ? `?${s}` : ""}`;
}

export default async function ModerationPage({ searchParams }: Props) {
  await requirePermission("comment:moderate", { callbackUrl: "/moderation" });
  const params = await searchParams;
  const queue: Queue = z.enum([...COMMENT_STATUSES, "reported"]).catch("pending").parse(one(params.queue));
  const page = z.coerce.number().int().min(1).catch(1).parse(one(params.page) ?? 1);
  const articleId = z.coerce.number().int().positive().optional().catch(undefined).parse(one(params.article));
  const q = (one(params.q) ?? "").slice(0, 200);
  const reason = (Object.keys(REASON_FILTERS) as ReasonFilter[]).find((r) => r === one(params.reason)) ?? null;
  // Codes and numbers only: a known code shows its fixed text, anything else nothing.
  const done = noticeText(MODERATION_DONE, "done", params, undefined);
  const error = noticeText(MODERATION_ERRORS, "error", params, undefined);
  const undo = one(params.undo);

  const counts: Record<Queue, number> = { ...(await queueCounts()), reported: await reportedCount() };
  // The Reported queue is ordered by its reports; the filters are the status queues'.
  const list = queue === "reported" ? await reportedPage({ page }) : await queuePage({ status: queue, page, articleId, q, reason });
  const reports = queue === "reported" ? await openReportsOf(list.rows.map((r) => r.id)) : new Map<number, CommentReport[]>();
  const articles = await listArticlesForFilter();
  const filters = { queue, article: articleId, q, reason };
  const actions = queue === "reported" ? REPORTED_ACTIONS : QUEUE_ACTIONS[queue];
  const jobs = await consoleJobs();
  const anyRunning = jobs.some((j) => j.running);
  const checkRunning = jobs.some((j) => j.running && j.job === "check-pending");

  return (
    <div className="admin-page moderation">
      <div className="moderation__top">
        <h1 className="page-heading">Moderation</h1>
        <p className="moderation__links">
          <Link href="/moderation/settings">Block lists and rules</Link> · <Link href="/moderation/stats">Spam statistics</Link> ·{" "}
          <button type="button" className="link-button" data-shortcuts-toggle>
            Keyboard shortcuts (?)
          </button>
        </p>
      </div>

      <nav aria-label="Queues" className="queue-tabs">
        <ul>
          {QUEUE_ORDER.map((s) => (
            <li key={s}>
              <Link href={queueHref({ queue: s, article: articleId, q, reason })} aria-current={s === queue ? "page" : undefined}>
                {QUEUE_LABELS[s]} <span className="queue-tabs__count">({counts[s]})</span>
              </Link>
            </li>
          ))}
        </ul>
      </nav>

      <div role="status" aria-live="polite" className="moderation__status" id="moderation-status">
        {done ? (
          <div className="form-notice">
            {done}{" "}
            {undo ? (
              <form action={undoAction} className="inline-form undo-form">
                <input type="hidden" name="token" value={undo} />
                <button type="submit" data-shortcut="u">
                  Undo
                </button>
              </form>
            ) : null}
          </div>
        ) : null}
        {error ? <p className="form-message">{error}</p> : null}
      </div>

      {jobs.length > 0 ? (
        <section className="panel background-jobs" aria-labelledby="background-work-heading">
          <h2 id="background-work-heading">Background work</h2>
          {/* The live region wraps the list: role="status" on the <ul> itself would take its list role away. */}
          <div role="status" aria-live="polite">
            <ul>
              {jobs.map((j) => (
                <li key={j.job} data-job={j.job} data-running={j.running ? "yes" : "no"}>
                  {j.text}
                  {j.percent !== null ? (
                    <progress max={100} value={j.percent} aria-label={`${j.percent}% done`}>
                      {j.percent}%
                    </progress>
                  ) : null}
                </li>
              ))}
            </ul>
          </div>
          {anyRunning ? (
            <p className="muted">
              <Link href={queueHref({ ...filters, page })}>Refresh</Link> to see the latest progress (it updates by itself with JavaScript).
            </p>
          ) : null}
          <RefreshWhileRunning running={anyRunning} />
        </section>
      ) : null}

      {queue === "pending" && counts.pending > 0 ? (
        <form action={checkQueueAction} className="queue-check" aria-label="Check the whole Pending queue">
          <button type="submit" disabled={checkRunning}>
            {checkRunning ? "Checking for spam…" : `Check for spam (all ${counts.pending} pending)`}
          </button>{" "}
          <span className="muted">asks Akismet again about every pending comment, in the background</span>
        </form>
      ) : null}

      {articleId ? (
        <p className="muted">
          <Link href={`/moderation/articles/${articleId}`}>Comment settings for this article</Link> (close, open, pre-moderate, message)
        </p>
      ) : null}

      {queue === "reported" ? (
        <p className="muted">Published comments readers reported, most reported first. Approve keeps a comment and closes its reports.</p>
      ) : (
      <form method="get" action="/moderation" className="queue-filters" role="search" aria-label="Filter comments">
        <input type="hidden" name="queue" value={queue} />
        <label>
          Article{" "}
          <select name="article" defaultValue={articleId ?? ""}>
            <option value="">All articles</option>
            {articles.map((a) => (
              <option key={a.id} value={a.id}>
                {a.title.length > 60 ? `${a.title.slice(0, 57)}…` : a.title}
              </option>
            ))}
          </select>
        </label>
        <label>
          Search{" "}
          <input type="search" name="q" defaultValue={q} placeholder="text, author, email or IP" />
        </label>
        <label>
          Reason{" "}
          <select name="reason" defaultValue={reason ?? ""}>
            <option value="">Any reason</option>
            {(Object.keys(REASON_FILTERS) as ReasonFilter[]).map((r) => (
              <option key={r} value={r}>
                {REASON_FILTERS[r].label}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Filter</button>
        {articleId || q || reason ? <Link href={queueHref({ queue })}>Clear filters</Link> : null}
      </form>
      )}

      {list.rows.length === 0 ? (
        <p className="empty-state">No comments in {QUEUE_LABELS[queue]}{queue !== "reported" && (articleId || q || reason) ? " match these filters" : ""}.</p>
      ) : (
        <form action={moderateAction} className="queue" aria-label={`${QUEUE_LABELS[queue]} comments`}>
          <div className="queue__bulk">
            <label>
              <span className="visually-hidden">Bulk action</span>
              <select name="bulkAction" defaultValue="">
                <option value="" disabled>
                  Bulk action…
                </option>
                {actions.map((a) => (
                  <option key={a} value={a}>
                    {ACTION_LABELS[a]}
                  </option>
                ))}
              </select>
            </label>
            <button type="submit" name="apply" value="bulk">
              Apply to selected
            </button>
            <label className="queue__select-all">
              <input type="checkbox" data-select-all /> Select all on this page
            </label>
            <span className="muted">
              {list.total} comment{list.total === 1 ? "" : "s"} · page {list.page} of {list.pageCount}
            </span>
          </div>
          <ol className="queue__list">
            {list.rows.map((row) => (
              <QueueItem key={row.id} row={row} actions={actions} reports={queue === "reported" ? (reports.get(row.id) ?? []) : null} />
            ))}
          </ol>
        </form>
      )}

      {list.pageCount > 1 ? (
        <nav className="comment-pages" aria-label="Queue pages">
          {list.page > 1 ? <Link href={queueHref({ ...filters, page: list.page - 1 })}>← Newer</Link> : <span />}
          <span className="muted">
            Page {list.page} of {list.pageCount}
          </span>
          {list.page < list.pageCount ? <Link href={queueHref({ ...filters, page: list.page + 1 })}>Older →</Link> : <span />}
        </nav>
      ) : null}

      {queue === "spam" || queue === "trash" ? (
        <form action={emptyQueueAction} className="panel empty-queue">
          <input type="hidden" name="queue" value={queue} />
          <p>
            <strong>{queue === "spam" ? "Empty spam" : "Empty trash"}</strong>: delete all {counts[queue]} comment
            {counts[queue] === 1 ? "" : "s"} in {STATUS_LABELS[queue]} permanently. This cannot be undone.
          </p>
          <label>
            <input type="checkbox" name="confirm" value="yes" required /> I am sure
          </label>{" "}
          <button type="submit" className="button--danger">
            {queue === "spam" ? "Empty spam" : "Empty trash"}
          </button>
        </form>
      ) : null}

      <AkismetPanel compact />
      <ModerationKeys />
    </div>
  );
}

function QueueItem({ row, actions: offered, reports }: { row: QueueRow; actions: readonly (keyof typeof ACTION_LABELS)[]; reports: CommentReport[] | null }) {
  // Feature what is not featured, Unfeature what is.
  const actions = offered.filter((a) => (a === "feature" ? !(row.featured && row.status === "approved") : a === "unfeature" ? row.featured : true));
  const reason =
    row.spamCheckState === "not_checked" && row.nextSpamCheckAt
      ? `${row.statusReason}, retry at ${formatDateTime(row.nextSpamCheckAt)}`
      : row.statusReason;
  return (
    <li className="queue-item" id={`c-${row.id}`} tabIndex={-1} data-queue-item aria-labelledby={`c-${row.id}-who`}>
      <div className="queue-item__head">
        <input type="checkbox" name="ids" value={row.id} aria-label={`Select the comment by ${row.authorName}`} />
        <input type="hidden" name={`expected_${row.id}`} value={row.status} />
        <div className="queue-item__who" id={`c-${row.id}-who`}>
          <strong>
            <Link href={commenterHref({ userId: row.userId, email: row.authorEmail })} data-shortcut="c" title="The commenter's page: record, notes, Suspend">
              {row.authorName || "(no name)"}
            </Link>
          </strong>
          {row.userId ? <span className="badge">account</span> : null}
          {row.featured ? <span className="badge badge--featured">Featured</span> : null}
          <span className="muted">
            {" "}
            · <a href={`mailto:${row.authorEmail}`}>{row.authorEmail}</a>
            {row.authorUrl ? (
              <>
                {" "}
                ·{" "}
                <a href={row.authorUrl} rel="nofollow ugc noopener noreferrer" target="_blank">
                  {row.authorUrl}
                </a>
              </>
            ) : null}
            {row.ip ? (
              <>
                {" "}
                · IP <Link href={queueHref({ queue: row.status, q: row.ip })}>{row.ip}</Link>
              </>
            ) : null}
          </span>
        </div>
        <div className="queue-item__where muted">
          on <Link href={`/articles/${row.articleSlug}#comment-${row.id}`}>{row.articleTitle}</Link> ·{" "}
          <time dateTime={row.createdAt.toISOString()}>{formatDateTime(row.createdAt)}</time>
        </div>
      </div>
      <p className="queue-item__reason">
        <span className="visually-hidden">Why it is here: </span>
        <span className={`reason reason--${row.status}`}>{reason}</span>
      </p>
      <div className="queue-item__text">{row.content}</div>
      {reports && reports.length > 0 ? (
        <div className="queue-item__reports">
          <p>
            <strong>
              {reports.length} {reports.length === 1 ? "report" : "reports"}
            </strong>
          </p>
          <ul>
            {reports.map((r) => (
              <li key={r.reporterId}>
                <strong>{REPORT_REASON_LABELS[r.reason]}</strong>
                {r.note ? <> — “{r.note}”</> : null}{" "}
                <span className="muted">
                  by <Link href={commenterHref({ userId: r.reporterId, email: r.reporterEmail })}>{r.reporterName}</Link> ·{" "}
                  <time dateTime={r.createdAt.toISOString()}>{formatDateTime(r.createdAt)}</time>
                </span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <div className="queue-item__actions">
        {actions.map((a) => (
          <button key={a} type="submit" name="rowAction" value={`${a}:${row.id}`} data-shortcut={KEYS[a]} className={a === "delete" ? "button--danger" : undefined}>
            {ACTION_LABELS[a]}
          </button>
        ))}
      </div>
      <details className="queue-item__history">
        <summary>History ({row.history.length})</summary>
        <ol>
          {row.history.map((e) => (
            <li key={e.id}>
              <time dateTime={e.createdAt.toISOString()}>{formatDateTime(e.createdAt)}</time> — {e.message}
              {e.toStatus ? ` → ${STATUS_LABELS[e.toStatus]}` : null}
              {e.actorName ? <span className="muted"> (by {e.actorName})</span> : null}
            </li>
          ))}
        </ol>
      </details>
    </li>
  );
}
