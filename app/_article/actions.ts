"use server";

import { redirect } from "next/navigation";
import type { CommentFormState } from "@/lib/comments/form-state";
import { keepCommentOnFailure } from "@/lib/comments/form-recovery";
import { postCommentFromRequest } from "@/lib/comments/post";
import { formValues } from "@/lib/comments/validation";

const FIELDS = ["content", "name", "email", "url", "parentId", "formToken", "remember"] as const;

/**
 * The comment form's action: a POST that works with or without JavaScript.
 * Whatever goes wrong, the person gets the form back with their text.
 */
export async function postComment(_prev: CommentFormState, formData: FormData): Promise<CommentFormState> {
  const raw: Record<string, unknown> = {};
  for (const field of FIELDS) {
    const value = formData.get(field);
    if (typeof value === "string") raw[field] = value;
  }
  raw.honeypot = formData.get("fax") ?? "";
  const slug = String(formData.get("articleSlug") ?? "");
  const values = formValues(raw);

  return keepCommentOnFailure(async () => {
    const { result, location } = await postCommentFromRequest(slug, raw);
    if (!result.ok) {
      return {
        message: result.message,
        fieldErrors: result.kind === "invalid" ? result.fieldErrors : {},
        values,
        // An expired form gets a fresh token, so posting again works.
        formToken: result.kind === "expired" ? result.formToken : undefined,
      };
    }
    // Thrown on by keepCommentOnFailure (a redirect is not a failure).
    redirect(location!);
  }, values);
}
