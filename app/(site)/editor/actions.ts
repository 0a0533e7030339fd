"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { ARTICLE_STATUSES } from "@/lib/articles/article";
import { readArticleForm, saveArticle, transitionArticle, WORKFLOW_ACTIONS, type ArticleFormField, type ArticleFormValues } from "@/lib/articles/editorial";
import { renderMarkdown } from "@/lib/articles/markdown";
import { authorizeAction } from "@/lib/auth/session";
import { expirePageChanges } from "@/lib/cache/invalidation";
import { noticeQuery } from "@/lib/http/notices";
import { hasNul, nulMessage } from "@/lib/text/storable";

export type ArticleFormState = {
  status: "idle" | "saved" | "error";
  message: string | null;
  fieldErrors: Partial<Record<ArticleFormField, string>>;
  values: ArticleFormValues;
  /** The version the editor now holds (for the next save's conflict check). */
  version: number | null;
};

/** Create or save an article. Never loses the text: every failure answers with what was typed. */
export async function saveArticleAction(prev: ArticleFormState, formData: FormData): Promise<ArticleFormState> {
  const values = readArticleForm(formData);
  const id = z.coerce.number().int().positive().optional().catch(undefined).parse(formData.get("id") || undefined) ?? null;
  const actor = await authorizeAction("article:edit", { callbackUrl: id ? `/editor/${id}` : "/editor/new" });
  if (!actor) return { ...prev, status: "error", message: "You are not allowed to edit articles; nothing was saved.", values };
  const expected = z.coerce.number().int().min(0).optional().catch(undefined).parse(formData.get("version") ?? undefined) ?? null;
  let result;
  try {
    result = await saveArticle(actor, id, values, { expectedVersion: expected });
  } catch (error) {
    console.error("[editor] save failed:", error);
    return { ...prev, status: "error", message: "The server could not save just now; your text is still here. Try again in a moment.", fieldErrors: {}, values };
  }
  if (!result.ok) return { ...prev, status: "error", message: result.message, fieldErrors: result.fieldErrors, values };
  await expirePageChanges();
  if (id === null) redirect(`/editor/${result.id}?created=1`);
  return {
    status: "saved",
    message: `${result.message} ${new Date(result.updatedAt).toISOString().slice(11, 16)} UTC`,
    fieldErrors: {},
    values: { ...values, slug: result.slug },
    version: result.version,
  };
}

/** Submit for review / Publish / Send back (with a note) / Unpublish. */
export async function workflowAction(formData: FormData): Promise<void> {
  const id = z.coerce.number().int().positive().parse(formData.get("id"));
  const input = z
    .object({ action: z.enum(WORKFLOW_ACTIONS), expected: z.enum(ARTICLE_STATUSES), note: z.string().max(2000).refine((v) => !hasNul(v), nulMessage("The note")).optional() })
    .safeParse({ action: formData.get("action"), expected: formData.get("expected"), note: formData.get("note") ?? undefined });
  const capability = input.success && input.data.action === "submit" ? "article:edit" : "article:publish";
  const actor = await authorizeAction(capability, { callbackUrl: `/editor/${id}` });
  if (!actor) return;
  // Codes, not text, in the address (lib/http/notices.ts): the page has the words (WORKFLOW_NOTICES, WORKFLOW_ERRORS).
  if (!input.success) redirect(`/editor/${id}?${noticeQuery("error", { code: "invalid" })}`);
  const result = await transitionArticle(actor, id, input.data.action, { expected: input.data.expected, note: input.data.note });
  // Published or unpublished: the article page, the front page and the feed change at once.
  await expirePageChanges();
  redirect(`/editor/${id}?${noticeQuery(result.ok ? "done" : "error", result.notice)}`);
}

/** The live preview: the same markdown renderer and sanitizer as the article page. */
export async function previewAction(body: string): Promise<string> {
  const actor = await authorizeAction("article:edit");
  if (!actor) return "";
  return renderMarkdown(String(body).slice(0, 200_000));
}
