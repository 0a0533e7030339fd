/**
 * Reader accounts people can keep (product.md, "Passwords and addresses"):
 * a forgotten password set again through a mailed link, with and without
 * JavaScript; the account page's own changes (password, address with its
 * confirmation and undo, name); deleting the account. Every link is read
 * from the real message the lane's local SMTP server received.
 */
import { expect, test, type Browser, type Page } from "./support/test";
import { createAccount, e2eDb } from "./support/accounts";
import { waitForMail } from "./support/mail";

const linkIn = (text: string, path: string) => new RegExp(`http://\\S+${path.replace(/[?]/g, "\\?")}[\\w=&-]*token=[\\w-]{43}`).exec(text)?.[0] ?? null;

async function signIn(page: Page, email: string, password: string) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("button", { name: "Sign out", exact: true })).toBeVisible();
}

async function newPage(browser: Browser, javaScriptEnabled = true): Promise<Page> {
  return (await browser.newContext({ javaScriptEnabled })).newPage();
}

for (const javaScriptEnabled of [true, false]) {
  test(`forgot password end to end ${javaScriptEnabled ? "with" : "without"} JavaScript: the same answer for any address, a single-use link, other sessions end`, async ({ browser }) => {
    const account = await createAccount("reader");
    const page = await newPage(browser, javaScriptEnabled);
    const elsewhere = await newPage(browser);
    await signIn(elsewhere, account.email, account.password);

    await page.goto("/login");
    await page.getByRole("link", { name: "Forgot your password?" }).click();
    await expect(page).toHaveURL(/\/reset-password$/);
    const ask = async (address: string) => {
      await page.getByLabel("Email").fill(address);
      await page.getByRole("button", { name: "Send reset link" }).click();
      await expect(page.locator(".form-notice")).toContainText(`If an account uses ${address.toLowerCase()}`);
      return (await page.locator(".form-notice").textContent())!.replace(address.toLowerCase(), "<address>");
    };
    const unknown = `nobody-${Date.now()}-${javaScriptEnabled}@example.com`;
    expect(await ask(unknown)).toBe(await ask(account.email));
    // The unknown address is told no account uses it; the account's gets the link.
    const [none] = await waitForMail(unknown);
    expect(none!.text).toContain("no account uses it");
    expect(linkIn(none!.text, "/reset-password?")).toBeNull();
    const [message] = await waitForMail(account.email);
    expect(message!.subject).toBe("Set a new password for The Newsroom");
    expect(message!.text).toContain("The link works once, for one hour.");
    const link = linkIn(message!.text, "/reset-password?")!;
    expect(new URL(link).origin).toBe(new URL(page.url()).origin);

    await page.goto(link);
    await page.getByLabel("New password", { exact: true }).fill("too short");
    await page.getByLabel("Confirm new password").fill("too short");
    await page.getByRole("button", { name: "Set new password" }).click();
    await expect(page.getByText("Use at least 10 characters.")).toBeVisible();
    await page.getByLabel("New password", { exact: true }).fill("a new reading passphrase");
    await page.getByLabel("Confirm new password").fill("a new reading passphrase");
    await page.getByRole("button", { name: "Set new password" }).click();
    await expect(page).toHaveURL(/\/account\?changed=password-reset$/);
    await expect(page.getByText("Your new password is set.")).toBeVisible();

    // The other browser was signed out; the link works once; the new password signs in.
    await elsewhere.goto("/account");
    await expect(elsewhere).toHaveURL(/\/login\?callbackUrl=/);
    await page.goto(link);
    await expect(page.getByText("This link has already been used.")).toBeVisible();
    await expect(page.getByRole("button", { name: "Send reset link" })).toBeVisible();
    await signIn(elsewhere, account.email, "a new reading passphrase");
  });
}

test("without JavaScript: change name once a day, change password (other sessions end), change email with the mailed confirmation, and undo it from the old address", async ({ browser }) => {
  const account = await createAccount("reader");
  const page = await newPage(browser, false);
  const elsewhere = await newPage(browser);
  await signIn(page, account.email, account.password);
  await signIn(elsewhere, account.email, account.password);

  await page.goto("/account");
  await page.getByLabel("Display name").fill("Renamed Reader");
  await page.getByRole("button", { name: "Change name" }).click();
  await expect(page.getByText("Your name is now Renamed Reader.")).toBeVisible();
  await page.getByLabel("Display name").fill("Renamed Twice");
  await page.getByRole("button", { name: "Change name" }).click();
  await expect(page.getByText(/You can change your name once a day: again after/)).toBeVisible();
  await expect(page.getByLabel("Display name")).toHaveValue("Renamed Twice");

  const passwordForm = page.locator("form", { has: page.getByRole("button", { name: "Change password" }) });
  await passwordForm.getByLabel("Current password").fill("not my password at all");
  await passwordForm.getByLabel("New password").fill("a changed passphrase");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("That is not your current password.")).toBeVisible();
  await passwordForm.getByLabel("Current password").fill(account.password);
  await passwordForm.getByLabel("New password").fill("a changed passphrase");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("Your password is changed.")).toBeVisible();
  await elsewhere.goto("/account");
  await expect(elsewhere).toHaveURL(/\/login\?callbackUrl=/);
  const notice = await waitForMail(account.email);
  expect(notice.map((m) => m.subject)).toContain("Your password on The Newsroom was changed");

  // The new address takes effect only when its link is opened.
  const newEmail = `moved-${Date.now()}@example.com`;
  await page.goto("/account");
  const emailForm = page.locator("form", { has: page.getByRole("button", { name: "Change email" }) });
  await emailForm.getByLabel("New email").fill(newEmail);
  await emailForm.getByLabel("Current password").fill("a changed passphrase");
  await page.getByRole("button", { name: "Change email" }).click();
  await expect(page.getByText(`We sent a link to ${newEmail}.`)).toBeVisible();
  await page.goto("/account");
  await expect(page.locator(".account-details")).toContainText(account.email);
  const [confirm] = await waitForMail(newEmail);
  await page.goto(linkIn(confirm!.text, "/confirm-email?")!);
  await page.getByRole("button", { name: "Confirm my new address" }).click();
  await expect(page).toHaveURL(/\/account\?changed=email-changed$/);
  await expect(page.locator(".account-details")).toContainText(newEmail);

  // The old address is told, with a link that undoes it and ends every session.
  const messages = await waitForMail(account.email, 2);
  const changed = messages.find((m) => m.subject === "Your email address on The Newsroom was changed")!;
  expect(changed.text).toContain(newEmail);
  const undo = await newPage(browser, false);
  await undo.goto(linkIn(changed.text, "/confirm-email?undo=1&")!);
  await undo.getByRole("button", { name: "Undo the change" }).click();
  await expect(undo.getByRole("heading", { name: "The change is undone" })).toBeVisible();
  await page.goto("/account");
  await expect(page).toHaveURL(/\/login\?callbackUrl=/);
  await signIn(page, account.email, "a changed passphrase");

  const history = e2eDb();
  try {
    const events = history.prepare("select type from commenter_events where user_id = ? order by id").all(account.id) as { type: string }[];
    expect(events.map((e) => e.type)).toEqual(["renamed", "password_changed", "email_change_requested", "email_changed", "email_change_undone"]);
  } finally {
    history.close();
  }
});

test("a reader deletes their account behind their password: comments erased, replies by others stay, signed out everywhere", async ({ browser, page }) => {
  const account = await createAccount("reader");
  const other = await createAccount("reader");
  const db = e2eDb();
  let mine: number;
  let reply: number;
  try {
    const article = db.prepare("select id from articles where slug = 'e2e-signed-in'").get() as { id: number };
    const insert = db.prepare("insert into comments (article_id, parent_id, user_id, author_name, author_email, content, status) values (?, ?, ?, ?, ?, ?, 'approved') returning id");
    mine = (insert.get(article.id, null, account.id, account.name, account.email, "Words I want gone") as { id: number }).id;
    reply = (insert.get(article.id, mine, other.id, other.name, other.email, "A reply that stays") as { id: number }).id;
  } finally {
    db.close();
  }
  const elsewhere = await newPage(browser);
  await signIn(elsewhere, account.email, account.password);
  await signIn(page, account.email, account.password);
  await page.goto("/account");
  await page.getByRole("link", { name: "Delete my account" }).click();
  await expect(page).toHaveURL(/\/account\/delete$/);
  await page.getByLabel("Password").fill("not the password");
  await page.getByLabel("I understand that my account and my comments are erased").check();
  await page.getByRole("button", { name: "Delete my account" }).click();
  await expect(page.getByText("That is not your current password.")).toBeVisible();
  await page.getByLabel("Password").fill(account.password);
  await page.getByLabel("I understand that my account and my comments are erased").check();
  await page.getByRole("button", { name: "Delete my account" }).click();
  await expect(page.getByText("Your account and its comments were deleted")).toBeVisible();

  await elsewhere.goto("/account");
  await expect(elsewhere).toHaveURL(/\/login\?callbackUrl=/);
  const after = e2eDb();
  try {
    expect(after.prepare("select count(*) as n from users where id = ?").get(account.id)).toEqual({ n: 0 });
    expect(after.prepare("select count(*) as n from comments where id = ?").get(mine)).toEqual({ n: 0 });
    expect(after.prepare("select parent_id from comments where id = ?").get(reply)).toEqual({ parent_id: null });
    const audit = after.prepare("select via, comments_erased from erasures order by id desc limit 1").get() as Record<string, unknown>;
    expect(audit).toEqual({ via: "account", comments_erased: 1 });
    expect(JSON.stringify(after.prepare("select * from erasures order by id desc limit 1").get())).not.toContain(account.email);
  } finally {
    after.close();
  }
  await page.goto("/login");
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.locator("form").getByRole("alert")).toHaveText("The email or password is not right.");
});
