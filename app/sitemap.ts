import type { MetadataRoute } from "next";
import { cachedSitemapEntries } from "@/lib/articles/sitemap";
import { absoluteUrl, articlePath } from "@/lib/site";

// Rendered on request from a list kept for a few minutes in the process
// (lib/articles/sitemap.ts), not prerendered: a build has no database of the
// site's, and a sitemap baked at build time would be stale until revalidated.
export const dynamic = "force-dynamic";

export default async function sitemap(): Promise<MetadataRoute.Sitemap> {
  const entries = await cachedSitemapEntries();
  const lastChange = entries.reduce<Date | undefined>((latest, e) => (!latest || e.updatedAt > latest ? e.updatedAt : latest), undefined);
  return [
    { url: absoluteUrl("/"), changeFrequency: "hourly", priority: 1, lastModified: lastChange },
    ...entries.map((e) => ({
      url: absoluteUrl(articlePath(e.slug)),
      lastModified: e.updatedAt,
      changeFrequency: "daily" as const,
      priority: 0.8,
    })),
  ];
}
