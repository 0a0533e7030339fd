"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { authorizeAction, refererPath } from "@/lib/auth/session";
import { saveArticleCommentSettings, setArticleCommentsOpen, COMMENTS_MESSAGE_MAX } from "@/lib/articles/comment-settings";
import { expirePageChanges } from "@/lib/cache/invalidation";
import { noticeQuery } from "@/lib/http/notices";

export type CommentSettingsFormState = { message: string; values: { message: string; premoderateAll: boolean; premoderateLinks: boolean } } | null;

const articleId = z.coerce.number().int().positive().max(2 ** 31 - 1);

/** Back to the page the form is on (/editor/<id> or /moderation/articles/<id>), with the outcome's code. */
async function back(id: number, code: string): Promise<never> {
  const from = new URL(await refererPath(`/moderation/articles/${id}`), "http://x");
  const path = from.pathname === `/editor/${id}` || from.pathname === `/moderation/articles/${id}` ? from.pathname : `/moderation/articles/${id}`;
  redirect(`${path}?${noticeQuery("comments", { code })}#comment-settings`);
}

async function actorFor(id: number) {
  return authorizeAction("article:comments", { callbackUrl: `/moderation/articles/${id}` });
}

export async function setCommentsOpenAction(form: FormData): Promise<void> {
  const id = articleId.safeParse(form.get("articleId"));
  if (!id.success) redirect("/moderation");
  const actor = await actorFor(id.data);
  if (!actor) return; // the page, rendered again, answers 403
  const result = await setArticleCommentsOpen(actor.id, id.data, form.get("open") === "true");
  await expirePageChanges();
  await back(id.data, result.code);
}

export async function saveCommentSettingsAction(_prev: CommentSettingsFormState, form: FormData): Promise<CommentSettingsFormState> {
  const id = articleId.safeParse(form.get("articleId"));
  if (!id.success) redirect("/moderation");
  const actor = await actorFor(id.data);
  if (!actor) return null;
  const raw = form.get("message");
  const values = {
    message: typeof raw === "string" ? raw.slice(0, COMMENTS_MESSAGE_MAX * 4) : "",
    premoderateAll: form.get("premoderateAll") === "on",
    premoderateLinks: form.get("premoderateLinks") === "on",
  };
  const result = await saveArticleCommentSettings(actor.id, id.data, values);
  if (!result.ok) return { message: result.message, values };
  await expirePageChanges();
  await back(id.data, result.code);
  return null;
}
