import { expect, test } from "./support/test";
import { createAccount, signInAs, type TestAccount } from "./support/accounts";

let editor: TestAccount;

test.beforeAll(async () => {
  editor = await createAccount("editor", { name: "Edna Editor" });
});

test("an editor drafts, submits and publishes an article; a guest reads it", async ({ page, context, baseURL, browser }) => {
  await signInAs(context, editor, baseURL!);
  await page.goto("/editor");
  await page.getByRole("link", { name: "New article" }).click();
  const title = `Flood defences hold in the delta ${Date.now()}`;
  await page.getByRole("textbox", { name: "Title" }).fill(title);
  await expect(page.getByRole("textbox", { name: "Slug" })).toHaveValue(/^flood-defences-hold-in-the-delta-\d+$/);
  await page.getByRole("textbox", { name: "Summary" }).fill("Engineers say the new barriers worked.");
  await page.getByRole("textbox", { name: "Body (markdown)" }).fill("## What happened\n\nThe barriers **held** overnight.\n\n> We were lucky, and prepared.");
  await expect(page.locator(".article-form__preview h2", { hasText: "What happened" })).toBeVisible();
  await page.getByRole("textbox", { name: "Source" }).fill("Delta Desk");
  await page.getByRole("button", { name: "Create draft" }).click();
  await expect(page).toHaveURL(/\/editor\/\d+\?created=1$/);
  await expect(page.getByText("Draft created.")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Status: Draft" })).toBeVisible();

  // A failed save keeps the text and says why.
  await page.getByRole("textbox", { name: "Title" }).fill("");
  await page.getByRole("textbox", { name: "Body (markdown)" }).fill("## What happened\n\nThe barriers **held** overnight. An unsaved sentence.");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByText("Give the article a title.")).toBeVisible();
  await expect(page.getByRole("textbox", { name: "Body (markdown)" })).toHaveValue(/An unsaved sentence\./);
  await page.getByRole("textbox", { name: "Title" }).fill(title);
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: /^Saved\./ })).toBeVisible();

  await page.getByRole("button", { name: "Submit for review" }).click();
  await expect(page.getByRole("heading", { name: "Status: In review" })).toBeVisible();
  await page.getByRole("button", { name: "Publish" }).click();
  await expect(page.getByRole("heading", { name: "Status: Published" })).toBeVisible();
  await expect(page.getByRole("region", { name: "History" })).toContainText("Published by Edna Editor");

  const guestContext = await browser.newContext();
  const guest = await guestContext.newPage();
  await guest.goto("/");
  await guest.getByRole("link", { name: title }).click();
  await expect(guest.getByRole("heading", { level: 1, name: title })).toBeVisible();
  await expect(guest.getByText("The barriers held overnight.")).toBeVisible();
  await expect(guest.getByText("Delta Desk")).toBeVisible();
  await expect(guest.getByText("No editor review yet.")).toBeVisible();
  await guestContext.close();
});

test("renaming a published article's slug keeps the old address working", async ({ page, context, baseURL, request }) => {
  await signInAs(context, editor, baseURL!);
  await page.goto("/editor/new");
  const title = `Renamed story ${Date.now()}`;
  await page.getByRole("textbox", { name: "Title" }).fill(title);
  await page.getByRole("textbox", { name: "Body (markdown)" }).fill("Body.");
  await page.getByRole("button", { name: "Create draft" }).click();
  await page.getByRole("button", { name: "Submit for review" }).click();
  await page.getByRole("button", { name: "Publish" }).click();
  const oldSlug = await page.getByRole("textbox", { name: "Slug" }).inputValue();
  await page.getByRole("textbox", { name: "Slug" }).fill(`${oldSlug}-renamed`);
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: /^Saved\./ })).toBeVisible();
  const res = await request.get(`/articles/${oldSlug}`, { maxRedirects: 0 });
  expect(res.status()).toBe(308);
  expect(res.headers()["location"]).toBe(`/articles/${oldSlug}-renamed`);
});

test("a reader and a moderator get 403 on /editor", async ({ browser, baseURL }) => {
  for (const role of ["reader", "moderator"] as const) {
    const context = await browser.newContext();
    await signInAs(context, await createAccount(role), baseURL!);
    const page = await context.newPage();
    const res = await page.goto("/editor");
    expect(res?.status(), role).toBe(403);
    await context.close();
  }
});

test("an editor publishes a 4-star review and the article page shows it under Editor review", async ({ page, context, baseURL }) => {
  await signInAs(context, editor, baseURL!);
  await page.goto("/editor");
  await page.getByRole("link", { name: "E2E article: reviewed" }).click();
  await page.getByRole("link", { name: "Editor review" }).click();
  await expect(page.getByRole("heading", { name: "Editor review" })).toBeVisible();

  // Errors keep what was typed.
  await page.getByRole("textbox", { name: "Verdict headline" }).fill("Careful and fair");
  await page.getByLabel("Balance note").fill("Both sides heard.");
  await page.getByRole("button", { name: "Publish review" }).click();
  await expect(page.getByText("Choose a rating from 1 to 5 stars.")).toBeVisible();
  await expect(page.getByText("Give Balance a score, or clear its note.")).toBeVisible();
  await expect(page.getByRole("textbox", { name: "Verdict headline" })).toHaveValue("Careful and fair");

  await page.getByRole("radio", { name: "4 stars" }).check();
  await page.getByRole("textbox", { name: "Summary" }).fill("Sources named, the coalition's answer quoted in full.");
  await page.getByLabel("Sourcing score").selectOption("5");
  await page.getByLabel("Balance score").selectOption("4");
  await page.getByRole("button", { name: "Publish review" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Review published." })).toBeVisible();

  await page.goto("/articles/e2e-reviewed");
  const section = page.getByRole("region", { name: "Editor review" });
  await expect(section.getByRole("img", { name: "Rated 4 out of 5" })).toBeVisible();
  await expect(section).toContainText("Careful and fair");
  await expect(section.getByRole("img", { name: "Sourcing: 5 out of 5" })).toBeVisible();
  await expect(section).toContainText("Reviewed by Edna Editor on");
  await expect(section).not.toContainText("No editor review yet.");
  const jsonLd = JSON.parse((await page.locator('script[type="application/ld+json"]').textContent())!);
  expect(jsonLd.review).toMatchObject({ "@type": "Review", reviewRating: { ratingValue: 4 }, author: { name: "Edna Editor" } });
});
