import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { ROLE_LABELS } from "@/lib/auth/permissions";
import { requirePermission } from "@/lib/auth/session";
import { COMMENT_STATUSES } from "@/lib/comments/status";
import {
  COMMENTER_PAGE_SIZE,
  commenterComments,
  commenterHistory,
  commenterNotesOf,
  commenterProfile,
  NOTE_MAX,
  SUSPENSION_MESSAGE_MAX,
} from "@/lib/community/commenters";
import { COMMENTER_DONE, COMMENTER_ERRORS, commenterPagePath, parseCommenterSubject } from "@/lib/community/commenter-notices";
import { SUSPENSION_CHOICES } from "@/lib/community/standing";
import { formatDateTime } from "@/lib/dates";
import { noticeText } from "@/lib/http/notices";
import { STATUS_LABELS } from "@/lib/moderation/transitions";
import { banAction, deleteNoteAction, liftSuspensionAction, premoderateAction } from "./actions";
import { NoteForm, SuspendForm } from "./forms";

export const metadata: Metadata = { title: "Commenter", robots: { index: false } };
export const dynamic = "force-dynamic";

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const one = (v: string | string[] | undefined) => (typeof v === "string" ? v : undefined);

/**
 * One commenter: an account, or a guest's email address. Reached from the
 * author's name in /moderation (or `c` on a focused row).
 */
export default async function CommenterPage({ searchParams }: Props) {
  const params = await searchParams;
  const subject = parseCommenterSubject((name) => one(params[name]));
  const me = await requirePermission("comment:moderate", { callbackUrl: subject ? commenterPagePath(subject) : "/moderation" });
  if (!subject) notFound();
  const now = new Date();
  const profile = await commenterProfile(subject, now);
  if (!profile) notFound();
  const status = z.enum(COMMENT_STATUSES).optional().catch(undefined).parse(one(params.status)) ?? null;
  const page = z.coerce.number().int().min(1).max(100_000).catch(1).parse(one(params.page) ?? 1);
  const [list, history, notes] = await Promise.all([commenterComments(subject, { page, status }), commenterHistory(subject), commenterNotesOf(subject)]);
  const done = noticeText(COMMENTER_DONE, "done", params, undefined);
  const error = noticeText(COMMENTER_ERRORS, "error", params, undefined);
  const base = commenterPagePath(subject);
  const fields = subject.kind === "account" ? { account: subject.userId } : { email: subject.email };
  const hidden = subject.kind === "account" ? <input type="hidden" name="account" value={subject.userId} /> : <input type="hidden" name="email" value={subject.email} />;
  const share = profile.recent.total > 0 ? Math.round((profile.recent.rejected * 100) / profile.recent.total) : 0;
  const account = profile.account;
  const staff = account !== null && account.role !== "reader";
  // Moderators act on readers; an admin on anyone but themselves.
  const canAct = subject.kind === "guest" || (subject.userId !== me.id && (!staff || me.role === "admin"));
  const pageTotal = status ? profile.counts[status] : profile.total;
  const pages = Math.max(1, Math.ceil(pageTotal / COMMENTER_PAGE_SIZE));

  return (
    <div className="admin-page commenter">
      <p className="muted">
        <Link href="/moderation">← Moderation</Link>
      </p>
      <h1 className="page-heading">{profile.name}</h1>
      <div role="status" aria-live="polite">
        {done ? <p className="form-notice">{done}</p> : null}
        {error ? <p className="form-message">{error}</p> : null}
      </div>

      <section className="panel" aria-labelledby="who-title">
        <h2 id="who-title">{account ? "Account" : "Guest commenter"}</h2>
        <dl className="facts">
          <dt>Email</dt>
          <dd>{profile.email}</dd>
          {account ? (
            <>
              <dt>Role</dt>
              <dd>{ROLE_LABELS[account.role]}</dd>
              <dt>Since</dt>
              <dd>{formatDateTime(account.createdAt)}</dd>
              <dt>Standing</dt>
              <dd data-testid="standing">
                {account.banned
                  ? "Banned"
                  : account.standing.kind === "suspended"
                    ? `Suspended until ${formatDateTime(account.standing.until)}${account.standing.message ? ` (message: “${account.standing.message}”)` : ""}`
                    : "Active"}
              </dd>
            </>
          ) : null}
          <dt>Pre-moderation</dt>
          <dd>{profile.premoderated ? "Always pre-moderate: every new comment is held" : "Off"}</dd>
          <dt>Comments</dt>
          <dd>
            {profile.total} ({COMMENT_STATUSES.map((s) => `${STATUS_LABELS[s]} ${profile.counts[s]}`).join(", ")})
          </dd>
          <dt>Rejected in the last {profile.recent.days} days</dt>
          <dd>
            {share}% ({profile.recent.rejected} of {profile.recent.total} spam or trash)
          </dd>
        </dl>
      </section>

      {canAct ? (
        <section className="panel commenter__actions" aria-labelledby="actions-title">
          <h2 id="actions-title">Actions</h2>
          {account && !account.banned ? (
            account.standing.kind === "suspended" ? (
              <form action={liftSuspensionAction} className="inline-form">
                {hidden}
                <button type="submit">Lift suspension</button>
              </form>
            ) : (
              <SuspendForm subject={fields} choices={SUSPENSION_CHOICES.map(({ value, label }) => ({ value, label }))} messageMax={SUSPENSION_MESSAGE_MAX} />
            )
          ) : null}
          {staff ? null : (
            <form action={premoderateAction} className="inline-form">
              {hidden}
              <input type="hidden" name="on" value={profile.premoderated ? "false" : "true"} />
              <button type="submit">{profile.premoderated ? "Stop pre-moderating" : "Always pre-moderate"}</button>
            </form>
          )}
          {account ? (
            <form action={banAction} className="inline-form">
              {hidden}
              <input type="hidden" name="banned" value={account.banned ? "false" : "true"} />
              <button type="submit" className={account.banned ? undefined : "button--danger"}>
                {account.banned ? "Unban" : "Ban"}
              </button>
            </form>
          ) : null}
          <p className="muted">Suspending or banning never deletes anything.</p>
        </section>
      ) : (
        <p className="muted">This is a staff account{subject.kind === "account" && subject.userId === me.id ? " (yours)" : ""}: it is managed on /admin/users.</p>
      )}

      <section className="panel" aria-labelledby="notes-title">
        <h2 id="notes-title">Moderator notes ({notes.length})</h2>
        {notes.length > 0 ? (
          <ol className="commenter__notes">
            {notes.map((n) => (
              <li key={n.id}>
                <p className="commenter__note-body">{n.body}</p>
                <div className="muted">
                  {n.authorName ?? "A former moderator"}, <time dateTime={n.createdAt.toISOString()}>{formatDateTime(n.createdAt)}</time>{" "}
                  <form action={deleteNoteAction} className="inline-form">
                    {hidden}
                    <input type="hidden" name="noteId" value={n.id} />
                    <button type="submit" className="link-button" aria-label={`Delete the note of ${formatDateTime(n.createdAt)}`}>
                      Delete
                    </button>
                  </form>
                </div>
              </li>
            ))}
          </ol>
        ) : (
          <p className="muted">No notes yet.</p>
        )}
        <NoteForm subject={fields} max={NOTE_MAX} />
      </section>

      {account || history.length > 0 ? (
        <section className="panel" aria-labelledby="history-title">
          <h2 id="history-title">History ({history.length})</h2>
          {history.length > 0 ? (
            <ol>
              {history.map((e) => (
                <li key={e.id}>
                  <time dateTime={e.createdAt.toISOString()}>{formatDateTime(e.createdAt)}</time> — {e.message}
                  {e.actorName ? <span className="muted"> (by {e.actorName})</span> : null}
                </li>
              ))}
            </ol>
          ) : (
            <p className="muted">Nothing yet: role changes, bans, suspensions, name changes and pre-moderation show here.</p>
          )}
        </section>
      ) : null}

      <section className="panel" aria-labelledby="comments-title">
        <h2 id="comments-title">Comments</h2>
        <nav aria-label="Comments by status" className="queue-tabs">
          <ul>
            <li>
              <Link href={base} aria-current={status === null ? "page" : undefined}>
                All <span className="queue-tabs__count">({profile.total})</span>
              </Link>
            </li>
            {COMMENT_STATUSES.map((s) => (
              <li key={s}>
                <Link href={`${base}&status=${s}`} aria-current={status === s ? "page" : undefined}>
                  {STATUS_LABELS[s]} <span className="queue-tabs__count">({profile.counts[s]})</span>
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        {list.length === 0 ? (
          <p className="empty-state">No comments here.</p>
        ) : (
          <ol className="queue__list">
            {list.map((c) => (
              <li key={c.id} className="queue-item">
                <div className="queue-item__where muted">
                  <span className={`reason reason--${c.status}`}>{STATUS_LABELS[c.status]}</span> on{" "}
                  <Link href={`/articles/${c.articleSlug}#comment-${c.id}`}>{c.articleTitle}</Link> ·{" "}
                  <time dateTime={c.createdAt.toISOString()}>{formatDateTime(c.createdAt)}</time>
                  {c.statusReason ? <> · {c.statusReason}</> : null}
                </div>
                <div className="queue-item__text">{c.content.length > 600 ? `${c.content.slice(0, 599)}…` : c.content}</div>
              </li>
            ))}
          </ol>
        )}
        {pages > 1 ? (
          <nav className="comment-pages" aria-label="Comment pages">
            {page > 1 ? <Link href={`${base}${status ? `&status=${status}` : ""}&page=${page - 1}`}>← Newer</Link> : <span />}
            <span className="muted">
              Page {Math.min(page, pages)} of {pages}
            </span>
            {page < pages ? <Link href={`${base}${status ? `&status=${status}` : ""}&page=${page + 1}`}>Older →</Link> : <span />}
          </nav>
        ) : null}
      </section>
    </div>
  );
}
