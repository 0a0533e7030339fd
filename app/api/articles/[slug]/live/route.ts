import { z } from "zod";
import { isDatabaseUnavailable } from "@/lib/comments/api";
import { requestIp } from "@/lib/auth/request-ip";
import { MAX_STREAM_MS, liveArticle, liveRowsFor, sseEvent, subscribeToArticle, type LiveSubscription } from "@/lib/comments/live";

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

/** Bytes a reader may leave unread before its stream is ended (a page that stopped reading). */
const SLOW_READER_BYTES = 512 * 1024;

const STREAM_HEADERS = {
  "Content-Type": "text/event-stream; charset=utf-8",
  // no-transform: never compressed or held by a proxy (nor by scripts/server.mjs).
  "Cache-Control": "no-cache, no-transform",
  "X-Accel-Buffering": "no",
};

async function stream(request: Request, article: { id: number; slug: string }): Promise<Response> {
  // Next answers HEAD with GET's response and never reads its body: nothing to follow.
  if (request.method === "HEAD") return new Response(null, { headers: STREAM_HEADERS });
  const address = requestIp(request.headers);
  const encoder = new TextEncoder();
  let subscription: LiveSubscription | null = null;
  let ended = false;
  let lifetime: NodeJS.Timeout | undefined;
  let controllerRef: ReadableStreamDefaultController<Uint8Array> | null = null;
  const end = () => {
    if (ended) return;
    ended = true;
    clearTimeout(lifetime);
    subscription?.unsubscribe();
    try {
      controllerRef?.close();
    } catch {
      // already closed
    }
  };
  const send = (chunk: Uint8Array) => {
    const controller = controllerRef;
    if (!controller || ended) return;
    // A reader that stopped reading is let go rather than queued for without end.
    if ((controller.desiredSize ?? 0) < -SLOW_READER_BYTES) return end();
    try {
      controller.enqueue(chunk);
    } catch {
      end();
    }
  };
  const body = new ReadableStream<Uint8Array>(
    {
      async start(controller) {
        controllerRef = controller;
        if (request.signal.aborted) return end();
        request.signal.addEventListener("abort", end);
        try {
          subscription = await subscribeToArticle(article, send, { close: end, address });
        } catch (error) {
          console.error("[live] opening a stream failed:", error instanceof Error ? error.message : error);
          return end();
        }
        // Refused (too many streams here or from this address): the browser tries again later.
        if (!subscription) {
          controller.enqueue(encoder.encode("retry: 30000\n\n"));
          return end();
        }
        // Gone while the thread was read: nothing to keep.
        if (request.signal.aborted) return end();
        // The browser reconnects 3 s after the stream breaks, and when it ends after MAX_STREAM_MS.
        controller.enqueue(encoder.encode(`retry: 3000\n\n${sseEvent("snapshot", subscription.snapshot)}`));
        lifetime = setTimeout(end, MAX_STREAM_MS);
        lifetime.unref();
      },
      cancel: end,
    },
    { highWaterMark: 0 },
  );
  return new Response(body, { headers: STREAM_HEADERS });
}
