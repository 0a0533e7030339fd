import "server-only";
import { deleteCommentsKeepingReplies } from "@/lib/comments/removal";
import { and, asc, eq, sql } from "drizzle-orm";
import { comments, users, type UserRole } from "@/db/schema";
import { getDb, row, transaction, type Db } from "@/lib/db";
import { isUniqueViolation } from "@/lib/db/dialect";
import { textOfNotice, type Notice } from "@/lib/http/notices";
import { ACCOUNT_ERRORS, ACCOUNT_NOTICES } from "./account-notices";
import { hashPassword } from "./password";
import { addCommenterEvent } from "@/lib/community/commenter-events";

export type Account = typeof users.$inferSelect;

/** Public view of an account: never the password hash. */
export type AccountSummary = Omit<Account, "passwordHash">;

const summaryColumns = {
  id: users.id,
  email: users.email,
  name: users.name,
  role: users.role,
  banned: users.banned,
  sessionVersion: users.sessionVersion,
  lastSignInAt: users.lastSignInAt,
  heldDigest: users.heldDigest,
  suspendedUntil: users.suspendedUntil,
  suspensionMessage: users.suspensionMessage,
  premoderate: users.premoderate,
  emailVerifiedAt: users.emailVerifiedAt,
  nameChangedAt: users.nameChangedAt,
  createdAt: users.createdAt,
  updatedAt: users.updatedAt,
};

/**
 * The account a session token names, unless that session was signed out: one
 * statement for both (every signed-in request asks).
 */
export async function getSessionAccount(id: number, sessionId: string, db: Db = getDb()): Promise<AccountSummary | null> {
  // Plain SQL rather than the query builder: building the statement was most of this
  // function's cost (about 100 of 124 µs), and it runs on every signed-in request.
  const found = await row<SessionAccountRow>(
    db,
    sql`select id, email, name, role, banned, session_version as "sessionVersion", last_sign_in_at as "lastSignInAt",
          held_digest as "heldDigest", suspended_until as "suspendedUntil", suspension_message as "suspensionMessage",
          premoderate, email_verified_at as "emailVerifiedAt", name_changed_at as "nameChangedAt",
          created_at as "createdAt", updated_at as "updatedAt",
          exists (select 1 from revoked_sessions r where r.session_id = ${sessionId}) as revoked
        from users where id = ${id}`,
  );
  if (!found || found.revoked === true || Number(found.revoked) === 1) return null;
  return {
    id: Number(found.id),
    email: found.email,
    name: found.name,
    role: found.role,
    banned: found.banned === true || Number(found.banned) === 1,
    sessionVersion: Number(found.sessionVersion),
    lastSignInAt: found.lastSignInAt === null ? null : new Date(Number(found.lastSignInAt)),
    heldDigest: found.heldDigest,
    suspendedUntil: found.suspendedUntil === null ? null : new Date(Number(found.suspendedUntil)),
    suspensionMessage: found.suspensionMessage,
    premoderate: found.premoderate === true || Number(found.premoderate) === 1,
    emailVerifiedAt: found.emailVerifiedAt === null ? null : new Date(Number(found.emailVerifiedAt)),
    nameChangedAt: found.nameChangedAt === null ? null : new Date(Number(found.nameChangedAt)),
    createdAt: new Date(Number(found.createdAt)),
    updatedAt: new Date(Number(found.updatedAt)),
  };
}

type SessionAccountRow = {
  id: number | string;
  email: string;
  name: string;
  role: AccountSummary["role"];
  banned: boolean | number;
  sessionVersion: number | string;
  lastSignInAt: number | string | null;
  heldDigest: AccountSummary["heldDigest"];
  suspendedUntil: number | string | null;
  suspensionMessage: string;
  premoderate: boolean | number;
  emailVerifiedAt: number | string | null;
  nameChangedAt: number | string | null;
  createdAt: number | string;
  updatedAt: number | string;
  revoked: boolean | number;
};

export async function getAccountById(id: number, db: Db = getDb()): Promise<AccountSummary | null> {
  const [account] = await db.select(summaryColumns).from(users).where(eq(users.id, id));
  return account ?? null;
}

/** With the password hash: for signing in only. */
export async function getAccountForSignIn(email: string, db: Db = getDb()): Promise<Account | null> {
  const [account] = await db
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = ${email.trim().toLowerCase()}`)
    .limit(1);
  return account ?? null;
}

export async function emailTaken(email: string, db: Db = getDb()): Promise<boolean> {
  return (await getAccountForSignIn(email, db)) !== null;
}

export async function adminExists(db: Db = getDb()): Promise<boolean> {
  const [admin] = await db.select({ id: users.id }).from(users).where(eq(users.role, "admin")).limit(1);
  return Boolean(admin);
}

export async function recordSignIn(id: number, at = new Date()): Promise<void> {
  await getDb().update(users).set({ lastSignInAt: at }).where(eq(users.id, id));
}

/** Ends every session of the account ("Sign out everywhere"): tokens carry the old session version. */
export async function endAllSessions(id: number): Promise<void> {
  await getDb()
    .update(users)
    .set({ sessionVersion: sql`${users.sessionVersion} + 1`, updatedAt: new Date() })
    .where(eq(users.id, id));
}

export type CreateAccountResult = { ok: true; id: number } | { ok: false; reason: "email_taken" | "admin_exists" };

/**
 * Creates an account. With `onlyIfNoAdmin`, the check and the insert run in
 * one transaction, so two people racing through /setup make one admin
 * (serializable on PostgreSQL: the later one is run again and finds the
 * admin). An email taken meanwhile by a concurrent sign-up meets the unique
 * index on lower(email), and is answered as taken.
 */
export async function createAccount(input: {
  name: string;
  email: string;
  password: string;
  role: UserRole;
  onlyIfNoAdmin?: boolean;
  /** The address is known to be the person's (an admin made the account): it counts as verified. */
  emailVerified?: boolean;
  /** Runs in the transaction that creates the account (the verification mail is queued with it). */
  onCreated?: (tx: Db, account: { id: number; name: string; email: string }) => Promise<void>;
}): Promise<CreateAccountResult> {
  const passwordHash = await hashPassword(input.password);
  try {
    return await transaction(
      getDb(),
      async (tx): Promise<CreateAccountResult> => {
        if (input.onlyIfNoAdmin && (await adminExists(tx))) return { ok: false, reason: "admin_exists" };
        if (await emailTaken(input.email, tx)) return { ok: false, reason: "email_taken" };
        const email = input.email.toLowerCase();
        const [row] = await tx
          .insert(users)
          .values({ name: input.name, email, passwordHash, role: input.role, emailVerifiedAt: input.emailVerified ? new Date() : null })
          .returning({ id: users.id });
        await input.onCreated?.(tx, { id: row!.id, name: input.name, email });
        return { ok: true, id: row!.id };
      },
      { serializable: true },
    );
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, reason: "email_taken" };
    throw error;
  }
}

/** Creates the account, or updates the one with this email (command line). */
export async function upsertAccount(input: {
  email: string;
  password: string;
  role: UserRole;
  name?: string;
}): Promise<{ id: number; created: boolean }> {
  const passwordHash = await hashPassword(input.password);
  return transaction(
    getDb(),
    async (tx) => {
      const existing = await getAccountForSignIn(input.email, tx);
      if (existing) {
        await tx
          .update(users)
          .set({
            passwordHash,
            role: input.role,
            name: input.name ?? existing.name,
            emailVerifiedAt: existing.emailVerifiedAt ?? new Date(),
            sessionVersion: sql`${users.sessionVersion} + 1`,
            updatedAt: new Date(),
          })
          .where(eq(users.id, existing.id));
        // The command line acts for no account: the history says what changed, not who.
        if (existing.role !== input.role) {
          await addCommenterEvent(tx, { userId: existing.id, type: "role_changed", actorId: null, message: `Role changed from ${existing.role} to ${input.role} (command line)` });
        }
        if (input.name !== undefined && input.name !== existing.name) {
          await addCommenterEvent(tx, { userId: existing.id, type: "renamed", actorId: null, message: `Name changed from “${existing.name}” to “${input.name}” (command line)` });
        }
        return { id: existing.id, created: false };
      }
      const [row] = await tx
        .insert(users)
        .values({
          email: input.email.toLowerCase(),
          name: input.name ?? input.email.split("@")[0]!,
          passwordHash,
          role: input.role,
          // An admin made it: the address counts as verified.
          emailVerifiedAt: new Date(),
        })
        .returning({ id: users.id });
      return { id: row!.id, created: true };
    },
    { serializable: true },
  );
}

export type AccountListItem = AccountSummary & { commentCount: number };

export async function listAccounts(): Promise<AccountListItem[]> {
  return getDb()
    .select({
      ...summaryColumns,
      commentCount: sql<number>`(select count(*) from comments c where c.user_id = "users"."id")`.mapWith(Number),
    })
    .from(users)
    .orderBy(asc(users.createdAt), asc(users.id));
}

async function countAdmins(db: Db): Promise<number> {
  return db.$count(users, and(eq(users.role, "admin"), eq(users.banned, false)));
}

/** What happened, as a code for the page (`notice`: lib/auth/account-notices.ts) and as words. */
export type AccountChangeResult = { ok: true; message: string; notice: Notice } | { ok: false; message: string; notice: Notice };

function done(notice: Notice, target: { id: number; name: string }): AccountChangeResult {
  const names = { nameOf: (id: number) => (id === target.id ? target.name : undefined) };
  return { ok: true, notice, message: textOfNotice(ACCOUNT_NOTICES, notice, names) ?? "" };
}

function refused(code: string): AccountChangeResult {
  const notice = { code };
  return { ok: false, notice, message: textOfNotice(ACCOUNT_ERRORS, notice, { nameOf: () => undefined }) ?? "" };
}

/**
 * Runs an admin's change to an account: its checks (the last active admin)
 * and its writes in one transaction, serializable on PostgreSQL, so two
 * admins demoting, banning or deleting each other at once cannot leave the
 * site without one (the later is run again and refused).
 */
function accountChange(work: (tx: Db) => Promise<AccountChangeResult>): Promise<AccountChangeResult> {
  return transaction(getDb(), work, { serializable: true });
}

/**
 * Role changes, bans and deletions by an admin. An admin cannot change, ban
 * or delete their own account here (no locking oneself out), and the last
 * active admin cannot be removed. Every change bumps the session version, so
 * the person's current sessions end.
 */
export async function changeRole(actorId: number, targetId: number, role: UserRole): Promise<AccountChangeResult> {
  return accountChange(async (tx) => {
    const target = await getAccountById(targetId, tx);
    if (!target) return refused("gone");
    if (targetId === actorId) return refused("self_role");
    if (target.role === role) return done({ code: "role_same", values: { user: target.id, role } }, target);
    if (target.role === "admin" && !target.banned && (await countAdmins(tx)) <= 1) return refused("last_admin_demote");
    await tx
      .update(users)
      .set({ role, sessionVersion: sql`${users.sessionVersion} + 1`, updatedAt: new Date() })
      .where(eq(users.id, targetId));
    await addCommenterEvent(tx, { userId: targetId, type: "role_changed", actorId, message: `Role changed from ${target.role} to ${role}` });
    return done({ code: "role_changed", values: { user: target.id, role } }, target);
  });
}

export async function setBanned(actorId: number, targetId: number, banned: boolean): Promise<AccountChangeResult> {
  return accountChange(async (tx) => {
    const target = await getAccountById(targetId, tx);
    if (!target) return refused("gone");
    if (targetId === actorId) return refused("self_ban");
    if (banned && target.role === "admin" && !target.banned && (await countAdmins(tx)) <= 1) return refused("last_admin_ban");
    await tx
      .update(users)
      .set({ banned, sessionVersion: sql`${users.sessionVersion} + 1`, updatedAt: new Date() })
      .where(eq(users.id, targetId));
    if (banned !== target.banned) {
      await addCommenterEvent(tx, { userId: targetId, type: banned ? "banned" : "unbanned", actorId, message: banned ? "Banned" : "Ban lifted" });
    }
    return done({ code: banned ? "banned" : "unbanned", values: { user: target.id } }, target);
  });
}

/**
 * Deletes an account. `keep`: their comments stay, as guest comments under
 * the name and email they were posted with (the foreign key sets user_id to
 * null). `remove`: their comments go too; replies to them from other
 * people stay, moved up a level (decision 010).
 */
export async function deleteAccount(actorId: number, targetId: number, commentsMode: "keep" | "remove"): Promise<AccountChangeResult> {
  return accountChange(async (tx) => {
    const target = await getAccountById(targetId, tx);
    if (!target) return refused("gone");
    if (targetId === actorId) return refused("self_delete");
    if (target.role === "admin" && !target.banned && (await countAdmins(tx)) <= 1) return refused("last_admin_delete");
    // Their comments go; other readers' replies to them stay, moved up a level.
    let removed = 0;
    if (commentsMode === "remove") {
      const ids = (await tx.select({ id: comments.id }).from(comments).where(eq(comments.userId, targetId))).map((r) => r.id);
      const actor = await getAccountById(actorId, tx);
      removed = (await deleteCommentsKeepingReplies(tx, ids, { actor, how: `deleted with its author's account` })).deleted;
    }
    await tx.delete(users).where(eq(users.id, targetId));
    // The page cannot name an account that is gone: its notice says "The account"; the words here name it.
    return done(
      commentsMode === "remove" ? { code: "deleted_removed", values: { user: target.id, comments: removed } } : { code: "deleted_kept", values: { user: target.id } },
      target,
    );
  });
}
