import "server-only";
import { and, eq } from "drizzle-orm";
import { commenterNotes, premoderatedAddresses, users, COMMENT_STATUSES, type CommentStatus, type CommenterEventType, type UserRole } from "@/db/schema";
import { getDb, row, rows, sql, transaction, type Db } from "@/lib/db";
import { indexedBy } from "@/lib/db/dialect";
import { formatDateTime } from "@/lib/dates";
import { setBanned } from "@/lib/auth/users";
import { addCommenterEvent } from "./commenter-events";
import { SUSPENSION_CHOICES, standingOf, type Standing, type SuspensionChoice } from "./standing";

/**
 * A commenter as moderators see them (/moderation/commenter): an account, or
 * a guest's email address. Their comments with a count per status, the
 * share rejected lately, their history, moderators' notes, and the actions
 * on a person: Suspend, Always pre-moderate, Ban. Suspending or banning
 * never deletes anything.
 */

export type CommenterSubject = { kind: "account"; userId: number } | { kind: "guest"; email: string };

/** Days the commenter page's "rejected lately" looks back. */
export const REJECTED_WINDOW_DAYS = 7;
export const COMMENTER_PAGE_SIZE = 50;
export const NOTE_MAX = 2_000;
export const SUSPENSION_MESSAGE_MAX = 500;

export type CommenterProfile = {
  subject: CommenterSubject;
  /** The account's, or the name the guest used most recently. */
  name: string;
  email: string;
  account: { role: UserRole; banned: boolean; standing: Standing; createdAt: Date } | null;
  premoderated: boolean;
  counts: Record<CommentStatus, number>;
  total: number;
  recent: { total: number; rejected: number; days: number };
};

export type CommenterComment = {
  id: number;
  articleSlug: string;
  articleTitle: string;
  status: CommentStatus;
  statusReason: string | null;
  content: string;
  createdAt: Date;
};

export type CommenterHistoryItem = { id: number; type: CommenterEventType; message: string; actorName: string | null; createdAt: Date };
export type CommenterNote = { id: number; body: string; authorName: string | null; createdAt: Date };

/** Whose comments: `c.user_id = …` on its index, or `c.author_email = …` on its own (lowercased when stored). */
function whose(db: Db, subject: CommenterSubject) {
  return subject.kind === "account"
    ? { table: sql`comments c ${indexedBy(db, "comments_user_created_idx")}`, where: sql`c.user_id = ${subject.userId}` }
    : { table: sql`comments c ${indexedBy(db, "comments_email_created_idx")}`, where: sql`c.author_email = ${subject.email}` };
}

/** The SQL of the commenter page's reads (exported for the query-plan tests and the bench). */
export function commenterQueries(db: Db, subject: CommenterSubject, { since, limit = COMMENTER_PAGE_SIZE, offset = 0, status = null }: { since: number; limit?: number; offset?: number; status?: CommentStatus | null }) {
  const { table, where } = whose(db, subject);
  return {
    counts: sql`select c.status, count(*) as n from ${table} where ${where} group by c.status`,
    recent: sql`select count(*) as n, sum(case when c.status in ('spam', 'trash') then 1 else 0 end) as rejected from ${table} where ${where} and c.created_at >= ${since}`,
    latestName: sql`select c.author_name as name from ${table} where ${where} order by c.created_at desc limit 1`,
    // The page's ids from the index alone, then only those rows: a deep page (offset 4,950 of
    // a 10,000-comment commenter) skips index entries, not whole rows (bench:moderation).
    page: sql`select o.id, a.slug as "articleSlug", a.title as "articleTitle", o.status, o.status_reason as "statusReason", o.content, o.created_at as "createdAt"
      from comments o join articles a on a.id = o.article_id
      where o.id in (
        select c.id from ${table} where ${where} ${status ? sql`and c.status = ${status}` : sql``}
        order by c.created_at desc, c.id desc limit ${limit} offset ${offset})
      order by o.created_at desc, o.id desc`,
  };
}

/** Who the page is about, their counts and recent rejected share; null when there is no such account (or the address has no comment). */
export async function commenterProfile(subject: CommenterSubject, now = new Date(), db: Db = getDb()): Promise<CommenterProfile | null> {
  const since = now.getTime() - REJECTED_WINDOW_DAYS * 86_400_000;
  const q = commenterQueries(db, subject, { since });
  const [countRows, recent] = await Promise.all([rows<{ status: CommentStatus; n: number | string }>(db, q.counts), row<{ n: number | string; rejected: number | string | null }>(db, q.recent)]);
  const counts = Object.fromEntries(COMMENT_STATUSES.map((s) => [s, 0])) as Record<CommentStatus, number>;
  for (const r of countRows) counts[r.status] = Number(r.n);
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const recentCounts = { total: Number(recent?.n ?? 0), rejected: Number(recent?.rejected ?? 0), days: REJECTED_WINDOW_DAYS };

  if (subject.kind === "account") {
    const [account] = await db.select().from(users).where(eq(users.id, subject.userId));
    if (!account) return null;
    return {
      subject,
      name: account.name,
      email: account.email,
      account: { role: account.role, banned: account.banned, standing: standingOf(account, now), createdAt: account.createdAt },
      premoderated: account.premoderate,
      counts,
      total,
      recent: recentCounts,
    };
  }
  const [latest, listed] = await Promise.all([
    row<{ name: string }>(db, q.latestName),
    row(db, sql`select 1 from premoderated_addresses where email = ${subject.email}`),
  ]);
  if (!latest && !listed) return null;
  return { subject, name: latest?.name ?? subject.email, email: subject.email, account: null, premoderated: Boolean(listed), counts, total, recent: recentCounts };
}

/** A page of the commenter's comments, newest first (optionally one status). */
export async function commenterComments(
  subject: CommenterSubject,
  { page = 1, status = null }: { page?: number; status?: CommentStatus | null } = {},
  db: Db = getDb(),
): Promise<CommenterComment[]> {
  const q = commenterQueries(db, subject, { since: 0, offset: (Math.max(1, page) - 1) * COMMENTER_PAGE_SIZE, status });
  const found = await rows<Omit<CommenterComment, "createdAt"> & { createdAt: number | string }>(db, q.page);
  return found.map((r) => ({ ...r, id: Number(r.id), createdAt: new Date(Number(r.createdAt)) }));
}

export async function commenterHistory(subject: CommenterSubject, db: Db = getDb()): Promise<CommenterHistoryItem[]> {
  const where = subject.kind === "account" ? sql`e.user_id = ${subject.userId}` : sql`e.email = ${subject.email}`;
  const found = await rows<Omit<CommenterHistoryItem, "createdAt"> & { createdAt: number | string }>(
    db,
    sql`select e.id, e.type, e.message, u.name as "actorName", e.created_at as "createdAt"
        from commenter_events e left join users u on u.id = e.actor_id
        where ${where} order by e.created_at desc, e.id desc limit 200`,
  );
  return found.map((r) => ({ ...r, id: Number(r.id), createdAt: new Date(Number(r.createdAt)) }));
}

export async function commenterNotesOf(subject: CommenterSubject, db: Db = getDb()): Promise<CommenterNote[]> {
  const where = subject.kind === "account" ? sql`n.user_id = ${subject.userId}` : sql`n.email = ${subject.email}`;
  const found = await rows<Omit<CommenterNote, "createdAt"> & { createdAt: number | string }>(
    db,
    sql`select n.id, n.body, u.name as "authorName", n.created_at as "createdAt"
        from commenter_notes n left join users u on u.id = n.author_id
        where ${where} order by n.created_at desc, n.id desc limit 200`,
  );
  return found.map((r) => ({ ...r, id: Number(r.id), createdAt: new Date(Number(r.createdAt)) }));
}

export type Actor = { id: number; name: string; role: UserRole };
/** What an action came to: a code (lib/community/commenter-notices.ts has its words) and the words. */
export type CommenterActionResult = { ok: boolean; code: string; message: string };

const STAFF: readonly UserRole[] = ["editor", "moderator", "admin"];

/** Moderators act on readers; staff accounts are an admin's (on /admin/users). */
async function readerTarget(tx: Db, userId: number, actor: Actor): Promise<{ ok: true; name: string; role: UserRole } | { ok: false; code: string; message: string }> {
  const [target] = await tx.select({ name: users.name, role: users.role }).from(users).where(eq(users.id, userId));
  if (!target) return { ok: false, code: "gone", message: "That account no longer exists." };
  if (userId === actor.id) return { ok: false, code: "self", message: "You cannot do this to your own account." };
  if (STAFF.includes(target.role) && actor.role !== "admin") return { ok: false, code: "staff", message: "Staff accounts are managed by an admin on /admin/users." };
  return { ok: true, ...target };
}

/** Suspend an account for one of the fixed lengths, with an optional message the reader sees. Ends by itself. */
export async function suspendAccount(actor: Actor, userId: number, choice: SuspensionChoice, message: string, now = new Date(), db: Db = getDb()): Promise<CommenterActionResult> {
  const length = SUSPENSION_CHOICES.find((c) => c.value === choice);
  if (!length) return { ok: false, code: "choose_length", message: "Choose how long the suspension lasts." };
  const text = message.trim();
  if (text.length > SUSPENSION_MESSAGE_MAX) return { ok: false, code: "message_long", message: `The message can be at most ${SUSPENSION_MESSAGE_MAX} characters.` };
  if (text.includes("\u0000")) return { ok: false, code: "message_char", message: "The message contains a character that cannot be stored." };
  return transaction(db, async (tx) => {
    const target = await readerTarget(tx, userId, actor);
    if (!target.ok) return target;
    const until = new Date(now.getTime() + length.ms);
    await tx.update(users).set({ suspendedUntil: until, suspensionMessage: text, updatedAt: now }).where(eq(users.id, userId));
    await addCommenterEvent(tx, {
      userId,
      type: "suspended",
      actorId: actor.id,
      message: `Suspended for ${length.label}, until ${formatDateTime(until)}${text ? `: “${text}”` : ""}`,
      at: now,
    });
    return { ok: true, code: "suspended", message: `${target.name} is suspended until ${formatDateTime(until)}.` };
  });
}

/** Lift a suspension before it ends. */
export async function liftSuspension(actor: Actor, userId: number, now = new Date(), db: Db = getDb()): Promise<CommenterActionResult> {
  return transaction(db, async (tx) => {
    const target = await readerTarget(tx, userId, actor);
    if (!target.ok) return target;
    const lifted = await tx
      .update(users)
      .set({ suspendedUntil: null, suspensionMessage: "", updatedAt: now })
      .where(and(eq(users.id, userId), sql`${users.suspendedUntil} > ${now.getTime()}`))
      .returning({ id: users.id });
    if (lifted.length === 0) return { ok: false, code: "not_suspended", message: `${target.name} is not suspended.` };
    await addCommenterEvent(tx, { userId, type: "suspension_lifted", actorId: actor.id, message: "Suspension lifted early", at: now });
    return { ok: true, code: "lifted", message: `${target.name}'s suspension is lifted.` };
  });
}

/** Always pre-moderate (or stop): an account, or a guest address. */
export async function setPremoderated(actor: Actor, subject: CommenterSubject, on: boolean, now = new Date(), db: Db = getDb()): Promise<CommenterActionResult> {
  return transaction(db, async (tx) => {
    let changed: boolean;
    if (subject.kind === "account") {
      const target = await readerTarget(tx, subject.userId, actor);
      if (!target.ok) return target;
      // Staff comments are approved before any hold rule is asked (lib/comments/defences.ts).
      if (STAFF.includes(target.role)) return { ok: false, code: "staff_trusted", message: "Comments by staff accounts are never held: change the role on /admin/users first." };
      changed = (await tx.update(users).set({ premoderate: on, updatedAt: now }).where(and(eq(users.id, subject.userId), eq(users.premoderate, !on))).returning({ id: users.id })).length > 0;
    } else if (on) {
      changed = (await tx.insert(premoderatedAddresses).values({ email: subject.email, actorId: actor.id, createdAt: now }).onConflictDoNothing().returning()).length > 0;
    } else {
      changed = (await tx.delete(premoderatedAddresses).where(eq(premoderatedAddresses.email, subject.email)).returning()).length > 0;
    }
    if (changed) {
      await addCommenterEvent(tx, {
        userId: subject.kind === "account" ? subject.userId : null,
        email: subject.kind === "guest" ? subject.email : null,
        type: on ? "premoderated" : "premoderation_lifted",
        actorId: actor.id,
        message: on ? "Always pre-moderate: every new comment is held" : "No longer pre-moderated",
        at: now,
      });
    }
    return on
      ? { ok: true, code: "premoderated", message: "Every new comment from this commenter is held for moderation." }
      : { ok: true, code: "unpremoderated", message: "This commenter's comments are no longer pre-moderated." };
  });
}

export async function addCommenterNote(actor: Actor, subject: CommenterSubject, body: string, now = new Date(), db: Db = getDb()): Promise<CommenterActionResult> {
  const text = body.trim();
  if (!text) return { ok: false, code: "note_empty", message: "Write the note first." };
  if (text.length > NOTE_MAX) return { ok: false, code: "note_long", message: `A note can be at most ${NOTE_MAX} characters.` };
  if (text.includes("\u0000")) return { ok: false, code: "note_char", message: "The note contains a character that cannot be stored." };
  await db.insert(commenterNotes).values({
    userId: subject.kind === "account" ? subject.userId : null,
    email: subject.kind === "guest" ? subject.email : null,
    authorId: actor.id,
    body: text,
    createdAt: now,
  });
  return { ok: true, code: "note_added", message: "Note added." };
}

export async function deleteCommenterNote(subject: CommenterSubject, noteId: number, db: Db = getDb()): Promise<CommenterActionResult> {
  const where =
    subject.kind === "account" ? and(eq(commenterNotes.id, noteId), eq(commenterNotes.userId, subject.userId)) : and(eq(commenterNotes.id, noteId), eq(commenterNotes.email, subject.email));
  const gone = await db.delete(commenterNotes).where(where).returning({ id: commenterNotes.id });
  return gone.length > 0 ? { ok: true, code: "note_deleted", message: "Note deleted." } : { ok: false, code: "note_gone", message: "That note no longer exists." };
}

/** Ban or unban an account from its commenter page, as on /admin/users; a moderator bans readers only. */
export async function banCommenter(actor: Actor, userId: number, banned: boolean, db: Db = getDb()): Promise<CommenterActionResult> {
  const target = await readerTarget(db, userId, actor);
  if (!target.ok) return { ok: false, code: target.code, message: target.message };
  const result = await setBanned(actor.id, userId, banned);
  return { ok: result.ok, code: result.ok ? (banned ? "banned" : "unbanned") : "ban_refused", message: result.message };
}
