/** The commenter page of an account, or of a guest's email address (/moderation/commenter). */
export function commenterHref(who: { userId: number | null; email: string }): string {
  return who.userId !== null ? `/moderation/commenter?account=${who.userId}` : `/moderation/commenter?email=${encodeURIComponent(who.email.toLowerCase())}`;
}
