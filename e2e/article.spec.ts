import { expect, test } from "./support/test";

const SLUG = "syria-us-led-coalition-deeply-in-denial-about-civilian-casualties-in-raqqa";
const TITLE = "Syria: US-led Coalition deeply in denial about civilian casualties in Raqqa";

test("a reader finds the article on the front page and reads it", async ({ page }) => {
  await page.goto("/");
  const link = page.getByRole("link", { name: TITLE });
  await expect(link).toBeVisible();
  await link.click();

  await expect(page).toHaveURL(new RegExp(`/articles/${SLUG}$`));
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(TITLE);
  await expect(page.locator("figure figcaption")).toHaveText("Reuters photo");
  await expect(page.locator("figure img")).toHaveJSProperty("complete", true);
  await expect(page.getByText("Amnesty International", { exact: true })).toBeVisible();
  await expect(page.locator("article time")).toHaveText("17 July 2018");
  await expect(page.getByRole("heading", { name: "Amnesty engagement rebuffed" })).toBeVisible();

  const review = page.getByRole("region", { name: "Editor review" });
  await expect(review.getByRole("heading", { name: "Editor review" })).toBeVisible();
  await expect(review).toContainText("No editor review yet.");

  const comments = page.getByRole("region", { name: "No Comments Yet!" });
  await expect(comments).toContainText("You can be first to comment this post!");
  await expect(page.getByRole("heading", { name: "Leave a Reply" })).toBeVisible();
});

test("the article page describes itself to search engines and feeds", async ({ page, request }) => {
  await page.goto(`/articles/${SLUG}`);
  await expect(page).toHaveTitle(`${TITLE} | The Newsroom`);
  const canonical = await page.locator('link[rel="canonical"]').getAttribute("href");
  expect(canonical).toMatch(new RegExp(`/articles/${SLUG}$`));
  await expect(page.locator('meta[property="og:type"]')).toHaveAttribute("content", "article");
  const jsonLd = JSON.parse(
    (await page.locator('script[type="application/ld+json"]').textContent()) ?? "{}",
  );
  expect(jsonLd).toMatchObject({ "@type": "NewsArticle", headline: TITLE });

  const feed = await request.get("/feed.xml");
  expect(feed.headers()["content-type"]).toContain("application/rss+xml");
  expect(await feed.text()).toContain(`/articles/${SLUG}</link>`);
  const sitemap = await request.get("/sitemap.xml");
  expect(await sitemap.text()).toContain(`/articles/${SLUG}</loc>`);
});

test("an unknown article answers 404 with a page that leads back", async ({ page }) => {
  const response = await page.goto("/articles/no-such-article");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await page.getByRole("link", { name: "Back to the latest articles" }).click();
  await expect(page.getByRole("link", { name: TITLE })).toBeVisible();
});

test("pages load nothing from other hosts", async ({ page, baseURL }) => {
  const foreign: string[] = [];
  page.on("request", (req) => {
    const url = new URL(req.url());
    if (url.origin !== new URL(baseURL!).origin && url.protocol !== "data:") foreign.push(req.url());
  });
  await page.goto("/");
  // The page's last request: its live thread's stream, opened once it has run its script.
  const stream = page.waitForResponse((r) => new URL(r.url()).pathname === `/api/articles/${SLUG}/live`);
  await page.goto(`/articles/${SLUG}`);
  await stream;
  expect(foreign).toEqual([]);
});

test("dark mode follows the reader's system setting", async ({ browser }) => {
  const colour = async (scheme: "light" | "dark") => {
    const context = await browser.newContext({ colorScheme: scheme });
    const page = await context.newPage();
    await page.goto(`/articles/${SLUG}`);
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await context.close();
    return bg;
  };
  expect(await colour("light")).toBe("rgb(251, 250, 247)");
  expect(await colour("dark")).toBe("rgb(22, 23, 26)");
});
