"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import {
  getReviewForEditor,
  reviewToForm,
  saveReview,
  unpublishReview,
  type ReviewFieldErrors,
  type ReviewFormValues,
} from "@/lib/articles/reviews";
import { authorizeAction } from "@/lib/auth/session";
import { expirePageChanges } from "@/lib/cache/invalidation";

/** What the review form shows: the answer to the last post and the values to show in the fields. */
export type ReviewFormState = {
  status: "idle" | "saved" | "error";
  message: string | null;
  fieldErrors: ReviewFieldErrors;
  values: ReviewFormValues;
};

const articleIdSchema = z.coerce.number().int().positive();

/**
 * The review page's one action (for both of its forms, so the page shows one
 * answer): `intent` is "draft" (also a form sent with Enter), "publish" or
 * "unpublish". A refused form keeps everything typed.
 */
export async function reviewAction(prev: ReviewFormState, formData: FormData): Promise<ReviewFormState> {
  const id = articleIdSchema.safeParse(formData.get("articleId"));
  const page = id.success ? `/editor/${id.data}/review` : "/editor";
  const actor = await authorizeAction("review:write", { callbackUrl: page });
  if (!actor) return prev; // the page, rendered again, answers 403
  if (!id.success) return { ...prev, status: "error", message: "Unknown article; nothing was saved.", fieldErrors: {} };

  const intent = formData.get("intent");
  if (intent === "unpublish") {
    const result = await unpublishReview(actor, id.data);
    if (result.ok) {
      await expirePageChanges();
      revalidatePath(page);
    }
    return { ...prev, status: result.ok ? "saved" : "error", message: result.message, fieldErrors: {} };
  }

  const result = await saveReview(actor, id.data, formData, intent === "publish" ? "publish" : "draft");
  if (!result.ok) return { status: "error", message: result.message, fieldErrors: result.fieldErrors, values: result.values };
  await expirePageChanges();
  revalidatePath(page);
  // The fields now show what was saved (trimmed).
  return { status: "saved", message: result.message, fieldErrors: {}, values: reviewToForm(await getReviewForEditor(id.data)) };
}
