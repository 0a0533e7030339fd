"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { USER_ROLES } from "@/lib/auth/permissions";
import { authorizeAction } from "@/lib/auth/session";
import { changeRole, deleteAccount, setBanned, type AccountChangeResult } from "@/lib/auth/users";
import { expirePageChanges } from "@/lib/cache/invalidation";

const PAGE = "/admin/users";
const userId = z.coerce.number().int().positive();

async function back(result: AccountChangeResult): Promise<never> {
  // A renamed or deleted account changes review bylines on cached pages.
  await expirePageChanges();
  redirect(`${PAGE}?${result.ok ? "notice" : "error"}=${encodeURIComponent(result.message)}`);
}

function invalid(): never {
  redirect(`${PAGE}?error=${encodeURIComponent("That request was not understood; nothing changed.")}`);
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
    redirect(`${PAGE}?error=${encodeURIComponent("Tick “I am sure” to delete an account; nothing changed.")}`);
  }
  await back(await deleteAccount(actor.id, input.data.userId, input.data.comments));
}
