/**
 * The tables of the store this process runs on, for the domain code: SQLite
 * (db/sqlite/schema.ts) unless `DATABASE_URL` names PostgreSQL
 * (db/pg/schema.ts). Both define the same tables with the same JavaScript
 * values, so code written against these exports runs on either; lib/db
 * holds the few places where the two differ (decision 014).
 *
 * The exports are typed with the PostgreSQL builders, whose queries are only
 * awaited (no synchronous `.get()`/`.all()`): code that type-checks is code
 * that also runs on SQLite.
 */
import * as pg from "./pg/schema";
import * as sqlite from "./sqlite/schema";
import { storeKind } from "./store-kind";

export * from "./model";

const active = (storeKind(process.env) === "postgres" ? pg : sqlite) as unknown as typeof pg;

export const users = active.users;
export const articles = active.articles;
export const editorReviews = active.editorReviews;
export const comments = active.comments;
export const commentEvents = active.commentEvents;
export const settings = active.settings;
export const akismetOutbox = active.akismetOutbox;
export const jobRuns = active.jobRuns;
export const articleRevisions = active.articleRevisions;
export const articleEvents = active.articleEvents;
export const articleSlugs = active.articleSlugs;
export const revokedSessions = active.revokedSessions;
export const pageChanges = active.pageChanges;
export const rateLimits = active.rateLimits;
export const serverSecrets = active.serverSecrets;
export const mailOutbox = active.mailOutbox;
export const importIds = active.importIds;
export const erasures = active.erasures;
export const commentRespects = active.commentRespects;
export const commentReports = active.commentReports;
export const commenterNotes = active.commenterNotes;
export const commenterEvents = active.commenterEvents;
export const premoderatedAddresses = active.premoderatedAddresses;
export const accountTokens = active.accountTokens;
export const userIdentities = active.userIdentities;

export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;
export type Article = typeof articles.$inferSelect;
export type NewArticle = typeof articles.$inferInsert;
export type EditorReview = typeof editorReviews.$inferSelect;
export type Comment = typeof comments.$inferSelect;
export type NewComment = typeof comments.$inferInsert;
export type CommentEvent = typeof commentEvents.$inferSelect;
export type OutboxEntry = typeof akismetOutbox.$inferSelect;
export type ArticleRevision = typeof articleRevisions.$inferSelect;
export type ArticleEvent = typeof articleEvents.$inferSelect;
export type MailMessage = typeof mailOutbox.$inferSelect;
export type ImportId = typeof importIds.$inferSelect;
export type Erasure = typeof erasures.$inferSelect;
