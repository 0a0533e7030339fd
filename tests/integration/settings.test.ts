import { describe, expect, it } from "vitest";
import { getDb, rows, sql } from "@/lib/db";
import { getSettings, updateSettings } from "@/lib/settings";
import { DEFAULT_SETTINGS } from "@/lib/settings/schema";

describe("settings", () => {
  it("start at their defaults and change only the keys given", async () => {
    expect(await getSettings()).toEqual(DEFAULT_SETTINGS);
    expect(await updateSettings({ floodSeconds: 0, holdWords: ["refund"] })).toEqual({ ok: true });
    expect(await updateSettings({ linkLimit: 5 })).toEqual({ ok: true });
    expect(await getSettings()).toEqual({ ...DEFAULT_SETTINGS, floodSeconds: 0, holdWords: ["refund"], linkLimit: 5 });
    const stored = await rows(getDb(), sql`select key from settings where key not like 'akismet.%' order by key`);
    expect(stored).toEqual([{ key: "floodSeconds" }, { key: "holdWords" }, { key: "linkLimit" }]);
  });

  it("refuse invalid values with a message per key and store nothing", async () => {
    const before = await getSettings();
    const result = await updateSettings({ linkLimit: -1, threadDepth: 2 });
    expect(result).toMatchObject({ ok: false, errors: { linkLimit: expect.any(String) } });
    expect(await getSettings()).toEqual(before);
  });
});
