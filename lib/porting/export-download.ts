import "server-only";
import { checkPermission } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { isDatabaseUnavailable } from "@/lib/db/errors";
import { exportWebStream } from "./export-stream";
import { jsonExport } from "./json-export";
import { exportFileName } from "./wxr-export-format";
import { wxrExport } from "./wxr-export";

export const EXPORT_PAGE = "/admin/export";

const CONTENT_TYPES = { wxr: "text/xml; charset=UTF-8", json: "application/json; charset=utf-8" } as const;

/**
 * The answer to a download link on /admin/export: the file, streamed as it is
 * read, for an admin; a signed-out visitor is sent to sign in (and back), any
 * other account gets 403. Checked here, not only on the page: the link is a
 * plain URL anyone can request.
 */
export async function exportDownload(kind: "wxr" | "json"): Promise<Response> {
  const allowed = await checkPermission("settings:manage");
  if (!allowed.ok) {
    if (allowed.status === 401) {
      return new Response(null, {
        status: 303,
        headers: { Location: `/login?callbackUrl=${encodeURIComponent(EXPORT_PAGE)}`, "Cache-Control": "no-store" },
      });
    }
    return new Response("Only admins can export the site.\n", {
      status: 403,
      headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
    });
  }
  const now = new Date();
  const db = getDb();
  const parts = kind === "wxr" ? wxrExport(db, { now }) : jsonExport(db, { now });
  // The first piece is read before answering, so a database that does not
  // answer gets a 503 rather than a download that breaks off at once.
  const iterator = parts[Symbol.asyncIterator]();
  let first: IteratorResult<string>;
  try {
    first = await iterator.next();
  } catch (error) {
    if (!isDatabaseUnavailable(error)) throw error;
    return new Response("The database did not answer. Nothing was exported; try again in a moment.\n", {
      status: 503,
      headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store", "Retry-After": "5" },
    });
  }
  async function* rest(): AsyncGenerator<string> {
    try {
      if (first.done) return;
      yield first.value;
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        yield next.value;
      }
    } finally {
      await iterator.return?.(undefined);
    }
  }
  return new Response(exportWebStream(rest()), {
    headers: {
      "Content-Type": CONTENT_TYPES[kind],
      "Content-Disposition": `attachment; filename="${exportFileName(kind, now)}"`,
      "Content-Description": "File Transfer",
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
