import "server-only";
import { and, eq, inArray } from "drizzle-orm";
import { commentEvents, comments, importIds, type CommentStatus } from "@/db/schema";
import { transaction, type Db } from "@/lib/db";
import type { CommentEventType } from "@/lib/comments/history";
import { restAfterSlice, yieldToEventLoop } from "@/lib/pacing";
import type { CommentFields } from "./import-mappings";
import { addNote, type ImportReport } from "./import-report";

/** A comment from the file, checked and mapped, ready to be written. */
export type PreparedComment = {
  externalId: string;
  /** The id of the comment it replies to in the file, or null. */
  parentExternalId: string | null;
  articleId: number;
  status: CommentStatus;
  fields: CommentFields;
  createdAt: Date;
  userId: number | null;
  /** What the history event keeps: the status in the file etc. */
  detail: Record<string, unknown>;
};

type Queued = PreparedComment & {
  /** Set when the parent was settled before this reply was queued: its row, or null (top level). */
  parentLocalId?: number | null;
};

/**
 * Splits `n` rows into inserts of 64, 32, 16, … rows: a multi-row insert's
 * SQL depends on its row count, and SQLite compiles and caches each text
 * (lib/db/sqlite.ts), so a handful of sizes keeps that cache small.
 */
export function powerOfTwoChunks(n: number, largest = 64): [number, number][] {
  const chunks: [number, number][] = [];
  let at = 0;
  while (at < n) {
    let size = largest;
    while (size > n - at) size >>= 1;
    chunks.push([at, at + size]);
    at += size;
  }
  return chunks;
}

/** Comments written per transaction: short, so the site keeps answering between two (SQLite has one writer). */
export const COMMENT_BATCH = 250;

/**
 * Writes imported comments in batches, each in one short transaction that
 * also records every row in `import_ids`. A comment already in `import_ids`
 * is counted as already imported and not written again (also when its row
 * was deleted since: it is not brought back). Threads: a reply is written
 * after its parent, so its parent id is known; a reply that comes before its
 * parent in the file (`forwardReplies`, found by the validating pass) waits
 * until the parent is written; a reply whose parent is missing, skipped or
 * deleted since is attached at the top level, and the report says so.
 */
export class CommentWriter {
  private pending: Queued[] = [];
  private waiting = new Map<string, Queued[]>();
  private skippedIds = new Set<string>();

  constructor(
    private readonly db: Db,
    private readonly options: {
      source: string;
      report: ImportReport;
      /** "WordPress" or "Disqus": the status reason and history say where the comment came from. */
      origin: string;
      /** Replies whose parent comes later in the file. */
      forwardReplies: ReadonlySet<string>;
      batchSize?: number;
      /** Rest after each batch as long as it took (lib/pacing.ts restAfterSlice), else only yield to the event loop. */
      pace?: boolean;
      /** After each batch (progress, heartbeat). */
      afterBatch?: () => Promise<void> | void;
    },
  ) {}

  /** Queues a comment; writes a batch when one is full. */
  async add(comment: PreparedComment): Promise<void> {
    if (comment.parentExternalId !== null && this.options.forwardReplies.has(comment.externalId) && !this.settledBefore(comment.parentExternalId)) {
      const list = this.waiting.get(comment.parentExternalId) ?? [];
      list.push(comment);
      this.waiting.set(comment.parentExternalId, list);
      return;
    }
    this.pending.push(comment);
    if (this.pending.length >= (this.options.batchSize ?? COMMENT_BATCH)) await this.flush();
  }

  private settled = new Set<string>();
  private settledBefore(externalId: string): boolean {
    return this.settled.has(externalId);
  }

  /** A comment of the file that was not imported: replies waiting for it go to the top level. */
  skip(externalId: string): void {
    this.skippedIds.add(externalId);
    this.release(externalId, null, "skipped");
  }

  private release(externalId: string, localId: number | null, why: "written" | "skipped" | "deleted"): void {
    this.settled.add(externalId);
    const children = this.waiting.get(externalId);
    if (!children) return;
    this.waiting.delete(externalId);
    for (const child of children) {
      if (localId === null) this.topLevelNote(child, why === "skipped" ? `its parent ${externalId} was skipped` : `its parent ${externalId} was deleted since an earlier import`);
      this.pending.push({ ...child, parentLocalId: localId });
    }
  }

  private topLevelNote(comment: PreparedComment, why: string): void {
    addNote(this.options.report, { kind: "comment", externalId: comment.externalId, reason: `imported at the top level: ${why}` });
  }

  /** Writes every queued comment. */
  async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const started = performance.now();
      const batch = this.pending.splice(0, this.options.batchSize ?? COMMENT_BATCH);
      const settledNow = await transaction(this.db, (tx) => this.writeBatch(tx, batch));
      for (const [externalId, localId, why] of settledNow) this.release(externalId, localId, why);
      await this.options.afterBatch?.();
      if (this.options.pace) await restAfterSlice(started);
      else await yieldToEventLoop();
    }
  }

  /** Writes what is queued, then the replies whose parent never came (cycles, or a parent the file lacks): at the top level. */
  async finish(): Promise<void> {
    await this.flush();
    for (const [parent, children] of this.waiting) {
      for (const child of children) {
        this.topLevelNote(child, `its parent ${parent} is not in the file`);
        this.pending.push({ ...child, parentLocalId: null });
      }
    }
    this.waiting.clear();
    await this.flush();
  }

  private async writeBatch(tx: Db, batch: Queued[]): Promise<[string, number | null, "written" | "deleted"][]> {
    const { source, report, origin } = this.options;
    const wanted = new Set<string>();
    for (const c of batch) {
      wanted.add(c.externalId);
      if (c.parentExternalId !== null && c.parentLocalId === undefined) wanted.add(c.parentExternalId);
    }
    const known = new Map<string, number | null>();
    const found = await tx
      .select({ externalId: importIds.externalId, localId: importIds.localId, live: comments.id })
      .from(importIds)
      .leftJoin(comments, eq(comments.id, importIds.localId))
      .where(and(eq(importIds.source, source), eq(importIds.kind, "comment"), inArray(importIds.externalId, [...wanted])));
    for (const r of found) known.set(r.externalId, r.live === null ? null : r.localId);

    const settled: [string, number | null, "written" | "deleted"][] = [];
    let remaining: Queued[] = [];
    const inBatch = new Set<string>();
    for (const c of batch) {
      if (known.has(c.externalId)) {
        const local = known.get(c.externalId)!;
        report.comments.alreadyImported++;
        if (local === null) report.deletedSinceImport++;
        settled.push([c.externalId, local, local === null ? "deleted" : "written"]);
      } else if (!inBatch.has(c.externalId)) {
        remaining.push(c);
        inBatch.add(c.externalId);
      }
    }
    const written = new Map<string, number>();
    const now = new Date();
    while (remaining.length > 0) {
      let ready = remaining.filter((c) => c.parentExternalId === null || c.parentLocalId !== undefined || !inBatch.has(c.parentExternalId) || written.has(c.parentExternalId));
      if (ready.length === 0) ready = [{ ...remaining[0]!, parentLocalId: null }]; // a loop of replies: break it
      const readyIds = new Set(ready.map((c) => c.externalId));
      const parents = ready.map((c) => this.parentOf(c, known, written));
      // A reply stays on its own article: a parent on another one (a crafted or
      // corrupt file) is not followed, the reply goes to the top level.
      const parentIds = [...new Set(parents.filter((p): p is number => p !== null))];
      if (parentIds.length > 0) {
        const articleOfParent = new Map(
          (await tx.select({ id: comments.id, articleId: comments.articleId }).from(comments).where(inArray(comments.id, parentIds))).map((r) => [r.id, r.articleId]),
        );
        ready.forEach((c, i) => {
          const parent = parents[i];
          if (parent != null && articleOfParent.get(parent) !== c.articleId) {
            parents[i] = null;
            this.topLevelNote(c, `its parent ${c.parentExternalId} is on another article`);
          }
        });
      }
      const ids: number[] = [];
      for (const [from, to] of powerOfTwoChunks(ready.length)) {
        const inserted = await tx
          .insert(comments)
          .values(
            ready.slice(from, to).map((c, i) => ({
              articleId: c.articleId,
              parentId: parents[from + i]!,
              userId: c.userId,
              ...c.fields,
              status: c.status,
              statusReason: `Imported from ${origin}`,
              spamCheckState: "skipped" as const,
              createdAt: c.createdAt,
              updatedAt: c.createdAt,
            })),
          )
          .returning({ id: comments.id });
        // Ids are handed out in the order of the rows of one insert, on both stores.
        ids.push(...inserted.map((r) => r.id).sort((a, b) => a - b));
      }
      const type: CommentEventType = "imported";
      for (const [from, to] of powerOfTwoChunks(ready.length)) {
        const part = ready.slice(from, to);
        await tx.insert(commentEvents).values(
          part.map((c, i) => ({
            commentId: ids[from + i]!,
            type,
            toStatus: c.status,
            message: `Imported from ${origin} (comment ${c.externalId})`,
            detail: { source, externalId: c.externalId, ...c.detail },
            createdAt: now,
          })),
        );
        await tx.insert(importIds).values(part.map((c, i) => ({ source, kind: "comment" as const, externalId: c.externalId, localId: ids[from + i]!, createdAt: now })));
      }
      ready.forEach((c, i) => {
        written.set(c.externalId, ids[i]!);
        settled.push([c.externalId, ids[i]!, "written"]);
      });
      report.comments.imported += ready.length;
      remaining = remaining.filter((c) => !readyIds.has(c.externalId));
    }
    return settled;
  }

  private parentOf(c: Queued, known: Map<string, number | null>, written: Map<string, number>): number | null {
    if (c.parentExternalId === null) return null;
    if (c.parentLocalId !== undefined) return c.parentLocalId;
    const inBatch = written.get(c.parentExternalId);
    if (inBatch !== undefined) return inBatch;
    if (known.has(c.parentExternalId)) {
      const local = known.get(c.parentExternalId)!;
      if (local === null) this.topLevelNote(c, `its parent ${c.parentExternalId} was deleted since an earlier import`);
      return local;
    }
    this.topLevelNote(c, this.skippedIds.has(c.parentExternalId) ? `its parent ${c.parentExternalId} was skipped` : `its parent ${c.parentExternalId} is not in the file`);
    return null;
  }
}
