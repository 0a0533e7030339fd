import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { getSettings, updateSettings } from "@/lib/settings";
import { DEFAULT_SETTINGS } from "@/lib/settings/schema";

describe("settings", () => {
  it("start at their defaults and change only the keys given", () => {
    expect(getSettings()).toEqual(DEFAULT_SETTINGS);
    expect(updateSettings({ floodSeconds: 0, holdWords: ["refund"] })).toEqual({ ok: true });
    expect(updateSettings({ linkLimit: 5 })).toEqual({ ok: true });
    expect(getSettings()).toEqual({ ...DEFAULT_SETTINGS, floodSeconds: 0, holdWords: ["refund"], linkLimit: 5 });
    const stored = getDb().$client.prepare("select key from settings where key not like 'akismet.%' order by key").all();
    expect(stored).toEqual([{ key: "floodSeconds" }, { key: "holdWords" }, { key: "linkLimit" }]);
  });

  it("refuse invalid values with a message per key and store nothing", () => {
    const before = getSettings();
    const result = updateSettings({ linkLimit: -1, threadDepth: 2 });
    expect(result).toMatchObject({ ok: false, errors: { linkLimit: expect.any(String) } });
    expect(getSettings()).toEqual(before);
  });
});
