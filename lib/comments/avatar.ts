import "server-only";
import crypto from "node:crypto";
import { minidenticon } from "minidenticons";

/**
 * A locally generated identicon (no network, no Gravatar): an SVG data URI
 * seeded by a hash of the author's email (or name), so the address itself
 * never reaches the page.
 */
export function avatarDataUri(email: string, name: string): string {
  const seed = crypto.createHash("sha256").update((email || name).trim().toLowerCase()).digest("hex");
  const svg = minidenticon(seed, 60, 45);
  return `data:image/svg+xml;utf8,${encodeURIComponent(svg)}`;
}
