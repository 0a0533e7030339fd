"use client";

import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from "react";
import type { PersonalView } from "@/lib/comments/personal-view";
import { publishPersonalView } from "@/app/personal-store";

/** proxy.ts's PERSONAL_HINT_COOKIE: the reader has cookies of their own (which the script cannot see). */
const PERSONAL_HINT_COOKIE = "nr_personal";

type PersonalContextValue = {
  /** The reader's own parts, once known; null on a cached page before they arrive (or for a reader with none). */
  view: PersonalView | null;
  /** Asks again (after the reader posted, edited or deleted a comment). */
  refresh: () => void;
};

const PersonalContext = createContext<PersonalContextValue>({ view: null, refresh: () => undefined });

/**
 * The reader's own parts of an article page (docs/decisions/022). The page
 * rendered for one reader (without JavaScript) gives them as `initial`; the
 * cached page every reader shares has none, and a reader whose cookies are
 * their own (the hint cookie says so) asks for them in one small request
 * after load: `GET /api/articles/<slug>/personal`, never cached.
 */
export function PersonalProvider({ slug, initial, children }: { slug: string; initial: PersonalView | null; children: ReactNode }) {
  const [view, setView] = useState<PersonalView | null>(initial);
  const [asked, setAsked] = useState(0);
  useEffect(() => {
    if (initial && asked === 0) return;
    // On load, only a reader with cookies of their own asks; after their own action, always.
    if (asked === 0 && !document.cookie.split("; ").includes(`${PERSONAL_HINT_COOKIE}=1`)) return;
    const controller = new AbortController();
    fetch(`/api/articles/${encodeURIComponent(slug)}/personal`, { cache: "no-store", credentials: "same-origin", signal: controller.signal })
      .then((response) => (response.ok ? (response.json() as Promise<PersonalView>) : null))
      .then((body) => {
        if (body) setView(body);
      })
      // The shared page stays as it is: the reader can still read, post and sign in.
      .catch(() => undefined);
    return () => controller.abort();
  }, [slug, initial, asked]);
  // The header (outside this provider) shows the account too.
  useEffect(() => {
    publishPersonalView(view);
    return () => publishPersonalView(null);
  }, [view]);
  const refresh = useCallback(() => setAsked((n) => n + 1), []);
  return <PersonalContext.Provider value={{ view, refresh }}>{children}</PersonalContext.Provider>;
}

export function usePersonal(): PersonalContextValue {
  return useContext(PersonalContext);
}

/** Calls `refresh` when an action's `pending` goes from true to false (it settled, whatever it answered). */
export function useRefreshAfter(pending: boolean): void {
  const { refresh } = usePersonal();
  const [was, setWas] = useState(pending);
  useEffect(() => {
    if (was && !pending) refresh();
    setWas(pending);
  }, [pending, was, refresh]);
}
