import "server-only";
import { eq, sql, type SQL } from "drizzle-orm";
import { comments } from "@/db/schema";

/**
 * Whose data a download or an erasure is about:
 * - `email`: every comment stored under an address, whatever its case (a
 *   guest who proved the address by opening a link mailed to it, or an admin
 *   acting on a request);
 * - `account`: the comments a signed-in account posted (its user id). An
 *   account's address was never proven (registration sends no mail), so the
 *   account alone does not reach guest comments stored under the same
 *   address: those need the mailed link, which proves the address.
 */
export type DataSubject = { kind: "email"; email: string } | { kind: "account"; userId: number; email: string };

/** The comments of a subject (by email: served by comments_email_lower_idx). */
export function subjectComments(subject: DataSubject): SQL {
  return subject.kind === "email" ? sql`lower(${comments.authorEmail}) = lower(${subject.email})` : eq(comments.userId, subject.userId);
}

/** The same condition for raw SQL over `comments` without a table alias. */
export function subjectCommentsRaw(subject: DataSubject): SQL {
  return subject.kind === "email" ? sql`lower(author_email) = lower(${subject.email})` : sql`user_id = ${subject.userId}`;
}
