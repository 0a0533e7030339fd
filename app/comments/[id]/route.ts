import { NextResponse } from "next/server";
import { commentLocation } from "@/lib/comments/permalink";
import { absoluteUrl } from "@/lib/site";

/** `/comments/<id>`: a comment's lasting address (mail, feeds) → the page and anchor it is on now. */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!/^[1-9]\d{0,9}$/.test(id)) return new NextResponse("Not found", { status: 404 });
  const location = await commentLocation(Number(id));
  if (!location) return new NextResponse("This comment is not available.", { status: 404, headers: { "content-type": "text/plain; charset=utf-8" } });
  return NextResponse.redirect(absoluteUrl(location), { status: 307, headers: { "cache-control": "no-store" } });
}
