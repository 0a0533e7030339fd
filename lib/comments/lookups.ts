import "server-only";
import { statement, type Db } from "@/lib/db";
import type { DefenceInput } from "./defences";

// Each lookup names its index: the planner has no statistics to choose
// between the article index and the author indexes, and the author ones are
// far narrower (one person's comments, not a whole thread).

/** The database questions the defences ask (see defences.ts). */
export function defenceLookups(db: Db): DefenceInput["lookups"] {
  return {
    recentComment(ip, email, since) {
      const t = since.getTime();
      if (ip && statement(db, "select 1 from comments indexed by comments_ip_created_idx where ip = ? and created_at >= ? limit 1").get(ip, t)) {
        return true;
      }
      return Boolean(
        email &&
          statement(db, "select 1 from comments indexed by comments_email_created_idx where author_email = ? and created_at >= ? limit 1").get(email, t),
      );
    },
    duplicate(articleId, content, email, userId) {
      if (
        email &&
        statement(
          db,
          "select 1 from comments indexed by comments_email_created_idx where author_email = ? and article_id = ? and content = ? and status != 'trash' limit 1",
        ).get(email, articleId, content)
      ) {
        return true;
      }
      return Boolean(
        userId &&
          statement(
            db,
            "select 1 from comments indexed by comments_user_created_idx where user_id = ? and article_id = ? and content = ? and status != 'trash' limit 1",
          ).get(userId, articleId, content),
      );
    },
    approvedBefore(email, userId) {
      if (email && statement(db, "select 1 from comments indexed by comments_email_created_idx where author_email = ? and status = 'approved' limit 1").get(email)) {
        return true;
      }
      return Boolean(
        userId && statement(db, "select 1 from comments indexed by comments_user_created_idx where user_id = ? and status = 'approved' limit 1").get(userId),
      );
    },
  };
}
