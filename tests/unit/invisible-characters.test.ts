import { describe, expect, it } from "vitest";
import { emailField, nameField, newAccountSchema } from "@/lib/auth/rules";
import { validateComment } from "@/lib/comments/validation";

const guest = { guest: true };
const comment = (fields: Record<string, string>) =>
  validateComment({ content: "A comment.", name: "Ada", email: "ada@example.com", url: "", ...fields }, guest);

/** Characters that hide themselves or rearrange what follows, each a way to pass for someone else. */
const INVISIBLE: [string, string][] = [
  ["U+0000", "\u0000"],
  ["U+0007", "\u0007"],
  ["U+0009", "\t"],
  ["U+000A", "\n"],
  ["U+001B", "\u001b"],
  ["U+007F", "\u007f"],
  ["U+0085", "\u0085"],
  ["U+009B", "\u009b"],
  ["U+00AD", "\u00ad"],
  ["U+061C", "\u061c"],
  ["U+115F", "\u115f"],
  ["U+180E", "\u180e"],
  ["U+200B", "\u200b"],
  ["U+200C", "\u200c"],
  ["U+200D", "\u200d"],
  ["U+200E", "\u200e"],
  ["U+200F", "\u200f"],
  ["U+2028", "\u2028"],
  ["U+202A", "\u202a"],
  ["U+202E", "\u202e"],
  ["U+2060", "\u2060"],
  ["U+2066", "\u2066"],
  ["U+2069", "\u2069"],
  ["U+3164", "\u3164"],
  ["U+FEFF", "\ufeff"],
  // Default-ignorable: render as nothing, yet make a different name.
  ["U+FE00", "\ufe00"],
  ["U+FE0F", "\ufe0f"],
  ["U+17B4", "\u17b4"],
  ["U+180B", "\u180b"],
  ["U+E0100", "\u{e0100}"],
];

describe("guest comment names, emails and websites", () => {
  it.each(INVISIBLE)("refuses %s inside a name, with a message naming it", (code, ch) => {
    expect(comment({ name: `Ad${ch}min` })).toEqual({
      ok: false,
      fieldErrors: { name: `Your name contains an invisible or control character (${code}). Please remove it.` },
    });
  });

  it("refuses a right-to-left override that makes a name read as another", () => {
    // Shown as "Moderator" followed by a reversed tail.
    const r = comment({ name: "\u202eroTaredoM" });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.fieldErrors.name).toBe("Your name contains an invisible or control character (U+202E). Please remove it.");
  });

  it("refuses such characters in the email and website with their own messages", () => {
    const r = comment({ email: "ada\u200b@example.com", url: "https://example.com/\u202egnp.exe" });
    expect(r).toEqual({
      ok: false,
      fieldErrors: {
        email: "Your email address contains an invisible or control character (U+200B). Please remove it.",
        url: "Your website address contains an invisible or control character (U+202E). Please remove it.",
      },
    });
  });

  it("normalizes names, emails and websites to NFC", () => {
    // "e" + combining acute (NFD) becomes the single "é".
    const r = comment({ name: "Rene\u0301 ", email: "rene@example.com", url: "https://example.com/cafe\u0301" });
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.data.name).toBe("Ren\u00e9");
      expect(r.data.url).toBe("https://example.com/caf\u00e9");
    }
  });

  it("keeps visible names in any script, and emoji made with joiners", () => {
    for (const name of ["Zoë Ångström", "محمد", "שלום", "李小龙", "Ana-María O'Neil", "👩‍💻 Ada", "Ada 🏴󠁧󠁢󠁳󠁣󠁴󠁿", "Ada 👍🏽", "❤️ Ada"]) {
      const r = comment({ name });
      expect(r.ok, name).toBe(true);
    }
  });

  it("trims surrounding whitespace rather than refusing it", () => {
    const r = comment({ name: "  Ada\t", email: " ada@example.com\n" });
    expect(r.ok).toBe(true);
  });
});

describe("comment text", () => {
  const content = (text: string) => {
    const r = validateComment({ content: text }, { guest: false });
    if (!r.ok) throw new Error(JSON.stringify(r.fieldErrors));
    return r.data.content;
  };

  it("keeps line breaks and tabs and drops C0 and C1 controls", () => {
    expect(content("one\r\ntwo\rthree\nfour\u2028five")).toBe("one\ntwo\nthree\nfour\nfive");
    expect(content("a\tb")).toBe("a\tb");
    expect(content("a\u0000b\u0007c\u001bd\u007fe\u0085f\u009bg")).toBe("abcdefg");
  });

  it("drops bidi embeddings and overrides, keeps marks, isolates and joiners", () => {
    expect(content("see \u202ehttps://example.com\u202c now")).toBe("see https://example.com now");
    expect(content("\u202a\u202b\u202dx")).toBe("x");
    expect(content("abc \u200fשלום\u200e \u2067עברית\u2069 \u200c \u200d")).toBe("abc \u200fשלום\u200e \u2067עברית\u2069 \u200c \u200d");
  });

  it("normalizes to NFC", () => {
    expect(content("cafe\u0301")).toBe("caf\u00e9");
  });

  it("refuses a comment that is nothing but controls", () => {
    expect(validateComment({ content: "\u0000\u202e\u0085" }, { guest: false })).toEqual({
      ok: false,
      fieldErrors: { content: "Please type your comment." },
    });
  });
});

describe("account names and emails (/register, /setup, admin, user:add)", () => {
  it.each(INVISIBLE.filter(([, ch]) => ch.trim() === ch))("refuses %s in a name and an email", (code, ch) => {
    const name = nameField.safeParse(`Ad${ch}min`);
    expect(name.success).toBe(false);
    expect(name.error?.issues[0]?.message).toBe(`Your name contains an invisible or control character (${code}). Please remove it.`);
    const email = emailField.safeParse(`ad${ch}min@example.com`);
    expect(email.success).toBe(false);
    expect(email.error?.issues[0]?.message).toBe(`Your email address contains an invisible or control character (${code}). Please remove it.`);
  });

  it("reports the field in a new account", () => {
    const r = newAccountSchema.safeParse({ name: "\u202eAdmin", email: "ada@example.com", password: "long enough pass" });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => [i.path[0], i.message])).toEqual([
      ["name", "Your name contains an invisible or control character (U+202E). Please remove it."],
    ]);
  });

  it("normalizes to NFC and keeps visible names", () => {
    expect(nameField.parse(" Rene\u0301 ")).toBe("Ren\u00e9");
    expect(nameField.parse("Zoë 👩‍💻")).toBe("Zoë 👩‍💻");
    expect(emailField.parse(" Ada@Example.COM ")).toBe("ada@example.com");
  });
});

describe("emoji in names", () => {
  it("allows the emoji presentation selector right after an emoji, and joined emoji", () => {
    for (const name of ["Ada \u2764\ufe0f", "Dev \u{1F469}\u200D\u{1F4BB}", "\u{1F44D}\u{1F3FD}\ufe0f Thumbs"]) {
      expect(comment({ name }), name).toMatchObject({ ok: true });
    }
  });
});
