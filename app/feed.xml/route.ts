import { listPublishedArticles } from "@/lib/articles/queries";
import { buildRssFeed } from "@/lib/articles/feed";

export const dynamic = "force-dynamic";

export function GET() {
  const xml = buildRssFeed(listPublishedArticles({ limit: 50 }));
  return new Response(xml, {
    headers: {
      "Content-Type": "application/rss+xml; charset=utf-8",
      "Cache-Control": "public, max-age=300",
    },
  });
}
