import { emailField } from "@/lib/auth/rules";
import { checkPermission } from "@/lib/auth/session";
import { isSameOrigin } from "@/lib/comments/api";
import { BodyTooLargeError, readBodyBytes } from "@/lib/http/body";
import { exportPersonalData, exportResponse } from "@/lib/privacy/export";
import { hasNul } from "@/lib/text/storable";

export const dynamic = "force-dynamic";

const text = (body: string, status: number) =>
  new Response(body, { status, headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" } });

/** "Download JSON" on /admin/privacy: every comment stored under an address (admins only; the address in a POST body, not a URL). */
export async function POST(request: Request): Promise<Response> {
  const allowed = await checkPermission("user:manage");
  if (!allowed.ok) return text(allowed.error, allowed.status);
  if (!isSameOrigin(request.headers, request.url)) return text("This form must be sent from this site.", 403);
  let raw: string;
  try {
    raw = new TextDecoder().decode(await readBodyBytes(request, 4096));
  } catch (error) {
    if (error instanceof BodyTooLargeError) return text("The request is too large.", 413);
    throw error;
  }
  const typed = new URLSearchParams(raw).get("email") ?? "";
  const parsed = hasNul(typed) ? null : emailField.safeParse(typed);
  if (!parsed?.success) return text("Enter a valid email address on /admin/privacy and try again.", 400);
  return exportResponse(await exportPersonalData({ kind: "email", email: parsed.data }));
}
