import "server-only";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { serverSecrets } from "@/db/schema";
import type { Db } from "@/lib/db";
import { env } from "@/lib/env";

const SECRET_FILE = "nextauth-secret";
const SECRET_NAME = "nextauth";

let cached: { file: string; secret: string } | undefined;

/**
 * The secret loaded from the database at start-up, process-wide: Next
 * bundles this module into several chunks (instrumentation, route handlers,
 * rendering), and the one start-up loads it in is not the one requests use.
 */
const holder = globalThis as typeof globalThis & { [key: symbol]: string | undefined };
const LOADED_KEY = Symbol.for("newsroom.server-secret");

/**
 * At start-up, when NEXTAUTH_SECRET is not set: the generated signing secret
 * is kept in the database (`server_secrets`), so every instance on it signs
 * and accepts the same sessions. The first instance to start writes it (a
 * secret an older install kept in its data folder is carried over, so its
 * sessions stay valid); the others read the one written first.
 */
export async function loadServerSecret(db: Db): Promise<void> {
  if (env().NEXTAUTH_SECRET) return;
  await db
    .insert(serverSecrets)
    .values({ name: SECRET_NAME, value: readSecretFile() ?? crypto.randomBytes(48).toString("base64url") })
    .onConflictDoNothing();
  const [row] = await db.select({ value: serverSecrets.value }).from(serverSecrets).where(eq(serverSecrets.name, SECRET_NAME));
  holder[LOADED_KEY] = row!.value;
}

/** The secret an older install generated into its data folder, if any. */
function readSecretFile(): string | null {
  try {
    return fs.readFileSync(secretFilePath(), "utf8").trim() || null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

/** Where a generated secret is kept: beside the database, readable by the owner only. */
export function secretFilePath(): string {
  return path.join(path.dirname(path.resolve(env().DATABASE_PATH)), SECRET_FILE);
}

/**
 * The server's signing secret: `NEXTAUTH_SECRET` when set; otherwise the one
 * in the database (`loadServerSecret`, at start-up), so a fresh machine works
 * without configuration, restarts keep sessions and instances agree. A
 * process that did not load it (a script, a test) falls back to one
 * generated into the data folder (mode 0600).
 */
export function getServerSecret(): string {
  const configured = env().NEXTAUTH_SECRET;
  if (configured) return configured;
  const loaded = holder[LOADED_KEY];
  if (loaded) return loaded;
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
