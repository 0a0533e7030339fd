"use client";

import { createContext, useActionState, useContext, useEffect, useState, type ReactNode } from "react";
import type { RespectState } from "@/lib/comments/respect-state";
import { respectCommentAction } from "./actions";
import { usePersonal } from "./personal";

/**
 * Respect on an article page: one form for the whole thread (`#respect`),
 * and on each published comment a button that submits it with its own
 * name and value (`respect=<id>` or `withdraw=<id>`), so 200 comments add
 * 200 small buttons, not 200 forms. Without JavaScript the form posts and
 * the server answers with a 303 back to the comment; with it, the answer is
 * shown in place. A guest is sent to sign in and back.
 */

type Known = { respected: boolean; count: number };
type RespectContextValue = {
  /** Comments the viewer respects, as their personal view said. */
  respected: ReadonlySet<number>;
  /** What this page's presses answered since it loaded. */
  known: ReadonlyMap<number, Known>;
  messages: ReadonlyMap<number, string>;
  pending: boolean;
};

const RespectContext = createContext<RespectContextValue>({ respected: new Set(), known: new Map(), messages: new Map(), pending: false });

export const RESPECT_FORM_ID = "respect";

export function RespectForm({ returnTo, children }: { returnTo: string; children: ReactNode }) {
  const respected = usePersonal().view?.respected;
  const [state, action, pending] = useActionState<RespectState, FormData>(respectCommentAction, null);
  const [known, setKnown] = useState<ReadonlyMap<number, Known>>(new Map());
  const [messages, setMessages] = useState<ReadonlyMap<number, string>>(new Map());
  const [script, setScript] = useState(false);
  useEffect(() => setScript(true), []);
  useEffect(() => {
    if (!state || state.commentId === null) return;
    const id = state.commentId;
    if (state.message === undefined) {
      setKnown((m) => new Map(m).set(id, { respected: state.respected, count: state.count }));
      setMessages((m) => {
        const next = new Map(m);
        next.delete(id);
        return next;
      });
    } else setMessages((m) => new Map(m).set(id, state.message));
  }, [state]);
  return (
    <RespectContext.Provider value={{ respected: new Set(respected ?? []), known, messages, pending }}>
      <form id={RESPECT_FORM_ID} action={action} hidden>
        <input type="hidden" name="returnTo" value={returnTo} />
        <input type="hidden" name="js" value={script ? "1" : ""} />
      </form>
      {children}
    </RespectContext.Provider>
  );
}

/** The control on one published comment: `Respect` (pressed when the viewer respects it) and the count beside it. */
export function RespectButton({ id, count }: { id: number; count: number }) {
  const { respected, known, messages, pending } = useContext(RespectContext);
  const mine = known.get(id);
  const pressed = mine ? mine.respected : respected.has(id);
  const shown = mine ? mine.count : count;
  const message = messages.get(id);
  return (
    <span className="respect">
      <button type="submit" form={RESPECT_FORM_ID} name={pressed ? "withdraw" : "respect"} value={id} aria-pressed={pressed} disabled={pending}>
        Respect
      </button>
      {shown > 0 ? (
        <span className="respect-count">
          {shown}
          <span className="visually-hidden">{shown === 1 ? " reader respects this" : " readers respect this"}</span>
        </span>
      ) : null}
      {message ? (
        <span role="alert" className="respect-message">
          {message}
        </span>
      ) : null}
    </span>
  );
}
