import type { UserRole } from "@/db/schema";

/** The honeypot field of the comment form, as named to Akismet. */
export const HONEYPOT_FIELD = "fax";

/** Akismet's name for our roles (administrator is its trusted-role trigger). */
export const AKISMET_ROLE: Record<UserRole, string> = {
  reader: "subscriber",
  editor: "editor",
  moderator: "moderator",
  admin: "administrator",
};

export type CheckSubject = {
  comment: {
    content: string;
    authorName: string;
    authorEmail: string;
    authorUrl: string;
    parentId: number | null;
    createdAt: Date;
  };
  article: { slug: string; modifiedAt: Date };
  request: { ip: string; userAgent: string; referrer: string };
  userRole: UserRole | null;
  honeypot: string;
  site: { url: string; lang: string; charset: string };
  isTest: boolean;
  recheckReason?: "retry" | "recheck_queue" | "edit";
};

/**
 * Every comment-check parameter the platform knows (see docs/akismet.md),
 * by its protocol name. `api_key` is added by the client, not stored here.
 */
export function buildCheckParams(s: CheckSubject): Record<string, string> {
  const params: Record<string, string> = {
    blog: s.site.url + "/",
    user_ip: s.request.ip,
    user_agent: s.request.userAgent,
    referrer: s.request.referrer,
    permalink: `${s.site.url}/articles/${s.article.slug}`,
    comment_type: s.comment.parentId ? "reply" : "comment",
    comment_author: s.comment.authorName,
    comment_author_email: s.comment.authorEmail,
    comment_author_url: s.comment.authorUrl,
    comment_content: s.comment.content,
    comment_date_gmt: s.comment.createdAt.toISOString(),
    comment_post_modified_gmt: s.article.modifiedAt.toISOString(),
    blog_lang: s.site.lang,
    blog_charset: s.site.charset,
    honeypot_field_name: HONEYPOT_FIELD,
    [HONEYPOT_FIELD]: s.honeypot,
  };
  if (s.userRole) params.user_role = AKISMET_ROLE[s.userRole];
  if (s.comment.parentId) params.comment_parent = String(s.comment.parentId);
  if (s.isTest) params.is_test = "1";
  if (s.recheckReason) params.recheck_reason = s.recheckReason;
  return params;
}
