/**
 * Single sign-on (product.md, "Single sign-on") against a real OpenID
 * Connect provider started here (scripts/oidc-local.ts: oidc-provider, its
 * own login page), through next-auth on a server of the test's own with
 * OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET and OIDC_NAME set:
 * - a first sign-in makes a reader account tied to the provider's subject,
 *   verified as the provider says; a second one reaches the same account;
 * - an address a password account already uses is linked only after that
 *   account's password, in the same browser;
 * - an address the provider does not call verified is never verified;
 * - sign-out ends the local session.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import { hash } from "@node-rs/argon2";
import Database from "better-sqlite3";
import { expect, test, type Browser, type Page } from "./support/test";
import { prepareDatabase, startOwnServer, killHard } from "./support/own-server";
import { TSX_NODE_ARGS } from "../scripts/lib/tsx-node-args";

const APP_PORT = 3154;
const PROVIDER_PORT = 3156;
const ISSUER = `http://127.0.0.1:${PROVIDER_PORT}`;

async function startProvider(): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...TSX_NODE_ARGS, "scripts/oidc-local.ts"], {
    env: {
      ...process.env,
      OIDC_LOCAL_PORT: String(PROVIDER_PORT),
      OIDC_LOCAL_REDIRECT_URIS: `http://127.0.0.1:${APP_PORT}/api/auth/callback/oidc`,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`provider exited: ${output}`);
    try {
      if ((await fetch(`${ISSUER}/health`)).ok) return child;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`provider did not start: ${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The provider's own login page: the claims typed are the provider account's. */
async function atProvider(page: Page, claims: { sub: string; email: string; name: string; verified: boolean }) {
  await expect(page).toHaveURL(new RegExp(`^${ISSUER}/`));
  await page.getByLabel("Subject").fill(claims.sub);
  await page.getByLabel("Email", { exact: true }).fill(claims.email);
  await page.getByLabel("Name").fill(claims.name);
  if (!claims.verified) await page.getByLabel("Email verified").uncheck();
  await page.getByRole("button", { name: "Continue" }).click();
}

async function freshPage(browser: Browser, javaScriptEnabled = true): Promise<Page> {
  return (await browser.newContext({ javaScriptEnabled })).newPage();
}

test("single sign-on: a first sign-in makes a reader, a second reaches it, an existing address is linked only after its password, an unverified address stays unverified", async ({ browser }) => {
  test.setTimeout(90_000);
  const databasePath = prepareDatabase("sign-on", ["minSubmitSeconds=0"]);
  const passwordHash = await hash("the password of bob", { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 });
  const setup = new Database(databasePath);
  setup.prepare("insert into users (email, name, password_hash, role, email_verified_at) values ('bob@example.com', 'Bob Local', ?, 'reader', null)").run(passwordHash);
  setup.close();
  const provider = await startProvider();
  const server = await startOwnServer(APP_PORT, databasePath, {
    OIDC_ISSUER: ISSUER,
    OIDC_CLIENT_ID: "newsroom",
    OIDC_CLIENT_SECRET: "newsroom-local-secret",
    OIDC_NAME: "Newsroom ID",
  });
  const db = () => new Database(databasePath, { readonly: true });
  const account = (email: string) => {
    const d = db();
    try {
      return d.prepare("select id, name, role, password_hash is null as no_password, email_verified_at is not null as verified from users where email = ?").get(email) as
        | { id: number; name: string; role: string; no_password: number; verified: number }
        | undefined;
    } finally {
      d.close();
    }
  };
  try {
    // 1. A first sign-in (without JavaScript) makes a reader tied to the subject, verified as the provider says.
    const ann = await freshPage(browser, false);
    await ann.goto(`${server.url}/login`);
    await ann.getByRole("link", { name: "Sign in with Newsroom ID" }).click();
    await atProvider(ann, { sub: "ann-1", email: "ann@example.com", name: "Ann Provider", verified: true });
    await expect(ann).toHaveURL(`${server.url}/`);
    await ann.goto(`${server.url}/account`);
    await expect(ann.locator(".account-details")).toContainText("Ann Provider");
    await expect(ann.locator(".account-details")).not.toContainText("not verified");
    expect(account("ann@example.com")).toMatchObject({ name: "Ann Provider", role: "reader", no_password: 1, verified: 1 });
    await expect(ann.getByText("Newsroom ID (ann@example.com), linked")).toBeVisible();

    // 2. Sign-out ends the local session; the next sign-in reaches the same account (the provider remembers the browser).
    await ann.getByRole("button", { name: "Sign out", exact: true }).click();
    await expect(ann.getByRole("link", { name: "Sign in", exact: true })).toBeVisible();
    await ann.goto(`${server.url}/account`);
    await expect(ann).toHaveURL(/\/login\?callbackUrl=/);
    await ann.getByRole("link", { name: "Sign in with Newsroom ID" }).click();
    await expect(ann).toHaveURL(`${server.url}/account`);
    await expect(ann.locator(".account-details")).toContainText("ann@example.com");
    const d = db();
    try {
      expect(d.prepare("select count(*) as n from users").get()).toEqual({ n: 2 });
      expect(d.prepare("select issuer, subject from user_identities where user_id = ?").all(account("ann@example.com")!.id)).toEqual([{ issuer: ISSUER, subject: "ann-1" }]);
    } finally {
      d.close();
    }

    // 3. A provider account with the address of a password account signs in to nothing until that password is given.
    const bob = await freshPage(browser);
    await bob.goto(`${server.url}/login`);
    await bob.getByRole("link", { name: "Sign in with Newsroom ID" }).click();
    await atProvider(bob, { sub: "bob-1", email: "bob@example.com", name: "Bob at the provider", verified: true });
    await expect(bob).toHaveURL(/\/login\?sso=link/);
    await expect(bob.getByText("An account here already uses bob@example.com. Sign in with its password once to link")).toBeVisible();
    await expect(bob.getByRole("button", { name: "Sign out", exact: true })).toHaveCount(0);
    // Another browser that knows nothing of it cannot complete the link with the password.
    const thief = await freshPage(browser);
    await thief.goto(`${server.url}/login?sso=link&email=bob%40example.com`);
    await expect(thief.getByText("waited too long to be linked")).toBeVisible();
    await expect(bob.getByLabel("Email")).toHaveValue("bob@example.com");
    await bob.getByLabel("Password").fill("the password of bob");
    await bob.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(bob).toHaveURL(/\/account\?changed=sso-linked$/);
    await expect(bob.locator(".account-details")).toContainText("Bob Local");
    await bob.getByRole("button", { name: "Sign out", exact: true }).click();
    await expect(bob.getByRole("link", { name: "Sign in", exact: true })).toBeVisible();
    await bob.goto(`${server.url}/login`);
    await bob.getByRole("link", { name: "Sign in with Newsroom ID" }).click();
    await expect(bob).toHaveURL(`${server.url}/`);
    await bob.goto(`${server.url}/account`);
    await expect(bob.locator(".account-details")).toContainText("bob@example.com");
    // Unlinked by its owner, the provider account signs in to nothing again until the password links it.
    await bob.getByRole("button", { name: "Unlink" }).click();
    await expect(bob.getByText("The sign-in is unlinked")).toBeVisible();
    await bob.getByRole("button", { name: "Sign out", exact: true }).click();
    await expect(bob.getByRole("link", { name: "Sign in", exact: true })).toBeVisible();
    await bob.goto(`${server.url}/login`);
    await bob.getByRole("link", { name: "Sign in with Newsroom ID" }).click();
    await expect(bob).toHaveURL(/\/login\?sso=link/);

    // 4. An address the provider does not call verified is never verified here.
    const carl = await freshPage(browser);
    await carl.goto(`${server.url}/login`);
    await carl.getByRole("link", { name: "Sign in with Newsroom ID" }).click();
    await atProvider(carl, { sub: "carl-1", email: "carl@example.com", name: "Carl", verified: false });
    await expect(carl).toHaveURL(`${server.url}/`);
    await carl.goto(`${server.url}/account`);
    await expect(carl.locator(".account-details")).toContainText("carl@example.com (not verified)");
    expect(account("carl@example.com")).toMatchObject({ role: "reader", verified: 0 });
    const history = db();
    try {
      const events = history.prepare("select u.email, e.type from commenter_events e join users u on u.id = e.user_id order by e.id").all();
      expect(events).toEqual([
        { email: "ann@example.com", type: "sign_on_created" },
        { email: "bob@example.com", type: "email_verified" },
        { email: "bob@example.com", type: "sign_on_linked" },
        { email: "bob@example.com", type: "sign_on_removed" },
        { email: "carl@example.com", type: "sign_on_created" },
      ]);
    } finally {
      history.close();
    }
  } finally {
    // The server's output, for a failure's post-mortem.
    fs.writeFileSync(".tmp/sign-on/server.log", server.output());
    await killHard(server);
    provider.kill("SIGKILL");
  }
});
