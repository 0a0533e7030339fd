/** What a page gives the author for one of their comments (never to anyone else): shared by lib/comments/own.ts and the thread. */
export type OwnCommentControl = {
  /** The edit form's version: when the comment was last edited, in ms (0: never). */
  version: number;
  /** Until when the text can be edited (ISO), or null when it cannot. */
  editUntil: string | null;
  /** The text to edit, only while it can be edited. */
  content: string | null;
};
