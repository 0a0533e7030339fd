/**
 * Accounts for tests that are not about signing in: created straight in the
 * e2e database, with a session cookie minted by next-auth's own JWT encoder
 * (the same secret the server was started with). Signing in itself is tested
 * through the form (auth.spec.ts).
 */
import crypto from "node:crypto";
import { hash } from "@node-rs/argon2";
import Database from "better-sqlite3";
import { encode } from "next-auth/jwt";
import type { BrowserContext } from "./test";
import { E2E_NEXTAUTH_SECRET, currentLane } from "./lanes";

export type Role = "reader" | "editor" | "moderator" | "admin";
export type TestAccount = { id: number; name: string; email: string; password: string; role: Role; banned: boolean };

let counter = 0;

export function e2eDb(): Database.Database {
  const db = new Database(currentLane().databasePath);
  db.pragma("busy_timeout = 5000");
  return db;
}

/** `verified: false`: an address never verified (its comments are held "Email not verified" while mail is on). */
export async function createAccount(role: Role, options: { banned?: boolean; name?: string; password?: string; verified?: boolean } = {}): Promise<TestAccount> {
  counter += 1;
  const tag = `${Date.now().toString(36)}${counter}`;
  const name = options.name ?? `${role[0]!.toUpperCase()}${role.slice(1)} ${tag}`;
  const email = `${role}-${tag}@example.com`;
  const password = options.password ?? "a long enough password";
  const passwordHash = await hash(password, { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 });
  const db = e2eDb();
  try {
    const row = db
      .prepare("insert into users (email, name, password_hash, role, banned, email_verified_at) values (?, ?, ?, ?, ?, ?) returning id")
      .get(email, name, passwordHash, role, options.banned ? 1 : 0, options.verified === false ? null : Date.now()) as { id: number };
    return { id: row.id, name, email, password, role, banned: Boolean(options.banned) };
  } finally {
    db.close();
  }
}

/** The value of next-auth's session cookie for an account: a new session (its own session id, as a sign-in gives). */
export async function sessionToken(account: TestAccount): Promise<string> {
  return encode({
    token: { sub: String(account.id), name: account.name, email: account.email, sv: 0, sid: crypto.randomUUID() },
    secret: E2E_NEXTAUTH_SECRET,
  });
}

export const SESSION_COOKIE = "next-auth.session-token";

export async function signInAs(context: BrowserContext, account: TestAccount, baseURL: string): Promise<void> {
  await context.addCookies([{ name: SESSION_COOKIE, value: await sessionToken(account), url: baseURL, httpOnly: true, sameSite: "Lax" }]);
}
