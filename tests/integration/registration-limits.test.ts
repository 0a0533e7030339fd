import { like } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { users } from "@/db/schema";
import { registerAccount } from "@/lib/auth/registration";
import { getDb } from "@/lib/db";
import { updateSettings } from "@/lib/settings";

let n = 0;
function form(tag: string) {
  n += 1;
  const data = new FormData();
  data.set("name", `Newcomer ${tag} ${n}`);
  data.set("email", `new-${tag}-${n}@example.com`);
  data.set("password", "a long enough password");
  return data;
}

async function accountsLike(pattern: string): Promise<number> {
  return getDb().$count(users, like(users.email, pattern));
}

beforeEach(async () => {
  await updateSettings({ registrationsMaxPerIp: 3, registrationWindowMinutes: 60 });
});

describe("registration limit per address", () => {
  it("refuses the attempt after the limit with a message, keeps what was typed, and lets another address register", async () => {
    for (let i = 0; i < 3; i++) expect(await registerAccount(form("a"), "reader", { ip: "192.0.2.10" })).toMatchObject({ ok: true });
    const typed = form("a");
    const refused = await registerAccount(typed, "reader", { ip: "192.0.2.10" });
    expect(refused).toEqual({
      ok: false,
      state: {
        message: "Too many accounts were requested from your network recently (a limit against automated sign-ups). Try again in 60 minutes.",
        fieldErrors: {},
        values: { name: typed.get("name"), email: typed.get("email") },
      },
    });
    expect(await accountsLike("new-a-%")).toBe(3);
    expect(await registerAccount(form("b"), "reader", { ip: "192.0.2.11" })).toMatchObject({ ok: true });
  });

  it("counts an IPv6 client per /64, so rotating addresses within it does not help", async () => {
    for (let i = 1; i <= 3; i++) {
      expect(await registerAccount(form("v6"), "reader", { ip: `2001:db8:5:6::${i}` })).toMatchObject({ ok: true });
    }
    expect(await registerAccount(form("v6"), "reader", { ip: "2001:db8:5:6:ffff::99" })).toMatchObject({ ok: false });
    expect(await registerAccount(form("v6"), "reader", { ip: "2001:db8:5:7::1" })).toMatchObject({ ok: true });
  });

  it("holds when many requests arrive at once", async () => {
    const results = await Promise.all(Array.from({ length: 9 }, () => registerAccount(form("burst"), "reader", { ip: "192.0.2.20" })));
    expect(results.filter((r) => r.ok)).toHaveLength(3);
    expect(await accountsLike("new-burst-%")).toBe(3);
  });

  it("does not count a form with mistakes (no password is hashed for it)", async () => {
    const bad = form("bad");
    bad.set("password", "short");
    for (let i = 0; i < 5; i++) expect(await registerAccount(bad, "reader", { ip: "192.0.2.30" })).toMatchObject({ ok: false });
    expect(await registerAccount(form("bad"), "reader", { ip: "192.0.2.30" })).toMatchObject({ ok: true });
  });

  it("counts /setup attempts from the same address too", async () => {
    for (let i = 0; i < 3; i++) await registerAccount(form("setup"), "admin", { ip: "192.0.2.40", onlyIfNoAdmin: true });
    const refused = await registerAccount(form("setup"), "admin", { ip: "192.0.2.40", onlyIfNoAdmin: true });
    expect(refused).toMatchObject({ ok: false, state: { message: expect.stringMatching(/^Too many accounts were requested/) } });
  });
});
