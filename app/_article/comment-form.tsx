"use client";

import { suspendedUntilText } from "@/lib/community/standing";
import Link from "next/link";
import { useActionState, useEffect, useRef, useState, type FormEvent } from "react";
import { COMMENT_TOO_LARGE_MESSAGE, exceedsFormBodyLimit } from "@/lib/comments/form-limits";
import { INITIAL_COMMENT_FORM_STATE, type CommentFormState } from "@/lib/comments/form-state";
import { COMMENT_LIMITS, INVALID_COMMENT_MESSAGE, formValues, validateComment, type CommentFormValues } from "@/lib/comments/validation";
import { signOutAction } from "@/app/auth-actions";
import { postComment } from "./actions";
import { usePersonal, useRefreshAfter } from "./personal";

type Props = {
  articleSlug: string;
  formToken: string;
  /** Signed-in readers only write; guests give name and email. */
  guest: boolean;
  /** The signed-in account: "Logged in as …" instead of Name, Email, Website. */
  account: { name: string; banned: boolean; suspendedUntil?: string | null; suspensionMessage?: string } | null;
  replyTo: { id: number; name: string } | null;
  cancelReplyHref: string;
  defaults: Pick<CommentFormValues, "name" | "email" | "url" | "remember">;
  /** Mail is on (SMTP_URL): offer "Notify me of follow-up comments by email." */
  notifyOffered?: boolean;
  /**
   * The form comes from the page cache, so its token may be minutes old: with
   * JavaScript, fetch a fresh one when the reader starts writing, so the
   * "too fast" rule measures their own time on the form.
   */
  refreshToken?: boolean;
};

function FieldError({ id, message }: { id: string; message?: string }) {
  return message ? (
    <p id={id} className="field-error">
      {message}
    </p>
  ) : null;
}

export function CommentForm({ articleSlug, formToken, guest, account, replyTo, cancelReplyHref, defaults, refreshToken, notifyOffered }: Props) {
  const [serverState, formAction, pending] = useActionState(postComment, INITIAL_COMMENT_FORM_STATE);
  // Posted (held, or refused): the reader's own parts of the page are asked for again.
  useRefreshAfter(pending);
  // A post refused in the browser before sending (too large for the server to take).
  const [refusedHere, setRefusedHere] = useState<CommentFormState | null>(null);
  // Without JavaScript the textarea's maxlength keeps a post under the body
  // limit; with it, nothing is cut off silently: an over-long comment is
  // refused on submit with the message and the text kept.
  const [enhanced, setEnhanced] = useState(false);
  useEffect(() => setEnhanced(true), []);
  const [freshToken, setFreshToken] = useState<string | null>(null);
  const [tokenRequested, setTokenRequested] = useState(false);
  function fetchFreshToken() {
    if (!refreshToken || tokenRequested) return;
    setTokenRequested(true);
    fetch(`/api/articles/${encodeURIComponent(articleSlug)}/comments?page=1`, { cache: "no-store" })
      .then((response) => (response.ok ? response.json() : null))
      .then((body: { formToken?: unknown } | null) => {
        if (typeof body?.formToken === "string") setFreshToken(body.formToken);
      })
      // The cached token still works; only the timing rule is less precise.
      .catch(() => undefined);
  }
  const state = refusedHere ?? serverState;
  const values = state.values ?? { content: "", parentId: "", notify: false, ...defaults };
  // Remembered fields that arrive after the form showed (the personal request on a cached
  // page) fill the fields still empty: never what the reader typed meanwhile.
  const formRef = useRef<HTMLFormElement>(null);
  const { name: rememberedName, email: rememberedEmail, url: rememberedUrl, remember: remembered } = defaults;
  useEffect(() => {
    const form = formRef.current;
    if (!form || state.values) return;
    const fill = (field: string, value: string) => {
      const input = form.elements.namedItem(field);
      if (input instanceof HTMLInputElement && input.value === "" && value) input.value = value;
    };
    fill("name", rememberedName);
    fill("email", rememberedEmail);
    fill("url", rememberedUrl);
    const box = form.elements.namedItem("remember");
    if (remembered && box instanceof HTMLInputElement && (rememberedName || rememberedEmail)) box.checked = true;
  }, [rememberedName, rememberedEmail, rememberedUrl, remembered, state.values]);
  const errors = state.fieldErrors;

  function refuseOversized(event: FormEvent<HTMLFormElement>) {
    const data = new FormData(event.currentTarget);
    const raw = Object.fromEntries([...data.entries()].filter((e): e is [string, string] => typeof e[1] === "string"));
    const content = raw.content ?? "";
    if (content.length <= COMMENT_LIMITS.content && !exceedsFormBodyLimit(Object.values(raw))) {
      setRefusedHere(null);
      return;
    }
    event.preventDefault();
    const checked = validateComment(raw, { guest });
    const fieldErrors = checked.ok ? {} : checked.fieldErrors;
    setRefusedHere({
      message: Object.keys(fieldErrors).length > 0 ? INVALID_COMMENT_MESSAGE : COMMENT_TOO_LARGE_MESSAGE,
      fieldErrors,
      values: formValues(raw),
    });
  }
  const described = (field: keyof typeof errors) => (errors[field] ? `${field}-error` : undefined);

  return (
    <div id="respond" className="respond">
      <h3 id="reply-title" className="respond__title">
        {replyTo ? `Reply to ${replyTo.name}` : "Leave a Reply"}
        {replyTo ? (
          <>
            {" "}
            <small>
              <Link href={cancelReplyHref} scroll={false} className="cancel-reply">
                Cancel reply
              </Link>
            </small>
          </>
        ) : null}
      </h3>
      {account?.banned ? (
        <p className="form-message" role="status">
          Your account has been suspended, so you cannot comment.
        </p>
      ) : account?.suspendedUntil ? (
        <div className="form-message" role="status">
          <p>{suspendedUntilText(new Date(account.suspendedUntil))}</p>
          {account.suspensionMessage ? <p className="suspension-message">{account.suspensionMessage}</p> : null}
        </div>
      ) : null}
      {/* Sign-out is its own form (forms cannot nest); the button below submits it. */}
      {account ? <form id="logout-form" action={signOutAction} hidden /> : null}
      <form
        ref={formRef}
        action={formAction}
        onSubmit={refuseOversized}
        onFocus={fetchFreshToken}
        noValidate
        className="comment-form"
        aria-labelledby="reply-title"
        hidden={account?.banned || Boolean(account?.suspendedUntil)}
      >
        {account ? (
          <p className="logged-in-as">
            Logged in as {account.name}.{" "}
            <button type="submit" form="logout-form" className="link-button">
              Log out?
            </button>
          </p>
        ) : null}
        {state.message ? (
          <p className="form-message" role="alert">
            {state.message}
          </p>
        ) : null}
        <FieldError id="parentId-error" message={errors.parentId} />
        <p className="form-field">
          <label htmlFor="comment-content">
            Comment <span aria-hidden="true" className="required">*</span>
          </label>
          <textarea
            id="comment-content"
            name="content"
            rows={7}
            maxLength={enhanced ? undefined : COMMENT_LIMITS.content}
            aria-required="true"
            aria-invalid={errors.content ? true : undefined}
            aria-describedby={described("content")}
            defaultValue={values.content}
          />
          <FieldError id="content-error" message={errors.content} />
        </p>
        {guest ? (
          <div className="form-row">
            <p className="form-field">
              <label htmlFor="comment-name">
                Name <span aria-hidden="true" className="required">*</span>
              </label>
              <input
                id="comment-name"
                name="name"
                type="text"
                autoComplete="name"
                aria-required="true"
                aria-invalid={errors.name ? true : undefined}
                aria-describedby={described("name")}
                defaultValue={values.name}
              />
              <FieldError id="name-error" message={errors.name} />
            </p>
            <p className="form-field">
              <label htmlFor="comment-email">
                Email <span aria-hidden="true" className="required">*</span>
              </label>
              <input
                id="comment-email"
                name="email"
                type="email"
                autoComplete="email"
                aria-required="true"
                aria-invalid={errors.email ? true : undefined}
                aria-describedby={described("email") ?? "email-note"}
                defaultValue={values.email}
              />
              <FieldError id="email-error" message={errors.email} />
              <span id="email-note" className="field-note">
                Never published.
              </span>
            </p>
            <p className="form-field">
              <label htmlFor="comment-url">Website</label>
              <input
                id="comment-url"
                name="url"
                type="url"
                autoComplete="url"
                aria-invalid={errors.url ? true : undefined}
                aria-describedby={described("url")}
                defaultValue={values.url}
              />
              <FieldError id="url-error" message={errors.url} />
            </p>
          </div>
        ) : null}
        {/* Honeypot: hidden from people (and screen readers); bots fill it in. */}
        <div className="hp-field" aria-hidden="true">
          <label htmlFor="comment-fax">Fax</label>
          <input id="comment-fax" name="fax" type="text" tabIndex={-1} autoComplete="off" defaultValue="" />
        </div>
        <input type="hidden" name="articleSlug" value={articleSlug} />
        {/* A fresh token comes back with the form when the one it was rendered with expired. */}
        <input type="hidden" name="formToken" value={serverState.formToken ?? freshToken ?? formToken} />
        <input type="hidden" name="parentId" value={replyTo ? String(replyTo.id) : ""} />
        {guest ? (
          <p className="form-check">
            <input id="comment-remember" name="remember" type="checkbox" defaultChecked={values.remember} />
            <label htmlFor="comment-remember">
              Save my name, email, and website in this browser for the next time I comment.
            </label>
          </p>
        ) : null}
        {notifyOffered ? (
          <p className="form-check">
            <input id="comment-notify" name="notify" type="checkbox" defaultChecked={values.notify} aria-describedby="notify-note" />
            <span>
              <label htmlFor="comment-notify">Notify me of follow-up comments by email.</label>{" "}
              <span id="notify-note" className="field-note">
                The first time, we email you a link to confirm the address.
              </span>
            </span>
          </p>
        ) : null}
        <p className="form-submit">
          <button type="submit" disabled={pending} aria-busy={pending}>
            {pending ? "Posting…" : "Post Comment"}
          </button>
        </p>
      </form>
      <p className="akismet-notice">
        This site uses Akismet to reduce spam.{" "}
        <a href="https://akismet.com/privacy/" target="_blank" rel="noopener noreferrer">
          Learn how your comment data is processed
        </a>
        .
      </p>
    </div>
  );
}

/**
 * The comment form as the reader's personal view makes it (docs/decisions/022):
 * "Logged in as …" for a signed-in reader, the remembered name, email and
 * website for a guest who asked for them; the shared page's form until the
 * view arrives, the same form (and what was typed in it) after.
 */
export function PersonalCommentForm(props: Props) {
  const { view } = usePersonal();
  if (!view) return <CommentForm {...props} />;
  const remembered = view.remembered;
  return (
    <CommentForm
      {...props}
      guest={view.account === null}
      account={view.account}
      defaults={remembered ? { name: remembered.name, email: remembered.email, url: remembered.url, remember: true } : props.defaults}
    />
  );
}
