import type { Metadata } from "next";
import { cookies } from "next/headers";
import { notFound, permanentRedirect } from "next/navigation";
import { cache } from "react";
import {
  countApprovedComments,
  getPublishedArticle,
  getPublishedReview,
} from "@/lib/articles/queries";
import { currentSlugFor } from "@/lib/articles/editorial";
import { renderMarkdown } from "@/lib/articles/markdown";
import { newsArticleJsonLd } from "@/lib/articles/structured-data";
import { commentsAreOpen } from "@/lib/comments/defences";
import { issueFormToken } from "@/lib/comments/form-token";
import { OWN_COMMENTS_COOKIE, readOwnCommentIds } from "@/lib/comments/ownership";
import { REMEMBER_COOKIE, decodeRemembered } from "@/lib/comments/remember";
import { getThreadPage, type ThreadNode } from "@/lib/comments/thread";
import { getDb } from "@/lib/db";
import { getSettings } from "@/lib/settings";
import { formatDate } from "@/lib/dates";
import { absoluteUrl, articlePath } from "@/lib/site";
import { getCurrentUser } from "@/lib/auth/session";
import { CommentForm } from "./comment-form";
import { CommentsSection } from "./comments-section";
import { EditorReviewSection } from "./editor-review";

export const dynamic = "force-dynamic";

type Props = {
  params: Promise<{ slug: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

function positiveInt(value: string | string[] | undefined): number | null {
  const n = Number(Array.isArray(value) ? value[0] : value);
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

function findNode(nodes: ThreadNode[], id: number): ThreadNode | null {
  for (const node of nodes) {
    if (node.id === id) return node;
    const inChildren = findNode(node.children, id);
    if (inChildren) return inChildren;
  }
  return null;
}

const loadArticle = cache((slug: string) => getPublishedArticle(slug));

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { slug } = await params;
  const article = loadArticle(slug);
  if (!article) return { title: "Article not found" };
  const url = absoluteUrl(articlePath(article.slug));
  return {
    title: article.title,
    description: article.summary || undefined,
    alternates: { canonical: url },
    openGraph: {
      type: "article",
      url,
      title: article.title,
      description: article.summary || undefined,
      publishedTime: article.publishedAt?.toISOString(),
      modifiedTime: article.updatedAt.toISOString(),
      images: article.heroImageUrl
        ? [{ url: absoluteUrl(article.heroImageUrl), alt: article.heroImageAlt ?? "" }]
        : undefined,
    },
  };
}

export default async function ArticlePage({ params, searchParams }: Props) {
  const { slug } = await params;
  const article = loadArticle(slug);
  if (!article) {
    // A published article that moved to a new slug: its old address keeps working.
    const moved = currentSlugFor(slug);
    if (moved) permanentRedirect(articlePath(moved));
    notFound();
  }
  const query = await searchParams;
  const jar = await cookies();
  const settings = getSettings();
  const now = new Date();

  const review = getPublishedReview(article.id);
  const commentCount = countApprovedComments(article.id);
  const thread = getThreadPage(getDb(), article.id, {
    page: positiveInt(query.cpage) ?? 1,
    perPage: settings.commentsPerPage,
    ownIds: readOwnCommentIds(jar.get(OWN_COMMENTS_COOKIE)?.value),
  });
  const open = commentsAreOpen(article, now, settings.commentsAutoCloseDays);
  const replyTarget = (() => {
    const id = positiveInt(query.replytocom);
    const node = id ? findNode(thread.roots, id) : null;
    return node && !node.awaitingModeration && node.depth < settings.threadDepth ? node : null;
  })();
  const base = articlePath(article.slug);
  const pageQuery = thread.page > 1 ? `cpage=${thread.page}` : "";
  const pageHref = (page: number) => (page > 1 ? `${base}?cpage=${page}#comments` : `${base}#comments`);
  const replyHref = (id: number) => `${base}?${pageQuery ? `${pageQuery}&` : ""}replytocom=${id}#respond`;
  const remembered = decodeRemembered(jar.get(REMEMBER_COOKIE)?.value);
  const user = await getCurrentUser();
  const html = renderMarkdown(article.body);
  const jsonLd = newsArticleJsonLd(article, review);
  const showCredit =
    article.heroImageCredit &&
    !(article.heroImageCaption ?? "").toLowerCase().includes(article.heroImageCredit.toLowerCase());

  return (
    <>
      <article className="article">
        <header className="article__header">
          <h1>{article.title}</h1>
          {article.summary ? <p className="article__summary">{article.summary}</p> : null}
          <p className="byline">
            {article.source ? (
              <span>
                Source: <span className="byline__source">{article.source}</span>
              </span>
            ) : null}
            {article.publishedAt ? (
              <time dateTime={article.publishedAt.toISOString()}>
                {formatDate(article.publishedAt)}
              </time>
            ) : null}
          </p>
        </header>
        {article.heroImageUrl ? (
          <figure className="hero">
            {/* Images are served from this site: no external requests. */}
            {/* eslint-disable-next-line @next/next/no-img-element */}
            <img
              src={article.heroImageUrl}
              alt={article.heroImageAlt ?? ""}
              width={1200}
              height={630}
              fetchPriority="high"
            />
            {article.heroImageCaption || showCredit ? (
              <figcaption>
                {article.heroImageCaption}
                {showCredit ? ` (${article.heroImageCredit})` : null}
              </figcaption>
            ) : null}
          </figure>
        ) : null}
        <div className="prose" dangerouslySetInnerHTML={{ __html: html }} />
      </article>
      <EditorReviewSection review={review} />
      <CommentsSection
        count={commentCount}
        thread={thread}
        maxDepth={settings.threadDepth}
        commentsOpen={open}
        replyToId={replyTarget?.id ?? null}
        pageHref={pageHref}
        replyHref={replyHref}
        form={
          <CommentForm
            key={replyTarget?.id ?? "new"}
            articleSlug={article.slug}
            formToken={issueFormToken(article.id, now.getTime())}
            guest={!user}
            account={user ? { name: user.name, banned: user.banned } : null}
            replyTo={replyTarget ? { id: replyTarget.id, name: replyTarget.authorName } : null}
            cancelReplyHref={`${base}${pageQuery ? `?${pageQuery}` : ""}#respond`}
            defaults={{
              name: remembered?.name ?? "",
              email: remembered?.email ?? "",
              url: remembered?.url ?? "",
              remember: remembered !== null,
            }}
          />
        }
      />
      <script
        type="application/ld+json"
        dangerouslySetInnerHTML={{ __html: jsonLd }}
      />
    </>
  );
}
