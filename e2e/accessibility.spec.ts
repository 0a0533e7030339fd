/**
 * Accessibility: axe-core (the engine behind Lighthouse's and Deque's checks)
 * over every screen, as a guest, a reader, an editor, a moderator and an
 * admin, with content on the page (comments in every state, queues with
 * rows). Any finding axe rates serious or critical fails the test, with the
 * rule, its help text and the elements it found.
 */
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type APIRequestContext, type Page } from "./support/test";
import { createAccount, e2eDb, signInAs, type Role, type TestAccount } from "./support/accounts";

// Each visitor's screens are one test, spread over every worker (each lane makes its own fixtures in beforeAll).
test.describe.configure({ mode: "parallel" });

const SLUG = "e2e-accessibility";
const ARTICLE = `/articles/${SLUG}`;

async function post(request: APIRequestContext, baseURL: string, fields: Record<string, unknown>): Promise<{ id: number; status: string }> {
  const { formToken } = await (await request.get(`/api/articles/${SLUG}/comments`)).json();
  const res = await request.post(`/api/articles/${SLUG}/comments`, {
    headers: { origin: baseURL, "content-type": "application/json" },
    data: { ...fields, formToken },
  });
  expect(res.status()).toBe(201);
  return (await res.json()) as { id: number; status: string };
}

function articleId(): number {
  const db = e2eDb();
  try {
    return (db.prepare("select id from articles where slug = ?").get(SLUG) as { id: number }).id;
  } finally {
    db.close();
  }
}

/** Serious and critical findings on the page as it is now, in a form that names what to fix. */
async function seriousFindings(page: Page): Promise<string[]> {
  // Legacy mode: analysed in the page itself, without the extra page the default
  // mode opens for each analysis. Only violations are collected in full (passes,
  // incomplete and inapplicable results are not needed here): 0.55 s a screen
  // instead of 0.65-0.95 s.
  const results = await new AxeBuilder({ page }).setLegacyMode(true).options({ resultTypes: ["violations"] }).analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(" ")).slice(0, 5).join("\n    ")}`);
}

/** Opens a screen and checks it; a finding is reported and the next screen is still checked. */
async function check(page: Page, path: string): Promise<void> {
  await test.step(path, async () => {
    const response = await page.goto(path);
    expect.soft(response?.status(), `${path} answers`).toBeLessThan(500);
    expect.soft(await seriousFindings(page), `axe on ${path}`).toEqual([]);
  });
}

let accounts: Record<Role, TestAccount>;
let approvedId = 0;

test.beforeAll(async ({ request, baseURL }) => {
  accounts = {
    reader: await createAccount("reader"),
    editor: await createAccount("editor"),
    moderator: await createAccount("moderator"),
    admin: await createAccount("admin"),
  };
  // Comments in every state: approved with a reply, held, spam. (Run again when a worker restarts: new words each time.)
  const tag = Date.now().toString(36);
  approvedId = (await post(request, baseURL!, { content: `A first approved comment ${tag} with a link https://example.org/a`, name: "Ann Reader", email: "ann@example.com" })).id;
  await post(request, baseURL!, { content: `A reply to the first comment ${tag}.`, name: "Ben Reader", email: "ben@example.com", parentId: approvedId });
  await post(request, baseURL!, { content: `Cheap watches here ${tag}, a real bargain.`, name: "akismet-guaranteed-spam", email: "spam@example.com" });
  const db = e2eDb();
  try {
    db.prepare("insert into comments (article_id, author_name, author_email, content, status, status_reason) values (?, 'Held Reader', 'held@example.com', ?, 'pending', 'Held by a local rule')").run(
      articleId(),
      `A comment waiting for a moderator ${tag}.`,
    );
  } finally {
    db.close();
  }
});

/**
 * One test per visitor, its screens one after another in one browser page (a
 * new browser context per screen cost each screen its start-up and a cold
 * script cache, 27% of the whole end-to-end time). Every screen is checked
 * even when an earlier one has a finding; each has its own step in the report.
 */
type Screen = string | [title: string, path: () => string];
const screens: Array<{ who: Role | "guest" | "guest without JavaScript"; paths: Screen[] }> = [
  {
    who: "guest",
    paths: [
      "/",
      ARTICLE,
      [`${ARTICLE}?replytocom=<comment>`, () => `${ARTICLE}?replytocom=${approvedId}`],
      "/login",
      "/register",
      "/my-data",
      "/my-data/link?token=not-a-token",
      "/unsubscribe?token=not-a-token",
      "/notifications/confirm?token=not-a-token",
      "/articles/no-such-article",
    ],
  },
  // The page as a browser without JavaScript shows it: the server's HTML, none of the site's scripts run.
  { who: "guest without JavaScript", paths: ["/", ARTICLE, [`${ARTICLE}?replytocom=<comment>`, () => `${ARTICLE}?replytocom=${approvedId}`], "/login"] },
  { who: "reader", paths: ["/", ARTICLE, "/account", "/account/comments", "/account/data"] },
  {
    who: "editor",
    paths: ["/editor", "/editor/new", ["/editor/<article>", () => `/editor/${articleId()}`], ["/editor/<article>/review", () => `/editor/${articleId()}/review`]],
  },
  { who: "moderator", paths: ["/moderation", "/moderation?queue=spam", "/moderation?queue=approved", "/moderation?queue=trash", "/moderation/settings", "/moderation/stats", ARTICLE] },
  { who: "admin", paths: ["/admin", "/admin/users", "/admin/import", "/admin/export", "/admin/privacy"] },
];

/** Time per screen on a busy machine (a page load and one analysis take about 1.5 s on an idle one). */
const SCREEN_TIMEOUT_MS = 15_000;

for (const { who, paths } of screens) {
  test(`every screen as ${/^(admin|editor)/.test(who) ? "an" : "a"} ${who}`, async ({ page, context, baseURL }) => {
    test.setTimeout(SCREEN_TIMEOUT_MS * (paths.length + 1));
    // axe itself is a script the test injects, which a context without JavaScript refuses to run:
    // the site's own scripts are blocked instead, so axe sees the page before (and without) hydration.
    if (who === "guest without JavaScript") await context.route(/\/_next\/static\/.*\.js(\?|$)/, (route) => route.abort());
    if (who !== "guest" && who !== "guest without JavaScript") await signInAs(context, accounts[who], baseURL!);
    for (const screen of paths) {
      const path = typeof screen === "string" ? screen : screen[1]();
      await check(page, path);
    }
  });
}

test("the moderation console with background work under way and done", async ({ page, context, baseURL }) => {
  await signInAs(context, accounts.moderator, baseURL!);
  await page.goto("/moderation");
  await page.getByRole("button", { name: /^Check for spam \(all \d+ pending\)$/ }).click();
  const work = page.getByRole("region", { name: "Background work" });
  await expect(work.getByRole("listitem").first()).toBeVisible();
  expect(await seriousFindings(page)).toEqual([]);
});

test("a moderation row with its history open", async ({ page, context, baseURL }) => {
  await signInAs(context, accounts.moderator, baseURL!);
  await page.goto("/moderation?queue=spam");
  const row = page.locator("[data-queue-item]").first();
  await row.getByText(/^History \(\d+\)$/).click();
  await expect(row.getByRole("listitem").first()).toBeVisible();
  expect(await seriousFindings(page)).toEqual([]);
});

test("the check itself reports serious findings: a button without a name, an image without a text alternative", async ({ page }) => {
  await page.setContent(
    '<!doctype html><html lang="en"><head><title>Broken on purpose</title></head><body><main><h1>Broken</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><button></button></main></body></html>',
  );
  const findings = (await seriousFindings(page)).join("\n");
  expect(findings).toMatch(/^button-name \(critical\)/m);
  expect(findings).toMatch(/^image-alt \(critical\)/m);
});
