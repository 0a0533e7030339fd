import { expect, test } from "./support/test";

// Runs first (the "first-run" project): no admin exists yet.
test("/setup creates the admin account once and is then gone", async ({ page }) => {
  await page.goto("/setup");
  await expect(page.getByRole("heading", { name: "Set up the site" })).toBeVisible();

  // A weak password is refused and what was typed stays.
  await page.getByRole("textbox", { name: "Name" }).fill("Ada Admin");
  await page.getByRole("textbox", { name: "Email" }).fill("ada@example.com");
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create admin account" }).click();
  await expect(page.getByText("Use at least 10 characters.")).toBeVisible();
  await expect(page.getByRole("textbox", { name: "Email" })).toHaveValue("ada@example.com");

  await page.getByLabel("Password").fill("a strong admin passphrase");
  await page.getByRole("button", { name: "Create admin account" }).click();
  await expect(page).toHaveURL(/\/login\?setup=1/);
  await expect(page.getByText("The admin account is ready. Sign in with it.")).toBeVisible();

  await page.getByLabel("Password").fill("a strong admin passphrase");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByRole("heading", { name: "Admin", exact: true })).toBeVisible();

  const again = await page.request.get("/setup");
  expect(again.status()).toBe(404);
});
