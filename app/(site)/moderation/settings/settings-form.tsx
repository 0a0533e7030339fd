"use client";

import { useActionState } from "react";
import { COMMENT_ORDER_LABELS, SITE_COMMENT_ORDERS } from "@/lib/comments/order";
import type {
  ListField,
  ModerationSettingsField,
  ModerationSettingsState,
  NumberField,
} from "@/lib/moderation/settings-form";

export type NumberRanges = Record<NumberField, { min: number; max: number }>;

type Props = {
  action: (state: ModerationSettingsState, formData: FormData) => Promise<ModerationSettingsState>;
  initial: ModerationSettingsState;
  ranges: NumberRanges;
};

type ListSpec = { name: ListField; label: string; hint: string; placeholder: string };
type NumberSpec = { name: NumberField; label: string; hint: string };

const BLOCK_LISTS: ListSpec[] = [
  {
    name: "blockWords",
    label: "Disallowed words",
    hint: "A comment containing one (in its text, name or website) goes to Spam. One word or phrase per line.",
    placeholder: "viagra\ncasino bonus",
  },
  {
    name: "blockEmails",
    label: "Disallowed emails",
    hint: "A comment from one goes to Spam: a full address, or @example.com for a domain and its subdomains. One per line.",
    placeholder: "someone@example.com\n@spam.example",
  },
  {
    name: "blockIps",
    label: "Disallowed IP addresses",
    hint: "A comment from one goes to Spam: an address (192.0.2.7) or a range (192.0.2.0/24), IPv4 or IPv6. One per line.",
    placeholder: "192.0.2.7\n198.51.100.0/24\n2001:db8::/32",
  },
];

const HOLD_WORDS: ListSpec = {
  name: "holdWords",
  label: "Hold words",
  hint: "A comment containing one waits in Pending. One word or phrase per line.",
  placeholder: "refund\nlawyer",
};

const LINK_LIMIT: NumberSpec = { name: "linkLimit", label: "Link limit", hint: "More links than this holds a comment in Pending." };

const TRUST_MIN: NumberSpec = {
  name: "trustMinApproved",
  label: "Hold comments from commenters with fewer approved comments than",
  hint: "0: off. 1 holds a commenter's comments until one of theirs is approved (WordPress's “previously approved”). Staff are never held.",
};
const TRUST_REJECTED: NumberSpec[] = [
  { name: "trustRejectedPercent", label: "Rejected share (%)", hint: "Held when at least this share of their comments in the window went to Spam or Trash." },
  { name: "trustRejectedDays", label: "Window (days)", hint: "How far back the rejected share looks." },
];
const REPORTS: NumberSpec[] = [
  {
    name: "reportsToHold",
    label: "Reports that hold a comment",
    hint: "A published comment is held (Pending, “Reported by N readers”) once this many different accounts reported it. 0: never; reports still go to the Reported queue.",
  },
  { name: "reportsPerHour", label: "Reports per account per hour", hint: "More are refused until the hour is over." },
];

const EDIT_WINDOW: NumberSpec = {
  name: "commentEditMinutes",
  label: "Edit window (minutes)",
  hint: "A commenter can edit their own comment for this many minutes after posting it (0: never).",
};

const CLOSING: NumberSpec[] = [
  {
    name: "commentsAutoCloseDays",
    label: "Close comments after (days)",
    hint: "Close comments this many days after an article is published (0: never).",
  },
  { name: "spamRetentionDays", label: "Delete spam after (days)", hint: "Delete spam this many days after it went to Spam." },
  {
    name: "blatantSpamRetentionDays",
    label: "Delete blatant spam after (days)",
    hint: "Delete blatant spam (Akismet's “discard”) this many days after it went to Spam (0: at the next clean-up).",
  },
  { name: "trashRetentionDays", label: "Delete trash after (days)", hint: "Delete comments this many days after they went to Trash." },
];

const id = (name: ModerationSettingsField) => `mod-settings-${name}`;

function describedBy(name: ModerationSettingsField, error: string | undefined): string {
  return error ? `${id(name)}-hint ${id(name)}-error` : `${id(name)}-hint`;
}

function FieldError({ name, error }: { name: ModerationSettingsField; error: string | undefined }) {
  return error ? (
    <span id={`${id(name)}-error`} className="field-error">
      {error}
    </span>
  ) : null;
}

/**
 * The block lists and hold rules (/moderation/settings): lists as textareas,
 * one entry per line, numbers, one checkbox. Works without JavaScript too (a
 * plain form post; the page renders the answer).
 */
export function ModerationSettingsForm({ action, initial, ranges }: Props) {
  const [state, formAction, pending] = useActionState(action, initial);
  const errors = state.fieldErrors;
  const values = state.values;

  const list = ({ name, label, hint, placeholder }: ListSpec) => (
    <div className="form-field mod-settings__field" key={name}>
      <label htmlFor={id(name)}>{label}</label>
      <span id={`${id(name)}-hint`} className="field-note">
        {hint}
      </span>
      <textarea
        id={id(name)}
        name={name}
        rows={5}
        spellCheck={false}
        autoCapitalize="off"
        autoCorrect="off"
        placeholder={placeholder}
        defaultValue={values[name]}
        aria-invalid={errors[name] ? true : undefined}
        aria-describedby={describedBy(name, errors[name])}
      />
      <FieldError name={name} error={errors[name]} />
    </div>
  );

  const number = ({ name, label, hint }: NumberSpec) => (
    <div className="form-field mod-settings__field" key={name}>
      <label htmlFor={id(name)}>{label}</label>
      <span id={`${id(name)}-hint`} className="field-note">
        {hint}
      </span>
      <input
        id={id(name)}
        name={name}
        type="number"
        inputMode="numeric"
        min={ranges[name].min}
        max={ranges[name].max}
        step={1}
        required
        defaultValue={values[name]}
        aria-invalid={errors[name] ? true : undefined}
        aria-describedby={describedBy(name, errors[name])}
      />
      <FieldError name={name} error={errors[name]} />
    </div>
  );

  return (
    <form action={formAction} className="mod-settings__form" noValidate>
      <div role="status" className="mod-settings__status">
        {state.status === "saved" && state.message ? <p className="form-notice">{state.message}</p> : null}
      </div>
      {state.status === "invalid" && state.message ? (
        <p className="form-message" role="alert">
          {state.message}
        </p>
      ) : null}

      <section className="panel mod-settings__section" aria-labelledby="mod-settings-block-heading">
        <h2 id="mod-settings-block-heading">Block lists</h2>
        <p className="muted mod-settings__intro">
          Words match whole words whatever the capitals, accents, or dots and spaces between letters (“v.i.a.g.r.a”), and
          are looked for in the comment, the name and the website.
        </p>
        {BLOCK_LISTS.map(list)}
      </section>

      <section className="panel mod-settings__section" aria-labelledby="mod-settings-hold-heading">
        <h2 id="mod-settings-hold-heading">Hold rules</h2>
        <p className="muted mod-settings__intro">A held comment waits in Pending until a moderator approves it.</p>
        {list(HOLD_WORDS)}
        {number(LINK_LIMIT)}
      </section>

      <section className="panel mod-settings__section" aria-labelledby="mod-settings-trust-heading">
        <h2 id="mod-settings-trust-heading">Trust rules</h2>
        <p className="muted mod-settings__intro">
          A commenter's record: an account's comments, or a guest's under their email address sent from the same browser or
          network. Comments by editors, moderators and admins are never held by these rules.
        </p>
        {number(TRUST_MIN)}
        <div className="form-field mod-settings__field">
          <label className="form-check" htmlFor={id("trustRejectedHold")}>
            <input
              id={id("trustRejectedHold")}
              name="trustRejectedHold"
              type="checkbox"
              defaultChecked={values.trustRejectedHold}
              aria-describedby={describedBy("trustRejectedHold", errors.trustRejectedHold)}
            />
            <span>Hold comments from commenters whose comments were often rejected lately</span>
          </label>
          <span id={`${id("trustRejectedHold")}-hint`} className="field-note">
            Uses the share and window below.
          </span>
          <FieldError name="trustRejectedHold" error={errors.trustRejectedHold} />
        </div>
        {TRUST_REJECTED.map(number)}
      </section>

      <section className="panel mod-settings__section" aria-labelledby="mod-settings-reports-heading">
        <h2 id="mod-settings-reports-heading">Reader reports</h2>
        {REPORTS.map(number)}
      </section>

      <section className="panel mod-settings__section" aria-labelledby="mod-settings-threads-heading">
        <h2 id="mod-settings-threads-heading">Comment threads</h2>
        <div className="form-field mod-settings__field">
          <label htmlFor={id("commentOrder")}>Comment order</label>
          <span id={`${id("commentOrder")}-hint`} className="field-note">
            The order of top-level comments on article pages and in the comments API; readers can switch to the other. Replies
            stay oldest first under the comment they answer.
          </span>
          {/* Keyed by the value: React resets a form after its action, and a select
              would go back to the option it first rendered with, not what was sent. */}
          <select
            key={values.commentOrder}
            id={id("commentOrder")}
            name="commentOrder"
            defaultValue={values.commentOrder}
            aria-invalid={errors.commentOrder ? true : undefined}
            aria-describedby={describedBy("commentOrder", errors.commentOrder)}
          >
            {SITE_COMMENT_ORDERS.map((order) => (
              <option key={order} value={order}>
                {COMMENT_ORDER_LABELS[order]}
              </option>
            ))}
          </select>
          <FieldError name="commentOrder" error={errors.commentOrder} />
        </div>
        {number(EDIT_WINDOW)}
      </section>

      <section className="panel mod-settings__section" aria-labelledby="mod-settings-closing-heading">
        <h2 id="mod-settings-closing-heading">Closing and clean-up</h2>
        <p className="muted mod-settings__intro">Deleted comments are gone for good, with their history.</p>
        {CLOSING.map(number)}
      </section>

      <p className="form-submit mod-settings__submit">
        <button type="submit" disabled={pending} aria-busy={pending}>
          {pending ? "Saving…" : "Save settings"}
        </button>
      </p>
    </form>
  );
}
