import "server-only";
import type { Article } from "@/db/schema";
import { CACHE_TAGS, cachedRender } from "@/lib/cache/pages";
import { commentsAreOpen, commentsCloseNext } from "@/lib/comments/defences";
import { effectiveOrder, type CommentOrder } from "@/lib/comments/order";
import { getThreadPage, type ThreadNode, type ThreadPage } from "@/lib/comments/thread";
import { getDb } from "@/lib/db";
import { featuredComments, type FeaturedComment } from "@/lib/community/featured";
import { getSettings, type Settings } from "@/lib/settings";
import { countApprovedComments, getPublishedReview, type PublishedReview } from "./queries";
import { renderMarkdown } from "./markdown";

/** Bump when renderMarkdown's output changes, so cached bodies are rendered again. */
const MARKDOWN_RENDERER_VERSION = 2;

/** The article body as HTML, rendered once per article version (Next's data cache). */
export function articleBodyHtml(article: Article): Promise<string> {
  return cachedRender(
    ["article-body", String(MARKDOWN_RENDERER_VERSION), String(article.id), String(article.updatedAt.getTime())],
    [CACHE_TAGS.article(article.id)],
    () => renderMarkdown(article.body),
  );
}

export type ArticlePageData = {
  article: Article;
  html: string;
  review: PublishedReview | null;
  commentCount: number;
  thread: ThreadPage;
  settings: Settings;
  commentsOpen: boolean;
  /** When the page changes by itself (comments close), if it does. */
  changesAt: Date | null;
  /** The Featured comments list above the thread. */
  featured: FeaturedComment[];
};

/**
 * Everything an article page shows, for one comment page. `ownIds` are the
 * viewer's own comments (their held ones are shown to them); the cached page
 * passes none. `order` is the reader's choice of comment order (null: the
 * site's `commentOrder`).
 */
export async function loadArticlePage(
  article: Article,
  { page, ownIds = [], now = new Date(), order = null }: { page: number; ownIds?: number[]; now?: Date; order?: CommentOrder | null },
): Promise<ArticlePageData> {
  const settings = await getSettings();
  // Independent reads: on PostgreSQL they run side by side on the pool.
  const [html, review, commentCount, thread, featured] = await Promise.all([
    articleBodyHtml(article),
    getPublishedReview(article.id),
    countApprovedComments(article.id),
    getThreadPage(getDb(), article.id, {
      page,
      perPage: settings.commentsPerPage,
      ownIds,
      order: effectiveOrder(order, settings.commentOrder),
    }),
    featuredComments(article.id),
  ]);
  return {
    article,
    html,
    review,
    commentCount,
    thread,
    settings,
    commentsOpen: commentsAreOpen(article, now, settings.commentsAutoCloseDays),
    changesAt: commentsCloseNext(article, now, settings.commentsAutoCloseDays),
    featured,
  };
}

export function findThreadNode(nodes: ThreadNode[], id: number): ThreadNode | null {
  for (const node of nodes) {
    if (node.id === id) return node;
    const inChildren = findThreadNode(node.children, id);
    if (inChildren) return inChildren;
  }
  return null;
}
