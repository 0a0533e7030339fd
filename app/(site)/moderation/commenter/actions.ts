"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { authorizeAction } from "@/lib/auth/session";
import { expirePageChanges } from "@/lib/cache/invalidation";
import {
  addCommenterNote,
  banCommenter,
  deleteCommenterNote,
  liftSuspension,
  NOTE_MAX,
  setPremoderated,
  SUSPENSION_MESSAGE_MAX,
  suspendAccount,
  type CommenterActionResult,
} from "@/lib/community/commenters";
import { commenterPagePath, parseCommenterSubject } from "@/lib/community/commenter-notices";
import { SUSPENSION_CHOICES, type SuspensionChoice } from "@/lib/community/standing";
import { noticeQuery } from "@/lib/http/notices";

/** A form that comes back with its message and what was typed (suspend, note). */
export type CommenterFormState = { message: string; values: Record<string, string> } | null;

const PAGE = "/moderation";

async function actor() {
  const user = await authorizeAction("comment:moderate", { callbackUrl: PAGE });
  return user ? { id: user.id, name: user.name, role: user.role } : null;
}

function subjectOf(form: FormData) {
  return parseCommenterSubject((name) => form.get(name) ?? undefined);
}

/** Back to the commenter's page with the outcome's code. */
function back(subject: ReturnType<typeof subjectOf>, result: CommenterActionResult): never {
  if (!subject) redirect(`${PAGE}?${noticeQuery("error", { code: "choose" })}`);
  redirect(`${commenterPagePath(subject)}&${noticeQuery(result.ok ? "done" : "error", { code: result.code })}`);
}

const text = (form: FormData, name: string, max: number) => {
  const v = form.get(name);
  return typeof v === "string" ? v.slice(0, max * 4) : "";
};

export async function suspendAction(_prev: CommenterFormState, form: FormData): Promise<CommenterFormState> {
  const who = await actor();
  if (!who) return null;
  const subject = subjectOf(form);
  const values = { length: text(form, "length", 10), message: text(form, "message", SUSPENSION_MESSAGE_MAX) };
  if (!subject || subject.kind !== "account") return { message: "Only accounts can be suspended.", values };
  const choice = z.enum(SUSPENSION_CHOICES.map((c) => c.value) as [SuspensionChoice, ...SuspensionChoice[]]).safeParse(values.length);
  if (!choice.success) return { message: "Choose how long the suspension lasts.", values };
  const result = await suspendAccount(who, subject.userId, choice.data, values.message);
  if (!result.ok) return { message: result.message, values };
  back(subject, result);
}

export async function liftSuspensionAction(form: FormData): Promise<void> {
  const who = await actor();
  if (!who) return;
  const subject = subjectOf(form);
  if (!subject || subject.kind !== "account") back(subject, { ok: false, code: "invalid", message: "" });
  back(subject, await liftSuspension(who, subject.userId));
}

export async function premoderateAction(form: FormData): Promise<void> {
  const who = await actor();
  if (!who) return;
  const subject = subjectOf(form);
  if (!subject) back(subject, { ok: false, code: "invalid", message: "" });
  back(subject, await setPremoderated(who, subject, form.get("on") === "true"));
}

export async function banAction(form: FormData): Promise<void> {
  const who = await actor();
  if (!who) return;
  const subject = subjectOf(form);
  if (!subject || subject.kind !== "account") back(subject, { ok: false, code: "invalid", message: "" });
  const result = await banCommenter(who, subject.userId, form.get("banned") === "true");
  // A banned account's comments stay; its Staff badge and name do not change, but its sessions end.
  await expirePageChanges();
  back(subject, result);
}

export async function addNoteAction(_prev: CommenterFormState, form: FormData): Promise<CommenterFormState> {
  const who = await actor();
  if (!who) return null;
  const subject = subjectOf(form);
  const values = { body: text(form, "body", NOTE_MAX) };
  if (!subject) return { message: "That request was not understood; nothing changed.", values };
  const result = await addCommenterNote(who, subject, values.body);
  if (!result.ok) return { message: result.message, values };
  back(subject, result);
}

export async function deleteNoteAction(form: FormData): Promise<void> {
  const who = await actor();
  if (!who) return;
  const subject = subjectOf(form);
  const id = z.coerce.number().int().positive().safeParse(form.get("noteId"));
  if (!subject || !id.success) back(subject, { ok: false, code: "invalid", message: "" });
  back(subject, await deleteCommenterNote(subject, id.data));
}
