import { describe, expect, it } from "vitest";
import { saveModerationSettingsForm } from "@/lib/moderation/settings-form";
import { getSettings } from "@/lib/settings";
import { postComment } from "../support/comments";
import { createArticle } from "../support/factories";

function form(fields: Record<string, string>): FormData {
  const base: Record<string, string> = {
    blockWords: "",
    blockEmails: "",
    blockIps: "",
    holdWords: "",
    linkLimit: "2",
    commentOrder: "oldest",
    commentEditMinutes: "10",
    commentsAutoCloseDays: "0",
    spamRetentionDays: "15",
    blatantSpamRetentionDays: "1",
    trashRetentionDays: "30",
    trustMinApproved: "0",
    trustRejectedPercent: "30",
    trustRejectedDays: "7",
    reportsToHold: "3",
    reportsPerHour: "20",
  };
  const data = new FormData();
  for (const [k, v] of Object.entries({ ...base, ...fields })) data.set(k, v);
  return data;
}

describe("the moderation settings form", () => {
  it("saves tidied lists and numbers, and the pipeline uses them at once", async () => {
    const state = await saveModerationSettingsForm(
      form({ blockWords: "Casino\n\n  casino  \nviagra", blockEmails: "spam.example\nbad@x.example", blockIps: "203.0.113.0/24\n2001:db8::1", holdWords: "refund", linkLimit: "4", trustMinApproved: "2", trustRejectedHold: "on", reportsToHold: "5" }),
    );
    expect(state).toMatchObject({ status: "saved", message: "Settings saved.", fieldErrors: {} });
    expect(await getSettings()).toMatchObject({
      blockWords: ["Casino", "viagra"],
      blockEmails: ["@spam.example", "bad@x.example"],
      blockIps: ["203.0.113.0/24", "2001:db8::1"],
      holdWords: ["refund"],
      linkLimit: 4,
      trustMinApproved: 2,
      trustRejectedHold: true,
      reportsToHold: 5,
    });
    const article = await createArticle();
    const blocked = await postComment(article, { content: "Win at the c.a.s.i.n.o tonight" });
    expect(blocked).toMatchObject({ ok: true, status: "spam" });
    const fromRange = await postComment(article, { content: "Hello from a listed network" }, { ip: "203.0.113.77" });
    expect(fromRange).toMatchObject({ ok: true, status: "spam" });
    await saveModerationSettingsForm(form({}));
    expect(await getSettings()).toMatchObject({ blockWords: [], trustMinApproved: 0, trustRejectedHold: false, reportsToHold: 3, linkLimit: 2 });
  });

  it("refuses bad input field by field, keeps what was typed and saves nothing", async () => {
    const before = await getSettings();
    const state = await saveModerationSettingsForm(form({ blockIps: "203.0.113.0/24\nnot-an-ip\n10.0.0.0/99", linkLimit: "-1", trashRetentionDays: "abc", blockWords: "fine" }));
    expect(state.status).toBe("invalid");
    expect(state.fieldErrors.blockIps).toMatch(/not-an-ip/);
    expect(state.fieldErrors.blockIps).toMatch(/10\.0\.0\.0\/99/);
    expect(state.fieldErrors.linkLimit).toBeTruthy();
    expect(state.fieldErrors.trashRetentionDays).toBeTruthy();
    expect(state.fieldErrors.blockWords).toBeUndefined();
    expect(state.values.blockIps).toBe("203.0.113.0/24\nnot-an-ip\n10.0.0.0/99");
    expect(state.values.trashRetentionDays).toBe("abc");
    expect(await getSettings()).toEqual(before);
  });
});
