import { expect, test, type Page } from "./support/test";
import { e2eDb } from "./support/accounts";

const ARTICLE = "/articles/e2e-form-failures";

async function fillGuest(page: Page, { comment, name, email }: { comment: string; name: string; email: string }) {
  await page.getByRole("textbox", { name: "Comment", exact: true }).fill(comment);
  await page.getByRole("textbox", { name: "Name", exact: true }).fill(name);
  await page.getByRole("textbox", { name: "Email", exact: true }).fill(email);
}

const commentBox = (page: Page) => page.getByRole("textbox", { name: "Comment", exact: true });
const nameBox = (page: Page) => page.getByRole("textbox", { name: "Name", exact: true });

/** A real fault in the running server: the database refuses comments by this author. */
function withRefusingDatabase(author: string) {
  const trigger = `e2e_refuse_${author.replace(/\W/g, "_")}`;
  const db = e2eDb();
  db.exec(
    `create trigger ${trigger} before insert on comments when new.author_name = '${author}' begin select raise(abort, 'disk I/O error (simulated by the e2e test)'); end`,
  );
  db.close();
  return () => {
    const again = e2eDb();
    again.exec(`drop trigger if exists ${trigger}`);
    again.close();
  };
}

for (const javaScriptEnabled of [true, false]) {
  const mode = javaScriptEnabled ? "with JavaScript" : "without JavaScript";

  test.describe(`comment form failures ${mode}`, () => {
    test.use({ javaScriptEnabled });

    test("a name with a right-to-left override is refused with a field error and the text kept", async ({ page }) => {
      await page.goto(ARTICLE);
      const name = "\u202eroTaredoM";
      const text = `Pretending to be staff (${mode}).`;
      await fillGuest(page, { comment: text, name, email: "rlo@example.com" });
      await page.getByRole("button", { name: "Post Comment" }).click();

      await expect(page.locator("#name-error")).toHaveText("Your name contains an invisible or control character (U+202E). Please remove it.");
      await expect(nameBox(page)).toHaveAttribute("aria-invalid", "true");
      await expect(commentBox(page)).toHaveValue(text);
      await expect(nameBox(page)).toHaveValue(name);
      await expect(page.locator('li[id^="comment-"]', { hasText: text })).toHaveCount(0); // not posted
    });

    test("an unexpected server error answers with the form, a clear message and the text kept", async ({ page }) => {
      const author = javaScriptEnabled ? "Fault Js" : "Fault NoJs";
      const restore = withRefusingDatabase(author);
      try {
        await page.goto(ARTICLE);
        const text = `Typed for a long time; the server fails (${mode}).\n\nSecond paragraph.`;
        await fillGuest(page, { comment: text, name: author, email: "fault@example.com" });
        const response = page.waitForResponse((r) => r.request().method() === "POST");
        await page.getByRole("button", { name: "Post Comment" }).click();
        expect((await response).status()).toBeLessThan(500);

        await expect(page.locator("form.comment-form").getByRole("alert")).toHaveText(
          "Something went wrong on our side; your comment is below, please try again.",
        );
        await expect(commentBox(page)).toHaveValue(text);
        await expect(nameBox(page)).toHaveValue(author);
      } finally {
        restore();
      }
      // Once the fault is gone, posting again works.
      await page.getByRole("button", { name: "Post Comment" }).click();
      await expect(page).toHaveURL(/#comment-\d+$/);
    });
  });
}

test.describe("a comment over the size limit", () => {
  const HUGE = "word ".repeat(240_000); // 1.2 MB, over the 1 MB server-action limit

  test("with JavaScript, is refused before sending, with a clear message and the text kept", async ({ page }) => {
    await page.goto(ARTICLE);
    await fillGuest(page, { comment: HUGE, name: "Big Poster", email: "big@example.com" });
    const posts: string[] = [];
    page.on("request", (r) => {
      if (r.method() === "POST") posts.push(r.url());
    });
    await page.getByRole("button", { name: "Post Comment" }).click();

    await expect(page.locator("#content-error")).toHaveText("Your comment is too long: at most 65,525 characters (it has 1,200,000).");
    await expect(page.locator("form.comment-form").getByRole("alert")).toHaveText("Please correct the highlighted fields; your comment has been kept.");
    expect((await commentBox(page).inputValue()).length).toBe(HUGE.length);
    await expect(nameBox(page)).toHaveValue("Big Poster");
    expect(posts).toEqual([]);

    // Shortened, it posts.
    await commentBox(page).fill("A shorter version.");
    await page.getByRole("button", { name: "Post Comment" }).click();
    await expect(page).toHaveURL(/#comment-\d+$/);
  });

  test("without JavaScript, the browser cannot exceed the limit, and a forced oversized post gets a clear page, not a 500", async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(ARTICLE);
    await expect(commentBox(page)).toHaveAttribute("maxlength", "65525");

    // A browser without maxlength support (or an edited page) sends it anyway.
    await commentBox(page).evaluate((el) => el.removeAttribute("maxlength"));
    await fillGuest(page, { comment: HUGE, name: "Big Poster", email: "big@example.com" });
    const response = page.waitForResponse((r) => r.request().method() === "POST");
    await page.getByRole("button", { name: "Post Comment" }).click();
    expect((await response).status()).toBe(413);
    await expect(page.getByRole("heading", { name: "Your comment is too large to send" })).toBeVisible();
    await expect(page.getByText("at most 65,525 characters")).toBeVisible();
    await expect(page.getByRole("link", { name: "Back to the article" })).toHaveAttribute("href", ARTICLE);
    await context.close();
  });
});
