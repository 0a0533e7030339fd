import "server-only";
import { unstable_rethrow } from "next/navigation";
import type { CommentFormState } from "./form-state";
import type { CommentFormValues } from "./validation";

/** What the comment form says when posting failed on the server for a reason that is not the person's. */
export const UNEXPECTED_FAILURE_MESSAGE = "Something went wrong on our side; your comment is below, please try again.";

export type FailureLog = (message: string, error: unknown) => void;

const logToConsole: FailureLog = (message, error) => console.error(message, error);

/**
 * The comment form's action boundary: runs `post` and, if it throws, logs the
 * error and answers the form again with a clear message and what the person
 * typed, instead of a 500 page that loses their comment. Next's control-flow
 * errors (redirect(), notFound(), forbidden(), dynamic-rendering bailouts)
 * are not failures: they are thrown on, for Next to handle.
 */
export async function keepCommentOnFailure(
  post: () => Promise<CommentFormState>,
  values: CommentFormValues,
  log: FailureLog = logToConsole,
): Promise<CommentFormState> {
  try {
    return await post();
  } catch (error) {
    unstable_rethrow(error);
    log("[comments] posting a comment failed; the form was answered with the text kept:", error);
    return { message: UNEXPECTED_FAILURE_MESSAGE, fieldErrors: {}, values };
  }
}
