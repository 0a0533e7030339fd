import "server-only";
import { z } from "zod";
import { isValidIpEntry } from "@/lib/comments/matching";
import { SITE_COMMENT_ORDERS } from "@/lib/comments/order";
import { getSettings, updateSettings, type Settings } from "@/lib/settings";
import { settingsSchema } from "@/lib/settings/schema";

/** The lists of the form: textareas, one entry per line. */
export const LIST_FIELDS = ["blockWords", "blockEmails", "blockIps", "holdWords"] as const;
/** The numbers of the form, their ranges those of the settings schema. */
export const NUMBER_FIELDS = [
  "linkLimit",
  "commentEditMinutes",
  "commentsAutoCloseDays",
  "spamRetentionDays",
  "blatantSpamRetentionDays",
  "trashRetentionDays",
  "trustMinApproved",
  "trustRejectedPercent",
  "trustRejectedDays",
  "reportsToHold",
  "reportsPerHour",
] as const;

export type ListField = (typeof LIST_FIELDS)[number];
export type NumberField = (typeof NUMBER_FIELDS)[number];
export type ModerationSettingsField = ListField | NumberField | "trustRejectedHold" | "commentOrder";

/** What the form shows: lists as text (one entry per line), numbers and the order as typed. */
export type ModerationSettingsValues = Record<ListField | NumberField, string> & { trustRejectedHold: boolean; commentOrder: string };

/** What the settings action answers (for useActionState). */
export type ModerationSettingsState = {
  status: "idle" | "saved" | "invalid";
  message: string | null;
  fieldErrors: Partial<Record<ModerationSettingsField, string>>;
  values: ModerationSettingsValues;
};

/** Four full lists stay under the 1 MB a server action accepts. */
export const MAX_LIST_ENTRIES = 2000;
export const MAX_ENTRY_LENGTH = 100;
const MAX_LIST_CHARS = MAX_LIST_ENTRIES * (MAX_ENTRY_LENGTH + 2);

/** The settings as the form shows them. */
export function toFormValues(settings: Settings): ModerationSettingsValues {
  return {
    blockWords: settings.blockWords.join("\n"),
    blockEmails: settings.blockEmails.join("\n"),
    blockIps: settings.blockIps.join("\n"),
    holdWords: settings.holdWords.join("\n"),
    linkLimit: String(settings.linkLimit),
    trustRejectedHold: settings.trustRejectedHold,
    trustMinApproved: String(settings.trustMinApproved),
    trustRejectedPercent: String(settings.trustRejectedPercent),
    trustRejectedDays: String(settings.trustRejectedDays),
    reportsToHold: String(settings.reportsToHold),
    reportsPerHour: String(settings.reportsPerHour),
    commentOrder: settings.commentOrder,
    commentEditMinutes: String(settings.commentEditMinutes),
    commentsAutoCloseDays: String(settings.commentsAutoCloseDays),
    spamRetentionDays: String(settings.spamRetentionDays),
    blatantSpamRetentionDays: String(settings.blatantSpamRetentionDays),
    trashRetentionDays: String(settings.trashRetentionDays),
  };
}

/** The form as first shown: the current settings. */
export async function initialSettingsFormState(): Promise<ModerationSettingsState> {
  return { status: "idle", message: null, fieldErrors: {}, values: toFormValues(await getSettings()) };
}

/** Lines of a textarea: trimmed, without empty lines or repeats (the first spelling kept; capitals do not count). */
export function splitLines(text: string): string[] {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const raw of text.split(/\r\n|\r|\n/)) {
    const line = raw.trim();
    if (!line) continue;
    const key = line.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    lines.push(line);
  }
  return lines;
}

const DOMAIN_LABEL = "[\\p{L}\\p{N}](?:[\\p{L}\\p{N}-]{0,61}[\\p{L}\\p{N}])?";
const DOMAIN = new RegExp(`^(?=.{1,253}$)${DOMAIN_LABEL}(?:\\.${DOMAIN_LABEL})*$`, "u");
const email = z.email();

/** A blocked-email entry as saved: an address, or `@domain` (a line without "@" is read as a domain), or null when it is neither. */
function emailEntry(line: string): string | null {
  if (line.startsWith("@")) return DOMAIN.test(line.slice(1)) ? line : null;
  if (!line.includes("@")) return DOMAIN.test(line) ? `@${line}` : null;
  return email.safeParse(line).success ? line : null;
}

const quote = (s: string) => `“${s.length > 60 ? `${s.slice(0, 60)}…` : s}”`;

/** One message naming the first few bad lines. */
function badLines(bad: { line: number; text: string }[], what: string): string {
  const first = bad[0];
  if (bad.length === 1 && first) return `Line ${first.line} (${quote(first.text)}) is not ${what}.`;
  const shown = bad.slice(0, 3).map((b) => `line ${b.line} (${quote(b.text)})`);
  const more = bad.length > 3 ? ` and ${bad.length - 3} more` : "";
  return `${bad.length} lines are not ${what}: ${shown.join(", ")}${more}.`;
}

/** A textarea checked line by line; `check` answers the entry to save, or null when the line is wrong. */
function listField(what: string, check: (line: string) => string | null) {
  return z
    .string()
    .max(MAX_LIST_CHARS, `This list is too long: at most ${MAX_LIST_ENTRIES} lines.`)
    .transform((text, ctx) => {
      const lines = text.split(/\r\n|\r|\n/);
      const bad: { line: number; text: string }[] = [];
      const tooLong: number[] = [];
      const entries: string[] = [];
      lines.forEach((raw, i) => {
        const line = raw.trim();
        if (!line) return;
        if (line.length > MAX_ENTRY_LENGTH) {
          tooLong.push(i + 1);
          return;
        }
        const entry = check(line);
        if (entry === null) bad.push({ line: i + 1, text: line });
        else entries.push(entry);
      });
      if (tooLong.length > 0) {
        ctx.addIssue({
          code: "custom",
          message: `Line${tooLong.length === 1 ? "" : "s"} ${tooLong.slice(0, 5).join(", ")}${tooLong.length > 5 ? "…" : ""} ${tooLong.length === 1 ? "is" : "are"} too long: at most ${MAX_ENTRY_LENGTH} characters a line.`,
        });
        return z.NEVER;
      }
      if (bad.length > 0) {
        ctx.addIssue({ code: "custom", message: badLines(bad, what) });
        return z.NEVER;
      }
      const unique = splitLines(entries.join("\n"));
      if (unique.length > MAX_LIST_ENTRIES) {
        ctx.addIssue({ code: "custom", message: `This list is too long: at most ${MAX_LIST_ENTRIES} lines.` });
        return z.NEVER;
      }
      return unique;
    });
}

/** A whole number within the setting's own range. */
function numberField(key: NumberField) {
  const schema = settingsSchema.shape[key].unwrap();
  const min = schema.minValue ?? 0;
  const max = schema.maxValue ?? Number.MAX_SAFE_INTEGER;
  const range = `Enter a whole number from ${min} to ${max}.`;
  return z
    .string()
    .trim()
    .min(1, range)
    .regex(/^[+-]?\d+$/, range)
    .transform(Number)
    .pipe(z.number().int(range).min(min, range).max(max, range));
}

const formSchema = z.object({
  blockWords: listField("a word or phrase (it needs a letter or a digit)", (l) => (/[\p{L}\p{N}]/u.test(l) ? l : null)),
  blockEmails: listField("an email address (name@example.com) or a domain (@example.com)", emailEntry),
  blockIps: listField("an IP address (192.0.2.7, 2001:db8::7) or a range (192.0.2.0/24, 2001:db8::/32)", (l) =>
    isValidIpEntry(l) ? l : null,
  ),
  holdWords: listField("a word or phrase (it needs a letter or a digit)", (l) => (/[\p{L}\p{N}]/u.test(l) ? l : null)),
  linkLimit: numberField("linkLimit"),
  trustRejectedHold: z.boolean(),
  trustMinApproved: numberField("trustMinApproved"),
  trustRejectedPercent: numberField("trustRejectedPercent"),
  trustRejectedDays: numberField("trustRejectedDays"),
  reportsToHold: numberField("reportsToHold"),
  reportsPerHour: numberField("reportsPerHour"),
  commentOrder: z.enum(SITE_COMMENT_ORDERS, { error: "Choose Oldest first or Newest first." }),
  commentEditMinutes: numberField("commentEditMinutes"),
  commentsAutoCloseDays: numberField("commentsAutoCloseDays"),
  spamRetentionDays: numberField("spamRetentionDays"),
  blatantSpamRetentionDays: numberField("blatantSpamRetentionDays"),
  trashRetentionDays: numberField("trashRetentionDays"),
});

const text = (v: FormDataEntryValue | null) => (typeof v === "string" ? v : "");

/** What was typed, kept as typed (cut at a sane length) to show again. */
export function readFormValues(formData: FormData): ModerationSettingsValues {
  const values = {
    trustRejectedHold: formData.get("trustRejectedHold") !== null,
    commentOrder: text(formData.get("commentOrder")).slice(0, 20),
  } as ModerationSettingsValues;
  for (const key of LIST_FIELDS) values[key] = text(formData.get(key)).slice(0, MAX_LIST_CHARS + 1);
  for (const key of NUMBER_FIELDS) values[key] = text(formData.get(key)).slice(0, 50);
  return values;
}

export const SAVED_MESSAGE = "Settings saved.";
export const INVALID_MESSAGE = "Please correct the highlighted fields. Nothing was saved.";

/**
 * Validates the moderation settings form and saves it (all fields or none).
 * Bad input: a message per field, what was typed kept, nothing saved.
 * Saved: the lists as stored (trimmed, no empty lines or repeats).
 */
export async function saveModerationSettingsForm(formData: FormData): Promise<ModerationSettingsState> {
  const values = readFormValues(formData);
  const parsed = formSchema.safeParse(values);
  if (!parsed.success) {
    const fieldErrors: ModerationSettingsState["fieldErrors"] = {};
    for (const issue of parsed.error.issues) {
      const key = issue.path[0] as ModerationSettingsField;
      fieldErrors[key] ??= issue.message;
    }
    return { status: "invalid", message: INVALID_MESSAGE, fieldErrors, values };
  }
  // holdFirstTime is the old first-time rule, read only while trustMinApproved was never saved.
  const saved = await updateSettings({ ...parsed.data, holdFirstTime: false });
  if (!saved.ok) {
    const fieldErrors: ModerationSettingsState["fieldErrors"] = {};
    for (const [key, message] of Object.entries(saved.errors)) fieldErrors[key as ModerationSettingsField] = message;
    return { status: "invalid", message: INVALID_MESSAGE, fieldErrors, values };
  }
  return { status: "saved", message: SAVED_MESSAGE, fieldErrors: {}, values: toFormValues(await getSettings()) };
}
