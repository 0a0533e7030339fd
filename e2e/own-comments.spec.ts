import { expect, test, type Page } from "./support/test";
import { createAccount, signInAs } from "./support/accounts";
import { reloadUntil } from "./support/page-cache";

async function postAsGuest(page: Page, comment: string, name: string) {
  await page.getByRole("textbox", { name: "Comment", exact: true }).fill(comment);
  await page.getByRole("textbox", { name: "Name", exact: true }).fill(name);
  await page.getByRole("textbox", { name: "Email", exact: true }).fill(`${name.toLowerCase().replace(/\W+/g, ".")}@example.com`);
  return submitAndWait(page);
}

/** Posts the comment form and waits for the redirect to the new comment's anchor; returns "comment-<id>". */
async function submitAndWait(page: Page) {
  const before = page.url();
  await page.getByRole("button", { name: "Post Comment" }).click();
  await expect.poll(() => page.url()).not.toBe(before);
  await expect(page).toHaveURL(/#comment-\d+$/);
  return new URL(page.url()).hash.slice(1);
}

test("a guest edits their comment within the window, and deletes it with its reply kept", async ({ page, browser, baseURL }) => {
  await page.goto("/articles/e2e-own-comments");
  const id = await postAsGuest(page, "The mayor said 40 new buses.", "Olive Owner");
  const mine = page.locator(`#${id}`);
  await expect(mine).toContainText("The mayor said 40 new buses.");
  await expect(mine).not.toContainText("Edited");

  // Edit: the form opens in place with the text, and the page comes back at the comment.
  await mine.getByText("Edit", { exact: true }).click();
  const box = mine.getByRole("textbox", { name: "Your comment" });
  await expect(box).toHaveValue("The mayor said 40 new buses.");
  await expect(mine).toContainText(/You can edit this comment for (\d+ minutes|less than a minute) more/);
  await box.fill("The mayor said 45 new buses (corrected).");
  await mine.getByRole("button", { name: "Save changes" }).click();
  await expect(page).toHaveURL(new RegExp(`#${id}$`));
  await expect(mine.locator(":scope > article > p").first()).toHaveText("The mayor said 45 new buses (corrected).");
  await expect(mine.locator(":scope > article > a").first()).toContainText("Edited");
  await page.screenshot({ path: test.info().outputPath("own-comment-edited.png"), fullPage: true });

  // Another browser: the new text, "Edited", and no controls of the author's.
  // (Edited within a second of posting: the cached page has it once that second has passed.)
  const other = await browser.newContext({ baseURL });
  const otherPage = await other.newPage();
  const seen = otherPage.locator(`#${id}`);
  await reloadUntil(otherPage, "/articles/e2e-own-comments", () => expect(seen).toContainText("The mayor said 45 new buses (corrected).", { timeout: 1_000 }));
  await expect(seen).toContainText("Edited");
  await expect(seen.getByText("Edit", { exact: true })).toHaveCount(0);
  await expect(seen.getByText("Delete", { exact: true })).toHaveCount(0);
  await expect(otherPage.locator("textarea[name=content]")).toHaveCount(1); // only the comment form
  // It replies, and then sees its own reply's controls, never the parent's.
  await seen.getByRole("link", { name: "Reply to Olive Owner" }).click();
  await expect(otherPage.getByRole("heading", { name: /^Reply to Olive Owner/ })).toBeVisible();
  const replyId = await postAsGuest(otherPage, "Forty-five is what the council minutes say too.", "Rita Replier");
  await expect(otherPage.locator(`#${id}`).getByText("Edit", { exact: true })).toHaveCount(1); // the reply's, inside the thread
  await expect(otherPage.locator(`#${replyId}`).getByText("Edit", { exact: true })).toHaveCount(1);
  await expect(otherPage.locator(`#${id} > article`).getByText("Edit", { exact: true })).toHaveCount(0);
  await other.close();

  // Delete, with a confirmation step: the reply stays and moves up.
  await reloadUntil(page, "/articles/e2e-own-comments", () => expect(page.locator(`#${replyId}`)).toContainText("Forty-five is what the council minutes say too.", { timeout: 1_000 }));
  await mine.locator(":scope > article").getByText("Delete", { exact: true }).click();
  await expect(mine.locator(":scope > article")).toContainText("Delete this comment for good? Replies to it stay on the page.");
  await page.screenshot({ path: test.info().outputPath("own-comment-delete-confirm.png"), fullPage: true });
  await mine.locator(":scope > article").getByRole("button", { name: "Yes, delete my comment" }).click();
  await expect(page).toHaveURL(/\/articles\/e2e-own-comments#comments$/);
  await expect(page.locator(`#${id}`)).toHaveCount(0);
  await expect(page.locator(`ol.comment-list > li#${replyId}`)).toContainText("Forty-five is what the council minutes say too.");
  await expect(page.getByText("The mayor said 45 new buses")).toHaveCount(0);
});

test("editing and deleting work without JavaScript", async ({ browser, baseURL }) => {
  const context = await browser.newContext({ baseURL, javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto("/articles/e2e-own-comments-no-js");
  const id = await postAsGuest(page, "Written with scripts off.", "Nora NoScript");
  const mine = page.locator(`#${id}`);

  // An empty edit is refused with the reason, the form open again.
  await mine.getByText("Edit", { exact: true }).click();
  await mine.getByRole("textbox", { name: "Your comment" }).fill("   ");
  await mine.getByRole("button", { name: "Save changes" }).click();
  await expect(page.locator(`#${id}`)).toContainText("Please type your comment.");

  await page.goto("/articles/e2e-own-comments-no-js");
  await page.locator(`#${id}`).getByText("Edit", { exact: true }).click();
  await page.locator(`#${id}`).getByRole("textbox", { name: "Your comment" }).fill("Written with scripts off, then fixed.");
  await page.locator(`#${id}`).getByRole("button", { name: "Save changes" }).click();
  await expect(page).toHaveURL(new RegExp(`#${id}$`));
  await expect(page.locator(`#${id}`)).toContainText("Written with scripts off, then fixed.");
  await expect(page.locator(`#${id}`)).toContainText("Edited");

  await page.locator(`#${id}`).getByText("Delete", { exact: true }).click();
  await page.locator(`#${id}`).getByRole("button", { name: "Yes, delete my comment" }).click();
  await expect(page).toHaveURL(/#comments$/);
  await expect(page.locator(`#${id}`)).toHaveCount(0);
  await context.close();
});

test("a signed-in reader sees their comments and statuses on the my-comments page", async ({ page, baseURL }) => {
  // Signed out: sent to sign in, and back here afterwards.
  await page.goto("/account/comments");
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Faccount%2Fcomments$/);

  const reader = await createAccount("reader");
  await signInAs(page.context(), reader, baseURL!);
  await page.goto("/account");
  await page.getByRole("link", { name: "Your comments" }).click();
  await expect(page).toHaveURL(/\/account\/comments$/);
  await expect(page.getByText("You have not commented yet while signed in.")).toBeVisible();

  await page.goto("/articles/e2e-own-comments-account");
  await page.getByRole("textbox", { name: "Comment", exact: true }).fill("A published comment from my account.");
  const publishedId = await submitAndWait(page);
  await page.getByRole("textbox", { name: "Comment", exact: true }).fill("Cheap casino bonus here, trust me.");
  const spamId = await submitAndWait(page);
  expect(spamId).not.toBe(publishedId);
  await expect(page.locator(`#${spamId}`)).toContainText("Your comment is awaiting moderation.");

  await page.goto("/account/comments");
  await expect(page.getByRole("heading", { name: "Your comments" })).toBeVisible();
  const items = page.locator("ol > li");
  await expect(items).toHaveCount(2);
  // Newest first; spam reads as awaiting moderation, never "spam", with Edit and Delete as a held comment has.
  await expect(items.nth(0)).toHaveAttribute("id", spamId);
  await expect(items.nth(0)).toContainText("Awaiting moderation");
  await expect(items.nth(0)).toContainText("Cheap casino bonus here");
  await expect(items.nth(0).getByText("Edit", { exact: true })).toHaveCount(1);
  await expect(items.nth(0).getByText("Delete", { exact: true })).toHaveCount(1);
  await expect(items.nth(1)).toHaveAttribute("id", publishedId);
  await expect(items.nth(1)).toContainText("Published");
  await expect(items.nth(1)).toContainText("E2E article: own-comments-account");
  expect((await items.nth(0).innerHTML()).replaceAll("It is checked for spam again.", "")).not.toMatch(/spam/i);
  await page.screenshot({ path: test.info().outputPath("my-comments.png"), fullPage: true });

  // Edit from the list: back to the list, marked edited.
  await items.nth(1).getByText("Edit", { exact: true }).click();
  await items.nth(1).getByRole("textbox", { name: "Your comment" }).fill("A published comment from my account, edited from the list.");
  await items.nth(1).getByRole("button", { name: "Save changes" }).click();
  await expect(page).toHaveURL(new RegExp(`/account/comments#${publishedId}$`));
  await expect(page.locator(`#${publishedId}`)).toContainText("edited from the list");
  await expect(page.locator(`#${publishedId}`)).toContainText("Edited");
  await expect(page.locator(`#${publishedId}`)).toContainText("Published");

  // The title links to the comment where it is shown.
  await page.locator(`#${publishedId}`).getByRole("link", { name: "E2E article: own-comments-account" }).click();
  await expect(page).toHaveURL(new RegExp(`/articles/e2e-own-comments-account#${publishedId}$`));
  await expect(page.locator(`#${publishedId}`)).toContainText("edited from the list");
});

test("the JSON API edits and deletes for the author only", async ({ page, browser, baseURL }) => {
  await page.goto("/articles/e2e-own-comments-no-js");
  const anchor = await postAsGuest(page, "Posted, then changed through the API.", "Ada Api");
  const id = anchor.replace("comment-", "");
  const url = `/api/articles/e2e-own-comments-no-js/comments/${id}`;
  const headers = { origin: baseURL! };

  // Someone else's browser is refused.
  const stranger = await browser.newContext({ baseURL });
  const refused = await stranger.request.patch(url, { headers, data: { content: "Hijacked.", version: 0 } });
  expect(refused.status()).toBe(403);
  expect(await refused.json()).toEqual({ error: "You can only change your own comments." });
  expect((await stranger.request.delete(url, { headers })).status()).toBe(403);
  await stranger.close();

  const edited = await page.request.patch(url, { headers, data: { content: "Changed through the API.", version: 0 } });
  expect(edited.status()).toBe(200);
  const body = (await edited.json()) as { status: string; version: number; location: string };
  expect(body).toMatchObject({ status: "approved", location: expect.stringContaining(`#${anchor}`) });
  // A second edit from the version read before the first one: refused, nothing lost silently.
  const stale = await page.request.patch(url, { headers, data: { content: "From an old tab.", version: 0 } });
  expect(stale.status()).toBe(409);
  await page.reload();
  await expect(page.locator(`#${anchor}`)).toContainText("Changed through the API.");

  const deleted = await page.request.delete(url, { headers });
  expect(deleted.status()).toBe(200);
  expect(await deleted.json()).toMatchObject({ deleted: true, repliesKept: 0 });
  await page.reload();
  await expect(page.locator(`#${anchor}`)).toHaveCount(0);
});

/** A comment as its author sees it, without what is its own by nature: id, avatar, time, version, the word that tells the two texts apart. */
async function authorView(page: Page, id: string, word: string): Promise<string> {
  const html = await page.locator(`#${id}`).evaluate((li) => li.outerHTML);
  // The edit window first: its number of minutes may be the comment's id.
  return html
    .replace(/for (\d+ minutes|less than a minute) more/g, "for N more")
    .replace(new RegExp(`\\b${id.replace("comment-", "")}\\b`, "g"), "ID")
    .replaceAll(word, "WORD")
    .replace(/\/avatars\/[\w-]+\.svg/g, "/avatars/A.svg")
    .replace(/<time[^>]*>[^<]*<\/time>/g, "<time></time>")
    .replace(/name="version" value="\d+"/g, 'name="version" value="V"')
    .replace(/value="\d+" name="version"/g, 'value="V" name="version"')
    // React's fields for a form posted before hydration: numbered by their place on the page.
    .replace(/\$ACTION_(REF_)?\d+/g, "$ACTION_N")
    .replace(/name="\$ACTION_KEY" value="\w+"/g, 'name="$ACTION_KEY" value="K"');
}

test("a spam comment shows Edit and Delete exactly like a held one, and both work", async ({ page, browser, baseURL }) => {
  await page.goto("/articles/e2e-own-held-spam");
  // Held: three links (more than the site's limit of 2) wait for a moderator; Akismet says ham.
  const links = "https://a.example/1 https://b.example/2 https://c.example/3";
  const heldId = await postAsGuest(page, `Sources (alpha): ${links}`, "Sam Same");
  // Spam: the same links, and Akismet's test author, whom the local Akismet server calls spam.
  await page.getByRole("textbox", { name: "Comment", exact: true }).fill(`Sources (omega): ${links}`);
  await page.getByRole("textbox", { name: "Name", exact: true }).fill("Sam Same");
  await page.getByRole("textbox", { name: "Email", exact: true }).fill("akismet-guaranteed-spam@example.com");
  const spamId = await submitAndWait(page);
  expect(spamId).not.toBe(heldId);

  const held = page.locator(`#${heldId}`);
  const spam = page.locator(`#${spamId}`);
  for (const mine of [held, spam]) {
    await expect(mine).toContainText("Your comment is awaiting moderation.");
    await expect(mine).toHaveClass("held");
    await expect(mine.getByText("Edit", { exact: true })).toHaveCount(1);
    await expect(mine.getByText("Delete", { exact: true })).toHaveCount(1);
  }
  // The same markup, classes and attributes, but for the id, avatar, time and the one word.
  expect(await authorView(page, spamId, "omega")).toBe(await authorView(page, heldId, "alpha"));
  await page.screenshot({ path: test.info().outputPath("own-held-and-spam.png"), fullPage: true });

  // Both edit the same way: back at the comment, edited, still awaiting moderation.
  for (const [id, word] of [[heldId, "alpha"], [spamId, "omega"]] as const) {
    const mine = page.locator(`#${id}`);
    await mine.getByText("Edit", { exact: true }).click();
    await mine.getByRole("textbox", { name: "Your comment" }).fill(`Sources (${word}), corrected: ${links}`);
    await mine.getByRole("button", { name: "Save changes" }).click();
    await expect(page).toHaveURL(new RegExp(`#${id}$`));
    // (From a page whose address names another comment, the router only scrolls: the page is read again.)
    await page.reload();
    await expect(page.locator(`#${id}`)).toContainText(`Sources (${word}), corrected:`);
    await expect(page.locator(`#${id}`)).toContainText("Edited");
    await expect(page.locator(`#${id}`)).toContainText("Your comment is awaiting moderation.");
  }
  expect(await authorView(page, spamId, "omega")).toBe(await authorView(page, heldId, "alpha"));

  // Nobody else sees either.
  const other = await browser.newContext({ baseURL });
  const otherPage = await other.newPage();
  await otherPage.goto("/articles/e2e-own-held-spam");
  await expect(otherPage.locator(`#${heldId}`)).toHaveCount(0);
  await expect(otherPage.locator(`#${spamId}`)).toHaveCount(0);
  await other.close();

  // Both delete the same way.
  for (const id of [heldId, spamId]) {
    await page.locator(`#${id}`).getByText("Delete", { exact: true }).click();
    await page.locator(`#${id}`).getByRole("button", { name: "Yes, delete my comment" }).click();
    await expect(page).toHaveURL(/\/articles\/e2e-own-held-spam#comments$/);
    await page.reload();
    await expect(page.locator(`#${id}`)).toHaveCount(0);
  }
  await page.reload();
  await expect(page.getByText("Sources (")).toHaveCount(0);
});
