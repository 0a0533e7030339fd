import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { getRevision } from "@/lib/articles/editorial";
import { renderMarkdown } from "@/lib/articles/markdown";
import { requirePermission } from "@/lib/auth/session";
import { formatDateTime } from "@/lib/dates";

export const metadata: Metadata = { title: "Revision", robots: { index: false } };
export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string; revisionId: string }> };

/** An earlier version of an article: rendered, and its markdown to copy from. */
export default async function RevisionPage({ params }: Props) {
  const { id: rawId, revisionId: rawRev } = await params;
  await requirePermission("article:edit", { callbackUrl: `/editor/${rawId}/revisions/${rawRev}` });
  const id = z.coerce.number().int().positive().safeParse(rawId);
  const rev = z.coerce.number().int().positive().safeParse(rawRev);
  if (!id.success || !rev.success) notFound();
  const found = await getRevision(id.data, rev.data);
  if (!found) notFound();
  const { revision, savedByName } = found;
  return (
    <div className="admin-page">
      <p>
        <Link href={`/editor/${id.data}`}>← Back to the article</Link>
      </p>
      <h1 className="page-heading">Revision of {formatDateTime(revision.createdAt)}</h1>
      <p className="muted">Saved by {savedByName ?? "someone"}. To bring text back, copy it from the markdown below into the editor.</p>
      <article className="panel">
        <h2>{revision.title}</h2>
        {revision.summary ? <p className="article__summary">{revision.summary}</p> : null}
        <div className="prose" dangerouslySetInnerHTML={{ __html: renderMarkdown(revision.body) }} />
      </article>
      <details className="panel">
        <summary>Markdown</summary>
        <pre className="revision-source">{revision.body}</pre>
      </details>
    </div>
  );
}
