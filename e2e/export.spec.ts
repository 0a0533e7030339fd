/**
 * Export (issue 13, part 2): an admin downloads the WXR file for WordPress
 * and the JSON of everything from /admin/export, with JavaScript and
 * without; a reader and a signed-out visitor get no file.
 */
import fs from "node:fs";
import { expect, test, type Download } from "./support/test";
import { createAccount, SESSION_COOKIE, sessionToken, signInAs } from "./support/accounts";

const SEED = "syria-us-led-coalition-deeply-in-denial-about-civilian-casualties-in-raqqa";
const SEED_TITLE = "Syria: US-led Coalition deeply in denial about civilian casualties in Raqqa";
const DATED = (prefix: string, ext: string) => new RegExp(`^${prefix.replace(/\./g, "\\.")}\\.\\d{4}-\\d{2}-\\d{2}\\.${ext}$`);

const read = async (download: Download) => fs.readFileSync((await download.path())!, "utf8");

test("an admin downloads the WXR and the JSON from /admin/export, and they hold the site", async ({ page, request, baseURL }) => {
  const tag = Date.now().toString(36);
  const comment = `Exported comment ${tag}: fish & chips <b>not bold</b>`;
  const list = await request.get(`/api/articles/${SEED}/comments`);
  const { formToken } = await list.json();
  const posted = await request.post(`/api/articles/${SEED}/comments`, {
    headers: { Origin: baseURL! },
    data: { content: comment, name: "Export Reader", email: `export-${tag}@example.com`, url: "https://reader.example", formToken },
  });
  expect(posted.status()).toBe(201);
  const { id } = await posted.json();

  const admin = await createAccount("admin");
  await signInAs(page.context(), admin, baseURL!);
  await page.goto("/admin");
  await page.getByRole("link", { name: "Export", exact: true }).click();
  await expect(page).toHaveURL(/\/admin\/export$/);
  await expect(page.getByRole("heading", { name: "Export", level: 1 })).toBeVisible();
  await expect(page.getByRole("heading", { name: "For WordPress (WXR)" })).toBeVisible();
  await expect(page.getByText("server_secrets", { exact: true })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("admin-export.png"), fullPage: true });

  const [wxr] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download for WordPress (WXR)" }).click()]);
  expect(wxr.suggestedFilename()).toMatch(DATED("newsroom.WordPress", "xml"));
  const xml = await read(wxr);
  expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8" \?>/);
  expect(xml).toContain("<wp:wxr_version>1.2</wp:wxr_version>");
  expect(xml).toContain(`<title><![CDATA[${SEED_TITLE}]]></title>`);
  expect(xml).toContain(`<wp:post_name><![CDATA[${SEED}]]></wp:post_name>`);
  expect(xml).toContain(`<wp:comment_id>${id}</wp:comment_id>`);
  expect(xml).toContain(`<wp:comment_content><![CDATA[Exported comment ${tag}: fish &amp; chips &lt;b&gt;not bold&lt;/b&gt;]]></wp:comment_content>`);
  expect(xml).toContain("<wp:comment_author><![CDATA[Export Reader]]></wp:comment_author>");
  expect(xml.trimEnd().endsWith("</rss>")).toBe(true);

  const [json] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download everything (JSON)" }).click()]);
  expect(json.suggestedFilename()).toMatch(DATED("newsroom.export", "json"));
  const doc = JSON.parse(await read(json));
  expect(doc).toMatchObject({ format: "newsroom-export", formatVersion: 1, siteUrl: baseURL });
  expect(doc.data.articles.map((a: { slug: string }) => a.slug)).toContain(SEED);
  expect(doc.data.comments).toContainEqual(expect.objectContaining({ id, content: comment, authorName: "Export Reader" }));
  const me = doc.data.users.find((u: { email: string }) => u.email === admin.email);
  expect(me).toMatchObject({ role: "admin", hasPassword: true });
  expect(me).not.toHaveProperty("passwordHash");
  expect(JSON.stringify(doc)).not.toContain("$argon2");

  // The downloads' headers, as the server sends them.
  const cookie = `${SESSION_COOKIE}=${await sessionToken(admin)}`;
  const head = await request.get("/api/admin/export/wxr", { headers: { cookie } });
  expect(head.status()).toBe(200);
  expect(head.headers()["content-type"]).toBe("text/xml; charset=UTF-8");
  expect(head.headers()["content-disposition"]).toMatch(/^attachment; filename="newsroom\.WordPress\.\d{4}-\d{2}-\d{2}\.xml"$/);
  expect(head.headers()["cache-control"]).toBe("no-store");
  const jsonHead = await request.get("/api/admin/export/json", { headers: { cookie } });
  expect(jsonHead.headers()["content-type"]).toBe("application/json; charset=utf-8");
  expect(jsonHead.headers()["content-disposition"]).toMatch(/^attachment; filename="newsroom\.export\.\d{4}-\d{2}-\d{2}\.json"$/);
});

test("the downloads work without JavaScript", async ({ browser, baseURL }) => {
  const context = await browser.newContext({ javaScriptEnabled: false, acceptDownloads: true });
  await signInAs(context, await createAccount("admin"), baseURL!);
  const page = await context.newPage();
  await page.goto("/admin/export");
  const [wxr] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download for WordPress (WXR)" }).click()]);
  expect(await read(wxr)).toContain(`<wp:post_name><![CDATA[${SEED}]]></wp:post_name>`);
  const [json] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download everything (JSON)" }).click()]);
  expect(JSON.parse(await read(json)).format).toBe("newsroom-export");
  await context.close();
});

test("a reader gets 403 and no file; a signed-out visitor is sent to sign in", async ({ page, request, baseURL }) => {
  const reader = await createAccount("reader");
  const cookie = `${SESSION_COOKIE}=${await sessionToken(reader)}`;
  for (const kind of ["wxr", "json"]) {
    const refused = await request.get(`/api/admin/export/${kind}`, { headers: { cookie } });
    expect(refused.status()).toBe(403);
    expect(refused.headers()["content-disposition"]).toBeUndefined();
    expect(await refused.text()).toBe("Only admins can export the site.\n");

    const signedOut = await request.get(`/api/admin/export/${kind}`, { maxRedirects: 0 });
    expect(signedOut.status()).toBe(303);
    expect(signedOut.headers().location).toBe("/login?callbackUrl=%2Fadmin%2Fexport");
  }

  await signInAs(page.context(), reader, baseURL!);
  const forbidden = await page.goto("/admin/export");
  expect(forbidden!.status()).toBe(403);
  await expect(page.getByRole("link", { name: "Download for WordPress (WXR)" })).toHaveCount(0);

  await page.context().clearCookies();
  await page.goto("/admin/export");
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Fadmin%2Fexport$/);
});
