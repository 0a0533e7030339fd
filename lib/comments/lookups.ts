import "server-only";
import type { CommentStatus } from "@/db/schema";
import { addressLimitKey } from "@/lib/http/address-key";
import { row, rows, sql, type Db } from "@/lib/db";
import { indexedBy, inIds, transactionLocks } from "@/lib/db/dialect";
import type { DefenceInput } from "./defences";

// Each lookup names its index (SQLite): the planner has no statistics to
// choose between the article index and the author indexes, and the author
// ones are far narrower (one person's comments, not a whole thread).
//
// The pipeline asks these inside the transaction that stores the comment,
// after `takePostingTurn` (lib/comments/submit.ts), so the flood and
// duplicate rules hold against posts sent at the same moment too.

/**
 * Makes posts that share an address, an email or an account take turns
 * (PostgreSQL: transaction-level advisory locks, first thing in the
 * pipeline's READ COMMITTED transaction), so each one's flood and duplicate
 * lookups see the comment the one before stored. Posts with nothing in
 * common, whose rules cannot see each other, go on at once. Nothing on
 * SQLite: its transaction is the only writer. (A SERIALIZABLE transaction
 * would do it too, but every post's history insert checks its foreign key
 * on the newest page of the comments' primary key, where every concurrent
 * post writes: PostgreSQL aborts most of them at 10 posts at once.)
 */
export async function takePostingTurn(db: Db, subject: { ip: string; email: string; userId: number | null }): Promise<void> {
  const keys = [subject.ip ? `ip:${addressLimitKey(subject.ip)}` : "", subject.email ? `email:${subject.email}` : "", subject.userId !== null ? `user:${subject.userId}` : ""];
  const lock = transactionLocks(db, keys.filter(Boolean));
  if (lock) await rows(db, lock);
}

/** The database questions the defences ask (see defences.ts), on `db` (the pipeline's transaction). */
export function defenceLookups(db: Db): DefenceInput["lookups"] {
  const exists = async (query: ReturnType<typeof sql>) => (await row(db, query)) !== undefined;
  return {
    async recentComment(ip, email, since) {
      const t = since.getTime();
      // Per address key: an IPv6 client's whole /64 counts as one address.
      const key = ip ? addressLimitKey(ip) : "";
      if (key && (await exists(sql`select 1 from comments ${indexedBy(db, "comments_ip_key_created_idx")} where ip_key = ${key} and created_at >= ${t} limit 1`))) {
        return true;
      }
      return Boolean(
        email &&
          (await exists(
            sql`select 1 from comments ${indexedBy(db, "comments_email_created_idx")} where author_email = ${email} and created_at >= ${t} limit 1`,
          )),
      );
    },
    async duplicate(articleId, content, email, userId) {
      if (
        email &&
        (await exists(
          sql`select 1 from comments ${indexedBy(db, "comments_email_created_idx")}
              where author_email = ${email} and article_id = ${articleId} and content = ${content} and status != 'trash' limit 1`,
        ))
      ) {
        return true;
      }
      return Boolean(
        userId &&
          (await exists(
            sql`select 1 from comments ${indexedBy(db, "comments_user_created_idx")}
                where user_id = ${userId} and article_id = ${articleId} and content = ${content} and status != 'trash' limit 1`,
          )),
      );
    },
    async commenterRecord(author, since, enough) {
      // An account's record is its own; a guest's is the comments under that email sent
      // from this browser (its signed own-comments cookie) or this network (the address
      // key): a typed address alone earns no one else's trust (docs/decisions/025).
      const who = author.userId !== null
        ? sql`${indexedBy(db, "comments_user_created_idx")} where user_id = ${author.userId}`
        : sql`${indexedBy(db, "comments_email_created_idx")} where author_email = ${author.email}
            and (${author.ipKey ? sql`ip_key = ${author.ipKey}` : sql`1 = 0`} or ${author.ownIds.length > 0 ? inIds(db, sql`id`, author.ownIds) : sql`1 = 0`})`;
      if (author.userId === null && !author.email) return { approved: 0, recent: 0, recentRejected: 0 };
      const approved = enough > 0
        ? Number((await row<{ n: number | string }>(db, sql`select count(*) as n from (select 1 from comments ${who} and status = 'approved' limit ${enough}) t`))?.n ?? 0)
        : 0;
      const recent = since
        ? await row<{ n: number | string; rejected: number | string | null }>(
            db,
            sql`select count(*) as n, sum(case when status in ('spam', 'trash') then 1 else 0 end) as rejected
                from comments ${who} and created_at >= ${since.getTime()}`,
          )
        : undefined;
      return { approved, recent: Number(recent?.n ?? 0), recentRejected: Number(recent?.rejected ?? 0) };
    },
    async premoderated(email, userId) {
      if (userId !== null) {
        return Boolean(await row(db, sql`select 1 from users where id = ${userId} and premoderate`));
      }
      return Boolean(email && (await row(db, sql`select 1 from premoderated_addresses where email = ${email}`)));
    },
  };
}

/** A post as the pipeline is about to store it, to find the same post stored before (`samePostStored`). */
export type PostIdentity = {
  /** `formTokenDigest` of its (valid) form token. */
  tokenHash: string;
  articleId: number;
  parentId: number | null;
  content: string;
  /** The account posting it, or null for a guest (then name, email, website and address say who). */
  userId: number | null;
  name: string;
  email: string;
  url: string;
  ip: string;
};

/**
 * The comment this post already is, when it was stored before and its
 * answer was lost (the connection dropped during COMMIT, a timeout, a
 * double click): the same form token, article, parent and text, from the
 * same visitor, who is the same account, or for a guest the same name,
 * email, website and address (key). The token is not enough by itself: a
 * cached page gives the same one to every reader of it. A comment in trash
 * is not found (as for the duplicate rule). Asked in the pipeline's
 * transaction, after `takePostingTurn`.
 */
export async function samePostStored(db: Db, post: PostIdentity): Promise<{ id: number; status: CommentStatus } | null> {
  const parent = post.parentId === null ? sql`parent_id is null` : sql`parent_id = ${post.parentId}`;
  const same = sql`article_id = ${post.articleId} and ${parent} and content = ${post.content}
                   and form_token_hash = ${post.tokenHash} and status != 'trash'`;
  const found =
    post.userId !== null
      ? await row<{ id: number; status: CommentStatus }>(
          db,
          sql`select id, status from comments ${indexedBy(db, "comments_user_created_idx")}
              where user_id = ${post.userId} and ${same} order by id limit 1`,
        )
      : await row<{ id: number; status: CommentStatus }>(
          db,
          sql`select id, status from comments ${indexedBy(db, "comments_email_created_idx")}
              where author_email = ${post.email} and user_id is null and author_name = ${post.name} and author_url = ${post.url}
                and ip_key = ${post.ip ? addressLimitKey(post.ip) : ""} and ${same} order by id limit 1`,
        );
  return found ? { id: Number(found.id), status: found.status } : null;
}
