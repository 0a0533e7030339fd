import { describe, expect, it } from "vitest";
import { USER_ROLES } from "@/db/schema";
import { CAPABILITIES, can, ROLE_CAPABILITIES } from "@/lib/auth/permissions";
import { newAccountSchema, safeCallbackUrl } from "@/lib/auth/rules";

describe("the role table", () => {
  it("gives each role exactly what docs/product.md says", () => {
    const table = Object.fromEntries(USER_ROLES.map((r) => [r, CAPABILITIES.filter((c) => can({ role: r, banned: false }, c))]));
    expect(table).toEqual({
      reader: ["comment:create"],
      editor: ["comment:create", "article:edit", "article:publish", "review:write", "article:comments"],
      moderator: ["comment:create", "comment:moderate", "article:comments"],
      admin: [...CAPABILITIES],
    });
  });

  it("lets a banned account do nothing, whatever its role", () => {
    for (const role of USER_ROLES) {
      for (const c of ROLE_CAPABILITIES[role]) expect(can({ role, banned: true }, c)).toBe(false);
    }
    expect(can(null, "comment:create")).toBe(false);
  });
});

describe("callbackUrl", () => {
  it("keeps paths on this site and refuses everything else", () => {
    expect(safeCallbackUrl("/admin/users?x=1", "http://localhost:3000")).toBe("/admin/users?x=1");
    for (const bad of ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", "", undefined, 42]) {
      expect(safeCallbackUrl(bad, "http://localhost:3000")).toBe("/");
    }
  });
});

describe("new account rules", () => {
  it("normalises the email and requires a long enough password that is not the email", () => {
    expect(newAccountSchema.parse({ name: " Ada ", email: " Ada@Example.COM ", password: "long enough pass" })).toEqual({
      name: "Ada",
      email: "ada@example.com",
      password: "long enough pass",
    });
    const short = newAccountSchema.safeParse({ name: "Ada", email: "ada@example.com", password: "short" });
    expect(short.success || short.error.issues.map((i) => i.message)).toEqual(["Use at least 10 characters."]);
    const same = newAccountSchema.safeParse({ name: "Ada", email: "ada.lovelace@example.com", password: "ADA.LOVELACE@example.com" });
    expect(same.success || same.error.issues[0]?.message).toBe("Your password must not be your email address.");
    const bad = newAccountSchema.safeParse({ name: "", email: "not-an-email", password: "long enough pass" });
    expect(bad.success || bad.error.issues.map((i) => i.path[0])).toEqual(["name", "email"]);
  });
});
