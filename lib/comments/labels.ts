/** "1 Comment", "2 Comments": the heading of a thread. */
export function commentCountLabel(n: number): string {
  return `${n} ${n === 1 ? "Comment" : "Comments"}`;
}
