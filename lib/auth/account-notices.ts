import { USER_ROLES } from "@/db/model";
import { plural, type NoticeCatalog } from "@/lib/http/notices";

/**
 * What /admin/users says after a change to an account (lib/http/notices.ts):
 * `?notice=role_changed&user=12&role=editor`. The name comes from the
 * account's row (the `user` id), never from the address; an account that is
 * gone is "The account".
 */
export type AccountNoticeContext = { nameOf: (id: number) => string | undefined };

const article = (role: string) => (role === "admin" ? "an" : "a");

function who(v: { id: (name: string) => number | null }, context: AccountNoticeContext): string {
  const id = v.id("user");
  return (id !== null ? context.nameOf(id) : undefined) ?? "The account";
}

export const ACCOUNT_NOTICES: NoticeCatalog<AccountNoticeContext> = {
  role_same: (v, c) => {
    const role = v.oneOf("role", USER_ROLES);
    return role ? `${who(v, c)} is already ${article(role)} ${role}.` : null;
  },
  role_changed: (v, c) => {
    const role = v.oneOf("role", USER_ROLES);
    return role ? `${who(v, c)} is now ${article(role)} ${role}.` : null;
  },
  banned: (v, c) => `${who(v, c)} is banned.`,
  unbanned: (v, c) => `${who(v, c)} is no longer banned.`,
  deleted_removed: (v, c) => {
    const n = v.count("comments");
    const name = who(v, c);
    return n === null ? null : `${name === "The account" ? name : `${name}'s account`} and ${plural(n, "comment")} were deleted.`;
  },
  deleted_kept: (v, c) => {
    const name = who(v, c);
    return `${name === "The account" ? name : `${name}'s account`} was deleted; their comments remain as guest comments.`;
  },
};

export const ACCOUNT_ERRORS: NoticeCatalog<AccountNoticeContext> = {
  gone: () => "That account no longer exists.",
  self_role: () => "You cannot change your own role.",
  last_admin_demote: () => "The last admin cannot be demoted.",
  self_ban: () => "You cannot ban your own account.",
  last_admin_ban: () => "The last admin cannot be banned.",
  self_delete: () => "You cannot delete your own account here.",
  last_admin_delete: () => "The last admin cannot be deleted.",
  invalid: () => "That request was not understood; nothing changed.",
  confirm_delete: () => "Tick “I am sure” to delete an account; nothing changed.",
};
