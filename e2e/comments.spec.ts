import { expect, test, type Page } from "./support/test";
import { reloadUntil } from "./support/page-cache";

async function fillGuest(page: Page, { comment, name, email, website }: { comment: string; name: string; email: string; website?: string }) {
  await page.getByRole("textbox", { name: "Comment", exact: true }).fill(comment);
  await page.getByRole("textbox", { name: "Name", exact: true }).fill(name);
  await page.getByRole("textbox", { name: "Email", exact: true }).fill(email);
  if (website) await page.getByRole("textbox", { name: "Website", exact: true }).fill(website);
}

test("a guest posts a comment and sees it at its anchor with the count", async ({ page }) => {
  await page.goto("/articles/e2e-first-comment");
  await expect(page.getByRole("heading", { name: "No Comments Yet!" })).toBeVisible();
  await expect(page.getByText("This site uses Akismet to reduce spam.")).toBeVisible();
  await expect(page.getByRole("link", { name: "Learn how your comment data is processed" })).toHaveAttribute(
    "href",
    "https://akismet.com/privacy/",
  );

  await fillGuest(page, {
    comment: "A first reader comment.\n\nWith a second paragraph and a link: https://example.org/report",
    name: "Grace Reader",
    email: "grace@example.com",
    website: "https://grace.example",
  });
  await page.getByRole("button", { name: "Post Comment" }).click();

  await expect(page).toHaveURL(/\/articles\/e2e-first-comment#comment-\d+$/);
  const id = new URL(page.url()).hash.slice(1);
  const comment = page.locator(`#${id}`);
  await expect(comment).toContainText("A first reader comment.");
  // Two paragraphs of text (the author also sees Edit and Delete, in a box of their own).
  await expect(comment.locator(":scope > article > p")).toHaveCount(2);
  await expect(comment.getByRole("link", { name: "Reply to Grace Reader" })).toBeVisible();
  await expect(comment.getByRole("link", { name: "Grace Reader", exact: true })).toHaveAttribute("rel", "nofollow ugc noopener noreferrer");
  await expect(comment.getByRole("link", { name: "https://example.org/report" })).toHaveAttribute("rel", "nofollow ugc noopener noreferrer");
  await expect(comment.locator("time")).toHaveAttribute("datetime", /^\d{4}-\d\d-\d\dT/);
  await expect(page.getByRole("heading", { name: "1 Comment", exact: true })).toBeVisible();
  await expect(page.getByRole("textbox", { name: "Comment", exact: true })).toHaveValue("");

  // Everyone sees it, not only its author.
  // (On the cached page at once, or within a second when the article changed a moment before.)
  await page.context().clearCookies();
  await reloadUntil(page, "/articles/e2e-first-comment", () => expect(page.locator(`#${id}`)).toContainText("A first reader comment.", { timeout: 1_000 }));
  await expect(page.locator(`#${id}`)).not.toContainText("awaiting moderation");
});

test("a reply nests under the comment it answers", async ({ page }) => {
  await page.goto("/articles/e2e-replies");
  await fillGuest(page, { comment: "Top-level thought.", name: "Alan", email: "alan@example.com" });
  await page.getByRole("button", { name: "Post Comment" }).click();
  await expect(page).toHaveURL(/#comment-\d+$/);
  const parentId = new URL(page.url()).hash.slice(1);

  await page.locator(`#${parentId}`).getByRole("link", { name: "Reply to Alan" }).click();
  await expect(page.getByRole("heading", { name: /^Reply to Alan/ })).toBeVisible();
  await expect(page.getByRole("link", { name: "Cancel reply" })).toBeVisible();
  await fillGuest(page, { comment: "A reply to Alan.", name: "Barbara", email: "barbara@example.com" });
  await page.getByRole("button", { name: "Post Comment" }).click();

  await expect(page).toHaveURL(/#comment-\d+$/);
  const replyId = new URL(page.url()).hash.slice(1);
  expect(replyId).not.toBe(parentId);
  await expect(page.locator(`#${parentId} > ol.children > li#${replyId}`)).toContainText("A reply to Alan.");
  await expect(page.getByRole("heading", { name: "2 Comments" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Leave a Reply" })).toBeVisible();

  // Cancel reply puts the form back at the end.
  await page.locator(`#${replyId}`).getByRole("link", { name: "Reply to Barbara" }).click();
  await expect(page.getByRole("heading", { name: /^Reply to Barbara/ })).toBeVisible();
  await page.getByRole("link", { name: "Cancel reply" }).click();
  await expect(page.getByRole("heading", { name: "Leave a Reply" })).toBeVisible();
});

test("a spam comment is shown only to its author, as awaiting moderation", async ({ page, browser }) => {
  await page.goto("/articles/e2e-held-spam");
  await fillGuest(page, { comment: "Totally genuine comment.", name: "akismet-guaranteed-spam", email: "spammer@example.com" });
  await page.getByRole("button", { name: "Post Comment" }).click();

  await expect(page).toHaveURL(/#comment-\d+$/);
  const id = new URL(page.url()).hash.slice(1);
  await expect(page.locator(`#${id}`)).toContainText("Totally genuine comment.");
  await expect(page.locator(`#${id}`)).toContainText("Your comment is awaiting moderation.");
  await expect(page.getByRole("heading", { name: "No Comments Yet!" })).toBeVisible();

  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await otherPage.goto("/articles/e2e-held-spam");
  await expect(otherPage.getByRole("heading", { name: "No Comments Yet!" })).toBeVisible();
  await expect(otherPage.getByText("Totally genuine comment.")).toHaveCount(0);
  await expect(otherPage.locator(`#${id}`)).toHaveCount(0);
  await other.close();
});

test("empty or oversize input shows field errors and keeps what was typed", async ({ page }) => {
  await page.goto("/articles/e2e-validation");
  await page.getByRole("textbox", { name: "Name", exact: true }).fill("Kept Name");
  await page.getByRole("textbox", { name: "Email", exact: true }).fill("not-an-email");
  await page.getByRole("textbox", { name: "Website", exact: true }).fill("ftp://files.example");
  await page.getByRole("button", { name: "Post Comment" }).click();

  await expect(page.getByRole("alert").filter({ hasText: "Please correct" })).toHaveText("Please correct the highlighted fields; your comment has been kept.");
  await expect(page.getByText("Please type your comment.")).toBeVisible();
  await expect(page.getByText("Please enter a valid email address, like name@example.com.")).toBeVisible();
  await expect(page.getByText("Your website must be a full address starting with http:// or https://.")).toBeVisible();
  await expect(page.getByRole("textbox", { name: "Comment", exact: true })).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByRole("textbox", { name: "Name", exact: true })).toHaveValue("Kept Name");
  await expect(page.getByRole("textbox", { name: "Email", exact: true })).toHaveValue("not-an-email");

  const long = "x".repeat(65_526);
  await page.getByRole("textbox", { name: "Comment", exact: true }).fill(long);
  await page.getByRole("textbox", { name: "Email", exact: true }).fill("kept@example.com");
  await page.getByRole("textbox", { name: "Website", exact: true }).fill("");
  await page.getByRole("button", { name: "Post Comment" }).click();
  await expect(page.getByText("Your comment is too long: at most 65,525 characters (it has 65,526).")).toBeVisible();
  await expect(page.getByRole("textbox", { name: "Comment", exact: true })).toHaveValue(long);
  await expect(page.getByRole("heading", { name: "No Comments Yet!" })).toBeVisible();
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the form posts, redirects to the comment, and shows errors", async ({ page }) => {
    await page.goto("/articles/e2e-no-js");
    await page.getByRole("textbox", { name: "Comment", exact: true }).fill("");
    await page.getByRole("textbox", { name: "Name", exact: true }).fill("No Script");
    await page.getByRole("button", { name: "Post Comment" }).click();
    await expect(page.getByText("Please type your comment.")).toBeVisible();
    await expect(page.getByText("Please enter your email address.")).toBeVisible();
    await expect(page.getByRole("textbox", { name: "Name", exact: true })).toHaveValue("No Script");

    await fillGuest(page, { comment: "Posted with JavaScript off.", name: "No Script", email: "noscript@example.com" });
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === "POST"),
      page.getByRole("button", { name: "Post Comment" }).click(),
    ]);
    expect(response.status()).toBe(303);
    await expect(page).toHaveURL(/\/articles\/e2e-no-js#comment-\d+$/);
    const id = new URL(page.url()).hash.slice(1);
    await expect(page.locator(`#${id}`)).toContainText("Posted with JavaScript off.");
    await expect(page.getByRole("heading", { name: "1 Comment", exact: true })).toBeVisible();
  });
});

test("'Save my name, email, and website' fills the form next time", async ({ page }) => {
  await page.goto("/articles/e2e-remember");
  await fillGuest(page, { comment: "Remember me.", name: "Rosa", email: "rosa@example.com", website: "https://rosa.example" });
  await page.getByLabel("Save my name, email, and website in this browser for the next time I comment.").check();
  await page.getByRole("button", { name: "Post Comment" }).click();
  await expect(page).toHaveURL(/#comment-\d+$/);

  await page.goto("/articles/e2e-remember");
  await expect(page.getByRole("textbox", { name: "Name", exact: true })).toHaveValue("Rosa");
  await expect(page.getByRole("textbox", { name: "Email", exact: true })).toHaveValue("rosa@example.com");
  await expect(page.getByRole("textbox", { name: "Website", exact: true })).toHaveValue("https://rosa.example");
  await expect(page.getByLabel("Save my name, email, and website in this browser for the next time I comment.")).toBeChecked();
});

test("the JSON API lists approved comments and refuses other origins", async ({ request, baseURL }) => {
  const list = await request.get("/api/articles/e2e-first-comment/comments");
  expect(list.status()).toBe(200);
  const body = await list.json();
  expect(body.total).toBeGreaterThanOrEqual(1);
  expect(body.comments[0]).toMatchObject({ author: { name: "Grace Reader" }, content: expect.stringContaining("A first reader comment.") });

  const foreign = await request.post("/api/articles/e2e-first-comment/comments", {
    headers: { Origin: "https://evil.example" },
    data: { content: "csrf", name: "x", email: "x@example.com" },
  });
  expect(foreign.status()).toBe(403);

  const own = await request.post("/api/articles/e2e-first-comment/comments", {
    headers: { Origin: baseURL! },
    data: { content: "Posted through the API.", name: "Api", email: "api@example.com", formToken: body.formToken },
  });
  expect(own.status()).toBe(201);
  expect(await own.json()).toMatchObject({ status: "approved" });
  const spam = await request.post("/api/articles/e2e-first-comment/comments", {
    headers: { Origin: baseURL! },
    data: { content: "Buy now", name: "akismet-guaranteed-spam", email: "s@example.com", formToken: body.formToken },
  });
  expect(await spam.json()).toMatchObject({ status: "pending", message: "Your comment is awaiting moderation." });
});
