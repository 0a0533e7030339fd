"use server";

import { redirect, unstable_rethrow } from "next/navigation";
import type { OwnCommentFormState } from "@/lib/comments/own-form-state";
import { deleteOwnCommentFromRequest, editOwnCommentFromRequest, parseReturnTo } from "@/lib/comments/own-request";
import type { CommentFormState } from "@/lib/comments/form-state";
import { keepCommentOnFailure } from "@/lib/comments/form-recovery";
import { postCommentFromRequest } from "@/lib/comments/post";
import { formValues } from "@/lib/comments/validation";
import { respectFromRequest } from "@/lib/comments/respect-request";
import type { RespectState } from "@/lib/comments/respect-state";
import { featureFromRequest } from "@/lib/community/feature-request";
import type { FeatureState } from "@/lib/community/feature-state";

const FIELDS = ["content", "name", "email", "url", "parentId", "formToken", "remember", "notify"] as const;

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

const OWN_UNEXPECTED = "Something went wrong on our side; nothing was changed. Please try again.";

/**
 * A commenter edits their own comment (lib/comments/own.ts decides whether
 * they may). Works without JavaScript: a plain POST, answered with a 303 to
 * the comment, or with the form again, the text kept, and the reason.
 */
export async function editOwnCommentAction(_prev: OwnCommentFormState, formData: FormData): Promise<OwnCommentFormState> {
  const content = formData.get("content");
  const kept = typeof content === "string" ? content : "";
  let location: string | null = null;
  try {
    const { result, location: to } = await editOwnCommentFromRequest(
      { commentId: formData.get("commentId"), content, version: formData.get("version") },
      parseReturnTo(formData.get("returnTo")),
    );
    if (!result.ok) return { message: result.message, content: kept, contentError: result.fieldErrors?.content };
    location = to;
  } catch (error) {
    unstable_rethrow(error);
    console.error("[comments] editing an own comment failed:", error);
    return { message: OWN_UNEXPECTED, content: kept };
  }
  redirect(location!);
}

/** A commenter deletes their own comment (its replies stay); the confirmation is the form itself. */
export async function deleteOwnCommentAction(_prev: OwnCommentFormState, formData: FormData): Promise<OwnCommentFormState> {
  let location: string | null = null;
  try {
    const { result, location: to } = await deleteOwnCommentFromRequest({ commentId: formData.get("commentId") }, parseReturnTo(formData.get("returnTo")));
    if (!result.ok) return { message: result.message, content: null };
    location = to;
  } catch (error) {
    unstable_rethrow(error);
    console.error("[comments] deleting an own comment failed:", error);
    return { message: OWN_UNEXPECTED, content: null };
  }
  redirect(location!);
}

/**
 * Respect or withdraw it. With JavaScript (the form's `js` field) the answer
 * is the new state, shown at once; without it, a 303 back to the comment.
 * A guest is sent to sign in and back either way.
 */
export async function respectCommentAction(_prev: RespectState, formData: FormData): Promise<RespectState> {
  const result = await respectFromRequest({
    // The button pressed names the comment and what it does: respect=<id> or withdraw=<id>.
    commentId: formData.get("respect") ?? formData.get("withdraw"),
    intent: formData.has("respect") ? "respect" : "withdraw",
    returnTo: formData.get("returnTo"),
  });
  if (result.kind === "sign_in") redirect(result.location);
  const script = formData.get("js") === "1";
  if (!script) redirect(result.location);
  if (result.kind === "refused") return { commentId: result.commentId, message: result.message };
  return { commentId: result.commentId, respected: result.respected, count: result.count };
}

/**
 * Feature or Unfeature, from the article, for moderators (checked on the
 * server). With JavaScript the answer is shown in place; without it, a 303
 * back to the comment.
 */
export async function featureCommentAction(_prev: FeatureState, formData: FormData): Promise<FeatureState> {
  const { state, location } = await featureFromRequest({
    commentId: formData.get("commentId"),
    action: formData.get("action"),
    returnTo: formData.get("returnTo"),
  });
  if (formData.get("js") !== "1") redirect(location);
  return state;
}
