import type { Metadata } from "next";
import { mailEnabled } from "@/lib/mail/outbox";
import { notFound, permanentRedirect } from "next/navigation";
import { cache } from "react";
import { ArticleView, articleLinks, articleMetadata } from "@/app/_article/article-view";
import { PersonalCommentForm } from "@/app/_article/comment-form";
import { personalView, requestReader } from "@/lib/comments/personal";
import { movedArticle } from "@/lib/articles/editorial";
import { findThreadNode, loadArticlePage } from "@/lib/articles/page";
import { getPublishedArticle } from "@/lib/articles/queries";
import { issueFormToken } from "@/lib/comments/form-token";
import { parseCommentOrder } from "@/lib/comments/order";
import { articlePath } from "@/lib/site";

/**
 * The article page rendered for one reader: a reader without JavaScript who
 * is signed in, has held comments of their own or remembered name and email,
 * or replies without JavaScript (?replytocom=). Everyone else gets the cached
 * page (app/(cached)/cached/articles; next.config.js routes them there), with
 * their own parts from the personal request (docs/decisions/022).
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
  const now = new Date();
  // The thread every reader sees; the reader's own parts (held comments, controls,
  // respects, fields) go on top, as on the cached page (docs/decisions/022), but
  // rendered here, so they work without JavaScript.
  const [data, reader] = await Promise.all([
    loadArticlePage(article, { page: positiveInt(query.cpage) ?? 1, now, order: parseCommentOrder(query.order) }),
    requestReader(),
  ]);
  const personal = await personalView(article, reader, { now });
  const replyTarget = (() => {
    const id = positiveInt(query.replytocom);
    const node = id ? findThreadNode(data.thread.roots, id) : null;
    return node && !node.awaitingModeration && node.depth < data.settings.threadDepth ? node : null;
  })();
  return (
    <ArticleView
      data={data}
      personal={personal}
      replyToId={replyTarget && data.commentsOpen ? replyTarget.id : null}
      form={
        <PersonalCommentForm
          key={replyTarget?.id ?? "new"}
          articleSlug={article.slug}
          formToken={issueFormToken(article.id, now.getTime())}
          guest
          notifyOffered={mailEnabled()}
          account={null}
          replyTo={replyTarget ? { id: replyTarget.id, name: replyTarget.authorName } : null}
          cancelReplyHref={articleLinks(article.slug, data.thread.page, data.thread.order, data.settings.commentOrder).cancelReplyHref}
          defaults={{ name: "", email: "", url: "", remember: false }}
        />
      }
    />
  );
}
