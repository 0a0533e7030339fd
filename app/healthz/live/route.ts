export const dynamic = "force-dynamic";

/**
 * Liveness: the process is up and Next answers. Touches nothing else (no
 * database, no Akismet), so an orchestrator restarts an instance only when
 * it is stuck, never because the database is briefly busy; readiness (may it
 * take traffic?) is /healthz. Never cached.
 */
export function GET() {
  return new Response("ok", {
    headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
  });
}
