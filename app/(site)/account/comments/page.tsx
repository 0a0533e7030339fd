import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { OwnCommentControls } from "@/app/_article/own-comment-controls";
import { getCurrentUser } from "@/lib/auth/session";
import { OWN_STATUS_LABELS, listAccountComments, ownControlFor } from "@/lib/comments/own";
import { formatDateTime } from "@/lib/dates";
import { getSettings } from "@/lib/settings";
import { articlePath } from "@/lib/site";
import styles from "./comments.module.css";

export const metadata: Metadata = { title: "Your comments", robots: { index: false } };
export const dynamic = "force-dynamic";

const PER_PAGE = 20;

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

function pageNumber(value: string | string[] | undefined): number {
  const n = Number(Array.isArray(value) ? value[0] : value);
  return Number.isSafeInteger(n) && n > 0 ? n : 1;
}

function excerpt(text: string, max = 280): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** By what the reader is told, not the stored status: not even a class name says "spam". */
const STATUS_CLASS: Record<keyof typeof OWN_STATUS_LABELS, string | undefined> = {
  approved: styles.published,
  pending: styles.held,
  spam: styles.held,
  trash: styles.removed,
};

const pagePath = (page: number) => `/account/comments${page > 1 ? `?page=${page}` : ""}`;

/** Every comment of the signed-in account, newest first, with its status and, while allowed, Edit and Delete. */
export default async function AccountCommentsPage({ searchParams }: Props) {
  const requested = pageNumber((await searchParams).page);
  const user = await getCurrentUser();
  if (!user) redirect(`/login?callbackUrl=${encodeURIComponent(pagePath(requested))}`);
  const [list, settings] = await Promise.all([listAccountComments(user.id, { page: requested, perPage: PER_PAGE }), getSettings()]);
  const now = new Date();
  return (
    <div className={`auth-page ${styles.page}`}>
      <p className={styles.back}>
        <Link href="/account">← Your account</Link>
      </p>
      <h1 className="page-heading">Your comments</h1>
      {list.total === 0 ? (
        <p className="muted">You have not commented yet while signed in.</p>
      ) : (
        <p className="muted">
          {list.total === 1 ? "One comment" : `${list.total.toLocaleString("en-US")} comments`} posted while signed in, newest first.
          {settings.commentEditMinutes > 0
            ? ` You can edit a comment for ${settings.commentEditMinutes} minute${settings.commentEditMinutes === 1 ? "" : "s"} after posting it, and delete it at any time.`
            : " You can delete a comment at any time."}
        </p>
      )}
      <ol className={styles.list}>
        {list.comments.map((c) => {
          const control = user.banned ? null : ownControlFor(c, settings.commentEditMinutes, now);
          const shown = c.status === "approved" && c.articlePublished;
          return (
            <li key={c.id} id={`comment-${c.id}`} className={styles.item}>
              <p className={styles.meta}>
                <span className={styles.title}>
                  {shown ? (
                    // A plain link: /comments/<id> is a redirect (to the page and anchor the comment is on now), not a page.
                    <a href={`/comments/${c.id}`}>{c.articleTitle}</a>
                  ) : c.articlePublished ? (
                    <Link href={articlePath(c.articleSlug)}>{c.articleTitle}</Link>
                  ) : (
                    c.articleTitle
                  )}
                </span>
                <time dateTime={c.createdAt.toISOString()}>{formatDateTime(c.createdAt)}</time>
                {c.editedAt ? <span className="muted"> · Edited</span> : null}
                <span className={`${styles.status} ${STATUS_CLASS[c.status]}`}>{OWN_STATUS_LABELS[c.status]}</span>
              </p>
              <p className={styles.excerpt}>{excerpt(c.content)}</p>
              {control ? <OwnCommentControls key={control.version} commentId={c.id} control={control} returnTo={`account:${list.page}`} /> : null}
            </li>
          );
        })}
      </ol>
      {list.pageCount > 1 ? (
        <nav className="comment-pages" aria-label="Pages of your comments">
          {list.page > 1 ? (
            <Link href={pagePath(list.page - 1)} rel="prev">
              ← Newer
            </Link>
          ) : (
            <span />
          )}
          <span className="muted">
            Page {list.page} of {list.pageCount}
          </span>
          {list.page < list.pageCount ? (
            <Link href={pagePath(list.page + 1)} rel="next">
              Older →
            </Link>
          ) : (
            <span />
          )}
        </nav>
      ) : null}
    </div>
  );
}
