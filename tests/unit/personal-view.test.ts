import { describe, expect, it } from "vitest";
import { AWAITING_MODERATION, CAN_REPLY, EDITED, type CompactComment } from "@/lib/comments/compact";
import { withHeldComments, withoutComments, type HeldComment } from "@/lib/comments/personal-view";

const row = (id: number, depth: number, flags = 0): CompactComment => [id, depth, `n${id}`, "", "a", "2026-01-01T00:00Z", `t${id}`, flags, 0];
const held = (id: number, parentId: number | null): HeldComment => ({ parentId, comment: row(id, 1, AWAITING_MODERATION) });
const shape = (rows: CompactComment[]) => rows.map((r) => `${r[0]}@${r[1]}`);

// 1 (2 (3)), 4
const page = [row(1, 1), row(2, 2), row(3, 3), row(4, 1)];

describe("the reader's held comments on the shared page", () => {
  it("puts a held reply after its parent's last descendant, one level deeper", () => {
    expect(shape(withHeldComments(page, [held(10, 1)], { newCommentsHere: true, newestFirst: false }))).toEqual(["1@1", "2@2", "3@3", "10@2", "4@1"]);
    expect(shape(withHeldComments(page, [held(11, 3)], { newCommentsHere: true, newestFirst: false }))).toEqual(["1@1", "2@2", "3@3", "11@4", "4@1"]);
  });

  it("puts a held top-level comment where new comments appear, and only on that page", () => {
    expect(shape(withHeldComments(page, [held(20, null)], { newCommentsHere: true, newestFirst: false }))).toEqual(["1@1", "2@2", "3@3", "4@1", "20@1"]);
    expect(shape(withHeldComments(page, [held(20, null), held(21, null)], { newCommentsHere: true, newestFirst: true }))).toEqual([
      "21@1",
      "20@1",
      "1@1",
      "2@2",
      "3@3",
      "4@1",
    ]);
    expect(shape(withHeldComments(page, [held(20, null)], { newCommentsHere: false, newestFirst: false }))).toEqual(shape(page));
  });

  it("nests a held reply to a held comment, and leaves out a reply whose parent is on another page", () => {
    expect(shape(withHeldComments(page, [held(20, null), held(21, 20), held(22, 99)], { newCommentsHere: true, newestFirst: false }))).toEqual([
      "1@1",
      "2@2",
      "3@3",
      "4@1",
      "20@1",
      "21@2",
    ]);
  });

  it("never shows a comment twice, and leaves the page alone without held comments", () => {
    // Approved since the personal view was read: the shared page's copy shows, once, unmarked.
    const shown = withHeldComments(page, [held(4, null), held(2, 1)], { newCommentsHere: true, newestFirst: false });
    expect(shown).toEqual(page);
    expect(withHeldComments(page, [], { newCommentsHere: true, newestFirst: false })).toEqual(page);
  });

  it("shows the reader's own comment just published, which the shared page may lack, and their own edit over the page's older copy", () => {
    // Published moments ago, not on the page yet: in its place, unmarked.
    const justPosted: HeldComment = { parentId: 2, comment: row(30, 1) };
    expect(shape(withHeldComments(page, [justPosted], { newCommentsHere: true, newestFirst: false }))).toEqual(["1@1", "2@2", "3@3", "30@3", "4@1"]);
    // Edited moments ago: the page's row keeps its place, depth, flags and count, with the new text and "Edited".
    const edited: CompactComment = [...row(3, 1, EDITED)] as CompactComment;
    edited[6] = "t3, corrected";
    const onPage = [row(1, 1), row(2, 2), [3, 3, "n3", "", "a", "2026-01-01T00:00Z", "t3", CAN_REPLY, 7] as CompactComment, row(4, 1)];
    const result = withHeldComments(onPage, [{ parentId: 2, comment: edited }], { newCommentsHere: true, newestFirst: false });
    expect(result[2]).toEqual([3, 3, "n3", "", "a", "2026-01-01T00:00Z", "t3, corrected", CAN_REPLY | EDITED, 7]);
    expect(shape(result)).toEqual(shape(onPage));
  });
});

describe("comments taken down while the page is open", () => {
  it("go with their replies, and leave their siblings", () => {
    // 1 (2 (3)), 4
    expect(shape(withoutComments(page, new Set([2])))).toEqual(["1@1", "4@1"]);
    expect(shape(withoutComments(page, new Set([1])))).toEqual(["4@1"]);
    expect(shape(withoutComments(page, new Set([3, 4])))).toEqual(["1@1", "2@2"]);
    expect(withoutComments(page, new Set())).toEqual(page);
  });
});
