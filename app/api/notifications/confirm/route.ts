import { NextResponse } from "next/server";
import { BodyTooLargeError, readBodyBytes } from "@/lib/http/body";
import { confirmNotifications, readNotifyConfirmToken } from "@/lib/mail/notifications";
import { absoluteUrl } from "@/lib/site";

/**
 * POST /api/notifications/confirm?token=…: the confirmation page's button
 * (double opt-in for reply notifications). The signed token is the proof;
 * the answer is a 303 back to the page, which says what happened.
 */
export async function POST(request: Request) {
  try {
    await readBodyBytes(request, 1024);
  } catch (error) {
    if (error instanceof BodyTooLargeError) return new NextResponse("Request too large.", { status: 413 });
    throw error;
  }
  const token = new URL(request.url).searchParams.get("token") ?? "";
  const commentId = readNotifyConfirmToken(token);
  if (commentId === null) return NextResponse.redirect(absoluteUrl("/notifications/confirm?invalid=1"), 303);
  const outcome = await confirmNotifications(commentId);
  if (!outcome.ok) return NextResponse.redirect(absoluteUrl("/notifications/confirm?gone=1"), 303);
  return NextResponse.redirect(absoluteUrl(`/notifications/confirm?token=${encodeURIComponent(token)}&done=1`), 303);
}
