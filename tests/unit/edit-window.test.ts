import { describe, expect, it } from "vitest";
import { editDeadline, editTimeLeft, withinEditWindow } from "@/lib/comments/edit-window";

const posted = new Date("2026-12-02T10:00:00.000Z");
const at = (ms: number) => new Date(posted.getTime() + ms);

describe("the edit window", () => {
  it("ends the set number of minutes after posting", () => {
    expect(editDeadline(posted, 10)?.toISOString()).toBe("2026-12-02T10:10:00.000Z");
    expect(editDeadline(posted, 1)?.toISOString()).toBe("2026-12-02T10:01:00.000Z");
  });

  it("is open right after posting and until just before the deadline", () => {
    expect(withinEditWindow(posted, 10, posted)).toBe(true);
    expect(withinEditWindow(posted, 10, at(9 * 60_000 + 59_999))).toBe(true);
  });

  it("is closed at the deadline and after it", () => {
    expect(withinEditWindow(posted, 10, at(10 * 60_000))).toBe(false);
    expect(withinEditWindow(posted, 10, at(60 * 60_000))).toBe(false);
  });

  it("is never open when editing is off (0 minutes) or the setting is not a number", () => {
    expect(editDeadline(posted, 0)).toBeNull();
    expect(withinEditWindow(posted, 0, posted)).toBe(false);
    expect(withinEditWindow(posted, Number.NaN, posted)).toBe(false);
    expect(withinEditWindow(posted, -5, posted)).toBe(false);
  });

  it("says how long is left in whole minutes, rounded up", () => {
    const deadline = editDeadline(posted, 10)!;
    expect(editTimeLeft(deadline, posted)).toBe("10 minutes");
    expect(editTimeLeft(deadline, at(4 * 60_000 + 1))).toBe("6 minutes");
    expect(editTimeLeft(deadline, at(9 * 60_000 + 30_000))).toBe("less than a minute");
    expect(editTimeLeft(deadline, at(10 * 60_000))).toBeNull();
  });
});
