import type { UserRole } from "@/db/schema";

/** The roles an account can have, for the pages and actions that name them. */
export { USER_ROLES, type UserRole } from "@/db/model";

/**
 * What each role may do: one table, checked on the server by
 * `requirePermission()` (lib/auth/session.ts). The UI may use `can()` to hide
 * controls, which is only a convenience.
 */
export const CAPABILITIES = [
  "comment:create",
  "comment:moderate",
  "article:edit",
  "article:publish",
  "review:write",
  /** One article's comment settings: close, open, pre-moderate, the message above the comments. */
  "article:comments",
  "user:manage",
  "settings:manage",
] as const;
export type Capability = (typeof CAPABILITIES)[number];

export const ROLE_CAPABILITIES: Record<UserRole, readonly Capability[]> = {
  reader: ["comment:create"],
  editor: ["comment:create", "article:edit", "article:publish", "review:write", "article:comments"],
  moderator: ["comment:create", "comment:moderate", "article:comments"],
  admin: CAPABILITIES,
};

/** Whether an account may do something: a banned account may do nothing. */
export function can(user: { role: UserRole; banned: boolean } | null | undefined, capability: Capability): boolean {
  if (!user || user.banned) return false;
  return ROLE_CAPABILITIES[user.role].includes(capability);
}

export const ROLE_LABELS: Record<UserRole, string> = {
  reader: "Reader",
  editor: "Editor",
  moderator: "Moderator",
  admin: "Admin",
};
