import "server-only";
import { desc, eq } from "drizzle-orm";
import { erasures, users, type ErasureVia } from "@/db/schema";
import { getDb, type Db } from "@/lib/db";

/**
 * The audit log of personal-data erasures: when, through which door, which
 * admin (for "admin" only) and how many rows went. Nothing about the person
 * whose data it was: no address, no hash of it, no comment ids, no IP.
 */
export type ErasureRecord = { via: ErasureVia; actorId: number | null; commentsErased: number; mailsErased: number };

export async function recordErasure(db: Db, record: ErasureRecord, at = new Date()): Promise<void> {
  await db.insert(erasures).values({ ...record, createdAt: at });
}

export type ErasureLogEntry = {
  id: number;
  via: ErasureVia;
  actorName: string | null;
  actorId: number | null;
  commentsErased: number;
  mailsErased: number;
  createdAt: Date;
};

export const ERASURE_VIA_LABELS: Record<ErasureVia, string> = {
  account: "The commenter, signed in",
  email_link: "The commenter, by a link mailed to them",
  admin: "An admin",
};

/** The latest erasures, newest first (/admin/privacy). */
export async function listErasures(limit = 100, db: Db = getDb()): Promise<ErasureLogEntry[]> {
  return db
    .select({
      id: erasures.id,
      via: erasures.via,
      actorId: erasures.actorId,
      actorName: users.name,
      commentsErased: erasures.commentsErased,
      mailsErased: erasures.mailsErased,
      createdAt: erasures.createdAt,
    })
    .from(erasures)
    .leftJoin(users, eq(users.id, erasures.actorId))
    .orderBy(desc(erasures.createdAt), desc(erasures.id))
    .limit(limit);
}
