import { z } from "zod";
import type { NoticeCatalog } from "@/lib/http/notices";

/** A commenter page's subject from its query or a form: `account=<id>` or `email=<address>`. */
export function parseCommenterSubject(get: (name: string) => unknown): { kind: "account"; userId: number } | { kind: "guest"; email: string } | null {
  const account = z.coerce.number().int().positive().max(2 ** 31 - 1).safeParse(get("account"));
  if (account.success) return { kind: "account", userId: account.data };
  const email = z.string().trim().toLowerCase().min(3).max(100).email().safeParse(get("email"));
  return email.success ? { kind: "guest", email: email.data } : null;
}

/** The commenter page's own address for a subject. */
export function commenterPagePath(subject: { kind: "account"; userId: number } | { kind: "guest"; email: string }): string {
  return subject.kind === "account" ? `/moderation/commenter?account=${subject.userId}` : `/moderation/commenter?email=${encodeURIComponent(subject.email)}`;
}

/** What the page says after an action (codes in the address, words here: lib/http/notices.ts). */
export const COMMENTER_DONE: NoticeCatalog = {
  suspended: () => "Suspended. The reader sees the message and the end of the suspension on every form.",
  lifted: () => "The suspension is lifted.",
  premoderated: () => "Every new comment from this commenter is held for moderation.",
  unpremoderated: () => "This commenter's comments are no longer pre-moderated.",
  note_added: () => "Note added.",
  note_deleted: () => "Note deleted.",
  banned: () => "Banned. Nothing was deleted.",
  unbanned: () => "The ban is lifted.",
};

export const COMMENTER_ERRORS: NoticeCatalog = {
  gone: () => "That account no longer exists.",
  self: () => "You cannot do this to your own account.",
  staff: () => "Staff accounts are managed by an admin on /admin/users.",
  not_suspended: () => "This account is not suspended.",
  staff_trusted: () => "Comments by staff accounts are never held: change the role on /admin/users first.",
  note_gone: () => "That note no longer exists.",
  ban_refused: () => "The ban was refused (the last admin cannot be banned).",
  invalid: () => "That request was not understood; nothing changed.",
};
