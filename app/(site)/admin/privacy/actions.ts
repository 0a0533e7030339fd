"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { emailField } from "@/lib/auth/rules";
import { authorizeAction } from "@/lib/auth/session";
import { expirePageChanges } from "@/lib/cache/invalidation";
import { noticeQuery } from "@/lib/http/notices";
import { erasePersonalData } from "@/lib/privacy/erase";
import { countSubjectComments } from "@/lib/privacy/export";
import { hasNul, nulMessage } from "@/lib/text/storable";
import type { PrivacyLookupState } from "./state";

const PAGE = "/admin/privacy";

/** Reads the address from a form: bounded, no NUL, well-formed; lower-cased. */
function readEmail(formData: FormData): { ok: true; email: string } | { ok: false; typed: string; error: string } {
  const raw = formData.get("email");
  const typed = typeof raw === "string" ? raw : "";
  if (typed.length > 1000) return { ok: false, typed: typed.slice(0, 300), error: "An email address can be at most 100 characters." };
  if (hasNul(typed)) return { ok: false, typed, error: nulMessage("The email address") };
  const parsed = emailField.safeParse(typed);
  if (!parsed.success) return { ok: false, typed, error: parsed.error.issues[0]?.message ?? "Enter a valid email address." };
  return { ok: true, email: parsed.data };
}

/** "Look up": how many comments are stored under an address (admins only). */
export async function lookUpEmailAction(_prev: PrivacyLookupState, formData: FormData): Promise<PrivacyLookupState> {
  const admin = await authorizeAction("user:manage", { callbackUrl: PAGE });
  if (!admin) return { email: "", count: null, fieldError: "You are not allowed to do this." };
  const input = readEmail(formData);
  if (!input.ok) return { email: input.typed, count: null, fieldError: input.error };
  return { email: input.email, count: await countSubjectComments({ kind: "email", email: input.email }), fieldError: null };
}

/** "Erase N comments": every comment stored under the address, with the confirmation ticked (admins only). */
export async function eraseByEmailAction(formData: FormData): Promise<void> {
  const admin = await authorizeAction("user:manage", { callbackUrl: PAGE });
  if (!admin) return; // the page, rendered again, answers 403
  const input = readEmail(formData);
  const confirmed = z.literal("yes").safeParse(formData.get("confirm")).success;
  // Codes, not text, in the address (lib/http/notices.ts): the page has the words (lib/privacy/admin-notices.ts).
  if (!input.ok || !confirmed) redirect(`${PAGE}?${noticeQuery("error", { code: input.ok ? "confirm" : "email" })}`);
  const summary = await erasePersonalData({ kind: "email", email: input.email }, { via: "admin", actorId: admin.id });
  await expirePageChanges();
  redirect(`${PAGE}?${noticeQuery("notice", { code: "erased", values: { comments: summary.commentsErased, mails: summary.mailsErased } })}`);
}
