import "server-only";
import { z } from "zod";
import { COMMENT_STATUSES } from "@/db/schema";
import { sign, verifySignature } from "@/lib/auth/secret";

const PURPOSE = "moderation-undo";
const MAX_AGE_MS = 15 * 60_000;

const moves = z.array(z.object({ id: z.number().int().positive(), from: z.enum(COMMENT_STATUSES), to: z.enum(COMMENT_STATUSES) })).max(200);
export type UndoMoves = z.infer<typeof moves>;

/** A signed token for "Undo": the moves of one action, for the moderator who made them, for 15 minutes. */
export function issueUndoToken(actorId: number, list: UndoMoves, now = Date.now()): string {
  const body = Buffer.from(JSON.stringify({ a: actorId, t: now, m: list })).toString("base64url");
  return `${body}.${sign(PURPOSE, body)}`;
}

export function readUndoToken(token: unknown, actorId: number, now = Date.now()): UndoMoves | null {
  if (typeof token !== "string" || token.length > 20_000) return null;
  const dot = token.lastIndexOf(".");
  if (dot <= 0) return null;
  const body = token.slice(0, dot);
  if (!verifySignature(PURPOSE, body, token.slice(dot + 1))) return null;
  try {
    const data = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as { a: number; t: number; m: unknown };
    if (data.a !== actorId || now - data.t > MAX_AGE_MS) return null;
    const parsed = moves.safeParse(data.m);
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
