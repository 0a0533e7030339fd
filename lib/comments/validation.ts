import { z } from "zod";
import { cleanCommentText, findInvisibleCharacter, invisibleCharacterMessage } from "@/lib/text/invisible-characters";

export const COMMENT_LIMITS = {
  content: 65_525,
  name: 245,
  email: 100,
  url: 200,
} as const;

const text = z.preprocess((v) => (typeof v === "string" ? v : v == null ? "" : String(v)), z.string());

/** NFC and trimmed: what a name, email or website is compared and stored as. */
const normalizeField = (v: string) => v.normalize("NFC").trim();

/** Refuses invisible and control characters (bidi overrides, zero-width, C0/C1) with a message naming the field. */
const visibleOnly = (what: string) =>
  z.string().check((ctx) => {
    const found = findInvisibleCharacter(ctx.value);
    if (found) ctx.issues.push({ code: "custom", input: ctx.value, message: invisibleCharacterMessage(what, found) });
  });

// NFC, CRLF to LF, no control characters but tab and LF, no bidi overrides.
const content = text.transform(cleanCommentText).pipe(
  z
    .string()
    .refine((v) => v.trim().length > 0, "Please type your comment.")
    .check((ctx) => {
      if (ctx.value.length > COMMENT_LIMITS.content) {
        ctx.issues.push({
          code: "custom",
          input: ctx.value,
          message: `Your comment is too long: at most ${COMMENT_LIMITS.content.toLocaleString("en-US")} characters (it has ${ctx.value.length.toLocaleString("en-US")}).`,
        });
      }
    }),
);

const name = text
  .transform(normalizeField)
  .pipe(visibleOnly("Your name"))
  .pipe(
    z
      .string()
      .min(1, "Please enter your name.")
      .max(COMMENT_LIMITS.name, `Your name is too long: at most ${COMMENT_LIMITS.name} characters.`),
  );

const email = text
  .transform(normalizeField)
  .pipe(visibleOnly("Your email address"))
  .pipe(
    z
      .string()
      .min(1, "Please enter your email address.")
      .max(COMMENT_LIMITS.email, `Your email address is too long: at most ${COMMENT_LIMITS.email} characters.`)
      .pipe(z.email("Please enter a valid email address, like name@example.com.")),
  );

const website = text
  .transform(normalizeField)
  .pipe(visibleOnly("Your website address"))
  .pipe(
    z
      .string()
      .max(COMMENT_LIMITS.url, `Your website address is too long: at most ${COMMENT_LIMITS.url} characters.`)
      .refine((v) => v === "" || isHttpUrl(v), "Your website must be a full address starting with http:// or https://."),
  );

/** An absolute http(s) address with a host (a commenter's website). */
export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname.length > 0;
  } catch {
    return false;
  }
}

const parentId = z.preprocess(
  (v) => (v === "" || v == null || v === "0" || v === 0 ? undefined : v),
  z.coerce.number().int().positive("That reply target does not exist.").optional(),
);

const checkbox = z.preprocess(
  (v) => v === true || v === "on" || v === "yes" || v === "true" || v === "1",
  z.boolean(),
);

/** Fields shared by the form and the JSON API. */
const common = {
  content,
  parentId,
  /** The honeypot: people never see or fill it. */
  honeypot: text.default(""),
  /** Signed time the form was rendered (see lib/comments/form-token.ts). */
  formToken: text.default(""),
  remember: checkbox.default(false),
  /** "Notify me of follow-up comments by email." (only offered while mail is on). */
  notify: checkbox.default(false),
};

export const guestCommentSchema = z.object({ ...common, name, email, url: website });
/** Signed-in readers only write: the account supplies name, email and website. */
export const memberCommentSchema = z.object({ ...common });

export type GuestCommentInput = z.infer<typeof guestCommentSchema>;
export type MemberCommentInput = z.infer<typeof memberCommentSchema>;
export type CommentInput = MemberCommentInput & Partial<Pick<GuestCommentInput, "name" | "email" | "url">>;

export type CommentField = "content" | "name" | "email" | "url" | "parentId";
export type FieldErrors = Partial<Record<CommentField, string>>;

/** What the person typed, to put back into the form after an error. */
export type CommentFormValues = {
  content: string;
  name: string;
  email: string;
  url: string;
  parentId: string;
  remember: boolean;
  notify: boolean;
};

export function formValues(raw: Record<string, unknown>): CommentFormValues {
  const s = (v: unknown) => (typeof v === "string" ? v : v == null ? "" : String(v));
  return {
    content: s(raw.content),
    name: s(raw.name),
    email: s(raw.email),
    url: s(raw.url),
    parentId: s(raw.parentId),
    remember: raw.remember === true || raw.remember === "on",
    notify: raw.notify === true || raw.notify === "on",
  };
}

/** The form's message when a field needs correcting (the server's and the browser's check say the same). */
export const INVALID_COMMENT_MESSAGE = "Please correct the highlighted fields; your comment has been kept.";

/** Validates a submission; a guest must give name and email. */
export function validateComment(
  raw: Record<string, unknown>,
  { guest }: { guest: boolean },
): { ok: true; data: CommentInput } | { ok: false; fieldErrors: FieldErrors } {
  const result = (guest ? guestCommentSchema : memberCommentSchema).safeParse(raw);
  if (result.success) return { ok: true, data: result.data };
  const fieldErrors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const key = issue.path[0] as CommentField;
    fieldErrors[key] ??= issue.message;
  }
  return { ok: false, fieldErrors };
}
