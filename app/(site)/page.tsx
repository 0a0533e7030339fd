import { FrontPage } from "@/app/_front/front-page";
import { listPublishedArticles } from "@/lib/articles/queries";

/**
 * The front page for a signed-in reader (or one with other per-visitor
 * cookies); everyone else gets app/(cached)/cached/front (next.config.js).
 */
export const dynamic = "force-dynamic";

export default async function HomePage() {
  return <FrontPage articles={await listPublishedArticles()} />;
}
