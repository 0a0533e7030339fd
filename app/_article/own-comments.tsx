"use client";

import { createContext, useContext, type ReactNode } from "react";
import type { OwnCommentControl } from "@/lib/comments/own-controls";

/**
 * The viewer's own comments on this page and what they may still do with
 * them (edit within the window, delete). Given only by the per-visitor
 * article page (app/(site)/articles), from the viewer's own-comments cookie
 * and account: the cached page, served to everyone, has no provider, so its
 * thread never carries anyone's controls.
 */
const OwnCommentsContext = createContext<Record<number, OwnCommentControl> | null>(null);

export function OwnCommentsProvider({ controls, children }: { controls: Record<number, OwnCommentControl>; children: ReactNode }) {
  return <OwnCommentsContext.Provider value={controls}>{children}</OwnCommentsContext.Provider>;
}

/** The viewer's controls for one comment, or null when it is not theirs (or the page is shared). */
export function useOwnCommentControl(id: number): OwnCommentControl | null {
  return useContext(OwnCommentsContext)?.[id] ?? null;
}
