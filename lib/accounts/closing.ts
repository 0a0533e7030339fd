import "server-only";
import { and, eq } from "drizzle-orm";
import { users } from "@/db/schema";
import { getDb, transaction, type Db } from "@/lib/db";
import { erasePersonalData, type ErasureSummary } from "@/lib/privacy/erase";
import { doneForm, invalidForm, type ChangeFormState } from "./change-form";
import { checkCurrentPassword, FRESH_SIGN_ON_MS } from "./changes";

/**
 * `Delete my account`: the reader's own, behind their password (or, for an
 * account that signs in only with single sign-on, a sign-in there within
 * the last few minutes). Its comments are erased the way the personal-data
 * erasure does (replies by others stay, moved up a level; the audit log
 * keeps counts and the time, nothing about the person), then the account
 * row goes, and with it its sessions (a token names an account that no
 * longer exists), links, identities and notes.
 * Staff accounts (editor, moderator, admin) are refused: an admin removes
 * them at /admin/users, and the last admin is never removed.
 */


export type DeleteOutcome = { ok: true; summary: ErasureSummary; state: ChangeFormState } | { ok: false; state: ChangeFormState };

export async function deleteOwnAccount(
  self: { id: number; email: string; role: string; hasPassword: boolean },
  formData: FormData,
  proof: { signOnAt: Date | null },
  db: Db = getDb(),
  now = new Date(),
): Promise<DeleteOutcome> {
  if (self.role !== "reader") {
    return { ok: false, state: invalidForm("Staff accounts are not deleted here: ask an admin to remove this account at Users.") };
  }
  if (formData.get("confirm") !== "yes") {
    return { ok: false, state: invalidForm("Please correct the highlighted fields.", { confirm: "Tick the box to confirm that everything is deleted." }) };
  }
  if (self.hasPassword) {
    const wrong = await checkCurrentPassword(db, self.id, String(formData.get("password") ?? ""));
    if (wrong) return { ok: false, state: invalidForm("Please correct the highlighted fields.", { password: wrong }) };
  } else if (!proof.signOnAt || now.getTime() - proof.signOnAt.getTime() > FRESH_SIGN_ON_MS) {
    return { ok: false, state: invalidForm("Sign in again with single sign-on first (within the last 10 minutes), then delete the account.") };
  }
  const summary = await erasePersonalData({ kind: "account", userId: self.id, email: self.email }, { via: "account" }, db);
  // The row goes last, and only while it is still a reader's (a role given meanwhile keeps it).
  await transaction(db, async (tx) => {
    await tx.delete(users).where(and(eq(users.id, self.id), eq(users.role, "reader")));
  });
  return { ok: true, summary, state: doneForm("Your account was deleted.") };
}
