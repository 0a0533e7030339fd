/**
 * One comment as an article page sends it to the browser: compact, because
 * the page carries every comment twice (as HTML and as data for React), and a
 * thread of 200 should stay a small page (docs/decisions/013).
 * The text is a string, or, when it holds links, segments: text, or [text, href].
 * Shared by lib/comments/thread-view.ts (server) and app/_article/comment-thread.tsx.
 */
export type CompactComment = [
  id: number,
  /** 1 for a top-level comment. */
  depth: number,
  name: string,
  url: string,
  /** The avatar's id: /avatars/<id>.svg */
  avatar: string,
  /** When it was posted, to the minute: "2026-11-29T06:56Z" (shown by `commentDate`). */
  iso: string,
  text: string | (string | [string, string])[],
  flags: number,
  /** How many readers respect it (on a cached page, as of its rendering). */
  respects: number,
];

export const AWAITING_MODERATION = 1;
export const CAN_REPLY = 2;
/** Its author edited it (the thread shows "Edited"). */
export const EDITED = 4;
/** Featured by a moderator (the thread shows "Featured"). */
export const FEATURED = 8;
/** Written by an editor, moderator or admin account (the thread shows "Staff"). */
export const STAFF = 16;

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** "2026-11-29T06:56:48.224Z" → "2026-11-29T06:56Z" (a valid HTML date and time). */
export function minuteIso(date: Date): string {
  return `${date.toISOString().slice(0, 16)}Z`;
}

/**
 * "29 November 2026 at 06:56 UTC", like lib/dates.ts's formatDateTime, from a
 * `minuteIso` string, without Intl: server and browser must produce the same
 * text, whatever their locale data.
 */
export function commentDate(iso: string): string {
  const [, year, month, day, time] = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}:\d{2})/.exec(iso) ?? [];
  if (!year) return iso;
  return `${Number(day)} ${MONTHS[Number(month) - 1]} ${year} at ${time} UTC`;
}
