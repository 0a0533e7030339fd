import type { MetadataRoute } from "next";
import { listPublishedArticles } from "@/lib/articles/queries";
import { absoluteUrl, articlePath } from "@/lib/site";

export const dynamic = "force-dynamic";

export default function sitemap(): MetadataRoute.Sitemap {
  const articles = listPublishedArticles({ limit: 50_000 });
  return [
    { url: absoluteUrl("/"), changeFrequency: "hourly", priority: 1, lastModified: articles[0]?.publishedAt ?? undefined },
    ...articles.map((a) => ({
      url: absoluteUrl(articlePath(a.slug)),
      lastModified: a.publishedAt ?? undefined,
      changeFrequency: "daily" as const,
      priority: 0.8,
    })),
  ];
}
