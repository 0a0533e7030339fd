"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { getCurrentUser } from "@/lib/auth/session";
import { expirePageChanges } from "@/lib/cache/invalidation";
import { erasePersonalData } from "@/lib/privacy/erase";

const PAGE = "/account/data";

/** "Erase N comments" (the confirmation step of /account/data): every comment the account posted goes. */
export async function eraseMyCommentsAction(formData: FormData): Promise<void> {
  const user = await getCurrentUser();
  if (!user) redirect(`/login?callbackUrl=${encodeURIComponent(PAGE)}`);
  const input = z.object({ confirm: z.literal("yes") }).safeParse({ confirm: formData.get("confirm") });
  if (!input.success) redirect(`${PAGE}?step=confirm`);
  const summary = await erasePersonalData({ kind: "account", userId: user.id, email: user.email }, { via: "account" });
  await expirePageChanges();
  redirect(`${PAGE}?erased=${summary.commentsErased}`);
}
