/**
 * The commenter's edit window (setting `commentEditMinutes`, 0 = no editing):
 * a comment can be edited by its author until that many minutes after it was
 * posted. Plain data, so the server (which decides) and the browser (which
 * hides the Edit control when the window closes) apply the same rule.
 */

/** The moment editing ends, or null when editing is off. */
export function editDeadline(createdAt: Date, editMinutes: number): Date | null {
  if (!Number.isFinite(editMinutes) || editMinutes <= 0) return null;
  return new Date(createdAt.getTime() + editMinutes * 60_000);
}

/** Whether the author may still edit a comment posted at `createdAt` (the deadline itself is past). */
export function withinEditWindow(createdAt: Date, editMinutes: number, now: Date): boolean {
  const deadline = editDeadline(createdAt, editMinutes);
  return deadline !== null && now < deadline;
}

/** What the edit window looks like to the author: "You can edit this comment for 4 more minutes." */
export function editTimeLeft(deadline: Date, now: Date): string | null {
  const ms = deadline.getTime() - now.getTime();
  if (ms <= 0) return null;
  const minutes = Math.ceil(ms / 60_000);
  return minutes <= 1 ? "less than a minute" : `${minutes} minutes`;
}
