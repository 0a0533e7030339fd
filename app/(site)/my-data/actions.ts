"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { expirePageChanges } from "@/lib/cache/invalidation";
import { commentRequestContext } from "@/lib/comments/request-context";
import { erasePersonalData } from "@/lib/privacy/erase";
import { requestDataLink, type DataLinkFormState } from "@/lib/privacy/link-request";
import { checkDataLinkToken } from "@/lib/privacy/signed-link";

/** /my-data: mail a link to the address typed (the answer never says whether it has comments). */
export async function requestDataLinkAction(_prev: DataLinkFormState, formData: FormData): Promise<DataLinkFormState> {
  const { ip } = await commentRequestContext();
  return requestDataLink(formData.get("email"), ip);
}

/** /my-data/link: erase, after the confirmation (a POST; opening the link never erases). */
export async function eraseByLinkAction(formData: FormData): Promise<void> {
  const input = z
    .object({ token: z.string().max(1000), confirm: z.literal("yes").optional() })
    .safeParse({ token: formData.get("token"), confirm: formData.get("confirm") ?? undefined });
  if (!input.success) redirect("/my-data");
  const back = `/my-data/link?token=${encodeURIComponent(input.data.token)}`;
  if (!input.data.confirm) redirect(`${back}&unconfirmed=1`);
  const link = checkDataLinkToken(input.data.token);
  if (!link.valid) redirect(back); // the page says what is wrong with it
  const summary = await erasePersonalData({ kind: "email", email: link.email }, { via: "email_link" });
  await expirePageChanges();
  redirect(`${back}&erased=${summary.commentsErased}`);
}
