/**
 * The permission matrix: every protected page, server action and API route,
 * requested over HTTP as each kind of visitor. The allowed succeed; the rest
 * get 401 (signed out: sent to /login) or 403, and the database is unchanged.
 */
import { expect, test, type APIRequestContext, type Browser, type Locator, type Page } from "./support/test";
import { createAccount, e2eDb, SESSION_COOKIE, sessionToken, type TestAccount } from "./support/accounts";

type Visitor = "signed out" | "reader" | "editor" | "moderator" | "admin" | "banned";
const VISITORS: Visitor[] = ["signed out", "reader", "editor", "moderator", "admin", "banned"];

const accounts = new Map<Visitor, TestAccount>();
let admin: TestAccount;

test.beforeAll(async () => {
  for (const v of VISITORS) {
    if (v === "signed out") continue;
    accounts.set(v, await createAccount(v === "banned" ? "editor" : v, { banned: v === "banned" }));
  }
  admin = accounts.get("admin")!;
});

async function headersFor(visitor: Visitor, baseURL: string): Promise<Record<string, string>> {
  const h: Record<string, string> = { origin: baseURL };
  const account = accounts.get(visitor);
  if (account) h.cookie = `${SESSION_COOKIE}=${await sessionToken(account)}`;
  return h;
}

/** The names and values a form would submit (hidden fields included), read from the admin's page. */
async function formFields(form: Locator): Promise<Record<string, string>> {
  return form.evaluate((f: HTMLFormElement) => {
    const out: Record<string, string> = {};
    for (const el of Array.from(f.elements) as HTMLInputElement[]) {
      if (!el.name || ((el.type === "radio" || el.type === "checkbox") && !el.checked)) continue;
      out[el.name] = el.value;
    }
    return out;
  });
}

function userRow(id: number) {
  const db = e2eDb();
  try {
    return db.prepare("select id, role, banned, session_version as sv from users where id = ?").get(id) ?? null;
  } finally {
    db.close();
  }
}

function countComments(): number {
  const db = e2eDb();
  try {
    return (db.prepare("select count(*) as n from comments").get() as { n: number }).n;
  } finally {
    db.close();
  }
}

async function post(request: APIRequestContext, url: string, visitor: Visitor, baseURL: string, fields: Record<string, string>) {
  return request.post(url, { headers: await headersFor(visitor, baseURL), multipart: fields, maxRedirects: 0 });
}

function expectRefused(visitor: Visitor, status: number, location: string | undefined) {
  if (visitor === "signed out") {
    expect([303, 307]).toContain(status);
    expect(location).toMatch(/\/login\?callbackUrl=%2F(admin|moderation|editor)/);
  } else {
    expect(status).toBe(403);
  }
}

const PAGES: { path: string; allowed: Visitor[] }[] = [
  { path: "/admin", allowed: ["admin"] },
  { path: "/admin/users", allowed: ["admin"] },
  { path: "/moderation", allowed: ["moderator", "admin"] },
  { path: "/moderation?queue=spam", allowed: ["moderator", "admin"] },
  { path: "/moderation?queue=reported", allowed: ["moderator", "admin"] },
  { path: "/moderation/settings", allowed: ["moderator", "admin"] },
  { path: "/moderation/stats", allowed: ["moderator", "admin"] },
  { path: "/editor", allowed: ["editor", "admin"] },
  { path: "/editor/new", allowed: ["editor", "admin"] },
];

for (const { path, allowed } of PAGES) {
  test(`page ${path}: ${allowed.join(" and ")} only`, async ({ request, baseURL }) => {
    for (const visitor of VISITORS) {
      const res = await request.get(path, { headers: await headersFor(visitor, baseURL!), maxRedirects: 0 });
      if (allowed.includes(visitor)) expect(res.status(), visitor).toBe(200);
      else expectRefused(visitor, res.status(), res.headers()["location"]);
    }
  });
}

/** Pages whose address names a row of the lane's database: a reader's commenter page, the permissions article's comment settings. */
const ROW_PAGES: { name: string; path: () => string; allowed: Visitor[] }[] = [
  { name: "/moderation/commenter?account=<id>", path: () => `/moderation/commenter?account=${accounts.get("reader")!.id}`, allowed: ["moderator", "admin"] },
  { name: "/moderation/articles/<id>", path: () => `/moderation/articles/${articleId("e2e-permissions")}`, allowed: ["editor", "moderator", "admin"] },
];

for (const { name, path, allowed } of ROW_PAGES) {
  test(`page ${name}: ${allowed.join(", ")} only`, async ({ request, baseURL }) => {
    for (const visitor of VISITORS) {
      const res = await request.get(path(), { headers: await headersFor(visitor, baseURL!), maxRedirects: 0 });
      if (allowed.includes(visitor)) expect(res.status(), visitor).toBe(200);
      else expectRefused(visitor, res.status(), res.headers()["location"]);
    }
  });
}

function articleId(slug: string): number {
  const db = e2eDb();
  try {
    return (db.prepare("select id from articles where slug = ?").get(slug) as { id: number }).id;
  } finally {
    db.close();
  }
}

/** An approved guest comment on the permissions article, straight in the database. */
function insertApprovedComment(content: string): number {
  const db = e2eDb();
  try {
    return (
      db
        .prepare("insert into comments (article_id, author_name, author_email, content, status) values (?, 'Matrix Writer', 'matrix-writer@example.com', ?, 'approved') returning id")
        .get(articleId("e2e-permissions"), content) as { id: number }
    ).id;
  } finally {
    db.close();
  }
}

/** The admin's page without JavaScript (forms as their plain POST), for reading a form's fields. */
async function adminPage(browser: Browser, baseURL: string) {
  const context = await browser.newContext({ javaScriptEnabled: false });
  await context.addCookies([{ name: SESSION_COOKIE, value: await sessionToken(admin), url: baseURL }]);
  return context.newPage();
}

const withButton = (page: Page, label: string) => page.locator("form").filter({ has: page.locator("button", { hasText: new RegExp(`^${label}$`) }) });

test("server action on /moderation (approve a held comment): moderators and admins only", async ({ browser, request, baseURL }) => {
  // Held: posted without the form token.
  const posted = await request.post("/api/articles/e2e-permissions/comments", {
    headers: { origin: baseURL!, "content-type": "application/json" },
    data: { content: `Held for the matrix ${Date.now()}.`, name: "Held Guest", email: `held-${Date.now()}@example.com` },
  });
  const { id } = (await posted.json()) as { id: number };
  const status = () => {
    const db = e2eDb();
    try {
      return (db.prepare("select status from comments where id = ?").get(id) as { status: string }).status;
    } finally {
      db.close();
    }
  };
  expect(status()).toBe("pending");
  const context = await browser.newContext({ javaScriptEnabled: false });
  await context.addCookies([{ name: SESSION_COOKIE, value: await sessionToken(admin), url: baseURL! }]);
  const page = await context.newPage();
  await page.goto(`/moderation?queue=pending&q=${encodeURIComponent("Held for the matrix")}`);
  const fields = await formFields(page.locator("form.queue"));
  await context.close();
  const approve = { ...fields, rowAction: `approve:${id}` };
  for (const visitor of VISITORS.filter((v) => v !== "admin" && v !== "moderator")) {
    const res = await post(request, "/moderation", visitor, baseURL!, approve);
    if (visitor === "signed out") {
      expect([303, 307]).toContain(res.status());
      expect(res.headers()["location"]).toMatch(/\/login\?callbackUrl=%2Fmoderation/);
    } else {
      expect(res.status(), visitor).toBe(403);
    }
    expect(status(), visitor).toBe("pending");
  }
  const res = await post(request, "/moderation", "moderator", baseURL!, approve);
  expect(res.status()).toBe(303);
  expect(status()).toBe("approved");
});

test("server actions Empty spam and Check for spam (whole queue): moderators and admins only", async ({ browser, request, baseURL }) => {
  const spam = await request.post("/api/articles/e2e-permissions/comments", {
    headers: { origin: baseURL!, "content-type": "application/json" },
    data: { content: `Spam for the matrix ${Date.now()}.`, name: "akismet-guaranteed-spam", email: `matrix-${Date.now()}@example.com` },
  });
  expect(spam.status()).toBe(201);
  // Held (no form token), so the Pending queue has its Check for spam form.
  const held = await request.post("/api/articles/e2e-permissions/comments", {
    headers: { origin: baseURL!, "content-type": "application/json" },
    data: { content: `Held for the matrix check ${Date.now()}.`, name: "Held Guest", email: `held2-${Date.now()}@example.com` },
  });
  expect(held.status()).toBe(201);
  const context = await browser.newContext({ javaScriptEnabled: false });
  await context.addCookies([{ name: SESSION_COOKIE, value: await sessionToken(admin), url: baseURL! }]);
  const page = await context.newPage();
  await page.goto("/moderation?queue=spam");
  const empty = { ...(await formFields(page.locator("form.empty-queue"))), confirm: "yes" };
  await page.goto("/moderation?queue=pending");
  const check = await formFields(page.getByRole("form", { name: "Check the whole Pending queue" }));
  await context.close();
  const runs = () => {
    const db = e2eDb();
    try {
      return (db.prepare("select count(*) as n from job_runs where job in ('empty-spam', 'check-pending')").get() as { n: number }).n;
    } finally {
      db.close();
    }
  };
  const before = { runs: runs(), comments: countComments() };
  for (const [path, fields] of [
    ["/moderation?queue=spam", empty],
    ["/moderation?queue=pending", check],
  ] as const) {
    for (const visitor of VISITORS.filter((v) => v !== "admin" && v !== "moderator")) {
      const res = await post(request, path, visitor, baseURL!, fields);
      if (visitor === "signed out") {
        expect([303, 307]).toContain(res.status());
        expect(res.headers()["location"]).toMatch(/\/login\?callbackUrl=%2Fmoderation/);
      } else {
        expect(res.status(), visitor).toBe(403);
      }
      expect({ runs: runs(), comments: countComments() }, `${visitor}: nothing started`).toEqual(before);
    }
  }
  const res = await post(request, "/moderation?queue=spam", "moderator", baseURL!, empty);
  expect(res.status()).toBe(303);
  await expect.poll(runs).toBe(before.runs + 1);
});

test.describe("server actions on /admin/users: admin only, nothing changes otherwise", () => {
  const actions = [
    {
      name: "change role",
      button: "Change role",
      fields: (f: Record<string, string>) => ({ ...f, role: "moderator" }),
      changed: (before: unknown, after: { role: string } | null) => after?.role === "moderator",
    },
    {
      name: "ban",
      button: "Ban",
      fields: (f: Record<string, string>) => f,
      changed: (_before: unknown, after: { banned: number } | null) => after?.banned === 1,
    },
    {
      name: "delete",
      button: "Delete account",
      fields: (f: Record<string, string>) => ({ ...f, confirm: "yes" }),
      changed: (_before: unknown, after: unknown) => after === null,
    },
  ] as const;

  for (const action of actions) {
    test(action.name, async ({ browser, request, baseURL }) => {
      const victim = await createAccount("reader");
      // The form as the admin's browser has it (without JavaScript: the plain POST).
      const context = await browser.newContext({ javaScriptEnabled: false });
      await context.addCookies([{ name: SESSION_COOKIE, value: await sessionToken(admin), url: baseURL! }]);
      const page = await context.newPage();
      await page.goto("/admin/users");
      const row = page.getByRole("row", { name: victim.name });
      // CSS, not roles: the delete form sits in a closed <details>.
      const form = row.locator("form").filter({ has: page.locator("button", { hasText: new RegExp(`^${action.button}$`) }) });
      const fields = action.fields(await formFields(form));
      await context.close();

      for (const visitor of VISITORS.filter((v) => v !== "admin")) {
        const before = userRow(victim.id);
        const res = await post(request, "/admin/users", visitor, baseURL!, fields);
        expectRefused(visitor, res.status(), res.headers()["location"]);
        expect(userRow(victim.id), `${visitor}: unchanged`).toEqual(before);
      }
      const before = userRow(victim.id);
      const res = await post(request, "/admin/users", "admin", baseURL!, fields);
      expect(res.status()).toBe(303);
      expect(res.headers()["location"]).toMatch(/\/admin\/users\?notice=/);
      expect(action.changed(before, userRow(victim.id) as never)).toBe(true);
    });
  }
});

test("API POST /api/articles/<slug>/comments: everyone but a banned account", async ({ request, baseURL }) => {
  const { formToken } = await (await request.get("/api/articles/e2e-permissions/comments")).json();
  for (const visitor of VISITORS) {
    const before = countComments();
    const res = await request.post("/api/articles/e2e-permissions/comments", {
      headers: { ...(await headersFor(visitor, baseURL!)), "content-type": "application/json" },
      data: { content: `Matrix comment from ${visitor}.`, name: "Matrix Guest", email: "matrix-guest@example.com", formToken },
    });
    if (visitor === "banned") {
      expect(res.status()).toBe(403);
      expect(await res.json()).toMatchObject({ error: "Your account has been suspended, so you cannot comment." });
      expect(countComments()).toBe(before);
    } else {
      expect(res.status(), visitor).toBe(201);
      expect((await res.json()).status).toBe("approved");
      expect(countComments()).toBe(before + 1);
    }
  }
});

test("comment form action: a banned account's comment is refused and not stored", async ({ browser, baseURL }) => {
  const banned = accounts.get("banned")!;
  const context = await browser.newContext({ javaScriptEnabled: false });
  await context.addCookies([{ name: SESSION_COOKIE, value: await sessionToken(banned), url: baseURL! }]);
  const page = await context.newPage();
  await page.goto("/articles/e2e-permissions");
  await expect(page.getByText("Your account has been suspended, so you cannot comment.")).toBeVisible();
  // The form is hidden from them; submit it anyway, as a crafted POST would.
  const form = page.locator("form.comment-form");
  const fields = await formFields(form);
  const before = countComments();
  const res = await context.request.post(`/articles/e2e-permissions`, {
    headers: { origin: baseURL! },
    multipart: { ...fields, content: "A banned account tries anyway." },
    maxRedirects: 0,
  });
  expect(res.status()).toBe(200);
  expect(await res.text()).toContain("Your account has been suspended, so you cannot comment.");
  expect(countComments()).toBe(before);
  await context.close();
});

test("server action on /editor/<id> (submit a draft for review): editors and admins only", async ({ browser, request, baseURL }) => {
  const editor = accounts.get("editor")!;
  // A draft made through the editor's own form, as its author would.
  const context = await browser.newContext({ javaScriptEnabled: false });
  await context.addCookies([{ name: SESSION_COOKIE, value: await sessionToken(editor), url: baseURL! }]);
  const page = await context.newPage();
  await page.goto("/editor/new");
  await page.getByRole("textbox", { name: "Title" }).fill(`Matrix draft ${Date.now()}`);
  await page.getByRole("textbox", { name: "Slug" }).fill(`matrix-draft-${Date.now()}`);
  await page.getByRole("textbox", { name: "Body (markdown)" }).fill("Body.");
  await page.getByRole("button", { name: "Create draft" }).click();
  await expect(page).toHaveURL(/\/editor\/\d+/);
  const id = Number(/\/editor\/(\d+)/.exec(page.url())![1]);
  const fields = await formFields(page.locator("form").filter({ has: page.locator("button", { hasText: /^Submit for review$/ }) }));
  await context.close();
  const status = () => {
    const db = e2eDb();
    try {
      return (db.prepare("select status from articles where id = ?").get(id) as { status: string }).status;
    } finally {
      db.close();
    }
  };
  for (const visitor of VISITORS.filter((v) => v !== "editor" && v !== "admin")) {
    const res = await post(request, `/editor/${id}`, visitor, baseURL!, fields);
    if (visitor === "signed out") {
      expect([303, 307]).toContain(res.status());
      expect(res.headers()["location"]).toMatch(/\/login\?callbackUrl=%2Feditor/);
    } else {
      expect(res.status(), visitor).toBe(403);
    }
    expect(status(), visitor).toBe("draft");
  }
  const res = await post(request, `/editor/${id}`, "editor", baseURL!, fields);
  expect(res.status()).toBe(303);
  expect(status()).toBe("in_review");
});

test("server action on /moderation (Feature a published comment): moderators and admins only", async ({ browser, request, baseURL }) => {
  const text = `Featured by the matrix ${Date.now()}.`;
  const id = insertApprovedComment(text);
  const featured = () => {
    const db = e2eDb();
    try {
      return (db.prepare("select featured_at as f from comments where id = ?").get(id) as { f: number | null }).f;
    } finally {
      db.close();
    }
  };
  const page = await adminPage(browser, baseURL!);
  await page.goto(`/moderation?queue=approved&q=${encodeURIComponent(text)}`);
  await expect(page.locator(`#c-${id}`).getByRole("button", { name: "Feature", exact: true })).toBeVisible();
  const feature = { ...(await formFields(page.locator("form.queue"))), rowAction: `feature:${id}` };
  await page.context().close();
  for (const visitor of VISITORS.filter((v) => v !== "admin" && v !== "moderator")) {
    const res = await post(request, "/moderation", visitor, baseURL!, feature);
    expectRefused(visitor, res.status(), res.headers()["location"]);
    expect(featured(), `${visitor}: not featured`).toBeNull();
  }
  const res = await post(request, "/moderation", "moderator", baseURL!, feature);
  expect(res.status()).toBe(303);
  expect(featured()).not.toBeNull();
});

test("server actions on /moderation/commenter (Suspend, Add note): moderators and admins only", async ({ browser, request, baseURL }) => {
  const victim = await createAccount("reader");
  const path = `/moderation/commenter?account=${victim.id}`;
  const state = () => {
    const db = e2eDb();
    try {
      const user = db.prepare("select suspended_until as until, suspension_message as message from users where id = ?").get(victim.id);
      const notes = (db.prepare("select count(*) as n from commenter_notes where user_id = ?").get(victim.id) as { n: number }).n;
      return { user, notes };
    } finally {
      db.close();
    }
  };
  const page = await adminPage(browser, baseURL!);
  await page.goto(path);
  const suspend: Record<string, string> = { ...(await formFields(withButton(page, "Suspend"))), length: "24h", message: "Matrix suspension." };
  const note: Record<string, string> = { ...(await formFields(withButton(page, "Add note"))), body: "Matrix note." };
  await page.context().close();
  expect(suspend.account).toBe(String(victim.id));
  const before = state();
  expect(before).toEqual({ user: { until: null, message: "" }, notes: 0 });
  for (const fields of [suspend, note]) {
    for (const visitor of VISITORS.filter((v) => v !== "admin" && v !== "moderator")) {
      const res = await post(request, path, visitor, baseURL!, fields);
      expectRefused(visitor, res.status(), res.headers()["location"]);
      expect(state(), `${visitor}: unchanged`).toEqual(before);
    }
  }
  const suspended = await post(request, path, "moderator", baseURL!, suspend);
  expect(suspended.status()).toBe(303);
  expect(state().user).toMatchObject({ message: "Matrix suspension." });
  expect((state().user as { until: number | null }).until).toBeGreaterThan(Date.now());
  const noted = await post(request, path, "moderator", baseURL!, note);
  expect(noted.status()).toBe(303);
  expect(state().notes).toBe(1);
});

test("server action on /moderation/articles/<id> (Close comments): editors, moderators and admins only", async ({ browser, request, baseURL }) => {
  // An article of its own: the permissions article stays open for the other tests.
  const slug = `e2e-permissions-close-${Date.now()}`;
  const id = (() => {
    const db = e2eDb();
    try {
      return (
        db.prepare("insert into articles (slug, title, summary, body, status, published_at) values (?, 'Matrix: comment settings', '', 'Body.', 'published', ?) returning id").get(slug, Date.now()) as {
          id: number;
        }
      ).id;
    } finally {
      db.close();
    }
  })();
  const open = () => {
    const db = e2eDb();
    try {
      return (db.prepare("select comments_open as o from articles where id = ?").get(id) as { o: number }).o;
    } finally {
      db.close();
    }
  };
  const path = `/moderation/articles/${id}`;
  const page = await adminPage(browser, baseURL!);
  await page.goto(path);
  const close = await formFields(withButton(page, "Close comments"));
  await page.context().close();
  expect(close).toMatchObject({ articleId: String(id), open: "false" });
  for (const visitor of VISITORS.filter((v) => !["editor", "moderator", "admin"].includes(v))) {
    const res = await post(request, path, visitor, baseURL!, close);
    expectRefused(visitor, res.status(), res.headers()["location"]);
    expect(open(), `${visitor}: still open`).toBe(1);
  }
  const closed = await post(request, path, "editor", baseURL!, close);
  expect(closed.status()).toBe(303);
  expect(open()).toBe(0);
  // And open again, by a moderator.
  const opened = await post(request, path, "moderator", baseURL!, { ...close, open: "true" });
  expect(opened.status()).toBe(303);
  expect(open()).toBe(1);
});

test("report form action (/comments/<id>/report): any signed-in account but a banned one; a guest is sent to sign in", async ({ browser, request, baseURL }) => {
  const reports = (commentId: number) => {
    const db = e2eDb();
    try {
      return (db.prepare("select count(*) as n from comment_reports where comment_id = ?").get(commentId) as { n: number }).n;
    } finally {
      db.close();
    }
  };
  // The form as a reader's browser has it, without JavaScript.
  const probe = insertApprovedComment(`Reported by the matrix ${Date.now()}.`);
  const context = await browser.newContext({ javaScriptEnabled: false });
  await context.addCookies([{ name: SESSION_COOKIE, value: await sessionToken(accounts.get("reader")!), url: baseURL! }]);
  const page = await context.newPage();
  await page.goto(`/comments/${probe}/report`);
  const fields: Record<string, string> = { ...(await formFields(withButton(page, "Send report"))), reason: "offensive", note: "From the matrix." };
  await context.close();
  expect(fields.commentId).toBe(String(probe));

  for (const visitor of VISITORS) {
    // A comment per visitor: one report each, never enough to hold it.
    const id = insertApprovedComment(`Reported by the matrix as ${visitor} ${Date.now()}.`);
    const res = await post(request, `/comments/${id}/report`, visitor, baseURL!, { ...fields, commentId: String(id) });
    if (visitor === "signed out") {
      expect([303, 307]).toContain(res.status());
      expect(res.headers()["location"]).toMatch(new RegExp(`/login\\?callbackUrl=%2Fcomments%2F${id}%2Freport$`));
      expect(reports(id)).toBe(0);
    } else if (visitor === "banned") {
      expect(res.status()).toBe(200);
      expect(await res.text()).toContain("Your account has been suspended, so you cannot report comments.");
      expect(reports(id)).toBe(0);
    } else {
      expect(res.status(), visitor).toBe(303);
      expect(res.headers()["location"], visitor).toMatch(new RegExp(`/articles/e2e-permissions.*#comment-${id}$`));
      expect(reports(id), visitor).toBe(1);
    }
  }
  // The banned account's page says so, and has no form.
  const banned = await browser.newContext({ javaScriptEnabled: false });
  await banned.addCookies([{ name: SESSION_COOKIE, value: await sessionToken(accounts.get("banned")!), url: baseURL! }]);
  const bannedPage = await banned.newPage();
  await bannedPage.goto(`/comments/${probe}/report`);
  await expect(bannedPage.getByText("Your account has been suspended, so you cannot report comments.")).toBeVisible();
  await expect(bannedPage.getByRole("button", { name: "Send report" })).toHaveCount(0);
  await banned.close();
});
