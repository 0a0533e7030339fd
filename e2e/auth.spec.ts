import { expect, test } from "./support/test";
import { createAccount } from "./support/accounts";

test("a reader registers, signs in, comments as themselves and signs out", async ({ page }) => {
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
  await expect(page.getByLabel("Email")).toHaveValue(email);
  await page.getByLabel("Password").fill("my reading passphrase");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();

  await page.goto("/articles/e2e-signed-in");
  await expect(page.getByText("Logged in as Rita Reader.")).toBeVisible();
  await expect(page.getByRole("textbox", { name: "Name", exact: true })).toHaveCount(0);
  await expect(page.getByRole("textbox", { name: "Email", exact: true })).toHaveCount(0);
  await page.getByRole("textbox", { name: "Comment", exact: true }).fill("Signed in, so no name and email to type.");
  await page.getByRole("button", { name: "Post Comment" }).click();
  await expect(page).toHaveURL(/#comment-\d+$/);
  const comment = page.locator(new URL(page.url()).hash);
  await expect(comment).toContainText("Signed in, so no name and email to type.");
  await expect(comment).toContainText("Rita Reader");
  await expect(comment).not.toContainText("awaiting moderation");

  // A second registration with the same email is answered clearly.
  await page.getByRole("button", { name: "Log out?" }).click();
  await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();
  await expect(page.getByRole("textbox", { name: "Name", exact: true })).toBeVisible();
  await page.goto("/register");
  await page.getByRole("textbox", { name: "Name" }).fill("Rita Again");
  await page.getByRole("textbox", { name: "Email" }).fill(email.toUpperCase());
  await page.getByLabel("Password").fill("another passphrase here");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("An account with this email already exists. Sign in instead.")).toBeVisible();
  await expect(page.getByRole("textbox", { name: "Name" })).toHaveValue("Rita Again");
});

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
    /^Too many sign-in attempts\. Try again in \d+ minutes?\. You can still sign in from another device or network you usually use\. If you have forgotten your password, ask an admin of this site to set a new one\.$/,
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
