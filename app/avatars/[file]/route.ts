import { avatarSvg } from "@/lib/comments/avatar";

/**
 * /avatars/<id>.svg: a commenter's identicon. The picture depends only on
 * its name, so browsers and shared caches keep it for a year.
 */
export async function GET(_request: Request, { params }: { params: Promise<{ file: string }> }) {
  const svg = avatarSvg((await params).file);
  if (!svg) return new Response("Not found\n", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  return new Response(svg, {
    headers: {
      "Content-Type": "image/svg+xml",
      "Cache-Control": "public, max-age=31536000, immutable",
      // An SVG opened on its own runs no script and loads nothing.
      "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
    },
  });
}
