import crypto from "node:crypto";
import fs from "node:fs";
import Database from "better-sqlite3";
import { expect, test, type Download, type Locator, type Page } from "./support/test";
import { E2E_NEXTAUTH_SECRET } from "./support/lanes";
import { startLocalSmtp } from "../scripts/smtp-local/server";
import { createAccount, e2eDb, SESSION_COOKIE, sessionToken, signInAs } from "./support/accounts";
import { killHard, prepareDatabase, startOwnServer } from "./support/own-server";

/**
 * Personal data (issue 13, part 5): a signed-in reader downloads and erases
 * their comments at /account/data; an admin does it by email at
 * /admin/privacy and sees the audit entry; the page a mailed link opens
 * shows the count, never erases on GET, erases after the confirmation, and
 * says clearly what is wrong with a tampered or expired link.
 */
const SLUG = "e2e-privacy";

function articleId(): number {
  const db = e2eDb();
  try {
    return (db.prepare("select id from articles where slug = ?").get(SLUG) as { id: number }).id;
  } finally {
    db.close();
  }
}

function insertComment(fields: { name: string; email: string; userId?: number | null; parentId?: number | null; status?: string }): number {
  const db = e2eDb();
  try {
    return (
      db
        .prepare(
          "insert into comments (article_id, parent_id, user_id, author_name, author_email, content, status, ip, user_agent) values (?, ?, ?, ?, ?, ?, ?, '198.51.100.23', 'PrivacyBrowser/1') returning id",
        )
        .get(articleId(), fields.parentId ?? null, fields.userId ?? null, fields.name, fields.email, `Words by ${fields.name}, ${crypto.randomUUID()}`, fields.status ?? "approved") as {
        id: number;
      }
    ).id;
  } finally {
    db.close();
  }
}

function commentRow(id: number): { id: number; parentId: number | null } | undefined {
  const db = e2eDb();
  try {
    return db.prepare("select id, parent_id as parentId from comments where id = ?").get(id) as { id: number; parentId: number | null } | undefined;
  } finally {
    db.close();
  }
}

function latestErasure(): { via: string; actorId: number | null; commentsErased: number; mailsErased: number } | undefined {
  const db = e2eDb();
  try {
    return db
      .prepare("select via, actor_id as actorId, comments_erased as commentsErased, mails_erased as mailsErased from erasures order by id desc limit 1")
      .get() as { via: string; actorId: number | null; commentsErased: number; mailsErased: number } | undefined;
  } finally {
    db.close();
  }
}

async function downloadedJson(download: Download): Promise<{ commentCount: number; account: unknown; comments: { id: number; author: { email: string } }[] }> {
  const file = await download.path();
  return JSON.parse(fs.readFileSync(file, "utf8")) as never;
}

/** A data link signed as the server signs it (lib/privacy/signed-link.ts, lib/auth/secret.ts), with the e2e server's secret. */
function dataLinkToken(email: string, expiresAt: number): string {
  const body = Buffer.from(JSON.stringify({ e: email, x: expiresAt })).toString("base64url");
  const key = Buffer.from(crypto.hkdfSync("sha256", E2E_NEXTAUTH_SECRET, "newsroom", "privacy-data-link", 32));
  return `${body}.${crypto.createHmac("sha256", key).update(body).digest("base64url")}`;
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `test-results/privacy-${name}.png`, fullPage: true });
}

test("a signed-in reader downloads and erases their comments at /account/data", async ({ page, baseURL }) => {
  const reader = await createAccount("reader");
  const mine = [
    insertComment({ name: reader.name, email: reader.email, userId: reader.id }),
    insertComment({ name: reader.name, email: reader.email, userId: reader.id, status: "pending" }),
  ];
  const answer = insertComment({ name: "Other Reader", email: "other-privacy@example.com", parentId: mine[0] });
  await signInAs(page.context(), reader, baseURL!);

  await page.goto("/account");
  await page.getByRole("link", { name: "Your data" }).click();
  await expect(page).toHaveURL(/\/account\/data$/);
  await expect(page.getByRole("heading", { level: 1, name: "Your data" })).toBeVisible();
  await expect(page.getByTestId("comment-count")).toHaveText("2 comments");
  await expect(page.getByText("Your account is not deleted")).toBeVisible();
  await shot(page, "account-data");

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download my comments" }).click()]);
  expect(download.suggestedFilename()).toMatch(/^my-comments-\d{4}-\d{2}-\d{2}\.json$/);
  const data = await downloadedJson(download);
  expect(data.commentCount).toBe(2);
  expect(data.comments.map((c) => c.id).sort()).toEqual([...mine].sort());
  expect(data.account).toMatchObject({ id: reader.id, email: reader.email });
  expect(JSON.stringify(data)).not.toContain("other-privacy@example.com");
  expect(JSON.stringify(data)).not.toMatch(/argon2|passwordHash/);

  await page.getByRole("link", { name: "Erase all my comments" }).click();
  await expect(page.locator(".form-message")).toHaveText("This erases 2 comments for good. Are you sure?");
  await shot(page, "account-data-confirm");
  await page.getByRole("button", { name: "Erase 2 comments" }).click();
  await expect(page.getByRole("status")).toContainText("2 comments erased.");
  await expect(page.getByTestId("comment-count")).toHaveText("0 comments");
  await shot(page, "account-data-erased");

  for (const id of mine) expect(commentRow(id)).toBeUndefined();
  // The other reader's reply stays, moved up to the top level.
  expect(commentRow(answer)).toEqual({ id: answer, parentId: null });
  expect(latestErasure()).toEqual({ via: "account", actorId: null, commentsErased: 2, mailsErased: 0 });
});

test("an admin erases a commenter's data by email at /admin/privacy and sees the audit entry; others may not", async ({ page, baseURL, request }) => {
  const admin = await createAccount("admin", { name: "Privacy Admin" });
  const reader = await createAccount("reader");
  const tag = crypto.randomBytes(4).toString("hex");
  const email = `gina-${tag}@example.com`;
  const ids = [
    insertComment({ name: "Gina Guest", email }),
    insertComment({ name: "Gina Guest", email: email.toUpperCase(), status: "spam" }),
  ];
  const someoneElse = insertComment({ name: "Hal Guest", email: `hal-${tag}@example.com` });

  // A reader gets 403 for the page and the download, and nothing changes.
  const readerCookie = `${SESSION_COOKIE}=${await sessionToken(reader)}`;
  expect((await request.get("/admin/privacy", { headers: { cookie: readerCookie } })).status()).toBe(403);
  const refused = await request.post("/admin/privacy/download", { headers: { cookie: readerCookie, origin: baseURL! }, form: { email } });
  expect(refused.status()).toBe(403);
  expect(await refused.text()).not.toContain("Gina");
  expect((await request.post("/admin/privacy/download", { headers: { origin: baseURL! }, form: { email } })).status()).toBe(401);

  await signInAs(page.context(), admin, baseURL!);
  await page.goto("/admin");
  await page.getByRole("link", { name: "Personal data" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Personal data" })).toBeVisible();
  await page.getByLabel("Email").fill("not an address");
  await page.getByRole("button", { name: "Look up" }).click();
  await expect(page.getByText("Enter a valid email address, like name@example.com.")).toBeVisible();
  await expect(page.getByLabel("Email")).toHaveValue("not an address");

  await page.getByLabel("Email").fill(`  Gina-${tag}@Example.com `);
  await page.getByRole("button", { name: "Look up" }).click();
  await expect(page.getByTestId("comment-count")).toHaveText("2 comments");
  await shot(page, "admin-lookup");

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download JSON" }).click()]);
  const data = await downloadedJson(download);
  expect(data.comments.map((c) => c.id).sort()).toEqual([...ids].sort());
  expect(data.account).toBeNull();

  await page.getByLabel(/I am sure/).check();
  await page.getByRole("button", { name: "Erase 2 comments" }).click();
  await expect(page.getByRole("status")).toHaveText("Erased 2 comments and 0 messages. The audit log below has the entry.");
  const firstRow = page.getByRole("table").getByRole("row").nth(1);
  await expect(firstRow.getByRole("cell").nth(1)).toHaveText("An admin");
  await expect(firstRow.getByRole("cell").nth(2)).toHaveText("Privacy Admin");
  await expect(firstRow.getByRole("cell").nth(3)).toHaveText("2");
  await expect(page.locator("body")).not.toContainText(email);
  await shot(page, "admin-erased");

  for (const id of ids) expect(commentRow(id)).toBeUndefined();
  expect(commentRow(someoneElse)).toBeDefined();
  expect(latestErasure()).toEqual({ via: "admin", actorId: admin.id, commentsErased: 2, mailsErased: 0 });
});

/** The names and values a form would submit (hidden fields included). */
async function formFields(form: Locator): Promise<Record<string, string>> {
  return form.evaluate((f: HTMLFormElement) => {
    const out: Record<string, string> = {};
    for (const el of Array.from(f.elements) as HTMLInputElement[]) {
      if (!el.name || ((el.type === "radio" || el.type === "checkbox") && !el.checked)) continue;
      out[el.name] = el.value;
    }
    return out;
  });
}

test("the erase action on /admin/privacy refuses everyone but admins, posted straight to the server", async ({ browser, request, baseURL }) => {
  const admin = await createAccount("admin");
  const reader = await createAccount("reader");
  const moderator = await createAccount("moderator");
  const email = `kept-${crypto.randomBytes(4).toString("hex")}@example.com`;
  const id = insertComment({ name: "Kept Guest", email });
  // The admin's erase form, as the server renders it without JavaScript (its action id and fields).
  const context = await browser.newContext({ javaScriptEnabled: false });
  await context.addCookies([{ name: SESSION_COOKIE, value: await sessionToken(admin), url: baseURL! }]);
  const page = await context.newPage();
  await page.goto("/admin/privacy");
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Look up" }).click();
  await expect(page.getByTestId("comment-count")).toHaveText("1 comment");
  await page.getByLabel(/I am sure/).check();
  const fields = await formFields(page.locator("form", { has: page.getByRole("button", { name: "Erase 1 comment" }) }));
  await context.close();
  expect(fields.confirm).toBe("yes");
  expect(Object.keys(fields).some((name) => name.startsWith("$ACTION"))).toBe(true);
  for (const account of [reader, moderator, null]) {
    const headers: Record<string, string> = { origin: baseURL! };
    if (account) headers.cookie = `${SESSION_COOKIE}=${await sessionToken(account)}`;
    const res = await request.post("/admin/privacy", { headers, multipart: fields, maxRedirects: 0 });
    if (account) expect(res.status()).toBe(403);
    else expect(res.headers()["location"]).toMatch(/\/login\?callbackUrl=%2Fadmin%2Fprivacy/);
    expect(commentRow(id)).toBeDefined();
  }
  // The same post from the admin erases: the refusals above were the action's, not a missing field's.
  const done = await request.post("/admin/privacy", {
    headers: { origin: baseURL!, cookie: `${SESSION_COOKIE}=${await sessionToken(admin)}` },
    multipart: fields,
    maxRedirects: 0,
  });
  expect(done.headers()["location"] ?? "").toContain("/admin/privacy?notice=");
  expect(commentRow(id)).toBeUndefined();
});

test("the mailed link's page: count and download on GET, erasure only after the confirmation, clear words for a bad link", async ({ page }) => {
  const tag = crypto.randomBytes(4).toString("hex");
  const email = `lina-${tag}@example.com`;
  const ids = [insertComment({ name: "Lina Link", email }), insertComment({ name: "Lina Link", email, status: "pending" })];
  const token = dataLinkToken(email, Date.now() + 3_600_000);

  await page.goto(`/my-data/link?token=${encodeURIComponent(token)}`);
  await expect(page.getByTestId("comment-count")).toHaveText("2 comments");
  await shot(page, "link-page");
  // Opening the link (twice, as a mail scanner might) erased nothing.
  await page.reload();
  for (const id of ids) expect(commentRow(id)).toBeDefined();

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download my comments" }).click()]);
  expect((await downloadedJson(download)).comments.map((c) => c.id).sort()).toEqual([...ids].sort());

  await page.getByLabel(/Yes, erase 2 comments for good/).check();
  await page.getByRole("button", { name: "Erase 2 comments" }).click();
  await expect(page.getByRole("status")).toContainText("2 comments erased.");
  await expect(page.getByTestId("comment-count")).toHaveText("0 comments");
  for (const id of ids) expect(commentRow(id)).toBeUndefined();
  expect(latestErasure()).toEqual({ via: "email_link", actorId: null, commentsErased: 2, mailsErased: 0 });

  // Tampered: another address under the same signature.
  const [, signature] = token.split(".");
  const forged = `${Buffer.from(JSON.stringify({ e: "victim@example.com", x: Date.now() + 3_600_000 })).toString("base64url")}.${signature}`;
  await page.goto(`/my-data/link?token=${encodeURIComponent(forged)}`);
  await expect(page.locator(".form-message")).toContainText("This link is not valid");
  await expect(page.getByRole("button", { name: /Erase/ })).toHaveCount(0);
  await shot(page, "link-tampered");
  // Expired.
  await page.goto(`/my-data/link?token=${encodeURIComponent(dataLinkToken(email, Date.now() - 1000))}`);
  await expect(page.locator(".form-message")).toContainText("This link has expired");
  await expect(page.getByRole("link", { name: "Ask for a new link" })).toHaveAttribute("href", "/my-data");
});

test("a guest asks for a link by email, it arrives, and it opens their comments to download and erase", async ({ page }) => {
  test.setTimeout(90_000);
  // A server of this test's own, with mail on, sending to the local SMTP server.
  const smtp = await startLocalSmtp({ smtpPort: 0, httpPort: 0, log: false });
  const databasePath = prepareDatabase("e2e-privacy-mail", ["minSubmitSeconds=0", "floodSeconds=0"]);
  const email = "mara.mail@example.com";
  const own = new Database(databasePath);
  let ids: number[];
  try {
    const article = own.prepare("select id from articles order by id limit 1").get() as { id: number };
    const insert = own.prepare(
      "insert into comments (article_id, author_name, author_email, content, status) values (?, 'Mara Mail', ?, ?, 'approved') returning id",
    );
    ids = [(insert.get(article.id, email, "First words") as { id: number }).id, (insert.get(article.id, "Mara.Mail@Example.com", "Second words") as { id: number }).id];
  } finally {
    own.close();
  }
  const server = await startOwnServer(3152, databasePath, { SMTP_URL: smtp.smtpUrl });
  try {
    const ask = async (address: string) => {
      await page.goto(`${server.url}/my-data`);
      await page.getByLabel("Email").fill(address);
      await page.getByRole("button", { name: "Send me a link" }).click();
      return (await page.getByRole("status").textContent()) ?? "";
    };
    const forUnknown = await ask("nobody-here@example.com");
    await shot(page, "my-data-sent");
    const forKnown = await ask("Mara.Mail@example.com");
    expect(forKnown).toContain("If comments were posted on this site under that address");
    expect(forUnknown).toBe(forKnown);

    const [message] = await smtp.waitForMessages(1, 20_000);
    expect(message!.envelope.to).toEqual([email]);
    expect(message!.subject).toBe("Your comments on The Newsroom");
    const link = /http:\/\/127\.0\.0\.1:3152\/my-data\/link\?token=\S+/.exec(message!.text)?.[0];
    expect(link).toBeTruthy();
    // Nothing was sent to the address without comments.
    await page.waitForTimeout(1500);
    expect(smtp.messages.map((m) => m.envelope.to[0])).toEqual([email]);

    await page.goto(link!);
    await expect(page.getByTestId("comment-count")).toHaveText("2 comments");
    await page.getByLabel(/Yes, erase 2 comments for good/).check();
    await page.getByRole("button", { name: "Erase 2 comments" }).click();
    await expect(page.getByRole("status")).toContainText("2 comments erased.");

    const after = new Database(databasePath, { readonly: true });
    try {
      for (const id of ids) expect(after.prepare("select id from comments where id = ?").get(id)).toBeUndefined();
      // The link's own message went too: nothing addressed to her is kept.
      expect(after.prepare("select count(*) as n from mail_outbox where lower(to_address) = ?").get(email)).toEqual({ n: 0 });
      expect(after.prepare("select via, actor_id as actorId, comments_erased as c, mails_erased as m from erasures").all()).toEqual([
        { via: "email_link", actorId: null, c: 2, m: 1 },
      ]);
    } finally {
      after.close();
    }
    // Nor does the server's log name her.
    expect(server.output().toLowerCase()).not.toContain(email);
  } finally {
    await killHard(server);
    await smtp.close();
  }

  // The same site without SMTP_URL: the page says mail is off and sends people to the site.
  const offline = await startOwnServer(3152, databasePath, { SMTP_URL: "" });
  try {
    await page.goto(`${offline.url}/my-data`);
    await expect(page.getByRole("heading", { level: 1, name: "Your comments and your data" })).toBeVisible();
    await expect(page.locator(".form-message")).toContainText("This site cannot send mail at the moment");
    await expect(page.locator(".form-message")).toContainText("Contact the site's editors");
    await expect(page.getByRole("button", { name: "Send me a link" })).toHaveCount(0);
    await shot(page, "my-data-mail-off");
  } finally {
    await killHard(offline);
  }
});

test("/admin/privacy shows no words put in its address, only its own messages", async ({ page, baseURL }) => {
  const admin = await createAccount("admin");
  await signInAs(page.context(), admin, baseURL!);
  // A link anyone could send an admin: the page must not say this.
  await page.goto("/admin/privacy?notice=Your%20account%20is%20compromised&error=Call%20555");
  await expect(page.getByRole("heading", { level: 1, name: "Personal data" })).toBeVisible();
  await expect(page.locator("body")).not.toContainText("Your account is compromised");
  await expect(page.locator("body")).not.toContainText("Call 555");
  await expect(page.locator(".form-notice, .form-message")).toHaveCount(0);
  // Nor a known code with a number of someone's choosing.
  await page.goto("/admin/privacy?notice=erased&comments=Call%20555&mails=0");
  await expect(page.locator("body")).not.toContainText("Call 555");
  await expect(page.locator(".form-notice")).toHaveCount(0);

  // A real erasure still says what it did.
  const email = `nico-${crypto.randomBytes(4).toString("hex")}@example.com`;
  insertComment({ name: "Nico Notice", email });
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Look up" }).click();
  await expect(page.getByTestId("comment-count")).toHaveText("1 comment");
  await page.getByLabel(/I am sure/).check();
  await page.getByRole("button", { name: "Erase 1 comment" }).click();
  await expect(page.getByRole("status")).toHaveText("Erased 1 comment and 0 messages. The audit log below has the entry.");
  expect(new URL(page.url()).search).toBe("?notice=erased&comments=1&mails=0");
  await shot(page, "admin-notice-codes");
  // And a refusal's code shows its fixed words.
  await page.goto("/admin/privacy?error=confirm");
  await expect(page.locator(".form-message")).toHaveText("Tick “I am sure” to erase; nothing changed.");
});

test("the other admin pages print no words from their address either", async ({ page, baseURL }) => {
  const admin = await createAccount("admin");
  await signInAs(page.context(), admin, baseURL!);
  const words = "Your account is compromised";
  const q = encodeURIComponent(words);
  for (const path of [
    `/admin/users?notice=${q}&error=${q}`,
    `/moderation?done=${q}&error=${q}`,
    `/account?digest=${q}`,
    `/editor/${articleId()}?done=${q}&error=${q}`,
  ]) {
    await page.goto(path);
    await expect(page.locator("h1")).toBeVisible();
    await expect(page.locator("body"), path).not.toContainText(words);
  }
  // Their codes still say their fixed words.
  await page.goto("/admin/users?error=last_admin_demote");
  await expect(page.locator(".form-message")).toHaveText("The last admin cannot be demoted.");
  await page.goto("/moderation?done=approve&n=3");
  await expect(page.locator("#moderation-status")).toContainText("3 comments approved.");
});
