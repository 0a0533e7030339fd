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

// Each screen is its own test, spread over every worker (each lane makes its own fixtures in beforeAll).
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
  const results = await new AxeBuilder({ page }).setLegacyMode(true).analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(" ")).slice(0, 5).join("\n    ")}`);
}

async function check(page: Page, path: string): Promise<void> {
  const response = await page.goto(path);
  expect(response?.status(), `${path} answers`).toBeLessThan(500);
  expect(await seriousFindings(page), `axe on ${path}`).toEqual([]);
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

/** One test per screen, so a slow machine never runs several under one test's time limit. */
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

for (const { who, paths } of screens) {
  test.describe(`as ${/^(admin|editor)/.test(who) ? "an" : "a"} ${who}`, () => {
    // axe itself is a script the test injects, which a context without JavaScript refuses to run:
    // the site's own scripts are blocked instead, so axe sees the page before (and without) hydration.
    if (who === "guest without JavaScript") test.beforeEach(({ context }) => context.route(/\/_next\/static\/.*\.js(\?|$)/, (route) => route.abort()));
    for (const screen of paths) {
      const [title, path] = typeof screen === "string" ? [screen, () => screen] : screen;
      test(title, async ({ page, context, baseURL }) => {
        if (who !== "guest" && who !== "guest without JavaScript") await signInAs(context, accounts[who], baseURL!);
        await check(page, path());
      });
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
