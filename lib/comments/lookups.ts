import "server-only";
import { and, eq, gte, ne, or, sql } from "drizzle-orm";
import { comments } from "@/db/schema";
import type { Db } from "@/lib/db";
import type { DefenceInput } from "./defences";

/** The database questions the defences ask (see defences.ts). */
export function defenceLookups(db: Db): DefenceInput["lookups"] {
  return {
    recentComment(ip, email, since) {
      const who = [
        ip ? eq(comments.ip, ip) : undefined,
        email ? eq(comments.authorEmail, email) : undefined,
      ].filter((c) => c !== undefined);
      if (who.length === 0) return false;
      return (
        db
          .select({ id: comments.id })
          .from(comments)
          .where(and(or(...who), gte(comments.createdAt, since)))
          .limit(1)
          .get() !== undefined
      );
    },
    duplicate(articleId, content, email, userId) {
      const who = [
        email ? eq(comments.authorEmail, email) : undefined,
        userId ? eq(comments.userId, userId) : undefined,
      ].filter((c) => c !== undefined);
      if (who.length === 0) return false;
      return (
        db
          .select({ id: comments.id })
          .from(comments)
          .where(
            and(
              eq(comments.articleId, articleId),
              ne(comments.status, "trash"),
              eq(comments.content, content),
              or(...who),
            ),
          )
          .limit(1)
          .get() !== undefined
      );
    },
    approvedBefore(email, userId) {
      const who = [
        email ? eq(comments.authorEmail, email) : undefined,
        userId ? eq(comments.userId, userId) : undefined,
      ].filter((c) => c !== undefined);
      if (who.length === 0) return false;
      return (
        db
          .select({ one: sql`1` })
          .from(comments)
          .where(and(eq(comments.status, "approved"), or(...who)))
          .limit(1)
          .get() !== undefined
      );
    },
  };
}
