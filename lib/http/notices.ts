import { z } from "zod";

/**
 * What an action says on the page it redirects to ("Erased 2 comments.",
 * "Tick “I am sure” …"), carried in the page's address as a code, never as
 * text: a page that printed `?notice=<text>` would show words of anyone's
 * choosing on a trusted page to whoever follows their link. The action
 * redirects with `?notice=<code>` (or `error=`, `done=`) and, when the
 * message needs them, numbers and names from fixed lists as separate
 * parameters; the page maps a known code to fixed text, checks every
 * parameter it uses, and shows nothing for an unknown code or a bad value
 * (as app/(site)/admin/import does with its errors).
 */

/** A page's query, as Next hands it over. */
export type PageQuery = Record<string, string | string[] | undefined>;

/** A message for the next page: its code and the values its text needs. */
export type Notice = { code: string; values?: Record<string, string | number | undefined> };

/** The values of a message, read from the query, each checked; null when missing or not what it must be. */
export type NoticeValues = {
  /** A whole number from 0 to a billion. */
  count(name: string): number | null;
  /** A row id: a whole number from 1. */
  id(name: string): number | null;
  /** One of a fixed list of words. */
  oneOf<T extends string>(name: string, allowed: readonly T[]): T | null;
  /** A list of `<id>:<word>` pairs (at most 10), the words from a fixed list. */
  pairs<T extends string>(name: string, allowed: readonly T[]): { id: number; word: T }[] | null;
};

/** Codes to fixed text. A text answers null when a value it needs is missing or wrong: then nothing is shown. */
export type NoticeCatalog<Context = undefined> = Readonly<Record<string, (values: NoticeValues, context: Context) => string | null>>;

const single = (value: string | string[] | undefined): string | undefined => (typeof value === "string" ? value : undefined);
const countSchema = z.string().regex(/^\d{1,10}$/).transform(Number).pipe(z.number().int().min(0).max(1_000_000_000));
const idSchema = z.string().regex(/^[1-9]\d{0,14}$/).transform(Number).pipe(z.number().int().positive().max(Number.MAX_SAFE_INTEGER));

function valuesOf(query: PageQuery): NoticeValues {
  return {
    count: (name) => countSchema.safeParse(single(query[name])).data ?? null,
    id: (name) => idSchema.safeParse(single(query[name])).data ?? null,
    oneOf: (name, allowed) => {
      const v = single(query[name]);
      return v !== undefined && (allowed as readonly string[]).includes(v) ? (v as (typeof allowed)[number]) : null;
    },
    pairs: (name, allowed) => {
      const v = single(query[name]);
      if (v === undefined || v.length > 400) return null;
      const out: { id: number; word: (typeof allowed)[number] }[] = [];
      for (const part of v.split(",")) {
        const [rawId, word, ...rest] = part.split(":");
        const id = idSchema.safeParse(rawId).data;
        if (id === undefined || rest.length > 0 || word === undefined || !(allowed as readonly string[]).includes(word)) return null;
        out.push({ id, word: word as (typeof allowed)[number] });
      }
      return out.length > 0 && out.length <= 10 ? out : null;
    },
  };
}

/** The query string of a redirect carrying `notice` under `key`: `notice=erased&comments=2&mails=0`. */
export function noticeQuery(key: string, notice: Notice): string {
  const query = new URLSearchParams({ [key]: notice.code });
  for (const [name, value] of Object.entries(notice.values ?? {})) if (value !== undefined) query.set(name, String(value));
  return query.toString();
}

/** Sets `notice` under `key` on a URL's query (whose other parameters stay). */
export function setNotice(params: URLSearchParams, key: string, notice: Notice): void {
  params.set(key, notice.code);
  for (const [name, value] of Object.entries(notice.values ?? {})) if (value !== undefined) params.set(name, String(value));
}

/**
 * The fixed text for the code the query carries under `key`, or null: no
 * code, a code the catalog does not know, or a value its text needs that is
 * missing or out of bounds. Never any text from the query itself.
 */
export function noticeText<Context>(catalog: NoticeCatalog<Context>, key: string, query: PageQuery, context: Context): string | null {
  const code = single(query[key]);
  if (code === undefined || !Object.hasOwn(catalog, code)) return null;
  return catalog[code]!(valuesOf(query), context);
}

/** The text of a notice, as the page will show it (for the action's own use: logs, tests, an API). */
export function textOfNotice<Context>(catalog: NoticeCatalog<Context>, notice: Notice, context: Context): string | null {
  const query: PageQuery = { "": notice.code };
  for (const [name, value] of Object.entries(notice.values ?? {})) if (value !== undefined) query[name] = String(value);
  return noticeText(catalog, "", query, context);
}

/** "1 comment", "3 comments". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
