import Link from "next/link";
import type { ArticleListItem } from "@/lib/articles/queries";
import { formatDate } from "@/lib/dates";
import { articlePath } from "@/lib/site";
import { commentCountLabel } from "@/lib/comments/labels";

/** The front page: the latest published articles. The same for cached and per-visitor pages. */
export function FrontPage({ articles }: { articles: ArticleListItem[] }) {
  return (
    <>
      <h1 className="page-heading">Latest</h1>
      {articles.length === 0 ? (
        <p className="empty-state">No articles have been published yet.</p>
      ) : (
        <ul className="article-list">
          {articles.map((a) => (
            <li key={a.id} className="article-card">
              <h2>
                <Link href={articlePath(a.slug)}>{a.title}</Link>
              </h2>
              {a.summary ? <p>{a.summary}</p> : null}
              <p className="meta">
                {a.source ? <span>{a.source}</span> : null}
                {a.publishedAt ? (
                  <time dateTime={a.publishedAt.toISOString()}>{formatDate(a.publishedAt)}</time>
                ) : null}
                <Link href={`${articlePath(a.slug)}#comments`}>
                  {a.commentCount === 0 ? "No comments yet" : commentCountLabel(a.commentCount)}
                </Link>
              </p>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
