import "server-only";
import { deleteCommentsKeepingReplies } from "@/lib/comments/removal";
import { asc, eq, sql } from "drizzle-orm";
import { comments, users, type UserRole } from "@/db/schema";
import { getDb } from "@/lib/db";
import { hashPassword } from "./password";

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
  createdAt: users.createdAt,
  updatedAt: users.updatedAt,
};

export function getAccountById(id: number): AccountSummary | null {
  return getDb().select(summaryColumns).from(users).where(eq(users.id, id)).get() ?? null;
}

/** With the password hash: for signing in only. */
export function getAccountForSignIn(email: string): Account | null {
  return (
    getDb()
      .select()
      .from(users)
      .where(sql`lower(${users.email}) = ${email.trim().toLowerCase()}`)
      .get() ?? null
  );
}

export function emailTaken(email: string): boolean {
  return getAccountForSignIn(email) !== null;
}

export function adminExists(): boolean {
  return Boolean(getDb().select({ id: users.id }).from(users).where(eq(users.role, "admin")).limit(1).get());
}

export function recordSignIn(id: number, at = new Date()): void {
  getDb().update(users).set({ lastSignInAt: at }).where(eq(users.id, id)).run();
}

/** Ends every session of the account ("Sign out everywhere"): tokens carry the old session version. */
export function endAllSessions(id: number): void {
  getDb()
    .update(users)
    .set({ sessionVersion: sql`${users.sessionVersion} + 1`, updatedAt: new Date() })
    .where(eq(users.id, id))
    .run();
}

export type CreateAccountResult = { ok: true; id: number } | { ok: false; reason: "email_taken" | "admin_exists" };

/**
 * Creates an account. With `onlyIfNoAdmin`, the check and the insert run in
 * one transaction, so two people racing through /setup make one admin.
 */
export async function createAccount(input: {
  name: string;
  email: string;
  password: string;
  role: UserRole;
  onlyIfNoAdmin?: boolean;
}): Promise<CreateAccountResult> {
  const passwordHash = await hashPassword(input.password);
  const db = getDb();
  return db.transaction(() => {
    if (input.onlyIfNoAdmin && adminExists()) return { ok: false, reason: "admin_exists" } as const;
    if (emailTaken(input.email)) return { ok: false, reason: "email_taken" } as const;
    const row = db
      .insert(users)
      .values({ name: input.name, email: input.email.toLowerCase(), passwordHash, role: input.role })
      .returning({ id: users.id })
      .get();
    return { ok: true, id: row.id } as const;
  });
}

/** Creates the account, or updates the one with this email (command line). */
export async function upsertAccount(input: {
  email: string;
  password: string;
  role: UserRole;
  name?: string;
}): Promise<{ id: number; created: boolean }> {
  const existing = getAccountForSignIn(input.email);
  const passwordHash = await hashPassword(input.password);
  const db = getDb();
  if (existing) {
    db.update(users)
      .set({
        passwordHash,
        role: input.role,
        name: input.name ?? existing.name,
        sessionVersion: existing.sessionVersion + 1,
        updatedAt: new Date(),
      })
      .where(eq(users.id, existing.id))
      .run();
    return { id: existing.id, created: false };
  }
  const row = db
    .insert(users)
    .values({
      email: input.email.toLowerCase(),
      name: input.name ?? input.email.split("@")[0]!,
      passwordHash,
      role: input.role,
    })
    .returning({ id: users.id })
    .get();
  return { id: row.id, created: true };
}

export type AccountListItem = AccountSummary & { commentCount: number };

export function listAccounts(): AccountListItem[] {
  return getDb()
    .select({
      ...summaryColumns,
      commentCount: sql<number>`(select count(*) from comments c where c.user_id = "users"."id")`.mapWith(Number),
    })
    .from(users)
    .orderBy(asc(users.createdAt), asc(users.id))
    .all();
}

function countAdmins(): number {
  return getDb()
    .select({ n: sql<number>`count(*)`.mapWith(Number) })
    .from(users)
    .where(sql`${users.role} = 'admin' and ${users.banned} = 0`)
    .get()!.n;
}

export type AccountChangeResult = { ok: true; message: string } | { ok: false; message: string };

/**
 * Role changes, bans and deletions by an admin. An admin cannot change, ban
 * or delete their own account here (no locking oneself out), and the last
 * active admin cannot be removed. Every change bumps the session version, so
 * the person's current sessions end.
 */
export function changeRole(actorId: number, targetId: number, role: UserRole): AccountChangeResult {
  const target = getAccountById(targetId);
  if (!target) return { ok: false, message: "That account no longer exists." };
  if (targetId === actorId) return { ok: false, message: "You cannot change your own role." };
  if (target.role === role) return { ok: true, message: `${target.name} is already ${role === "admin" ? "an" : "a"} ${role}.` };
  if (target.role === "admin" && !target.banned && countAdmins() <= 1) {
    return { ok: false, message: "The last admin cannot be demoted." };
  }
  getDb()
    .update(users)
    .set({ role, sessionVersion: target.sessionVersion + 1, updatedAt: new Date() })
    .where(eq(users.id, targetId))
    .run();
  return { ok: true, message: `${target.name} is now ${role === "admin" ? "an" : "a"} ${role}.` };
}

export function setBanned(actorId: number, targetId: number, banned: boolean): AccountChangeResult {
  const target = getAccountById(targetId);
  if (!target) return { ok: false, message: "That account no longer exists." };
  if (targetId === actorId) return { ok: false, message: "You cannot ban your own account." };
  if (banned && target.role === "admin" && !target.banned && countAdmins() <= 1) {
    return { ok: false, message: "The last admin cannot be banned." };
  }
  getDb()
    .update(users)
    .set({ banned, sessionVersion: target.sessionVersion + 1, updatedAt: new Date() })
    .where(eq(users.id, targetId))
    .run();
  return { ok: true, message: banned ? `${target.name} is banned.` : `${target.name} is no longer banned.` };
}

/**
 * Deletes an account. `keep`: their comments stay, as guest comments under
 * the name and email they were posted with (the foreign key sets user_id to
 * null). `remove`: their comments go too; replies to them from other
 * people stay, moved up a level (decision 010).
 */
export function deleteAccount(actorId: number, targetId: number, commentsMode: "keep" | "remove"): AccountChangeResult {
  const target = getAccountById(targetId);
  if (!target) return { ok: false, message: "That account no longer exists." };
  if (targetId === actorId) return { ok: false, message: "You cannot delete your own account here." };
  if (target.role === "admin" && !target.banned && countAdmins() <= 1) {
    return { ok: false, message: "The last admin cannot be deleted." };
  }
  const db = getDb();
  const removed = db.transaction(() => {
    // Their comments go; other readers' replies to them stay, moved up a level.
    const gone =
      commentsMode === "remove"
        ? deleteCommentsKeepingReplies(
            db,
            db.select({ id: comments.id }).from(comments).where(eq(comments.userId, targetId)).all().map((r) => r.id),
            { actor: getAccountById(actorId), how: `deleted with its author's account` },
          ).deleted
        : 0;
    db.delete(users).where(eq(users.id, targetId)).run();
    return gone;
  });
  return {
    ok: true,
    message:
      commentsMode === "remove"
        ? `${target.name}'s account and ${removed} comment${removed === 1 ? "" : "s"} were deleted.`
        : `${target.name}'s account was deleted; their comments remain as guest comments.`,
  };
}
