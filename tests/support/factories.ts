import { articles, comments, users, type NewArticle, type NewComment, type NewUser } from "@/db/schema";
import { getDb } from "@/lib/db";

let counter = 0;

/** Inserts an article (published unless told otherwise) and returns it. */
export async function createArticle(overrides: Partial<NewArticle> = {}) {
  counter += 1;
  const [row] = await getDb()
    .insert(articles)
    .values({
      slug: `test-article-${counter}`,
      title: `Test article ${counter}`,
      summary: `Summary ${counter}`,
      body: `Body of article ${counter}.`,
      status: "published",
      publishedAt: new Date(Date.UTC(2024, 0, counter)),
      ...overrides,
    })
    .returning();
  return row!;
}

/** Inserts a comment (approved unless told otherwise) and returns it. */
export async function createComment(articleId: number, overrides: Partial<NewComment> = {}) {
  counter += 1;
  const [row] = await getDb()
    .insert(comments)
    .values({
      articleId,
      authorName: `Reader ${counter}`,
      authorEmail: `reader${counter}@example.com`,
      content: `Comment ${counter}`,
      status: "approved",
      ...overrides,
    })
    .returning();
  return row!;
}

/** Inserts a user account (no password) and returns it. */
export async function createUser(overrides: Partial<NewUser> = {}) {
  counter += 1;
  const [row] = await getDb()
    .insert(users)
    .values({ email: `user${counter}@example.com`, name: `User ${counter}`, role: "reader", ...overrides })
    .returning();
  return row!;
}
