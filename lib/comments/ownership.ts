import "server-only";
import { sign, verifySignature } from "@/lib/auth/secret";

/**
 * The comments a browser wrote, so their author (and only they) sees their
 * held comments: a signed cookie of comment ids, not the IP.
 */
export const OWN_COMMENTS_COOKIE = "nr_own_comments";
const PURPOSE = "own-comments";
const MAX_IDS = 50;

export function readOwnCommentIds(value: string | undefined): number[] {
  if (!value) return [];
  const dot = value.lastIndexOf(".");
  if (dot <= 0) return [];
  const list = value.slice(0, dot);
  if (!/^\d+(-\d+)*$/.test(list) || !verifySignature(PURPOSE, list, value.slice(dot + 1))) return [];
  return list.split("-").map(Number).filter((n) => Number.isSafeInteger(n) && n > 0);
}

export function writeOwnCommentIds(ids: number[]): string {
  const list = [...new Set(ids)].slice(-MAX_IDS).join("-");
  return `${list}.${sign(PURPOSE, list)}`;
}

export const OWN_COMMENTS_MAX_AGE = 60 * 60 * 24 * 30; // 30 days
