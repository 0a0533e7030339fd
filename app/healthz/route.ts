import { checkHealth } from "@/lib/server/health";

export const dynamic = "force-dynamic";

/**
 * For load balancers and monitors: 200 when the database answers and every
 * committed migration is applied, 503 otherwise; never cached.
 */
export async function GET() {
  const health = await checkHealth();
  return Response.json(health, {
    status: health.ok ? 200 : 503,
    headers: { "Cache-Control": "no-store" },
  });
}
