import "server-only";
/**
 * The moderators' digest of newly held comments: a moderator or admin who
 * turned it on (account page: hourly or daily) gets, after each period, one
 * message listing the comments held during that period that are still
 * waiting. Nothing is sent for a period without any. Every instance's mail
 * job may try; the dedupe key `digest:<user>:<period end>` lets one message
 * through. A period that ended while no instance ran is not sent late.
 */
import { and, eq, inArray, ne } from "drizzle-orm";
import { mailOutbox, users, type HeldDigest as DigestSetting } from "@/db/schema";
import { getDb, row, rows, sql, type Db } from "@/lib/db";
import { absoluteUrl, SITE_NAME } from "@/lib/site";
import { excerpt, heldDigest } from "./messages";
import { enqueueMail, mailEnabled } from "./outbox";
import { unsubscribeHeaders, unsubscribePageUrl } from "./unsubscribe";

const PERIOD_MS: Record<Exclude<DigestSetting, "off">, number> = { hourly: 3_600_000, daily: 86_400_000 };
/** Comments listed in one message; the rest are counted. */
export const DIGEST_LIST_LIMIT = 20;

/** The last whole period before `now`: [from, to). */
export function digestPeriod(period: keyof typeof PERIOD_MS, now: Date): { from: Date; to: Date } {
  const ms = PERIOD_MS[period];
  const to = Math.floor(now.getTime() / ms) * ms;
  return { from: new Date(to - ms), to: new Date(to) };
}

export async function queueHeldDigests({ now = new Date(), db = getDb() }: { now?: Date; db?: Db } = {}): Promise<number> {
  if (!mailEnabled()) return 0;
  const moderators = await db
    .select({ id: users.id, name: users.name, email: users.email, heldDigest: users.heldDigest })
    .from(users)
    .where(and(ne(users.heldDigest, "off"), inArray(users.role, ["moderator", "admin"]), eq(users.banned, false)));
  let queued = 0;
  for (const m of moderators) {
    if (m.heldDigest === "off") continue;
    const { from, to } = digestPeriod(m.heldDigest, now);
    const dedupeKey = `digest:${m.id}:${to.getTime()}`;
    const [done] = await db.select({ id: mailOutbox.id }).from(mailOutbox).where(eq(mailOutbox.dedupeKey, dedupeKey));
    if (done) continue;
    const message = await renderHeldDigest(db, m, m.heldDigest, from, to);
    if (!message) continue;
    const result = await enqueueMail(db, {
      kind: "held_digest",
      dedupeKey,
      to: m.email,
      subject: message.subject,
      text: message.text,
      html: message.html,
      headers: unsubscribeHeaders({ kind: "digest", userId: m.id }),
    });
    if (result.queued) queued++;
  }
  return queued;
}

/**
 * A moderator's digest of the period [from, to): the comments held during it
 * that are still waiting (20 listed, the rest counted), or null when none is.
 */
export async function renderHeldDigest(
  db: Db,
  moderator: { id: number; name: string },
  period: keyof typeof PERIOD_MS,
  from: Date,
  to: Date,
): Promise<{ subject: string; text: string; html: string } | null> {
  const counted = await row<{ n: number }>(
    db,
    sql`select count(*) as n from comments where status = 'pending' and created_at >= ${from.getTime()} and created_at < ${to.getTime()}`,
  );
  const total = Number(counted?.n ?? 0);
  if (total === 0) return null;
  const entries = await rows<{ author: string; title: string; reason: string | null; content: string; createdAt: number }>(
    db,
    sql`select c.author_name as author, a.title, c.status_reason as reason, c.content, c.created_at as "createdAt"
        from comments c join articles a on a.id = c.article_id
        where c.status = 'pending' and c.created_at >= ${from.getTime()} and c.created_at < ${to.getTime()}
        order by c.created_at, c.id
        limit ${DIGEST_LIST_LIMIT}`,
  );
  return heldDigest({
    siteName: SITE_NAME,
    moderatorName: moderator.name,
    period,
    from,
    to,
    total,
    entries: entries.map((e) => ({
      author: e.author,
      articleTitle: e.title,
      reason: e.reason ?? "Held",
      excerpt: excerpt(e.content, 140),
      createdAt: new Date(Number(e.createdAt)),
    })),
    queueUrl: absoluteUrl("/moderation?queue=pending"),
    accountUrl: absoluteUrl("/account"),
    unsubscribeUrl: unsubscribePageUrl({ kind: "digest", userId: moderator.id }),
  });
}

/** A comment an erasure is taking, as a digest may have listed it. */
export type ErasedFromDigest = { authorName: string; content: string; createdAt: Date };

/**
 * Erasure (lib/privacy/erase.ts, decision 018), in its transaction, after
 * the comments are deleted: every moderator's digest in the outbox that
 * lists one of them (its period holds the comment's time, its text the
 * name or the excerpt) is rendered again from what is left, in place, so
 * it keeps its row, its dedupe key and its state, and holds neither the
 * name nor the excerpt any more. A digest left with nothing to list is
 * deleted (for its period nothing waits: the digest job would not queue
 * it again). A sent one is rewritten the same way: the outbox keeps it
 * 30 days, and it must not keep the erased words meanwhile.
 */
export async function rewriteDigestsListing(db: Db, erased: readonly ErasedFromDigest[]): Promise<{ rewritten: number; deleted: number }> {
  const done = { rewritten: 0, deleted: 0 };
  if (erased.length === 0) return done;
  const digests = await db
    .select({ id: mailOutbox.id, dedupeKey: mailOutbox.dedupeKey, textBody: mailOutbox.textBody })
    .from(mailOutbox)
    .where(eq(mailOutbox.kind, "held_digest"));
  for (const d of digests) {
    const key = /^digest:(\d+):(\d+)$/.exec(d.dedupeKey);
    // The period, as its own footer says it ("You get this hourly digest …"; the last one: a name could say it too).
    const period = [...d.textBody.matchAll(/You get this (hourly|daily) digest/g)].at(-1)?.[1] as keyof typeof PERIOD_MS | undefined;
    if (!key || !period) continue;
    const to = new Date(Number(key[2]));
    const from = new Date(to.getTime() - PERIOD_MS[period]);
    const listed = erased.some(
      (c) =>
        c.createdAt >= from &&
        c.createdAt < to &&
        ((c.authorName !== "" && d.textBody.includes(`- ${c.authorName} on “`)) || (c.content.trim() !== "" && d.textBody.includes(excerpt(c.content, 140)))),
    );
    if (!listed) continue;
    const [moderator] = await db.select({ id: users.id, name: users.name }).from(users).where(eq(users.id, Number(key[1])));
    const message = moderator ? await renderHeldDigest(db, moderator, period, from, to) : null;
    if (!message) {
      await db.delete(mailOutbox).where(eq(mailOutbox.id, d.id));
      done.deleted++;
    } else {
      await db.update(mailOutbox).set({ subject: message.subject, textBody: message.text, htmlBody: message.html }).where(eq(mailOutbox.id, d.id));
      done.rewritten++;
    }
  }
  return done;
}
