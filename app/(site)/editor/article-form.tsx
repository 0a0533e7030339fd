"use client";

import { useActionState, useEffect, useRef, useState } from "react";
import type { ArticleFormValues } from "@/lib/articles/editorial";
import { slugBase } from "@/lib/articles/slug";
import { previewAction, saveArticleAction, type ArticleFormState } from "./actions";

type Props = { id: number | null; initial: ArticleFormState; published: boolean; initialPreview?: string };


function Field({ id, label, error, hint, children }: { id: string; label: string; error?: string; hint?: string; children: React.ReactNode }) {
  return (
    <div className="form-field">
      <label htmlFor={id}>{label}</label>
      {children}
      {hint ? (
        <span id={`${id}-hint`} className="field-note">
          {hint}
        </span>
      ) : null}
      {error ? (
        <span id={`${id}-error`} className="field-error">
          {error}
        </span>
      ) : null}
    </div>
  );
}

/**
 * The article editor: an explicit save that keeps every typed character when
 * it fails (the server answers with the text; the browser also keeps a copy
 * in local storage until a save succeeds), a slug that follows the title until
 * edited, and a live preview from the server's own renderer.
 */
export function ArticleForm({ id, initial, published, initialPreview }: Props) {
  const [state, formAction, pending] = useActionState(saveArticleAction, initial);
  const formRef = useRef<HTMLFormElement>(null);
  const [body, setBody] = useState(state.values.body);
  const [preview, setPreview] = useState<string | null>(initialPreview ?? null);
  const [slugTouched, setSlugTouched] = useState(Boolean(id));
  const [slug, setSlug] = useState(state.values.slug);
  const [backup, setBackup] = useState<{ at: number; values: ArticleFormValues } | null>(null);
  const key = `newsroom:article-draft:${id ?? "new"}`;
  const e = state.fieldErrors;
  const v = state.values;

  // A save went through: the local copy is no longer needed.
  useEffect(() => {
    if (state.status === "saved") {
      localStorage.removeItem(key);
      setSlug(state.values.slug);
    }
  }, [state, key]);

  // An unsaved local copy from an earlier visit: offer it back.
  useEffect(() => {
    try {
      const raw = localStorage.getItem(key);
      if (!raw) return;
      const copy = JSON.parse(raw) as { at: number; values: ArticleFormValues };
      const same = Object.entries(copy.values).every(([k, val]) => String(val) === String(initial.values[k as keyof ArticleFormValues]));
      if (!same) setBackup(copy);
      else localStorage.removeItem(key);
    } catch {
      localStorage.removeItem(key);
    }
  }, [key, initial.values]);

  const remember = () => {
    const form = formRef.current;
    if (!form) return;
    const data = new FormData(form);
    const values = Object.fromEntries(["title", "slug", "summary", "body", "heroImageUrl", "heroImageAlt", "heroImageCaption", "heroImageCredit", "source", "commentsCloseAt"].map((k) => [k, String(data.get(k) ?? "")]));
    localStorage.setItem(key, JSON.stringify({ at: Date.now(), values: { ...values, commentsOpen: data.get("commentsOpen") === "on" } }));
  };

  // Live preview, a moment after typing stops.
  const firstBody = useRef(body);
  useEffect(() => {
    if (body === firstBody.current && initialPreview !== undefined) return; // rendered by the server already
    const t = setTimeout(() => {
      previewAction(body).then(setPreview, () => setPreview(null));
    }, 400);
    return () => clearTimeout(t);
  }, [body, initialPreview]);

  const restore = () => {
    const form = formRef.current;
    if (!form || !backup) return;
    for (const [k, val] of Object.entries(backup.values)) {
      const el = form.elements.namedItem(k) as HTMLInputElement | HTMLTextAreaElement | null;
      if (!el) continue;
      if (el instanceof HTMLInputElement && el.type === "checkbox") el.checked = Boolean(val);
      else el.value = String(val);
    }
    setBody(backup.values.body);
    setSlug(backup.values.slug);
    setBackup(null);
  };

  return (
    <form ref={formRef} action={formAction} onInput={remember} className="article-form" noValidate>
      {backup ? (
        <div className="form-message" role="status">
          Unsaved changes from {new Date(backup.at).toLocaleString()} are kept in this browser.{" "}
          <button type="button" onClick={restore}>
            Restore them
          </button>{" "}
          <button
            type="button"
            onClick={() => {
              localStorage.removeItem(key);
              setBackup(null);
            }}
          >
            Discard
          </button>
        </div>
      ) : null}
      {state.message ? (
        <p className={state.status === "saved" ? "form-notice" : "form-message"} role={state.status === "saved" ? "status" : "alert"}>
          {state.message}
        </p>
      ) : null}
      {id ? <input type="hidden" name="id" value={id} /> : null}
      <input type="hidden" name="version" value={state.version ?? ""} />

      <Field id="article-title" label="Title" error={e.title}>
        <input
          id="article-title"
          name="title"
          type="text"
          required
          defaultValue={v.title}
          aria-invalid={e.title ? true : undefined}
          onChange={(ev) => {
            if (!slugTouched) setSlug(slugBase(ev.currentTarget.value));
          }}
        />
      </Field>
      <Field
        id="article-slug"
        label="Slug"
        error={e.slug}
        hint={`The address: /articles/${slug || "…"}${published ? ". Changing it keeps the old address working (it redirects)." : ""}`}
      >
        <input
          id="article-slug"
          name="slug"
          type="text"
          value={slug}
          aria-describedby="article-slug-hint"
          aria-invalid={e.slug ? true : undefined}
          onChange={(ev) => {
            setSlugTouched(true);
            setSlug(ev.currentTarget.value);
          }}
        />
      </Field>
      <Field id="article-summary" label="Summary" error={e.summary}>
        <textarea id="article-summary" name="summary" rows={2} defaultValue={v.summary} aria-invalid={e.summary ? true : undefined} />
      </Field>
      <div className="article-form__body">
        <Field id="article-body" label="Body (markdown)" error={e.body} hint="Headings with #, quotes with >, links as [text](https://…). Raw HTML is removed.">
          <textarea
            id="article-body"
            name="body"
            rows={18}
            defaultValue={v.body}
            aria-invalid={e.body ? true : undefined}
            onChange={(ev) => setBody(ev.currentTarget.value)}
          />
        </Field>
        <section className="article-form__preview" aria-labelledby="preview-title" aria-live="off">
          <h2 id="preview-title">Preview</h2>
          {preview === null ? <p className="muted">The preview appears as you type.</p> : <div className="prose" dangerouslySetInnerHTML={{ __html: preview }} />}
        </section>
      </div>
      <fieldset className="article-form__group">
        <legend>Image</legend>
        <Field id="article-hero-url" label="Image address" error={e.heroImageUrl} hint="https://… or a path on this site such as /images/photo.jpg">
          <input id="article-hero-url" name="heroImageUrl" type="text" defaultValue={v.heroImageUrl} aria-invalid={e.heroImageUrl ? true : undefined} />
        </Field>
        <Field id="article-hero-alt" label="Image description (for screen readers)" error={e.heroImageAlt}>
          <input id="article-hero-alt" name="heroImageAlt" type="text" defaultValue={v.heroImageAlt} />
        </Field>
        <Field id="article-hero-caption" label="Caption" error={e.heroImageCaption}>
          <input id="article-hero-caption" name="heroImageCaption" type="text" defaultValue={v.heroImageCaption} />
        </Field>
        <Field id="article-hero-credit" label="Credit" error={e.heroImageCredit}>
          <input id="article-hero-credit" name="heroImageCredit" type="text" defaultValue={v.heroImageCredit} />
        </Field>
      </fieldset>
      <Field id="article-source" label="Source" error={e.source}>
        <input id="article-source" name="source" type="text" defaultValue={v.source} />
      </Field>
      <fieldset className="article-form__group">
        <legend>Comments</legend>
        <p className="form-check">
          <input id="article-comments-open" name="commentsOpen" type="checkbox" defaultChecked={v.commentsOpen} />
          <label htmlFor="article-comments-open">Comments open</label>
        </p>
        <Field id="article-comments-close" label="Close comments at (optional)" error={e.commentsCloseAt} hint="UTC. Empty: open until closed by hand or by the site's auto-close setting.">
          <input id="article-comments-close" name="commentsCloseAt" type="datetime-local" defaultValue={v.commentsCloseAt} />
        </Field>
      </fieldset>
      <p className="form-submit">
        <button type="submit" disabled={pending} aria-busy={pending}>
          {pending ? "Saving…" : id ? "Save" : "Create draft"}
        </button>
      </p>
    </form>
  );
}
