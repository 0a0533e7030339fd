"use client";

import { useActionState, useEffect, useState } from "react";
import { editTimeLeft } from "@/lib/comments/edit-window";
import { INITIAL_OWN_COMMENT_FORM_STATE } from "@/lib/comments/own-form-state";
import type { OwnCommentControl } from "@/lib/comments/own-controls";
import { COMMENT_LIMITS } from "@/lib/comments/validation";
import { deleteOwnCommentAction, editOwnCommentAction } from "./actions";
import { useRefreshAfter } from "./personal";
import styles from "./own-comment-controls.module.css";

type Props = {
  commentId: number;
  control: OwnCommentControl;
  /** Where the forms go back to: "article" (the comment's anchor) or "account:<page>" (the my-comments page). */
  returnTo: string;
};

/**
 * Edit and Delete for the author of a comment. Plain forms inside
 * <details>, so they open, confirm and post without JavaScript too; the
 * server decides again on every request (lib/comments/own.ts).
 */
export function OwnCommentControls({ commentId, control, returnTo }: Props) {
  const [editState, editAction, editing] = useActionState(editOwnCommentAction, INITIAL_OWN_COMMENT_FORM_STATE);
  const [deleteState, deleteAction, deleting] = useActionState(deleteOwnCommentAction, INITIAL_OWN_COMMENT_FORM_STATE);
  // Edited or deleted: the reader's own parts of the page (held comments, controls) are asked for again.
  useRefreshAfter(editing);
  useRefreshAfter(deleting);
  // The edit window closes while the page is open: with JavaScript the
  // control goes away then (without it, the server says so on posting).
  const [timeLeft, setTimeLeft] = useState<string | null>(null);
  const [closed, setClosed] = useState(false);
  useEffect(() => {
    if (!control.editUntil) return;
    const deadline = new Date(control.editUntil);
    const tick = () => {
      const left = editTimeLeft(deadline, new Date());
      setTimeLeft(left);
      if (left === null) setClosed(true);
    };
    tick();
    const timer = setInterval(tick, 15_000);
    return () => clearInterval(timer);
  }, [control.editUntil]);

  const canEdit = control.editUntil !== null && control.content !== null && (!closed || editState.message !== null);
  const contentId = `own-edit-${commentId}`;
  return (
    <div className={styles.controls}>
      {canEdit ? (
        <details className={styles.edit} open={editState.message !== null ? true : undefined}>
          <summary>Edit</summary>
          <form action={editAction} className={styles.form}>
            {editState.message ? (
              <p className="form-message" role="alert">
                {editState.message}
              </p>
            ) : null}
            <label htmlFor={contentId}>Your comment</label>
            <textarea
              id={contentId}
              name="content"
              rows={5}
              maxLength={COMMENT_LIMITS.content}
              defaultValue={editState.content ?? control.content ?? ""}
              aria-invalid={editState.contentError ? true : undefined}
              aria-describedby={editState.contentError ? `${contentId}-error` : undefined}
            />
            {editState.contentError ? (
              <p id={`${contentId}-error`} className="field-error">
                {editState.contentError}
              </p>
            ) : null}
            <input type="hidden" name="commentId" value={commentId} />
            <input type="hidden" name="version" value={control.version} />
            <input type="hidden" name="returnTo" value={returnTo} />
            <p className={styles.actions}>
              <button type="submit" disabled={editing} aria-busy={editing}>
                {editing ? "Saving…" : "Save changes"}
              </button>
              <span className="muted">
                {timeLeft ? `You can edit this comment for ${timeLeft} more.` : "You can edit this comment for a few minutes after posting."} It is
                checked for spam again.
              </span>
            </p>
          </form>
        </details>
      ) : null}
      <details className={styles.delete} open={deleteState.message !== null ? true : undefined}>
        <summary>Delete</summary>
        <form action={deleteAction} className={styles.form}>
          {deleteState.message ? (
            <p className="form-message" role="alert">
              {deleteState.message}
            </p>
          ) : null}
          <p>Delete this comment for good? Replies to it stay on the page.</p>
          <input type="hidden" name="commentId" value={commentId} />
          <input type="hidden" name="returnTo" value={returnTo} />
          <p className={styles.actions}>
            <button type="submit" className={styles.danger} disabled={deleting} aria-busy={deleting}>
              {deleting ? "Deleting…" : "Yes, delete my comment"}
            </button>
          </p>
        </form>
      </details>
    </div>
  );
}
