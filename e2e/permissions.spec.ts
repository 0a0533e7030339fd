/**
 * The permission matrix: every protected page, server action and API route,
 * requested over HTTP as each kind of visitor. The allowed succeed; the rest
 * get 401 (signed out: sent to /login) or 403, and the database is unchanged.
 */
import { expect, test, type APIRequestContext, type Locator } from "./support/test";
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
