import { notFound } from "next/navigation";
import { FrontPage } from "@/app/_front/front-page";
import { listPublishedArticles } from "@/lib/articles/queries";
import { CACHE_TAGS, dependsOn } from "@/lib/cache/pages";

/**
 * The front page as anonymous readers see it, from Next's page cache
 * (next.config.js rewrites / here). Expired when an article is published,
 * edited or unpublished, or its comment count changes.
 */
export const revalidate = 300;

export function generateStaticParams(): { page: string }[] {
  return [];
}

export default async function CachedFrontPage({ params }: { params: Promise<{ page: string }> }) {
  await dependsOn([CACHE_TAGS.front]);
  if ((await params).page !== "1") notFound();
  return <FrontPage articles={await listPublishedArticles()} />;
}
