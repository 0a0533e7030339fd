import "server-only";
import crypto from "node:crypto";

/**
 * Leases on rows (comments being checked with Akismet, outbox entries being
 * sent): a runner claims a row by writing its owner label and an expiry in
 * one statement, and stores a result only while its lease holds. Used by the
 * comment pipeline, the moderators' checks and the jobs alike.
 */

/** How long a lease on a row outlives the Akismet timeout of the call it was taken for. */
export const LEASE_MARGIN_MS = 10_000;

/** A label for whoever holds a lease: this process and a random part, so two runners never share one. */
export function leaseOwner(label: string): string {
  return `${label}:${process.pid}:${crypto.randomUUID().slice(0, 8)}`;
}
