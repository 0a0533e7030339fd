import { z } from "zod";
import { isDatabaseUnavailable } from "@/lib/comments/api";
import { liveArticle, liveRowsFor, sseEvent, subscribeToArticle } from "@/lib/comments/live";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ slug: string }> };

const ids = z
  .string()
  .max(2_000)
  .regex(/^\d{1,10}(,\d{1,10}){0,199}$/)
  .transform((value) => value.split(",").map(Number));

/**
 * GET: an open article page's live thread (docs/decisions/023), as
 * Server-Sent Events: first `snapshot` (the visible comment ids and the
 * count), then `change` ({added, removed, count}) whenever the thread a
 * reader sees changes. The same for every reader: nothing personal.
 * `?rows=1,2,3`: those visible comments' rows, as JSON (a page that
 * reconnects fetches the ones it lacks).
 */
export async function GET(request: Request, { params }: Context) {
  const { slug } = await params;
  try {
    const article = await liveArticle(slug);
    if (!article) return Response.json({ error: "This article does not exist." }, { status: 404, headers: { "Cache-Control": "no-store" } });
    const asked = new URL(request.url).searchParams.get("rows");
    if (asked !== null) {
      const parsed = ids.safeParse(asked);
      if (!parsed.success) return Response.json({ error: "rows: up to 200 comment ids, separated by commas." }, { status: 400, headers: { "Cache-Control": "no-store" } });
      return Response.json({ rows: await liveRowsFor(article, parsed.data) }, { headers: { "Cache-Control": "no-store" } });
    }
    return stream(request, article);
  } catch (error) {
    if (!isDatabaseUnavailable(error)) throw error;
    return Response.json({ error: "The database did not answer; the page will try again." }, { status: 503, headers: { "Retry-After": "5", "Cache-Control": "no-store" } });
  }
}

async function stream(request: Request, article: { id: number; slug: string }): Promise<Response> {
  const encoder = new TextEncoder();
  let unsubscribe = () => {};
  let controllerRef: ReadableStreamDefaultController<Uint8Array> | null = null;
  const send = (chunk: string) => {
    try {
      controllerRef?.enqueue(encoder.encode(chunk));
    } catch {
      unsubscribe(); // the stream is gone
    }
  };
  const close = () => {
    unsubscribe();
    try {
      controllerRef?.close();
    } catch {
      // already closed
    }
  };
  const subscription = await subscribeToArticle(article, send, close);
  if (!subscription) {
    return Response.json({ error: "Too many open pages on this server; the page will try again." }, { status: 503, headers: { "Retry-After": "10", "Cache-Control": "no-store" } });
  }
  unsubscribe = subscription.unsubscribe;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controllerRef = controller;
      // The browser reconnects after 3 s when the stream breaks.
      controller.enqueue(encoder.encode(`retry: 3000\n\n${sseEvent("snapshot", subscription.snapshot)}`));
      request.signal.addEventListener("abort", close);
    },
    cancel() {
      unsubscribe();
    },
  });
  return new Response(body, {
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      // no-transform: never compressed or held by a proxy (nor by scripts/server.mjs).
      "Cache-Control": "no-cache, no-transform",
      "X-Accel-Buffering": "no",
    },
  });
}
