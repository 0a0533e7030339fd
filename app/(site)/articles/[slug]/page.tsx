import type { Metadata } from "next";
import { mailEnabled } from "@/lib/mail/outbox";
import { cookies } from "next/headers";
import { notFound, permanentRedirect } from "next/navigation";
import { cache } from "react";
import { ArticleView, articleLinks, articleMetadata } from "@/app/_article/article-view";
import { CommentForm } from "@/app/_article/comment-form";
import { OwnCommentsProvider } from "@/app/_article/own-comments";
import { ownCommentControls } from "@/lib/comments/own";
import { movedArticle } from "@/lib/articles/editorial";
import { findThreadNode, loadArticlePage } from "@/lib/articles/page";
import { getPublishedArticle } from "@/lib/articles/queries";
import { getCurrentUser } from "@/lib/auth/session";
import { issueFormToken } from "@/lib/comments/form-token";
import { parseCommentOrder } from "@/lib/comments/order";
import { respectedInArticle } from "@/lib/comments/respect";
import { OWN_COMMENTS_COOKIE, readOwnCommentIds } from "@/lib/comments/ownership";
import { REMEMBER_COOKIE, decodeRemembered } from "@/lib/comments/remember";
import { articlePath } from "@/lib/site";

/**
 * The article page for a reader with per-visitor state: signed in, with held
 * comments of their own or remembered name and email, or replying without
 * JavaScript (?replytocom=). Everyone else gets the cached page
 * (app/(cached)/cached/articles; next.config.js routes them there).
 */
export const dynamic = "force-dynamic";

type Props = {
  params: Promise<{ slug: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

function positiveInt(value: string | string[] | undefined): number | null {
  const n = Number(Array.isArray(value) ? value[0] : value);
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

const loadArticle = cache((slug: string) => getPublishedArticle(slug));

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return articleMetadata(await loadArticle((await params).slug));
}

export default async function ArticlePage({ params, searchParams }: Props) {
  const { slug } = await params;
  const article = await loadArticle(slug);
  if (!article) {
    // A published article that moved to a new slug: its old address keeps working.
    const moved = await movedArticle(slug);
    if (moved) permanentRedirect(articlePath(moved.slug));
    notFound();
  }
  const query = await searchParams;
  const jar = await cookies();
  const now = new Date();
  const data = await loadArticlePage(article, {
    page: positiveInt(query.cpage) ?? 1,
    ownIds: readOwnCommentIds(jar.get(OWN_COMMENTS_COOKIE)?.value),
    now,
    order: parseCommentOrder(query.order),
  });
  const replyTarget = (() => {
    const id = positiveInt(query.replytocom);
    const node = id ? findThreadNode(data.thread.roots, id) : null;
    return node && !node.awaitingModeration && node.depth < data.settings.threadDepth ? node : null;
  })();
  const remembered = decodeRemembered(jar.get(REMEMBER_COOKIE)?.value);
  const user = await getCurrentUser();
  // Edit/Delete for the viewer's own comments: on this per-visitor page only, never the cached one.
  const ownControls = user?.banned
    ? {}
    : await ownCommentControls({
        articleId: article.id,
        proof: { ownIds: readOwnCommentIds(jar.get(OWN_COMMENTS_COOKIE)?.value), userId: user?.id ?? null },
        editMinutes: data.settings.commentEditMinutes,
        now,
      });
  const respected = user && !user.banned ? await respectedInArticle(user.id, article.id) : [];
  return (
    <OwnCommentsProvider controls={ownControls}>
      <ArticleView
        data={data}
        respected={respected}
        replyToId={replyTarget && data.commentsOpen ? replyTarget.id : null}
        form={
          <CommentForm
            key={replyTarget?.id ?? "new"}
            articleSlug={article.slug}
            formToken={issueFormToken(article.id, now.getTime())}
            guest={!user}
            notifyOffered={mailEnabled()}
            account={user ? { name: user.name, banned: user.banned } : null}
            replyTo={replyTarget ? { id: replyTarget.id, name: replyTarget.authorName } : null}
            cancelReplyHref={articleLinks(article.slug, data.thread.page, data.thread.order, data.settings.commentOrder).cancelReplyHref}
            defaults={{
              name: remembered?.name ?? "",
              email: remembered?.email ?? "",
              url: remembered?.url ?? "",
              remember: remembered !== null,
            }}
          />
        }
      />
    </OwnCommentsProvider>
  );
}
