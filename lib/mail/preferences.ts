import "server-only";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { HELD_DIGESTS, users, type HeldDigest } from "@/db/schema";
import { can } from "@/lib/auth/permissions";
import { getDb, type Db } from "@/lib/db";

/** The digest choices a moderator has, for the account page. */
export { HELD_DIGESTS, type HeldDigest } from "@/db/model";

export const HELD_DIGEST_LABELS: Record<HeldDigest, string> = {
  off: "Off",
  hourly: "Every hour",
  daily: "Once a day",
};

const choice = z.enum(HELD_DIGESTS);

export type DigestChange = { ok: true; value: HeldDigest } | { ok: false; message: string };

/**
 * Sets a moderator's digest of held comments. Only accounts that may
 * moderate (read from the database by the caller) can have one.
 */
export async function setHeldDigest(
  account: { id: number; role: "reader" | "editor" | "moderator" | "admin"; banned: boolean },
  value: unknown,
  db: Db = getDb(),
): Promise<DigestChange> {
  if (!can(account, "comment:moderate")) return { ok: false, message: "Only moderators can have the digest of held comments." };
  const parsed = choice.safeParse(value);
  if (!parsed.success) return { ok: false, message: "Choose Off, Every hour or Once a day." };
  await db.update(users).set({ heldDigest: parsed.data, updatedAt: new Date() }).where(eq(users.id, account.id));
  return { ok: true, value: parsed.data };
}
