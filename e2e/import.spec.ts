/**
 * Import (issue 13, part 1): an admin uploads a WordPress export on
 * /admin/import, watches its progress, reads the report, then finds the
 * article and its comments on the site; without JavaScript the page
 * refreshes itself until the report is there, and a second upload of the
 * same file changes nothing. A reader gets no import.
 */
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "./support/test";
import { createAccount, signInAs } from "./support/accounts";

const TEMPLATE = fs.readFileSync(path.join(__dirname, "fixtures/import/site.xml"), "utf8");

/** The fixture with this run's tag and `extra` more approved comments, replies among them, to make the import last a while. */
function wxr(tag: string, extra: number): Buffer {
  let comments = "";
  for (let i = 0; i < extra; i++) {
    const id = 100 + i;
    const parent = i % 3 === 2 ? id - 1 : 0;
    comments += `<wp:comment><wp:comment_id>${id}</wp:comment_id><wp:comment_author><![CDATA[Bulk Reader ${i}]]></wp:comment_author><wp:comment_author_email><![CDATA[bulk${i}@example.org]]></wp:comment_author_email><wp:comment_author_url></wp:comment_author_url><wp:comment_author_IP><![CDATA[198.51.100.${i % 250}]]></wp:comment_author_IP><wp:comment_date><![CDATA[2024-06-01 10:00:00]]></wp:comment_date><wp:comment_date_gmt><![CDATA[2024-06-01 10:00:00]]></wp:comment_date_gmt><wp:comment_content><![CDATA[Bulk comment ${i} — ${"words ".repeat(40)}]]></wp:comment_content><wp:comment_approved><![CDATA[1]]></wp:comment_approved><wp:comment_type><![CDATA[comment]]></wp:comment_type><wp:comment_parent>${parent}</wp:comment_parent><wp:comment_user_id>0</wp:comment_user_id></wp:comment>\n`;
  }
  return Buffer.from(TEMPLATE.replaceAll("{{TAG}}", tag).replace("{{COMMENTS}}", comments));
}

test("an admin imports a WordPress export on /admin/import, sees its progress and report, and the site shows the article and its comments", async ({ page, baseURL }) => {
  test.setTimeout(180_000);
  const tag = Date.now().toString(36);
  const admin = await createAccount("admin");
  await signInAs(page.context(), admin, baseURL!);
  await page.goto("/admin");
  await page.getByRole("link", { name: "Import", exact: true }).click();
  await expect(page).toHaveURL(/\/admin\/import$/);
  await expect(page.getByRole("heading", { name: "Import", level: 1 })).toBeVisible();

  await page.getByLabel(/WordPress \(WXR\) or Disqus export/).setInputFiles({ name: `moving-${tag}.xml`, mimeType: "text/xml", buffer: wxr(tag, 6000) });
  await page.getByRole("button", { name: "Upload and import" }).click();
  await expect(page).toHaveURL(/\/admin\/import\?run=\d+$/);
  // While it runs: a progress bar of the bytes read, and the comments so far.
  const bar = page.locator("progress");
  await expect(bar).toBeVisible();
  await expect(page.getByRole("heading", { name: "Importing" })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("import-progress.png"), fullPage: true });
  await expect(page.getByRole("button", { name: "Upload and import" })).toBeDisabled();
  // The reload-every-2-s fallback stays inside <noscript>: with JavaScript the page refreshes in place.
  await expect(page.locator("head meta[http-equiv='refresh']")).toHaveCount(0);

  // It updates by itself (JavaScript) until the report is there.
  const report = page.getByTestId("import-report");
  await expect(report).toBeVisible({ timeout: 150_000 });
  await expect(page.getByRole("heading", { name: "Last import" })).toBeVisible();
  await expect(report.getByRole("row", { name: /Articles/ })).toContainText("1 imported, 0 already imported, 0 skipped");
  await expect(report.getByRole("row", { name: /Comments/ })).toContainText("6,003 imported, 0 already imported, 1 skipped");
  await expect(report.getByRole("row", { name: /Authors/ })).toContainText("1 account created (editors, no password yet), 0 existing accounts used");
  await expect(report).toContainText("1 × pingback (pingbacks and trackbacks are not imported)");
  await report.getByText("Each skipped row, with its line and id in the file").click();
  await expect(report).toContainText("comment 4: pingback (pingbacks and trackbacks are not imported)");
  await page.screenshot({ path: test.info().outputPath("import-report.png"), fullPage: true });

  // The article and its thread, as a reader sees them.
  const reader = await page.context().browser()!.newPage();
  await reader.goto(`/articles/we-moved-${tag}`);
  await expect(reader.getByRole("heading", { name: `We moved from WordPress ${tag}`, level: 1 })).toBeVisible();
  await expect(reader.getByText("Our first paragraph came from WordPress.")).toBeVisible();
  await expect(reader.getByText(`Welcome to the new home ${tag}!`)).toBeVisible();
  await expect(reader.getByText(/Thanks, see our notes \(https:\/\/example\.net\/moving\) & enjoy\./)).toBeVisible();
  await expect(reader.getByRole("link", { name: "https://example.net/moving" })).toHaveAttribute("rel", /nofollow/);
  await expect(reader.getByText(`A held comment ${tag}`)).toHaveCount(0);
  await reader.screenshot({ path: test.info().outputPath("imported-article.png"), fullPage: false });
  await reader.close();
});

test("a file with a duplicated post id is imported without the second item, which the report lists with its line and reason", async ({ page, baseURL }) => {
  test.setTimeout(60_000);
  const tag = `dup${Date.now().toString(36)}`;
  const xml = wxr(tag, 0).toString("utf8");
  const start = xml.indexOf("\t<item>");
  const end = xml.indexOf("</item>") + "</item>".length;
  const copy = xml.slice(start, end).replace(`We moved from WordPress ${tag}`, `The same post again ${tag}`);
  const file = `${xml.slice(0, end)}\n${copy}${xml.slice(end)}`;
  const lineAt = (offset: number) => file.slice(0, offset).split("\n").length;
  const firstLine = lineAt(start + 1);
  const copyLine = lineAt(end + 2);
  const admin = await createAccount("admin");
  await signInAs(page.context(), admin, baseURL!);
  await page.goto("/admin/import");
  await page.getByLabel(/WordPress \(WXR\) or Disqus export/).setInputFiles({ name: `dup-${tag}.xml`, mimeType: "text/xml", buffer: Buffer.from(file) });
  await page.getByRole("button", { name: "Upload and import" }).click();
  const report = page.getByTestId("import-report");
  await expect(report).toBeVisible({ timeout: 45_000 });
  await expect(report.getByRole("row", { name: /Articles/ })).toContainText("1 imported, 0 already imported, 1 skipped");
  await expect(report.getByRole("row", { name: /Comments/ })).toContainText("3 imported, 0 already imported, 5 skipped");
  await expect(report).toContainText("1 × post id appears twice in the file");
  await report.getByText("Each skipped row, with its line and id in the file").click();
  await expect(report).toContainText(`line ${copyLine}, item 1: post id 1 appears twice in the file: only the item at line ${firstLine} is imported; its title: "The same post again ${tag}"`);
  await expect(report).toContainText(`comment 1: its item is not imported: post id 1 appears twice in the file`);
  await page.screenshot({ path: test.info().outputPath("import-report-duplicate.png"), fullPage: true });
  const reader = await page.context().browser()!.newPage();
  await reader.goto(`/articles/we-moved-${tag}`);
  await expect(reader.getByRole("heading", { name: `We moved from WordPress ${tag}`, level: 1 })).toBeVisible();
  await reader.close();
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the page refreshes itself until the report is there; the same file again changes nothing", async ({ page, baseURL }) => {
    test.setTimeout(120_000);
    const tag = `nojs${Date.now().toString(36)}`;
    const admin = await createAccount("admin");
    await signInAs(page.context(), admin, baseURL!);
    for (const round of [1, 2]) {
      await page.goto("/admin/import");
      await page.getByLabel(/WordPress \(WXR\) or Disqus export/).setInputFiles({ name: `small-${tag}.xml`, mimeType: "text/xml", buffer: wxr(tag, 0) });
      await page.getByRole("button", { name: "Upload and import" }).click();
      const report = page.getByTestId("import-report");
      await expect(report).toBeVisible({ timeout: 60_000 });
      if (round === 1) await expect(report.getByRole("row", { name: /Comments/ })).toContainText("3 imported, 0 already imported, 1 skipped");
      else {
        await expect(report.getByRole("row", { name: /Comments/ })).toContainText("0 imported, 3 already imported, 1 skipped");
        await expect(report).toContainText("Everything in it was already imported: nothing changed.");
      }
    }
  });
});

test("a reader can neither see /admin/import nor upload", async ({ page, request, baseURL }) => {
  const reader = await createAccount("reader");
  await signInAs(page.context(), reader, baseURL!);
  const response = await page.goto("/admin/import");
  expect(response?.status()).toBe(403);
  const upload = await page.request.post("/api/admin/import", {
    headers: { Accept: "application/json", "Content-Type": "application/xml", Origin: baseURL! },
    data: wxr("reader", 0),
  });
  expect(upload.status()).toBe(403);
  const anonymous = await request.post("/api/admin/import", { headers: { Accept: "application/json", "Content-Type": "application/xml" }, data: "<rss/>" });
  expect(anonymous.status()).toBe(401);
});
