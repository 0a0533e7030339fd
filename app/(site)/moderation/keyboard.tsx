"use client";

import { useEffect, useRef, useState } from "react";

const SHORTCUTS: [string, string][] = [
  ["j", "next comment"],
  ["k", "previous comment"],
  ["a", "approve (in Spam: not spam)"],
  ["s", "spam"],
  ["t", "trash"],
  ["f", "feature or unfeature"],
  ["c", "open the commenter's page (their record, notes, Suspend)"],
  ["u", "undo the last action"],
  ["?", "show or hide these shortcuts"],
];

function items(): HTMLElement[] {
  return Array.from(document.querySelectorAll<HTMLElement>("[data-queue-item]"));
}

/**
 * Keyboard shortcuts for the queue (j/k move, a/s/t act on the focused
 * comment, u undoes, ? lists them), announced through a live region. The
 * buttons they press are the same form buttons that work without JavaScript.
 */
export function ModerationKeys() {
  const [open, setOpen] = useState(false);
  const [announcement, setAnnouncement] = useState("");
  const index = useRef(-1);

  useEffect(() => {
    const focusItem = (i: number) => {
      const list = items();
      if (list.length === 0) return;
      const next = Math.max(0, Math.min(i, list.length - 1));
      index.current = next;
      const el = list[next]!;
      el.focus();
      el.scrollIntoView({ block: "nearest" });
      const who = el.querySelector(".queue-item__who strong")?.textContent ?? "";
      setAnnouncement(`Comment ${next + 1} of ${list.length}, by ${who}`);
    };
    const current = (): HTMLElement | null => {
      const active = document.activeElement as HTMLElement | null;
      const inItem = active?.closest<HTMLElement>("[data-queue-item]");
      if (inItem) return inItem;
      const list = items();
      return index.current >= 0 ? (list[Math.min(index.current, list.length - 1)] ?? null) : null;
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
      const target = event.target as HTMLElement;
      if (target.closest("input, textarea, select, [contenteditable=true]")) return;
      const key = event.key;
      if (key === "?") {
        event.preventDefault();
        setOpen((o) => !o);
        return;
      }
      if (key === "Escape") {
        setOpen(false);
        return;
      }
      if (key === "j" || key === "k") {
        event.preventDefault();
        const list = items();
        const now = current();
        const at = now ? list.indexOf(now) : -1;
        focusItem(key === "j" ? at + 1 : at < 0 ? 0 : at - 1);
        return;
      }
      if (key === "u") {
        const undo = document.querySelector<HTMLButtonElement>('button[data-shortcut="u"]');
        if (undo) {
          event.preventDefault();
          setAnnouncement("Undoing the last action");
          undo.click();
        } else {
          setAnnouncement("Nothing to undo");
        }
        return;
      }
      if (key === "a" || key === "s" || key === "t" || key === "f" || key === "c") {
        const item = current();
        // A button (a, s, t, f) or the commenter link (c).
        const button = item?.querySelector<HTMLElement>(`[data-shortcut="${key}"]`);
        if (!item || !button) {
          setAnnouncement(item ? "That action is not available here" : "Press j to choose a comment first");
          return;
        }
        event.preventDefault();
        setAnnouncement(`${key === "c" ? "Commenter" : button.textContent}: ${item.querySelector(".queue-item__who strong")?.textContent ?? ""}`);
        button.click();
      }
    };
    const onClick = (event: MouseEvent) => {
      const el = event.target as HTMLElement;
      if (el.closest("[data-shortcuts-toggle]")) setOpen((o) => !o);
      const all = el.closest<HTMLInputElement>("[data-select-all]");
      if (all) {
        for (const box of document.querySelectorAll<HTMLInputElement>('.queue input[name="ids"]')) box.checked = all.checked;
      }
    };
    document.addEventListener("keydown", onKey);
    document.addEventListener("click", onClick);
    document.documentElement.dataset.moderationKeys = "ready"; // for tests: the shortcuts are live
    return () => {
      delete document.documentElement.dataset.moderationKeys;
      document.removeEventListener("keydown", onKey);
      document.removeEventListener("click", onClick);
    };
  }, []);

  return (
    <>
      <p className="visually-hidden" aria-live="polite">
        {announcement}
      </p>
      {open ? (
        <div role="dialog" aria-modal="false" aria-labelledby="shortcuts-title" className="shortcuts panel">
          <h2 id="shortcuts-title">Keyboard shortcuts</h2>
          <dl className="facts">
            {SHORTCUTS.map(([k, what]) => (
              <div key={k} style={{ display: "contents" }}>
                <dt>
                  <kbd>{k}</kbd>
                </dt>
                <dd>{what}</dd>
              </div>
            ))}
          </dl>
          <button type="button" onClick={() => setOpen(false)}>
            Close
          </button>
        </div>
      ) : null}
    </>
  );
}
