/**
 * What an import did, for the command line and /admin/import: counts, and
 * every skipped row with the id it had in the file and the reason. Pure, so
 * it is shared by the importers, the job runner, the CLI and the page.
 */

export type ImportFormat = "wxr" | "disqus";

export type ImportCounts = { imported: number; alreadyImported: number; skipped: number };

/** One row of the file that was not imported, or imported with a change worth knowing; `line`: where the row starts in the file. */
export type ImportNote = { kind: "article" | "comment" | "thread" | "item"; externalId: string; reason: string; line?: number };

/** How a report lists one row: "line 12, comment 1005: reason" (the line when known). */
export function describeNote(note: ImportNote): string {
  return `${note.line !== undefined ? `line ${note.line}, ` : ""}${note.kind} ${note.externalId}: ${note.reason}`;
}

export type ImportReport = {
  format: ImportFormat;
  /** Where the file came from: "wxr:<site URL>" or "disqus:<forum>" (import_ids.source). */
  source: string;
  articles: ImportCounts;
  comments: ImportCounts;
  /** Authors of imported posts: accounts created (editors, no password) and existing accounts reused (same email). */
  users: { created: number; reused: number };
  /** Comments whose row was deleted since an earlier import: not brought back (counted in alreadyImported). */
  deletedSinceImport: number;
  /** Skipped rows with their reasons (the first MAX_LISTED), and how many there are per reason. */
  skipped: ImportNote[];
  skippedByReason: Record<string, number>;
  /** Rows imported with a change: a renamed slug, a reply moved to the top level, a website left out. */
  notes: ImportNote[];
  /** How many skipped rows and notes were left out of the lists above (the counts stay exact). */
  skippedNotListed: number;
  notesNotListed: number;
  bytes: number;
  durationMs: number;
};

/** The most skipped rows and notes a report lists one by one (a 100,000-comment file must not make a 100,000-line report). */
export const MAX_LISTED = 1000;

export function emptyReport(format: ImportFormat, source = ""): ImportReport {
  const counts = () => ({ imported: 0, alreadyImported: 0, skipped: 0 });
  return {
    format,
    source,
    articles: counts(),
    comments: counts(),
    users: { created: 0, reused: 0 },
    deletedSinceImport: 0,
    skipped: [],
    skippedByReason: {},
    notes: [],
    skippedNotListed: 0,
    notesNotListed: 0,
    bytes: 0,
    durationMs: 0,
  };
}

/**
 * Records a skipped row. `reason` is the sentence shown; `group` (default:
 * the reason) is what the per-reason counts add up under, for reasons that
 * name a value ("post type page" groups as "post type page").
 */
export function addSkip(report: ImportReport, note: ImportNote, group = note.reason): void {
  if (note.kind === "article" || note.kind === "item") report.articles.skipped++;
  if (note.kind === "comment") report.comments.skipped++;
  report.skippedByReason[group] = (report.skippedByReason[group] ?? 0) + 1;
  if (report.skipped.length < MAX_LISTED) report.skipped.push(note);
  else report.skippedNotListed++;
}

export function addNote(report: ImportReport, note: ImportNote): void {
  if (report.notes.length < MAX_LISTED) report.notes.push(note);
  else report.notesNotListed++;
}

const fmt = (n: number) => n.toLocaleString("en-US");

/** One line of counts: "12 imported, 3 already imported, 2 skipped". */
export function describeCounts(c: ImportCounts): string {
  return `${fmt(c.imported)} imported, ${fmt(c.alreadyImported)} already imported, ${fmt(c.skipped)} skipped`;
}

/** The report as plain text, as the command line prints it. */
export function formatReport(report: ImportReport): string {
  const lines: string[] = [];
  const what = report.format === "wxr" ? "WordPress (WXR)" : "Disqus";
  lines.push(`${what} import from ${report.source || "(unknown source)"}: ${fmt(report.bytes)} bytes in ${(report.durationMs / 1000).toFixed(1)} s`);
  if (report.format === "wxr") {
    lines.push(`Articles: ${describeCounts(report.articles)}`);
    const s = (n: number) => (n === 1 ? "" : "s");
    lines.push(`Authors: ${fmt(report.users.created)} account${s(report.users.created)} created, ${fmt(report.users.reused)} existing account${s(report.users.reused)} used`);
  }
  lines.push(`Comments: ${describeCounts(report.comments)}`);
  if (report.deletedSinceImport > 0) {
    lines.push(`${fmt(report.deletedSinceImport)} comment${report.deletedSinceImport === 1 ? " was" : "s were"} deleted since an earlier import and not brought back.`);
  }
  if (nothingNew(report)) lines.push("Everything in this file was already imported: nothing changed.");
  const reasons = Object.entries(report.skippedByReason).sort((a, b) => b[1] - a[1]);
  if (reasons.length > 0) {
    lines.push("", "Skipped, by reason:");
    for (const [reason, n] of reasons) lines.push(`  ${fmt(n)} × ${reason}`);
    lines.push("", "Skipped rows (line and id in the file: reason):");
    for (const s of report.skipped) lines.push(`  ${describeNote(s)}`);
    if (report.skippedNotListed > 0) lines.push(`  … and ${fmt(report.skippedNotListed)} more`);
  }
  if (report.notes.length > 0) {
    lines.push("", "Imported with a change:");
    for (const s of report.notes) lines.push(`  ${describeNote(s)}`);
    if (report.notesNotListed > 0) lines.push(`  … and ${fmt(report.notesNotListed)} more`);
  }
  return lines.join("\n");
}

/** Whether a run imported nothing new because everything was there already. */
export function nothingNew(report: ImportReport): boolean {
  return (
    report.articles.imported === 0 &&
    report.comments.imported === 0 &&
    report.articles.alreadyImported + report.comments.alreadyImported > 0
  );
}

/**
 * A file that cannot be imported at all (not well-formed XML, not a WXR or
 * Disqus export, not UTF-8). Nothing was written. One odd row (an id missing
 * or used twice, a prefix bound to another namespace) is skipped and
 * reported instead.
 */
export class ImportFormatError extends Error {
  constructor(
    message: string,
    public readonly line: number | null = null,
    public readonly column: number | null = null,
  ) {
    super(line !== null ? `${message} (line ${line}${column ? `, column ${column}` : ""})` : message);
    this.name = "ImportFormatError";
  }
}
