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
    const counted = await row<{ n: number }>(
      db,
      sql`select count(*) as n from comments where status = 'pending' and created_at >= ${from.getTime()} and created_at < ${to.getTime()}`,
    );
    const total = Number(counted?.n ?? 0);
    if (total === 0) continue;
    const entries = await rows<{ author: string; title: string; reason: string | null; content: string; createdAt: number }>(
      db,
      sql`select c.author_name as author, a.title, c.status_reason as reason, c.content, c.created_at as "createdAt"
          from comments c join articles a on a.id = c.article_id
          where c.status = 'pending' and c.created_at >= ${from.getTime()} and c.created_at < ${to.getTime()}
          order by c.created_at, c.id
          limit ${DIGEST_LIST_LIMIT}`,
    );
    const scope = { kind: "digest", userId: m.id } as const;
    const message = heldDigest({
      siteName: SITE_NAME,
      moderatorName: m.name,
      period: m.heldDigest,
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
      unsubscribeUrl: unsubscribePageUrl(scope),
    });
    const result = await enqueueMail(db, {
      kind: "held_digest",
      dedupeKey,
      to: m.email,
      subject: message.subject,
      text: message.text,
      html: message.html,
      headers: unsubscribeHeaders(scope),
    });
    if (result.queued) queued++;
  }
  return queued;
}
