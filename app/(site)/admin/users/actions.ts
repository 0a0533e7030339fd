"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { USER_ROLES } from "@/lib/auth/permissions";
import { authorizeAction } from "@/lib/auth/session";
import { changeRole, deleteAccount, setBanned, type AccountChangeResult } from "@/lib/auth/users";
import { expirePageChanges } from "@/lib/cache/invalidation";
import { noticeQuery } from "@/lib/http/notices";

const PAGE = "/admin/users";
const userId = z.coerce.number().int().positive();

// Codes, not text, in the address (lib/http/notices.ts): the page has the words (lib/auth/account-notices.ts).
async function back(result: AccountChangeResult): Promise<never> {
  // A renamed or deleted account changes review bylines on cached pages.
  await expirePageChanges();
  redirect(`${PAGE}?${noticeQuery(result.ok ? "notice" : "error", result.notice)}`);
}

function invalid(): never {
  redirect(`${PAGE}?${noticeQuery("error", { code: "invalid" })}`);
}

export async function changeRoleAction(formData: FormData): Promise<void> {
  const actor = await authorizeAction("user:manage", { callbackUrl: PAGE });
  if (!actor) return; // the page, rendered again, answers 403
  const input = z.object({ userId, role: z.enum(USER_ROLES) }).safeParse(Object.fromEntries(formData));
  if (!input.success) invalid();
  await back(await changeRole(actor.id, input.data.userId, input.data.role));
}

export async function setBannedAction(formData: FormData): Promise<void> {
  const actor = await authorizeAction("user:manage", { callbackUrl: PAGE });
  if (!actor) return; // the page, rendered again, answers 403
  const input = z.object({ userId, banned: z.enum(["true", "false"]) }).safeParse(Object.fromEntries(formData));
  if (!input.success) invalid();
  await back(await setBanned(actor.id, input.data.userId, input.data.banned === "true"));
}

export async function deleteUserAction(formData: FormData): Promise<void> {
  const actor = await authorizeAction("user:manage", { callbackUrl: PAGE });
  if (!actor) return; // the page, rendered again, answers 403
  const input = z
    .object({ userId, comments: z.enum(["keep", "remove"]), confirm: z.literal("yes", { error: "confirm" }) })
    .safeParse(Object.fromEntries(formData));
  if (!input.success) {
    redirect(`${PAGE}?${noticeQuery("error", { code: "confirm_delete" })}`);
  }
  await back(await deleteAccount(actor.id, input.data.userId, input.data.comments));
}
