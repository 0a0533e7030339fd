import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { CommentSettingsPanel } from "@/app/_comment-settings/panel";
import { articleCommentSettings } from "@/lib/articles/comment-settings";
import { requirePermission } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Article comments", robots: { index: false } };
export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

/** One article's comment settings, for moderators (editors have them on /editor/<id> too). */
export default async function ArticleCommentsPage({ params, searchParams }: Props) {
  const { id: raw } = await params;
  const id = /^[1-9]\d{0,9}$/.test(raw) ? Number(raw) : null;
  await requirePermission("article:comments", { callbackUrl: `/moderation/articles/${raw}` });
  if (id === null) notFound();
  const settings = await articleCommentSettings(id);
  if (!settings) notFound();
  return (
    <div className="admin-page">
      <p className="muted">
        <Link href={`/moderation?article=${id}`}>← This article&apos;s comments in Moderation</Link>
      </p>
      <h1 className="page-heading">{settings.title}</h1>
      <CommentSettingsPanel settings={settings} query={await searchParams} />
    </div>
  );
}
