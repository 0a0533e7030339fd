import "server-only";
import crypto from "node:crypto";
import { jwtDecrypt } from "jose";
import type { JWT, JWTDecodeParams } from "next-auth/jwt";

/**
 * next-auth v4's own `decode` for its session token (node_modules/next-auth/jwt:
 * an encryption key derived from the secret with HKDF-SHA256, then a `dir` +
 * A256GCM JWE read with 15 s of clock tolerance), except that the derived key
 * is kept instead of derived again for every request: deriving it was most of
 * what reading a session cost (about 160 of 190 µs a request, measured on this
 * machine). Given to next-auth's `getToken` (lib/auth/session.ts); tokens are
 * still written by next-auth's `encode`, and tests/integration/sessions.test.ts
 * checks the two agree.
 */
const keys = new Map<string, Uint8Array>();
/** A few secrets at most (one, or two while one is being rotated in tests). */
const MAX_KEYS = 8;

function derivedKey(secret: string | Buffer, salt: string): Uint8Array {
  const material = typeof secret === "string" ? secret : secret.toString("base64");
  const id = `${salt}\u0000${typeof secret === "string" ? "s" : "b"}\u0000${material}`;
  let key = keys.get(id);
  if (!key) {
    const info = `NextAuth.js Generated Encryption Key${salt ? ` (${salt})` : ""}`;
    key = new Uint8Array(crypto.hkdfSync("sha256", secret, salt, info, 32));
    if (keys.size >= MAX_KEYS) keys.clear();
    keys.set(id, key);
  }
  return key;
}

export async function decodeSessionToken({ token, secret, salt = "" }: JWTDecodeParams): Promise<JWT | null> {
  if (!token) return null;
  // Only what next-auth's encode writes: a token naming another algorithm (a password-based
  // one makes the server run thousands of PBKDF2 rounds before refusing it) is refused at once.
  const { payload } = await jwtDecrypt(token, derivedKey(secret, salt), {
    clockTolerance: 15,
    keyManagementAlgorithms: ["dir"],
    contentEncryptionAlgorithms: ["A256GCM"],
  });
  return payload as JWT;
}
