/**
 * One cached article page for every reader with JavaScript (issue 20, docs/decisions/022):
 * a signed-in reader, a reader whose name is remembered and a reader with a held
 * comment of their own all get the page every reader shares (public, from the page
 * cache), and their own parts arrive in one small request after load that no shared
 * cache may keep. Without JavaScript the same readers get the page rendered for them,
 * with the same parts. Nobody else ever sees them.
 */
import { expect, test, type Browser, type Page, type Request, type Response } from "./support/test";
import { createAccount, signInAs } from "./support/accounts";

const SLUG = "e2e-personal";
const ARTICLE = `/articles/${SLUG}`;

type Reader = "signed-in" | "remembered" | "held";

/** A browser for one kind of reader: its cookies made the way the app makes them. */
async function readerPage(browser: Browser, baseURL: string, kind: Reader, javaScriptEnabled: boolean): Promise<{ page: Page; expectOwn: (page: Page) => Promise<void> }> {
  const context = await browser.newContext({ baseURL, javaScriptEnabled });
  const page = await context.newPage();
  const tag = `${kind} ${javaScriptEnabled ? "js" : "nojs"} ${Date.now().toString(36)}`;
  if (kind === "signed-in") {
    const account = await createAccount("editor");
    await signInAs(context, account, baseURL);
    return {
      page,
      expectOwn: async (p) => {
        await expect(p.getByText(`Logged in as ${account.name}.`)).toBeVisible();
        await expect(p.getByRole("textbox", { name: "Name", exact: true })).toHaveCount(0);
        // The header knows the account and its staff area.
        const nav = p.getByRole("navigation", { name: "Site" });
        await expect(nav.getByRole("link", { name: account.name })).toBeVisible();
        await expect(nav.getByRole("link", { name: "Editor", exact: true })).toBeVisible();
        await expect(nav.getByRole("button", { name: "Sign out" })).toBeVisible();
      },
    };
  }
  // Guests post once: a remembered one with "Save my name…" ticked, a held one as Akismet's sure spammer.
  await page.goto(ARTICLE);
  const name = kind === "remembered" ? `Remembered ${tag}` : "akismet-guaranteed-spam";
  const text = `A comment by a ${tag} reader.`;
  await page.getByRole("textbox", { name: "Comment", exact: true }).fill(text);
  await page.getByRole("textbox", { name: "Name", exact: true }).fill(name);
  await page.getByRole("textbox", { name: "Email", exact: true }).fill("personal@example.com");
  if (kind === "remembered") await page.getByRole("checkbox", { name: /Save my name, email, and website/ }).check();
  await page.getByRole("button", { name: "Post Comment" }).click();
  await expect(page).toHaveURL(/#comment-\d+$/);
  const anchor = new URL(page.url()).hash;
  return {
    page,
    expectOwn: async (p) => {
      if (kind === "remembered") {
        await expect(p.getByRole("textbox", { name: "Name", exact: true })).toHaveValue(name);
        await expect(p.getByRole("textbox", { name: "Email", exact: true })).toHaveValue("personal@example.com");
      } else {
        await expect(p.locator(anchor)).toContainText(text);
        await expect(p.locator(anchor)).toContainText("Your comment is awaiting moderation.");
        await expect(p.locator(anchor).getByText("Edit", { exact: true })).toBeVisible();
      }
    },
  };
}

/**
 * The article, loaded as a reader would, with the personal requests it made once its
 * script has run. With JavaScript the live thread's stream is opened by the same
 * render that asks for the personal view, so the page has asked by the time the
 * stream answers; without it, the page is done when it has loaded.
 */
async function open(page: Page, javaScriptEnabled: boolean): Promise<{ document: Response; personal: Response[] }> {
  const asked: Request[] = [];
  const listener = (request: Request) => {
    if (new URL(request.url()).pathname === `/api/articles/${SLUG}/personal`) asked.push(request);
  };
  page.on("request", listener);
  const stream = javaScriptEnabled ? page.waitForResponse((r) => new URL(r.url()).pathname === `/api/articles/${SLUG}/live`) : null;
  const document = (await page.goto(ARTICLE))!;
  await stream;
  page.off("request", listener);
  const personal = await Promise.all(asked.map(async (request) => (await request.response())!));
  return { document, personal };
}

/** Any page, until its script has said the browser runs it (the nr_js cookie): from then on, article pages are the shared ones. */
async function runScriptOnce(page: Page): Promise<void> {
  await page.goto("/");
  await expect.poll(async () => (await page.context().cookies()).some((c) => c.name === "nr_js" && c.value === "1")).toBe(true);
}

for (const kind of ["signed-in", "remembered", "held"] as const) {
  test(`with JavaScript, a ${kind} reader gets the shared cached page and their own parts on top; nobody else sees them`, async ({ browser, baseURL }) => {
    const { page, expectOwn } = await readerPage(browser, baseURL!, kind, true);
    await runScriptOnce(page);
    const { document, personal } = await open(page, true);
    // The page every reader shares: shareable, and no different from an anonymous reader's.
    expect(document.headers()["cache-control"]).toMatch(/^public, /);
    await expectOwn(page);
    // Their own parts came in one request that no shared cache may keep.
    expect(personal).toHaveLength(1);
    expect(personal[0]!.status()).toBe(200);
    expect(personal[0]!.headers()["cache-control"]).toBe("private, no-store");
    expect(personal[0]!.headers()["vary"]).toMatch(/Cookie/i);
    expect((await personal[0]!.body()).length).toBeLessThan(kind === "held" ? 4096 : 2048);
    await page.screenshot({ path: test.info().outputPath(`personal-${kind}.png`), fullPage: true });

    // Another reader: the same page, no personal request, none of the first one's parts.
    const stranger = await browser.newContext({ baseURL, javaScriptEnabled: true });
    const other = await stranger.newPage();
    await runScriptOnce(other);
    const seen = await open(other, true);
    expect(seen.document.headers()["cache-control"]).toMatch(/^public, /);
    expect(seen.personal).toHaveLength(0);
    await expect(other.getByText(/^Logged in as/)).toHaveCount(0);
    await expect(other.getByText("Your comment is awaiting moderation.")).toHaveCount(0);
    await expect(other.getByRole("textbox", { name: "Name", exact: true })).toHaveValue("");
    await expect(other.getByRole("navigation", { name: "Site" }).getByRole("link", { name: "Sign in" })).toBeVisible();
    await stranger.close();
    await page.context().close();
  });

  test(`without JavaScript, a ${kind} reader gets the page rendered for them, with their own parts`, async ({ browser, baseURL }) => {
    const { page, expectOwn } = await readerPage(browser, baseURL!, kind, false);
    const { document, personal } = await open(page, false);
    expect(document.headers()["cache-control"]).toMatch(/private/);
    expect(personal).toHaveLength(0);
    await expectOwn(page);
    await page.context().close();
  });
}

test("the personal request answers nothing shareable, and nothing of anyone else's", async ({ request, browser, baseURL }) => {
  const anonymous = await request.get(`/api/articles/${SLUG}/personal`);
  expect(anonymous.status()).toBe(200);
  expect(anonymous.headers()["cache-control"]).toBe("private, no-store");
  expect(anonymous.headers()["vary"]).toMatch(/Cookie/);
  // Answered by the server itself (scripts/server.mjs), with the headers Next sends with every answer.
  expect(anonymous.headers()["x-content-type-options"]).toBe("nosniff");
  expect(anonymous.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(await anonymous.json()).toEqual({ account: null, remembered: null, respected: [], reported: [], own: {}, held: [] });
  expect((await request.get("/api/articles/no-such-article/personal")).status()).toBe(404);

  // Someone else's own-comments cookie, forged: ignored (it is signed).
  const context = await browser.newContext({ baseURL });
  await context.addCookies([{ name: "nr_own_comments", value: "1-2-3-4-5.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", url: baseURL! }]);
  const forged = await context.request.get(`/api/articles/${SLUG}/personal`);
  expect((await forged.json()).held).toEqual([]);
  await context.close();
});
