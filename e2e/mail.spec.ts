import { expect, test, type Page } from "./support/test";
import { createAccount, e2eDb, signInAs, type TestAccount } from "./support/accounts";
import { messagesTo, waitForMail } from "./support/mail";
import { reloadUntil } from "./support/page-cache";

const ARTICLE = "/articles/e2e-mail";
let moderator: TestAccount;

test.beforeAll(async () => {
  moderator = await createAccount("moderator", { name: "Mia Moderator" });
});

async function fillGuest(page: Page, { comment, name, email }: { comment: string; name: string; email: string }) {
  await page.getByRole("textbox", { name: "Comment", exact: true }).fill(comment);
  await page.getByRole("textbox", { name: "Name", exact: true }).fill(name);
  await page.getByRole("textbox", { name: "Email", exact: true }).fill(email);
}

function outboxRowsTo(address: string): number {
  const db = e2eDb();
  try {
    return (db.prepare("select count(*) as n from mail_outbox where lower(to_address) = lower(?)").get(address) as { n: number }).n;
  } finally {
    db.close();
  }
}

test("a held reply is mailed to the author who asked once a moderator approves it; the unsubscribe link works", async ({ browser, baseURL }) => {
  const tag = Date.now().toString(36);
  const ada = `ada-${tag}@example.com`;

  // Ada comments and asks to hear about replies.
  const adaContext = await browser.newContext();
  const adaPage = await adaContext.newPage();
  await adaPage.goto(ARTICLE);
  await fillGuest(adaPage, { comment: `Where did the money go? (${tag})`, name: "Ada", email: ada });
  await adaPage.getByLabel("Notify me of follow-up comments by email.").check();
  await adaPage.getByRole("button", { name: "Post Comment" }).click();
  await expect(adaPage).toHaveURL(/#comment-\d+$/);
  const adaAnchor = new URL(adaPage.url()).hash.slice(1);

  // Double opt-in: the address is asked to confirm first.
  const [confirmation] = await waitForMail(ada);
  expect(confirmation!.subject).toBe("Confirm reply notifications from The Newsroom");
  await adaPage.goto(/confirm here: (\S+)/.exec(confirmation!.text)![1]!);
  await adaPage.getByRole("button", { name: "Confirm reply notifications" }).click();
  await expect(adaPage.getByRole("status")).toContainText("Confirmed: you will get an email when someone replies");

  // Bo replies with three links: held for moderation (more than 2 links).
  const boContext = await browser.newContext();
  const bo = await boContext.newPage();
  await bo.goto(ARTICLE);
  await bo.locator(`#${adaAnchor}`).getByRole("link", { name: "Reply to Ada" }).click();
  await expect(bo.getByRole("heading", { name: /^Reply to Ada/ })).toBeVisible();
  const replyText = `See https://a.example/1 and https://b.example/2 and https://c.example/3 (${tag})`;
  await fillGuest(bo, { comment: replyText, name: "Bo", email: `bo-${tag}@example.com` });
  await bo.getByRole("button", { name: "Post Comment" }).click();
  await expect(bo.getByText("Your comment is awaiting moderation.")).toBeVisible();

  // Held: nothing more queued for Ada.
  expect(outboxRowsTo(ada)).toBe(1);

  // The moderator approves it.
  const modContext = await browser.newContext();
  await signInAs(modContext, moderator, baseURL!);
  const mod = await modContext.newPage();
  await mod.goto("/moderation");
  const item = mod.locator("[data-queue-item]", { hasText: replyText });
  await expect(item).toContainText("Held");
  await item.getByRole("button", { name: "Approve" }).click();
  await expect(mod.getByRole("status").filter({ hasText: "1 comment approved." })).toBeVisible();

  // The mail arrives, with one-click unsubscribe headers.
  const message = (await waitForMail(ada, 2)).find((m) => m.subject.startsWith("Bo replied"));
  expect(message!.subject).toBe("Bo replied to your comment on “E2E article: reply mail”");
  expect(message!.text).toContain(replyText);
  expect(message!.headers["list-unsubscribe-post"]).toBe("List-Unsubscribe=One-Click");
  const oneClickUrl = /^<([^>]+)>$/.exec(message!.headers["list-unsubscribe"]!)![1]!;
  expect(oneClickUrl.startsWith(`${baseURL}/api/unsubscribe?token=`)).toBe(true);

  // The "Read it" link leads to the reply on the article.
  const readUrl = /Read it and answer: (\S+)/.exec(message!.text)![1]!;
  // (Approved within a second of the article's last change, it is on the cached page once that second has passed.)
  await reloadUntil(adaPage, readUrl, async () => {
    await expect(adaPage).toHaveURL(/\/articles\/e2e-mail(\?cpage=\d+)?#comment-\d+$/);
    await expect(adaPage.locator(new URL(adaPage.url()).hash)).toContainText(replyText, { timeout: 1_000 });
  });

  // Ada follows the link in the message: one button, then done.
  const pageUrl = /Stop these messages: (\S+)/.exec(message!.text)![1]!;
  await adaPage.goto(pageUrl);
  await expect(adaPage.getByRole("heading", { name: "Unsubscribe" })).toBeVisible();
  await adaPage.getByRole("button", { name: "Unsubscribe from reply notifications" }).click();
  await expect(adaPage.getByRole("status")).toContainText("You are unsubscribed");

  // The header's one-click POST (RFC 8058) answers 200 too, from anywhere.
  const oneClick = await fetch(oneClickUrl, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "List-Unsubscribe=One-Click",
  });
  expect(oneClick.status).toBe(200);
  const forged = await fetch(oneClickUrl.replace(/.$/, (c) => (c === "A" ? "B" : "A")), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "List-Unsubscribe=One-Click",
  });
  expect(forged.status).toBe(400);

  // Another approved reply: nothing more for Ada.
  await bo.goto(ARTICLE);
  await bo.locator(`#${adaAnchor}`).getByRole("link", { name: "Reply to Ada" }).click();
  await expect(bo.getByRole("heading", { name: /^Reply to Ada/ })).toBeVisible();
  await fillGuest(bo, { comment: `One more thought without links (${tag})`, name: "Bo", email: `bo-${tag}@example.com` });
  await bo.getByRole("button", { name: "Post Comment" }).click();
  await expect(bo).toHaveURL(/#comment-\d+$/);
  await expect(bo.locator(new URL(bo.url()).hash)).not.toContainText("awaiting moderation");
  expect(outboxRowsTo(ada)).toBe(2);
  expect(await messagesTo(ada)).toHaveLength(2);

  await Promise.all([adaContext.close(), boContext.close(), modContext.close()]);
});

test("the comment form offers reply notifications when mail is on, and /admin says where mail goes", async ({ page, context, baseURL }) => {
  await page.goto(ARTICLE);
  await expect(page.getByLabel("Notify me of follow-up comments by email.")).not.toBeChecked();
  const admin = await createAccount("admin");
  await signInAs(context, admin, baseURL!);
  await page.goto("/admin");
  const panel = page.locator("section", { has: page.getByRole("heading", { name: "Mail" }) });
  await expect(panel).toContainText("Mail is on: messages go to smtp://127.0.0.1:");
  await expect(panel).toContainText(/Outbox: \d+ waiting/);
});
