import { env } from "@/lib/env";
import { checkPermission } from "@/lib/auth/session";
import { importRunning, startImport } from "@/lib/porting/import-job";
import { removeUpload, saveUpload, UploadError } from "@/lib/porting/import-upload";

export const dynamic = "force-dynamic";

/** What the page says for each outcome (?error=…): codes, not text, so a link cannot put words on the admin page. */
export type UploadErrorCode = "too_large" | "empty" | "no_file" | "type" | "running" | "invalid" | "origin";

const NO_STORE = { "Cache-Control": "no-store" };

/**
 * POST /api/admin/import: an admin uploads a WordPress (WXR) or Disqus
 * export. The body is streamed to a temporary file (at most 512 MB; more is
 * refused with 413), then the import starts in the background as a job run
 * (one at a time) and the browser is sent to /admin/import, which shows its
 * progress. Server actions take at most 1 MB, hence a route. A form post
 * (no JavaScript) gets redirects; a client asking for JSON gets JSON.
 */
export async function POST(request: Request) {
  const wantsJson = (request.headers.get("accept") ?? "").includes("application/json");
  const back = (query: string) =>
    wantsJson ? null : new Response(null, { status: 303, headers: { Location: new URL(`/admin/import${query}`, env().SITE_URL + "/").toString(), ...NO_STORE } });
  const fail = async (status: number, code: UploadErrorCode, message: string) => {
    await request.body?.cancel().catch(() => undefined);
    return back(`?error=${code}`) ?? Response.json({ error: message, code }, { status, headers: NO_STORE });
  };

  // A form on another site must not post here with an admin's cookies.
  const origin = request.headers.get("origin");
  if (origin && origin !== new URL(env().SITE_URL).origin && origin !== new URL(request.url).origin) {
    return fail(403, "origin", "This upload did not come from this site.");
  }
  const allowed = await checkPermission("settings:manage");
  if (!allowed.ok) {
    await request.body?.cancel().catch(() => undefined);
    if (allowed.status === 401 && !wantsJson) {
      return new Response(null, { status: 303, headers: { Location: new URL("/login?callbackUrl=%2Fadmin%2Fimport", env().SITE_URL + "/").toString(), ...NO_STORE } });
    }
    return Response.json({ error: allowed.error }, { status: allowed.status, headers: NO_STORE });
  }
  // Do not read 500 MB only to refuse it: one import at a time.
  if (await importRunning()) return fail(409, "running", "An import is running; wait for it to finish.");

  let upload: Awaited<ReturnType<typeof saveUpload>>;
  try {
    upload = await saveUpload(request);
  } catch (error) {
    if (error instanceof UploadError) {
      const code: UploadErrorCode = error.status === 413 ? "too_large" : error.status === 415 ? "type" : /empty/.test(error.message) ? "empty" : /Choose a file/.test(error.message) ? "no_file" : "invalid";
      // 413 to a form post too, as a page that says why and links back.
      if (error.status === 413 && !wantsJson) {
        const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex"><title>File too large</title></head><body><h1>File too large</h1><p>${error.message.replace(/[&<>]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;" })[c]!)}</p><p><a href="/admin/import">Back to Import</a></p></body></html>`;
        return new Response(page, { status: 413, headers: { "Content-Type": "text/html; charset=utf-8", Connection: "close", ...NO_STORE } });
      }
      return back(`?error=${code}`) ?? Response.json({ error: error.message, code }, { status: error.status, headers: NO_STORE });
    }
    throw error;
  }
  const start = await startImport({ file: upload.file, fileName: upload.fileName, actorId: allowed.user.id, removeFile: true, pace: true });
  if (!start.started) {
    await removeUpload(upload.file);
    return back("?error=running") ?? Response.json({ error: "An import is running; wait for it to finish.", code: "running" }, { status: 409, headers: NO_STORE });
  }
  void start.finished.then(() => removeUpload(upload.file)).catch((e: unknown) => console.error("[import] cleaning up the upload failed:", e));
  return back(`?run=${start.runId}`) ?? Response.json({ runId: start.runId }, { status: 202, headers: NO_STORE });
}
