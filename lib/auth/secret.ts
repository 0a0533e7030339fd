import "server-only";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { env } from "@/lib/env";

const SECRET_FILE = "nextauth-secret";

let cached: { file: string; secret: string } | undefined;

/** Where a generated secret is kept: beside the database, readable by the owner only. */
export function secretFilePath(): string {
  return path.join(path.dirname(path.resolve(env().DATABASE_PATH)), SECRET_FILE);
}

/**
 * The server's signing secret: `NEXTAUTH_SECRET` when set; otherwise one
 * generated on first start and kept in the data folder (mode 0600), so a
 * fresh machine works without configuration and restarts keep sessions.
 */
export function getServerSecret(): string {
  const configured = env().NEXTAUTH_SECRET;
  if (configured) return configured;
  const file = secretFilePath();
  if (cached?.file === file) return cached.secret;
  let secret: string;
  try {
    secret = fs.readFileSync(file, "utf8").trim();
    // A copy or an older install may have left it readable by others.
    if ((fs.statSync(file).mode & 0o777) !== 0o600) fs.chmodSync(file, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    secret = crypto.randomBytes(48).toString("base64url");
    try {
      // "wx": never overwrite a secret another process wrote first.
      fs.writeFileSync(file, secret + "\n", { mode: 0o600, flag: "wx" });
    } catch (writeError) {
      if ((writeError as NodeJS.ErrnoException).code !== "EEXIST") throw writeError;
      secret = fs.readFileSync(file, "utf8").trim();
    }
  }
  cached = { file, secret };
  return secret;
}

const derived = new Map<string, Buffer>();

/** A key for one purpose, derived from the server secret (HKDF-SHA256). */
export function deriveKey(purpose: string): Buffer {
  const secret = getServerSecret();
  const cacheKey = `${purpose}\u0000${secret}`;
  let key = derived.get(cacheKey);
  if (!key) {
    key = Buffer.from(crypto.hkdfSync("sha256", secret, "newsroom", purpose, 32));
    derived.set(cacheKey, key);
  }
  return key;
}

/** HMAC-SHA256 of a message under a purpose's key, base64url. */
export function sign(purpose: string, message: string): string {
  return crypto.createHmac("sha256", deriveKey(purpose)).update(message).digest("base64url");
}

/** Constant-time check of a signature made by `sign`. */
export function verifySignature(purpose: string, message: string, signature: string): boolean {
  const expected = Buffer.from(sign(purpose, message));
  const given = Buffer.from(signature);
  return expected.length === given.length && crypto.timingSafeEqual(expected, given);
}
