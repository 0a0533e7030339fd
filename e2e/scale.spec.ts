/**
 * Two app instances on one PostgreSQL database behind nginx, round-robin
 * (decision 014): what one instance writes, the other serves; a moderator's
 * action on one changes the page the other serves; with both instances'
 * Akismet retry jobs running, each held comment is checked exactly once.
 */
import { expect, test, type Page } from "./support/test";
import crypto from "node:crypto";
import { hash } from "@node-rs/argon2";
import { startCluster, type Cluster } from "./support/cluster";
import { reloadUntil } from "./support/page-cache";

const ARTICLE = "/articles/e2e-moderation";
let cluster: Cluster;

test.describe.configure({ mode: "serial", timeout: 90_000 });

test.beforeAll(async () => {
  test.setTimeout(180_000);
  // The retry job every second, so the test need not wait a minute for it.
  // Without NEXTAUTH_SECRET: the first instance generates the signing secret into the database.
  cluster = await startCluster({ base: 3120, count: 2, settings: ["akismetJobIntervalSeconds=1"], generatedSecret: true });
});

test.afterAll(async () => {
  await cluster?.stop();
});

async function fill(page: Page, comment: string, name: string) {
  await page.getByRole("textbox", { name: "Comment", exact: true }).fill(comment);
  await page.getByRole("textbox", { name: "Name", exact: true }).fill(name);
  await page.getByRole("textbox", { name: "Email", exact: true }).fill(`${name.toLowerCase().replace(/\W+/g, ".")}@example.com`);
}

const MODERATOR_PASSWORD = "a long enough password";

/** A moderator account, straight in the database; signing in goes through the form. */
async function createModerator(): Promise<string> {
  const email = `mod-${crypto.randomBytes(3).toString("hex")}@example.com`;
  const passwordHash = await hash(MODERATOR_PASSWORD, { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 });
  await cluster.query("insert into users (email, name, password_hash, role) values ($1, 'Mo Derator', $2, 'moderator')", [email, passwordHash]);
  return email;
}

test("nginx spreads requests over both instances", async ({ request }) => {
  const served = new Set<string>();
  for (let i = 0; i < 6; i++) {
    const res = await request.get(`${cluster.url}/healthz`);
    expect(res.status()).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true });
    served.add(res.headers()["x-upstream"]!);
  }
  expect([...served].sort()).toEqual(cluster.instances.map((i) => new URL(i.url).host).sort());
});

test("a comment posted through one instance is visible through the other", async ({ page }) => {
  const [one, two] = cluster.instances as [Cluster["instances"][0], Cluster["instances"][0]];
  await page.goto(`${one.url}${ARTICLE}`);
  await fill(page, "Posted through the first instance, read through the second.", "Ada Across");
  await page.getByRole("button", { name: "Post Comment" }).click();
  await expect(page).toHaveURL(/#comment-\d+$/);
  const anchor = new URL(page.url()).hash;

  const reader = await page.context().browser()!.newContext();
  const other = await reader.newPage();
  await other.goto(`${two.url}${ARTICLE}`);
  await expect(other.locator(anchor)).toContainText("Posted through the first instance, read through the second.");
  await reader.close();
});

test("a moderator's action on one instance changes the page the other serves", async ({ page, context }) => {
  const [one, two] = cluster.instances as [Cluster["instances"][0], Cluster["instances"][0]];
  // Posted through the second instance and read there, so its cached page has the comment.
  const posted = await fetch(`${two.url}/api/articles/e2e-moderation/comments`);
  const { formToken } = (await posted.json()) as { formToken: string };
  const res = await fetch(`${two.url}/api/articles/e2e-moderation/comments`, {
    method: "POST",
    headers: { origin: cluster.url, "content-type": "application/json" },
    body: JSON.stringify({ content: "Approved here, then marked as spam on the other instance.", name: "Sly Across", email: "sly.across@example.com", formToken }),
  });
  expect(res.status).toBe(201);
  const { id, status } = (await res.json()) as { id: number; status: string };
  expect(status).toBe("approved");
  const reader = await page.context().browser()!.newContext();
  const readerPage = await reader.newPage();
  // On the next request, or within a second when the article changed a moment before.
  await reloadUntil(readerPage, `${two.url}${ARTICLE}`, () => expect(readerPage.locator(`#comment-${id}`)).toBeVisible({ timeout: 1_000 }));

  // The moderator signs in on the first instance; the session, signed with the
  // secret the instances share through the database, works on the second too.
  const email = await createModerator();
  await page.goto(`${one.url}/login`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(MODERATOR_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  // (Cookies belong to the host, not the port: the browser sends it to both.)
  const onTwo = await context.newPage();
  await onTwo.goto(`${two.url}/moderation`);
  await expect(onTwo.getByRole("heading", { name: "Moderation" })).toBeVisible();
  await onTwo.close();

  await page.goto(`${one.url}/moderation?queue=approved`);
  await page.locator("[data-queue-item]", { hasText: "Approved here, then marked as spam" }).getByRole("button", { name: "Spam" }).click();
  await expect(page.getByRole("status").filter({ hasText: "1 comment marked as spam." })).toBeVisible();

  // The second instance's page no longer shows it (its cache expired on the first one's change).
  await expect(async () => {
    await readerPage.goto(`${two.url}${ARTICLE}`);
    await expect(readerPage.locator(`#comment-${id}`)).toHaveCount(0, { timeout: 500 });
  }).toPass({ timeout: 10_000 });

  await page.getByRole("button", { name: "Undo" }).click();
  await expect(page.getByRole("status").filter({ hasText: "1 comment moved back." })).toBeVisible();
  await expect(async () => {
    await readerPage.goto(`${two.url}${ARTICLE}`);
    await expect(readerPage.locator(`#comment-${id}`)).toBeVisible({ timeout: 500 });
  }).toPass({ timeout: 10_000 });
  await reader.close();
});

test("live threads: a comment approved through one instance is announced on a page open on the other, and through nginx", async ({ browser }) => {
  const [one, two] = cluster.instances as [Cluster["instances"][0], Cluster["instances"][0]];
  const pages = [];
  for (const base of [two.url, cluster.url]) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const stream = page.waitForResponse((r) => new URL(r.url()).pathname === "/api/articles/e2e-moderation/live");
    await page.goto(`${base}${ARTICLE}`);
    expect((await stream).headers()["content-type"]).toMatch(/^text\/event-stream/);
    pages.push(page);
  }
  // Posted through the first instance; Akismet (the cluster's own) approves it.
  const { formToken } = (await (await fetch(`${one.url}/api/articles/e2e-moderation/comments`)).json()) as { formToken: string };
  const res = await fetch(`${one.url}/api/articles/e2e-moderation/comments`, {
    method: "POST",
    headers: { origin: cluster.url, "content-type": "application/json" },
    body: JSON.stringify({ content: "Approved on one instance, announced on the other.", name: "Lea Live", email: "lea.live@example.com", formToken }),
  });
  expect(res.status).toBe(201);
  const { id } = (await res.json()) as { id: number };
  for (const page of pages) {
    await expect(page.getByRole("button", { name: "Show 1 new comment" })).toBeVisible({ timeout: 5_000 });
    await page.getByRole("button", { name: "Show 1 new comment" }).click();
    await expect(page.locator(`#comment-${id}`)).toContainText("Approved on one instance, announced on the other.");
  }
  // Taken down on the first instance: gone from both pages.
  await cluster.query("update comments set status = 'trash' where id = $1", [id]);
  for (const page of pages) await expect(page.locator(`#comment-${id}`)).toHaveCount(0, { timeout: 5_000 });
  for (const page of pages) await page.context().close();
});

test("with both instances' retry jobs running, Akismet sees exactly one check per held comment", async () => {
  // Akismet fails: comments posted through nginx (both instances) are kept, not checked.
  await fetch(`${cluster.akismetUrl}/__behaviour`, { method: "POST", body: JSON.stringify({ status: 500 }) });
  const contents = Array.from({ length: 8 }, (_, i) => `Held while Akismet was down, number ${i + 1}, checked once.`);
  const ids: number[] = [];
  for (const content of contents) {
    const token = (await (await fetch(`${cluster.url}/api/articles/e2e-moderation/comments`)).json()) as { formToken: string };
    const res = await fetch(`${cluster.url}/api/articles/e2e-moderation/comments`, {
      method: "POST",
      headers: { origin: cluster.url, "content-type": "application/json" },
      body: JSON.stringify({ content, name: "Patient Reader", email: "patient@example.com", formToken: token.formToken }),
    });
    expect(res.status).toBe(201);
    ids.push(((await res.json()) as { id: number }).id);
  }
  const held = await cluster.query<{ state: string; status: string }>(
    "select spam_check_state as state, status from comments where id = any($1::int[])",
    [ids],
  );
  expect(held).toHaveLength(contents.length);
  expect(held.every((c) => c.state === "not_checked" && c.status === "pending")).toBe(true);

  // Akismet is back; the retries are due now. Both instances' jobs run every second.
  await fetch(`${cluster.akismetUrl}/__behaviour`, { method: "DELETE" });
  await fetch(`${cluster.akismetUrl}/__requests`, { method: "DELETE" });
  await cluster.query("update comments set next_spam_check_at = 0 where id = any($1::int[])", [ids]);
  await expect(async () => {
    const left = await cluster.query<{ n: number }>(
      "select count(*)::int as n from comments where id = any($1::int[]) and spam_check_state <> 'checked'",
      [ids],
    );
    expect(left[0]!.n).toBe(0);
  }).toPass({ timeout: 30_000 });
  // A few more runs of both jobs: nothing is checked twice.
  await new Promise((r) => setTimeout(r, 2_500));

  const requests = (await (await fetch(`${cluster.akismetUrl}/__requests`)).json()) as { path: string; params: Record<string, string> }[];
  const checks = requests.filter((r) => r.path.endsWith("/comment-check"));
  for (const content of contents) {
    expect({ content, checks: checks.filter((r) => r.params.comment_content === content).length }).toEqual({ content, checks: 1 });
  }
  // The work was done by the instances' own jobs (each logs what it re-checked).
  expect(cluster.instances.map((i) => i.output()).join("\n")).toMatch(/\[akismet\] re-checked \d+/);
});
