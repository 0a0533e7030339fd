"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { readReviewForm, saveReview, unpublishReview, type ReviewField, type ReviewFormValues } from "@/lib/articles/reviews";
import { authorizeAction } from "@/lib/auth/session";

export type ReviewFormState = {
  status: "idle" | "saved" | "error";
  message: string | null;
  fieldErrors: Partial<Record<ReviewField, string>>;
  values: ReviewFormValues;
};

const articleId = z.coerce.number().int().positive();

export async function saveReviewAction(prev: ReviewFormState, formData: FormData): Promise<ReviewFormState> {
  const id = articleId.safeParse(formData.get("articleId"));
  const values = readReviewForm(formData);
  const actor = await authorizeAction("review:write", { callbackUrl: id.success ? `/editor/${id.data}/review` : "/editor" });
  if (!actor) return { ...prev, status: "error", message: "You are not allowed to write reviews; nothing was saved.", values };
  if (!id.success) return { ...prev, status: "error", message: "Unknown article.", values };
  const intent = formData.get("intent") === "publish" ? "publish" : "draft";
  const result = saveReview(actor, id.data, values, intent);
  if (result.ok) revalidatePath(`/editor/${id.data}/review`);
  return result.ok
    ? { status: "saved", message: result.message, fieldErrors: {}, values }
    : { status: "error", message: result.message, fieldErrors: result.fieldErrors, values };
}

export async function unpublishReviewAction(prev: ReviewFormState, formData: FormData): Promise<ReviewFormState> {
  const id = articleId.safeParse(formData.get("articleId"));
  const actor = await authorizeAction("review:write", { callbackUrl: id.success ? `/editor/${id.data}/review` : "/editor" });
  if (!actor || !id.success) return { ...prev, status: "error", message: "Nothing changed." };
  const result = unpublishReview(actor, id.data);
  if (result.ok) revalidatePath(`/editor/${id.data}/review`);
  return { ...prev, status: result.ok ? "saved" : "error", message: result.message, fieldErrors: {} };
}
