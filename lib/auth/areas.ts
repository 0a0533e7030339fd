import { can } from "./permissions";
import type { UserRole } from "@/db/model";

export type AccountArea = "editor" | "moderation" | "admin";

/** The staff areas an account may open (the header's links; each page checks again on the server). */
export function accountAreas(user: { role: UserRole; banned: boolean }): AccountArea[] {
  const areas: AccountArea[] = [];
  if (can(user, "article:edit")) areas.push("editor");
  if (can(user, "comment:moderate")) areas.push("moderation");
  if (can(user, "settings:manage")) areas.push("admin");
  return areas;
}
