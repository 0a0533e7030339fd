import { useSyncExternalStore } from "react";
import type { PersonalView } from "@/lib/comments/personal-view";

/**
 * The reader's personal view, as the article page's provider last received
 * it (app/_article/personal.tsx), for parts of the page outside it: the
 * header's account links on a cached page. In the browser only; the server
 * always renders the shared page's guest links.
 */
let current: PersonalView | null = null;
const listeners = new Set<() => void>();

export function publishPersonalView(view: PersonalView | null): void {
  if (view === current) return;
  current = view;
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function usePublishedPersonalView(): PersonalView | null {
  return useSyncExternalStore(
    subscribe,
    () => current,
    () => null,
  );
}
