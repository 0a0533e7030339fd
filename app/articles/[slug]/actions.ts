"use server";

import { redirect } from "next/navigation";
import type { CommentFormState } from "@/lib/comments/form-state";
import { postCommentFromRequest } from "@/lib/comments/post";
import { formValues } from "@/lib/comments/validation";

const FIELDS = ["content", "name", "email", "url", "parentId", "formToken", "remember"] as const;

/** The comment form's action: a POST that works with or without JavaScript. */
export async function postComment(_prev: CommentFormState, formData: FormData): Promise<CommentFormState> {
  const raw: Record<string, unknown> = {};
  for (const field of FIELDS) {
    const value = formData.get(field);
    if (typeof value === "string") raw[field] = value;
  }
  raw.honeypot = formData.get("fax") ?? "";
  const slug = String(formData.get("articleSlug") ?? "");

  const { result, location } = await postCommentFromRequest(slug, raw);
  if (!result.ok) {
    return {
      message: result.message,
      fieldErrors: result.kind === "invalid" ? result.fieldErrors : {},
      values: formValues(raw),
    };
  }
  redirect(location!);
}
