import { describe, expect, it } from "vitest";
import { splitLinks } from "@/lib/comments/links";
import { validateComment } from "@/lib/comments/validation";

const guest = { guest: true };

describe("validateComment", () => {
  it("accepts a guest comment and normalizes it", () => {
    const r = validateComment({ content: "Line one\r\nLine two", name: " Ada ", email: " Ada@Example.com ", url: "" }, guest);
    expect(r).toEqual({
      ok: true,
      data: expect.objectContaining({ content: "Line one\nLine two", name: "Ada", email: "Ada@Example.com", url: "", honeypot: "", remember: false }),
    });
  });

  it("asks guests for name and email, and anyone for a comment", () => {
    const r = validateComment({ content: "   ", name: "", email: "" }, guest);
    expect(r).toEqual({
      ok: false,
      fieldErrors: {
        content: "Please type your comment.",
        name: "Please enter your name.",
        email: "Please enter your email address.",
      },
    });
    expect(validateComment({ content: "Hi" }, { guest: false }).ok).toBe(true);
  });

  it("enforces the limits with messages that say them", () => {
    const r = validateComment(
      { content: "x".repeat(65_526), name: "n".repeat(246), email: `${"e".repeat(95)}@x.example`, url: `https://${"u".repeat(200)}.example` },
      guest,
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.fieldErrors.content).toBe("Your comment is too long: at most 65,525 characters (it has 65,526).");
    expect(r.fieldErrors.name).toBe("Your name is too long: at most 245 characters.");
    expect(r.fieldErrors.email).toBe("Your email address is too long: at most 100 characters.");
    expect(r.fieldErrors.url).toBe("Your website address is too long: at most 200 characters.");
    expect(validateComment({ content: "x".repeat(65_525), name: "a", email: "a@b.example" }, guest).ok).toBe(true);
  });

  it("rejects a malformed email and a website that is not http(s)", () => {
    const r = validateComment({ content: "Hi", name: "A", email: "not-an-email", url: "javascript:alert(1)" }, guest);
    expect(r).toMatchObject({
      ok: false,
      fieldErrors: {
        email: "Please enter a valid email address, like name@example.com.",
        url: "Your website must be a full address starting with http:// or https://.",
      },
    });
  });
});

describe("splitLinks", () => {
  it("finds http(s) and www links and leaves the rest as text", () => {
    expect(splitLinks("See https://a.example/x?y=1, or www.news.org. javascript:alert(1)")).toEqual([
      { kind: "text", text: "See " },
      { kind: "link", text: "https://a.example/x?y=1", href: "https://a.example/x?y=1" },
      { kind: "text", text: ", or " },
      { kind: "link", text: "www.news.org", href: "http://www.news.org" },
      { kind: "text", text: ". javascript:alert(1)" },
    ]);
  });
});
