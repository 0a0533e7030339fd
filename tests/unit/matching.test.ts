import { describe, expect, it } from "vitest";
import { findListedEmail, findListedIp, findListedWord, isValidIpEntry, parseIpEntry, toTokens } from "@/lib/comments/matching";

describe("findListedWord", () => {
  it("matches whole words regardless of case and accents", () => {
    expect(findListedWord(["Cheap VÍAGRA here"], ["viagra"])).toBe("viagra");
    expect(findListedWord(["A classic assessment"], ["ass"])).toBeNull();
  });

  it("survives punctuation or spaces inserted between letters", () => {
    expect(findListedWord(["buy v.i.a.g.r.a today"], ["viagra"])).toBe("viagra");
    expect(findListedWord(["buy v i a g r a today"], ["viagra"])).toBe("viagra");
    expect(findListedWord(["cheap-pills!"], ["cheap pills"])).toBe("cheap pills");
    expect(findListedWord(["cheappills"], ["cheap pills"])).toBe("cheap pills");
  });

  it("matches mixed case, accented, full-width, styled and lookalike letters", () => {
    for (const text of ["VIAGRA", "ViAgRa", "vïagra", "víágrà", "ＶＩＡＧＲＡ", "ｖｉａｇｒａ", "𝐯𝐢𝐚𝐠𝐫𝐚", "ⓥⓘⓐⓖⓡⓐ", "viаgrа" /* Cyrillic а */]) {
      expect(findListedWord([`buy ${text} now`], ["viagra"]), text).toBe("viagra");
    }
    // The entry itself may be typed with capitals or accents.
    expect(findListedWord(["cheap viagra"], ["VÏAGRA"])).toBe("VÏAGRA");
    expect(findListedWord(["Straße"], ["strasse"])).toBe("strasse");
  });

  it("survives letters split by punctuation, spaces or invisible characters", () => {
    for (const text of ["v.i.a.g.r.a", "V.I.A.G.R.A.", "v i a g r a", "v-i-a-g-r-a", "v_i_a_g_r_a", "v*i*a*g*r*a", "vi.agra", "via-gra", "vi\u00ADagra", "vi\u200Bagra", "buy a v i a g r a", "(v.i.a.g.r.a)"]) {
      expect(findListedWord([`cheap ${text} today`], ["viagra"]), text).toBe("viagra");
    }
    expect(findListedWord(["play c-a-s-i-n-o games"], ["casino"])).toBe("casino");
    expect(findListedWord(["play c a s i n o games"], ["casino"])).toBe("casino");
  });

  it("reads leetspeak digits and symbols as letters", () => {
    for (const text of ["v1agra", "VI4GR4", "v 1 a g r a", "v1@gr@", "c@sino", "ca$ino", "c4s1n0", "v!agra"]) {
      const entry = text.startsWith("c") ? "casino" : "viagra";
      expect(findListedWord([`get ${text} here`], [entry]), text).toBe(entry);
    }
    expect(findListedWord(["you a55"], ["ass"])).toBe("ass");
    expect(findListedWord(["you @$$"], ["ass"])).toBe("ass");
    expect(findListedWord(["l33t h4x0r"], ["leet"])).toBe("leet");
    // Numbers stay numbers.
    expect(findListedWord(["It cost 455 euros"], ["ass"])).toBeNull();
    expect(findListedWord(["It cost $455"], ["ass"])).toBeNull();
  });

  it("does not match inside or across other words", () => {
    const innocent = [
      "A classic assessment",
      "first class pass",
      "Massachusetts",
      "the bass player",
      "assist",
      "a.s.s.i.s.t",
      "a s s i s t",
      "He has a ssh key",
      "I was at Sussex",
    ];
    for (const text of innocent) expect(findListedWord([text], ["ass"]), text).toBeNull();
    expect(findListedWord(["an Al Jazeera report"], ["anal"])).toBeNull();
    expect(findListedWord(["Bob's ex-wife"], ["sex"])).toBeNull();
    expect(findListedWord(["casino bonus"], ["sino"])).toBeNull();
    expect(findListedWord(["casi nobonus"], ["casino bonus"])).toBeNull();
    // But a short word on its own, or spelled out on its own, matches.
    expect(findListedWord(["what an ass."], ["ass"])).toBe("ass");
    expect(findListedWord(["you a.s.s"], ["ass"])).toBe("ass");
    expect(findListedWord(["you A S S!"], ["ass"])).toBe("ass");
    expect(findListedWord(["bad-ass"], ["ass"])).toBe("ass");
    expect(findListedWord(["what a a.s.s"], ["ass"])).toBe("ass");
  });

  it("matches a phrase whatever separates its words", () => {
    for (const text of ["Casino   Bonus!", "casino bonus", "CASINO-BONUS", "casino, bonus", "casinobonus", "c a s i n o b o n u s", "Cásino\nBonus"]) {
      expect(findListedWord([`Get your ${text} here`], ["casino bonus"]), text).toBe("casino bonus");
    }
    expect(findListedWord(["casino and bonus"], ["casino bonus"])).toBeNull();
  });

  it("finds the word in any of the texts (content, name, website)", () => {
    expect(findListedWord(["Nice article", "Cheap Pills", ""], ["cheap pills"])).toBe("cheap pills");
    expect(findListedWord(["Nice article", "Ada", "https://www.viagra.example/shop"], ["viagra"])).toBe("viagra");
    expect(findListedWord(["mail me: bob@viagra.example"], ["viagra"])).toBe("viagra");
    expect(findListedWord(["Nice article", "Ada", ""], ["viagra", "casino"])).toBeNull();
  });

  it("ignores empty entries", () => {
    expect(findListedWord(["anything"], ["", "  "])).toBeNull();
    expect(toTokens("  ")).toEqual([]);
  });
});

describe("findListedEmail", () => {
  it("matches addresses exactly and domains with their subdomains", () => {
    expect(findListedEmail("Bad@Spam.example", ["bad@spam.example"])).toBe("bad@spam.example");
    expect(findListedEmail("a@x.spam.example", ["@spam.example"])).toBe("@spam.example");
    expect(findListedEmail("a@notspam.example", ["spam.example"])).toBeNull();
  });

  it("is case-insensitive and matches the domain and its subdomains only", () => {
    expect(findListedEmail("BAD@SPAM.EXAMPLE", ["Bad@Spam.Example"])).toBe("Bad@Spam.Example");
    expect(findListedEmail("bad+promo@spam.example", ["bad@spam.example"])).toBe("bad@spam.example");
    expect(findListedEmail("other@spam.example", ["bad@spam.example"])).toBeNull();
    expect(findListedEmail("a@SPAM.example", ["@spam.example"])).toBe("@spam.example");
    expect(findListedEmail("a@deep.mail.spam.example", ["@Spam.Example"])).toBe("@Spam.Example");
    expect(findListedEmail("a@notspam.example", ["@spam.example"])).toBeNull();
    expect(findListedEmail("a@spam.example.org", ["@spam.example"])).toBeNull();
    expect(findListedEmail("spam.example@good.example", ["@spam.example"])).toBeNull();
    expect(findListedEmail("a@mail.ru", ["@ru"])).toBe("@ru");
    expect(findListedEmail("", ["@spam.example"])).toBeNull();
    expect(findListedEmail("a@spam.example", ["", "  "])).toBeNull();
  });
});

describe("findListedIp", () => {
  it("matches IPs and CIDR ranges, IPv4 and IPv6", () => {
    expect(findListedIp("192.0.2.10", ["192.0.2.0/24"])).toBe("192.0.2.0/24");
    expect(findListedIp("::ffff:192.0.2.10", ["192.0.2.10"])).toBe("192.0.2.10");
    expect(findListedIp("2001:db8::1", ["2001:db8::/32"])).toBe("2001:db8::/32");
    expect(findListedIp("192.0.3.1", ["192.0.2.0/24", "not an ip"])).toBeNull();
    expect(findListedIp("", ["0.0.0.0/0"])).toBeNull();
  });

  it("matches exact addresses, IPv6 in any notation, and normalises IPv4-mapped IPv6", () => {
    expect(findListedIp("192.0.2.10", ["192.0.2.1", "192.0.2.10"])).toBe("192.0.2.10");
    expect(findListedIp("192.0.2.100", ["192.0.2.10"])).toBeNull();
    expect(findListedIp("2001:0db8:0000:0000:0000:0000:0000:0001", ["2001:db8::1"])).toBe("2001:db8::1");
    expect(findListedIp("2001:DB8::1", ["2001:db8:0:0::1"])).toBe("2001:db8:0:0::1");
    expect(findListedIp("2001:db8::2", ["2001:db8::1"])).toBeNull();
    // Mapped on either side.
    expect(findListedIp("::ffff:198.51.100.7", ["198.51.100.0/24"])).toBe("198.51.100.0/24");
    expect(findListedIp("198.51.100.7", ["::ffff:198.51.100.7"])).toBe("::ffff:198.51.100.7");
    expect(findListedIp("198.51.100.7", ["::ffff:198.51.100.0/120"])).toBe("::ffff:198.51.100.0/120");
    // Kinds never cross otherwise; ranges end where they end.
    expect(findListedIp("192.0.2.10", ["::/0"])).toBeNull();
    expect(findListedIp("2001:db8::1", ["0.0.0.0/0"])).toBeNull();
    expect(findListedIp("10.1.255.255", ["10.0.0.0/15"])).toBe("10.0.0.0/15");
    expect(findListedIp("10.2.0.0", ["10.0.0.0/15"])).toBeNull();
    expect(findListedIp(" 192.0.2.10 ", [" 192.0.2.10 "])).toBe(" 192.0.2.10 ");
  });

  it("ignores entries that are not addresses or ranges", () => {
    expect(findListedIp("0.0.0.10", ["10"])).toBeNull();
    expect(findListedIp("192.0.2.10", ["192.0.2.10/33", "192.0.2.0/ 24", "nope", ""])).toBeNull();
    expect(findListedIp("not-an-ip", ["0.0.0.0/0"])).toBeNull();
  });
});

describe("parseIpEntry / isValidIpEntry", () => {
  it("accepts dotted-quad IPv4, IPv6 and CIDR ranges only", () => {
    for (const ok of ["192.0.2.10", "192.0.2.0/24", "0.0.0.0/0", "2001:db8::1", "2001:db8::/32", "::1", "::ffff:192.0.2.1", " 10.0.0.0/8 "]) {
      expect(isValidIpEntry(ok), ok).toBe(true);
    }
    for (const bad of ["", "10", "192.168.1", "0x7f.0.0.1", "010.0.0.1", "256.0.0.1", "192.0.2.0/33", "2001:db8::/129", "192.0.2.0/", "/24", "192.0.2.0/24/8", "example.com", "1.2.3.4 5.6.7.8"]) {
      expect(isValidIpEntry(bad), bad).toBe(false);
    }
    expect(parseIpEntry("::ffff:192.0.2.0/120")).toMatchObject({ bits: 24 });
    expect(parseIpEntry("::ffff:192.0.2.0/120")?.range.kind()).toBe("ipv4");
  });
});
