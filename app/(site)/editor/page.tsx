import type { Metadata } from "next";
import Link from "next/link";
import { listArticlesForEditor, STATUS_WORDS } from "@/lib/articles/editorial";
import { requirePermission } from "@/lib/auth/session";
import { formatDateTime } from "@/lib/dates";

export const metadata: Metadata = { title: "Editor", robots: { index: false } };
export const dynamic = "force-dynamic";

export default async function EditorPage() {
  await requirePermission("article:edit", { callbackUrl: "/editor" });
  const list = await listArticlesForEditor();
  return (
    <div className="admin-page">
      <div className="moderation__top">
        <h1 className="page-heading">Editor</h1>
        <p className="moderation__links">
          <Link href="/editor/new" className="button-link">
            New article
          </Link>
        </p>
      </div>
      {list.length === 0 ? (
        <p className="empty-state">No articles yet. Start one with “New article”.</p>
      ) : (
        <div className="table-scroll" role="region" aria-label="Articles" tabIndex={0}>
          <table className="data-table">
            <caption className="visually-hidden">Articles, most recently changed first</caption>
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">Status</th>
                <th scope="col">Author</th>
                <th scope="col">Updated</th>
                <th scope="col">Comments</th>
              </tr>
            </thead>
            <tbody>
              {list.map((a) => (
                <tr key={a.id}>
                  <td>
                    <Link href={`/editor/${a.id}`}>{a.title}</Link>
                  </td>
                  <td>
                    <span className={`status-badge status-badge--${a.status}`}>{STATUS_WORDS[a.status]}</span>
                  </td>
                  <td>{a.authorName ?? <span className="muted">—</span>}</td>
                  <td>
                    <time dateTime={a.updatedAt.toISOString()}>{formatDateTime(a.updatedAt)}</time>
                  </td>
                  <td>
                    {a.approvedComments} approved
                    {a.pendingComments > 0 ? (
                      <>
                        {" · "}
                        <Link href={`/moderation?queue=pending&article=${a.id}`}>{a.pendingComments} pending</Link>
                      </>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
