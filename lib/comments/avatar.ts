import "server-only";
import crypto from "node:crypto";
import { minidenticon } from "minidenticons";
import { deriveKey } from "@/lib/auth/secret";

/** An avatar's file name: 16 hex digits (64 bits) and `.svg`. */
export const AVATAR_FILE = /^([0-9a-f]{16})\.svg$/;

/**
 * A locally generated identicon (no network, no Gravatar), served as a
 * cacheable image at /avatars/<id>.svg instead of inline in every comment.
 * The id is a keyed hash of the author's email (or name): the same author
 * always gets the same picture, and the address cannot be guessed back from
 * it (a plain hash of an email can be checked against a list of addresses).
 */
export function avatarId(email: string, name: string): string {
  return crypto
    .createHmac("sha256", deriveKey("avatar"))
    .update((email || name).trim().toLowerCase())
    .digest("hex")
    .slice(0, 16);
}

export function avatarPath(email: string, name: string): string {
  return `/avatars/${avatarId(email, name)}.svg`;
}

/** The identicon for an avatar id (anything else: null). */
export function avatarSvg(file: string): string | null {
  const match = AVATAR_FILE.exec(file);
  return match ? minidenticon(match[1]!, 60, 45) : null;
}
