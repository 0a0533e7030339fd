import { expect, test } from "./support/test";
import { createAccount, e2eDb } from "./support/accounts";
import { waitForMail } from "./support/mail";

test("a reader registers, signs in, comments held until the address is verified, then checked and published; a second registration reveals nothing", async ({ page }) => {
  const email = `reader-${Date.now()}@example.com`;
  await page.goto("/articles/e2e-signed-in?x=1");
  await page.getByRole("link", { name: "Register" }).click();
  await expect(page.getByRole("heading", { name: "Create an account" })).toBeVisible();
  await expect(page.getByText("At least 10 characters")).toBeVisible();

  await page.getByRole("textbox", { name: "Name" }).fill("Rita Reader");
  await page.getByRole("textbox", { name: "Email" }).fill(email);
  await page.getByLabel("Password").fill("my reading passphrase");
  await page.getByRole("button", { name: "Create account" }).click();

  await expect(page.getByText("Your account is ready.")).toBeVisible();
  await expect(page.getByText("We mailed you a link to verify your address")).toBeVisible();
  await expect(page.getByLabel("Email")).toHaveValue(email);
  await page.getByLabel("Password").fill("my reading passphrase");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();

  // Not verified yet: the comment is stored, held with the reason "Email not verified".
  await page.goto("/articles/e2e-signed-in");
  await expect(page.getByText("Logged in as Rita Reader.")).toBeVisible();
  await expect(page.getByRole("textbox", { name: "Name", exact: true })).toHaveCount(0);
  await expect(page.getByRole("textbox", { name: "Email", exact: true })).toHaveCount(0);
  await page.getByRole("textbox", { name: "Comment", exact: true }).fill("Signed in, so no name and email to type.");
  await page.getByRole("button", { name: "Post Comment" }).click();
  await expect(page).toHaveURL(/#comment-\d+$/);
  const id = Number(new URL(page.url()).hash.replace("#comment-", ""));
  const comment = page.locator(`#comment-${id}`);
  await expect(comment).toContainText("Signed in, so no name and email to type.");
  await expect(comment).toContainText("Your comment is awaiting moderation.");
  expect(commentRow(id)).toMatchObject({ status: "pending", status_reason: "Email not verified" });
  await page.goto("/account");
  await expect(page.getByRole("button", { name: "Resend verification" })).toBeVisible();

  // The link in the real message verifies the address; the comment goes through Akismet again and is published.
  const [message] = await waitForMail(email);
  expect(message!.subject).toBe("Verify your email address for The Newsroom");
  const link = /http:\/\/\S+\/verify-email\?token=[\w-]{43}/.exec(message!.text)![0];
  expect(new URL(link).origin).toBe(new URL(page.url()).origin);
  await page.goto(link);
  await page.getByRole("button", { name: "Verify my address" }).click();
  await expect(page.getByRole("heading", { name: "Your address is verified" })).toBeVisible();
  expect(commentRow(id)).toMatchObject({ status: "approved", status_reason: "Akismet: not spam" });
  await page.goto("/account");
  await expect(page.getByRole("button", { name: "Resend verification" })).toHaveCount(0);
  // A used link says so.
  await page.goto(link);
  await expect(page.getByText("This link has already been used")).toBeVisible();

  // A second registration with the same address is answered as a new one; the owner is told by mail.
  await page.goto("/articles/e2e-signed-in");
  await page.getByRole("button", { name: "Log out?" }).click();
  await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();
  await page.goto("/register");
  await page.getByRole("textbox", { name: "Name" }).fill("Rita Again");
  await page.getByRole("textbox", { name: "Email" }).fill(email.toUpperCase());
  await page.getByLabel("Password").fill("another passphrase here");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Your account is ready.")).toBeVisible();
  const [, notice] = await waitForMail(email, 2);
  expect(notice!.subject).toBe("Someone tried to create an account with your address on The Newsroom");
  await page.getByLabel("Password").fill("another passphrase here");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator("form").getByRole("alert")).toHaveText("The email or password is not right.");
});

function commentRow(id: number): { status: string; status_reason: string } {
  const db = e2eDb();
  try {
    return db.prepare("select status, status_reason from comments where id = ?").get(id) as { status: string; status_reason: string };
  } finally {
    db.close();
  }
}

test("a wrong password gets one generic message; repeated failures hit the limit", async ({ page }) => {
  const account = await createAccount("reader");
  const password = page.getByLabel("Password");
  // After a failed attempt the form keeps the email and clears the password
  // (with JavaScript as without): an empty Password field means the answer is in.
  const attempt = async (value: string) => {
    await password.fill(value);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(password).toHaveValue("");
  };
  await page.goto("/login");
  await page.getByLabel("Email").fill(account.email);
  await attempt("not the password");
  await expect(page.locator("form").getByRole("alert")).toHaveText("The email or password is not right.");
  await expect(page.getByLabel("Email")).toHaveValue(account.email);

  // An unknown email reads the same.
  await page.getByLabel("Email").fill("nobody-here@example.com");
  await attempt("not the password");
  await expect(page.locator("form").getByRole("alert")).toHaveText("The email or password is not right.");

  // The e2e server allows 3 failures per account from one address: the next
  // attempt from here, even with the right password, is refused until the
  // window passes, and the message says what the owner can do.
  await page.getByLabel("Email").fill(account.email);
  for (let i = 0; i < 2; i++) await attempt(`wrong ${i}`);
  await attempt(account.password);
  await expect(page.locator("form").getByRole("alert")).toHaveText(
    /^Too many sign-in attempts\. Try again in \d+ minutes?\. You can still sign in from another device or network you usually use\. If you have forgotten your password, use “Forgot your password\?” to set a new one\.$/,
  );
  await expect(page.getByRole("button", { name: "Sign out" })).toHaveCount(0);
});

test("a banned account cannot sign in", async ({ page }) => {
  const account = await createAccount("reader", { banned: true });
  await page.goto("/login");
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator("form").getByRole("alert")).toHaveText("This account has been suspended.");
});
