/**
 * Pages that say what an action did read a code (and checked numbers) from
 * their address and show fixed text for it (lib/http/notices.ts): never
 * words from the address itself, and nothing for a code they do not know.
 */
import { describe, expect, it } from "vitest";
import { ACCOUNT_ERRORS, ACCOUNT_NOTICES } from "@/lib/auth/account-notices";
import { WORKFLOW_ERRORS, WORKFLOW_NOTICES } from "@/lib/articles/editorial";
import { noticeQuery, noticeText, textOfNotice, type NoticeCatalog, type PageQuery } from "@/lib/http/notices";
import { DIGEST_NOTICES } from "@/lib/mail/preferences";
import { MODERATION_DONE, MODERATION_ERRORS } from "@/lib/moderation/notices";
import { PRIVACY_ERRORS, PRIVACY_NOTICES } from "@/lib/privacy/admin-notices";

/** A page's query as Next hands it over, from a query string. */
const query = (search: string): PageQuery => {
  const out: PageQuery = {};
  for (const [k, v] of new URLSearchParams(search)) {
    const prev = out[k];
    out[k] = prev === undefined ? v : ([] as string[]).concat(prev, v);
  }
  return out;
};
const text = <C,>(catalog: NoticeCatalog<C>, key: string, search: string, context: C) => noticeText(catalog, key, query(search), context);
const none = undefined;

describe("/admin/privacy's messages", () => {
  it("maps its codes to fixed text, with the numbers checked", () => {
    expect(text(PRIVACY_NOTICES, "notice", "notice=erased&comments=2&mails=0", none)).toBe(
      "Erased 2 comments and 0 messages. The audit log below has the entry.",
    );
    expect(text(PRIVACY_NOTICES, "notice", "notice=erased&comments=1&mails=1", none)).toBe("Erased 1 comment and 1 message. The audit log below has the entry.");
    expect(text(PRIVACY_ERRORS, "error", "error=confirm", none)).toBe("Tick “I am sure” to erase; nothing changed.");
    expect(text(PRIVACY_ERRORS, "error", "error=email", none)).toMatch(/not a valid email address/);
  });

  it("shows nothing for words of anyone's choosing, an unknown code, or a bad number", () => {
    for (const search of [
      "notice=Your%20account%20is%20compromised&error=Call%20555",
      "notice=Erased%202%20comments",
      "notice=erased",
      "notice=erased&comments=2",
      "notice=erased&comments=-1&mails=0",
      "notice=erased&comments=1e3&mails=0",
      "notice=erased&comments=2&mails=Call%20555",
      "notice=erased&comments=99999999999&mails=0",
      "notice=erased&notice=confirm&comments=1&mails=1",
      "notice=constructor",
      "notice=__proto__",
      "notice=toString",
      "notice=hasOwnProperty",
      "",
    ]) {
      expect(text(PRIVACY_NOTICES, "notice", search, none), search).toBeNull();
      expect(text(PRIVACY_ERRORS, "error", search, none), search).toBeNull();
    }
    // An error code is not a notice, nor the other way round.
    expect(text(PRIVACY_NOTICES, "notice", "notice=confirm", none)).toBeNull();
    expect(text(PRIVACY_ERRORS, "error", "error=erased&comments=1&mails=1", none)).toBeNull();
  });

  it("round-trips what the action puts in the address", () => {
    const q = noticeQuery("notice", { code: "erased", values: { comments: 3, mails: 1 } });
    expect(q).toBe("notice=erased&comments=3&mails=1");
    expect(text(PRIVACY_NOTICES, "notice", q, none)).toBe("Erased 3 comments and 1 message. The audit log below has the entry.");
  });
});

describe("the other pages' messages", () => {
  it("/admin/users names an account from its row, never from the address", () => {
    const names = { nameOf: (id: number) => (id === 7 ? "Ann Editor" : undefined) };
    expect(text(ACCOUNT_NOTICES, "notice", "notice=role_changed&user=7&role=moderator", names)).toBe("Ann Editor is now a moderator.");
    expect(text(ACCOUNT_NOTICES, "notice", "notice=role_changed&user=7&role=admin", names)).toBe("Ann Editor is now an admin.");
    expect(text(ACCOUNT_NOTICES, "notice", "notice=banned&user=8", names)).toBe("The account is banned.");
    expect(text(ACCOUNT_NOTICES, "notice", "notice=deleted_removed&user=8&comments=1", names)).toBe("The account and 1 comment were deleted.");
    expect(text(ACCOUNT_NOTICES, "notice", "notice=role_changed&user=7&role=overlord", names)).toBeNull();
    expect(text(ACCOUNT_NOTICES, "notice", "notice=banned&user=Mallory%20is%20an%20admin", names)).toBe("The account is banned.");
    expect(text(ACCOUNT_ERRORS, "error", "error=last_admin_demote", names)).toBe("The last admin cannot be demoted.");
    expect(text(ACCOUNT_ERRORS, "error", "error=Call%20555", names)).toBeNull();
    // What lib/auth/users.ts answers is the same text.
    expect(textOfNotice(ACCOUNT_NOTICES, { code: "unbanned", values: { user: 7 } }, names)).toBe("Ann Editor is no longer banned.");
  });

  it("/moderation builds its summary from numbers and fixed words", () => {
    expect(text(MODERATION_DONE, "done", "done=approve&n=3", none)).toBe("3 comments approved.");
    expect(text(MODERATION_DONE, "done", "done=delete&n=1&kept=1", none)).toBe("1 comment deleted permanently. 1 reply to it stays, moved up a level.");
    expect(text(MODERATION_DONE, "done", "done=unapprove&n=2&stale=12:trash", none)).toBe("2 comments unapproved. #12: already in Trash; nothing changed.");
    expect(text(MODERATION_DONE, "done", "done=spam&n=0&stale=5:gone,6:invalid&more=2", none)).toBe(
      "#5: This comment no longer exists. #6: That action does not apply to this comment. 2 more could not be changed.",
    );
    expect(text(MODERATION_DONE, "done", "done=spam&n=0", none)).toBe("Nothing changed.");
    // A forged list of rows says nothing of it.
    expect(text(MODERATION_DONE, "done", "done=spam&n=1&stale=5:Call%20555", none)).toBe("1 comment marked as spam.");
    expect(text(MODERATION_DONE, "done", "done=check&checked=4&spam=1&approved=2&pending=1&failed=1", none)).toBe(
      "Checked 4, 1 spam, 2 approved, 1 still pending, 1 could not be checked (Akismet failed).",
    );
    expect(text(MODERATION_DONE, "done", "done=emptying&which=spam&n=1", none)).toBe("Emptying Spam: 1 comment to delete permanently; progress is shown below.");
    expect(text(MODERATION_DONE, "done", "done=emptying&which=users&n=1", none)).toBeNull();
    expect(text(MODERATION_ERRORS, "error", "error=confirm_empty&which=trash", none)).toBe("Tick “I am sure” to empty Trash; nothing was deleted.");
    expect(text(MODERATION_DONE, "done", "done=Your%20account%20is%20compromised", none)).toBeNull();
    expect(text(MODERATION_ERRORS, "error", "error=Call%20555", none)).toBeNull();
  });

  it("/editor/<id> and /account say their fixed words or nothing", () => {
    expect(text(WORKFLOW_NOTICES, "done", "done=publish", none)).toBe("Published.");
    expect(text(WORKFLOW_ERRORS, "error", "error=moved&status=in_review", none)).toBe("Someone already moved this article to In review; nothing changed.");
    expect(text(WORKFLOW_ERRORS, "error", "error=not_applicable&step=unpublish&status=draft", none)).toBe("“Unpublish” does not apply to an article that is Draft.");
    expect(text(WORKFLOW_ERRORS, "error", "error=moved&status=deleted", none)).toBeNull();
    expect(text(WORKFLOW_NOTICES, "done", "done=Published%20by%20the%20police", none)).toBeNull();
    expect(text(DIGEST_NOTICES, "digest", "digest=saved", none)).toBe("Saved.");
    expect(text(DIGEST_NOTICES, "digest", "digest=Call%20555", none)).toBeNull();
  });
});
