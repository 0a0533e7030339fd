import { NextResponse } from "next/server";
import { BodyTooLargeError, readBodyBytes } from "@/lib/http/body";
import { applyUnsubscribe, readUnsubscribeToken } from "@/lib/mail/unsubscribe";
import { absoluteUrl } from "@/lib/site";

/** A one-click POST is `List-Unsubscribe=One-Click`; the page's form adds the token: both fit in 1 KiB. */
const LIMIT = 1024;

/**
 * POST /api/unsubscribe?token=…: the address in every message's
 * List-Unsubscribe header. A mail client's one-click POST (RFC 8058, body
 * `List-Unsubscribe=One-Click`, sent from the mail provider, so no same-site
 * Origin: the signed token is the proof) answers 200; the unsubscribe page's
 * button answers 303 back to the page, which then says it is done. GET
 * changes nothing: it shows the page.
 */
export async function POST(request: Request) {
  let body = "";
  try {
    body = new TextDecoder().decode(await readBodyBytes(request, LIMIT));
  } catch (error) {
    if (error instanceof BodyTooLargeError) return new NextResponse("Request too large.", { status: 413 });
    throw error;
  }
  const form = new URLSearchParams(body);
  const url = new URL(request.url);
  const token = url.searchParams.get("token") ?? form.get("token");
  const scope = readUnsubscribeToken(token);
  const oneClick = form.get("List-Unsubscribe") === "One-Click";
  if (!scope) {
    if (oneClick) return new NextResponse("This unsubscribe link is not valid.", { status: 400, headers: { "content-type": "text/plain; charset=utf-8" } });
    return NextResponse.redirect(absoluteUrl("/unsubscribe?invalid=1"), 303);
  }
  await applyUnsubscribe(scope);
  if (oneClick) return new NextResponse("Unsubscribed.", { status: 200, headers: { "content-type": "text/plain; charset=utf-8" } });
  return NextResponse.redirect(absoluteUrl(`/unsubscribe?token=${encodeURIComponent(token!)}&done=1`), 303);
}

export function GET(request: Request) {
  const token = new URL(request.url).searchParams.get("token") ?? "";
  return NextResponse.redirect(absoluteUrl(`/unsubscribe?token=${encodeURIComponent(token.slice(0, 200))}`), 303);
}
