"use client";

import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from "react";
import type { CompactComment } from "@/lib/comments/compact";
import { commentCountLabel } from "@/lib/comments/labels";
import { usePersonal } from "./personal";

/**
 * Live threads (docs/decisions/023): an open article page follows its thread
 * over Server-Sent Events (`/api/articles/<slug>/live`). Comments taken down
 * leave the page at once; approved ones that arrive are announced by
 * `Show N new comments`, and put in their places only when the reader asks,
 * so the thread never moves under them. The stream is closed while the tab
 * is hidden and opened again when it shows, with a snapshot to catch up.
 */

type LiveRow = { parentId: number | null; comment: CompactComment };
type Snapshot = { ids: number[]; count: number };
type Change = { added: LiveRow[]; removed: number[]; count: number };

type LiveValue = {
  /** Arrived and shown by the reader's press, in their places. */
  shown: LiveRow[];
  /** Taken down since the page was rendered. */
  removed: ReadonlySet<number>;
  /** Arrived and not shown yet. */
  waiting: number;
  showWaiting: () => void;
  /** The thread's count as the stream last said, or null before it spoke. */
  count: number | null;
};

const LiveContext = createContext<LiveValue>({ shown: [], removed: new Set(), waiting: 0, showWaiting: () => undefined, count: null });

export function useLive(): LiveValue {
  return useContext(LiveContext);
}

type Props = {
  slug: string;
  /** The ids of the comments the page was rendered with. */
  pageIds: number[];
  /** New top-level comments belong on this page (the last oldest first, the first newest first). */
  newCommentsHere: boolean;
  children: ReactNode;
};

export function LiveThread({ slug, pageIds, newCommentsHere, children }: Props) {
  const [shown, setShown] = useState<LiveRow[]>([]);
  const [waiting, setWaiting] = useState<LiveRow[]>([]);
  const [removed, setRemoved] = useState<ReadonlySet<number>>(new Set());
  const [count, setCount] = useState<number | null>(null);
  // What the page knows of (rendered, shown or waiting), for the stream's handlers.
  const known = useRef(new Set(pageIds));
  const gone = useRef(new Set<number>());
  // The reader's own held comments: approved, they take their place at once (the reader sees them already).
  const held = usePersonal().view?.held;
  const own = useRef(new Set<number>());
  useEffect(() => {
    own.current = new Set((held ?? []).map((h) => h.comment[0]));
  }, [held]);

  const take = useCallback(
    (rows: LiveRow[]) => {
      // Oldest first, so a reply that arrives with its parent (a moved comment and its replies) finds it.
      const fresh: LiveRow[] = [];
      for (const r of rows) {
        const id = r.comment[0];
        if (known.current.has(id) && !gone.current.has(id)) continue;
        // A reply goes under a parent the page has; a top-level comment only on the page where new ones appear.
        if (r.parentId === null ? !newCommentsHere : !known.current.has(r.parentId) || gone.current.has(r.parentId)) continue;
        known.current.add(id);
        gone.current.delete(id);
        fresh.push(r);
      }
      if (fresh.length === 0) return;
      const back = new Set(fresh.map((r) => r.comment[0]));
      const mine = fresh.filter((r) => own.current.has(r.comment[0]));
      if (mine.length > 0) {
        // Shown at once; one the page had before it was taken down is back in its place.
        const ids = new Set(mine.map((r) => r.comment[0]));
        setRemoved((s) => (mine.some((r) => s.has(r.comment[0])) ? new Set([...s].filter((id) => !ids.has(id))) : s));
        setShown((s) => [...s, ...mine]);
      }
      const others = fresh.filter((r) => !own.current.has(r.comment[0]));
      setWaiting((w) => [...w.filter((r) => !back.has(r.comment[0])), ...others]);
    },
    [newCommentsHere],
  );

  const drop = useCallback((ids: number[]) => {
    const down = ids.filter((id) => known.current.has(id) && !gone.current.has(id));
    if (down.length === 0) return;
    for (const id of down) gone.current.add(id);
    const set = new Set(down);
    setRemoved((s) => new Set([...s, ...down]));
    setWaiting((w) => w.filter((r) => !set.has(r.comment[0])));
  }, []);

  useEffect(() => {
    let source: EventSource | null = null;
    const onSnapshot = (event: MessageEvent<string>) => {
      const snapshot = JSON.parse(event.data) as Snapshot;
      setCount(snapshot.count);
      const visible = new Set(snapshot.ids);
      drop([...known.current].filter((id) => !visible.has(id)));
      // Comments the page lacks (approved while it was hidden or before it loaded): their rows.
      const missing = snapshot.ids.filter((id) => !known.current.has(id) || gone.current.has(id)).slice(0, 200);
      if (missing.length === 0) return;
      fetch(`/api/articles/${encodeURIComponent(slug)}/live?rows=${missing.join(",")}`, { cache: "no-store" })
        .then((response) => (response.ok ? (response.json() as Promise<{ rows: LiveRow[] }>) : null))
        .then((body) => body && take(body.rows))
        .catch(() => undefined);
    };
    const onChange = (event: MessageEvent<string>) => {
      const change = JSON.parse(event.data) as Change;
      setCount(change.count);
      drop(change.removed);
      take(change.added);
    };
    const open = () => {
      if (source || document.visibilityState !== "visible" || typeof EventSource === "undefined") return;
      source = new EventSource(`/api/articles/${encodeURIComponent(slug)}/live`);
      source.addEventListener("snapshot", onSnapshot);
      source.addEventListener("change", onChange);
    };
    const close = () => {
      source?.close();
      source = null;
    };
    const onVisibility = () => (document.visibilityState === "visible" ? open() : close());
    open();
    document.addEventListener("visibilitychange", onVisibility);
    return () => {
      document.removeEventListener("visibilitychange", onVisibility);
      close();
    };
  }, [slug, take, drop]);

  const showWaiting = useCallback(() => {
    // A comment the page had before it was taken down (a moderator's Undo) is back in its place;
    // one that moved (a reply moved up) arrives at its new place, its old one still gone with its parent.
    const ids = new Set(waiting.map((r) => r.comment[0]));
    setRemoved((s) => (waiting.some((r) => s.has(r.comment[0])) ? new Set([...s].filter((id) => !ids.has(id))) : s));
    setShown((s) => [...s, ...waiting]);
    setWaiting([]);
  }, [waiting]);

  return (
    <LiveContext.Provider value={{ shown: shown.filter((r) => !removed.has(r.comment[0])), removed, waiting: waiting.length, showWaiting, count }}>
      {children}
    </LiveContext.Provider>
  );
}

/** `Show 1 new comment` / `Show N new comments`, while some wait. */
export function ShowNewComments() {
  const { waiting, showWaiting } = useLive();
  if (waiting === 0) return null;
  return (
    <p className="live-new">
      <button type="button" onClick={showWaiting}>
        {waiting === 1 ? "Show 1 new comment" : `Show ${waiting} new comments`}
      </button>
    </p>
  );
}

/** The thread's heading, with the count the stream last gave. */
export function CommentCountHeading({ initial }: { initial: number }) {
  const { count } = useLive();
  const n = count ?? initial;
  if (n === 0) {
    return (
      <div className="comments-empty">
        <h2 id="comments-title">No Comments Yet!</h2>
        <p className="muted">You can be first to comment this post!</p>
      </div>
    );
  }
  return <h2 id="comments-title">{commentCountLabel(n)}</h2>;
}
