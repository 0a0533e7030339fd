/**
 * What an article is, for the pages and actions that show or change one:
 * its workflow statuses (draft → in review → published), its row and its
 * Editor review's row.
 */
export { ARTICLE_STATUSES, type ArticleStatus } from "@/db/model";
export type { Article, EditorReview } from "@/db/schema";
