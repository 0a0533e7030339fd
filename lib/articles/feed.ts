import "server-only";
import type { ArticleListItem } from "@/lib/articles/queries";
import { SITE_DESCRIPTION, SITE_LANG, SITE_NAME, absoluteUrl, articlePath } from "@/lib/site";

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;")
    // Characters XML 1.0 does not allow at all.
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, "");
}

/** An RSS 2.0 document of published articles (newest first). */
export function buildRssFeed(items: ArticleListItem[]): string {
  const self = absoluteUrl("/feed.xml");
  const newest = items[0]?.publishedAt;
  const entries = items
    .map((a) => {
      const link = absoluteUrl(articlePath(a.slug));
      return [
        "    <item>",
        `      <title>${escapeXml(a.title)}</title>`,
        `      <link>${escapeXml(link)}</link>`,
        `      <guid isPermaLink="true">${escapeXml(link)}</guid>`,
        a.summary ? `      <description>${escapeXml(a.summary)}</description>` : null,
        a.source ? `      <dc:creator>${escapeXml(a.source)}</dc:creator>` : null,
        a.publishedAt ? `      <pubDate>${a.publishedAt.toUTCString()}</pubDate>` : null,
        `      <comments>${escapeXml(link)}#comments</comments>`,
        "    </item>",
      ]
        .filter((line): line is string => line !== null)
        .join("\n");
    })
    .join("\n");
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>${escapeXml(SITE_NAME)}</title>
    <link>${escapeXml(absoluteUrl("/"))}</link>
    <description>${escapeXml(SITE_DESCRIPTION)}</description>
    <language>${SITE_LANG}</language>
    <atom:link href="${escapeXml(self)}" rel="self" type="application/rss+xml"/>
${newest ? `    <lastBuildDate>${newest.toUTCString()}</lastBuildDate>\n` : ""}${entries}
  </channel>
</rss>
`;
}
