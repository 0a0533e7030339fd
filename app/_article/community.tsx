"use client";

import { useActionState, useEffect, useState } from "react";
import { reportPath } from "@/lib/community/report-path";
import type { FeatureState } from "@/lib/community/feature-state";
import { featureCommentAction } from "./actions";
import { usePersonal, useRefreshAfter } from "./personal";

/**
 * A published comment's `Report` control: a link to its report form (which
 * works without JavaScript and sends a guest to sign in first). For a reader
 * who reported it (their personal view says so) it reads `Reported`.
 */
export function ReportControl({ id }: { id: number }) {
  const { view } = usePersonal();
  if (view?.own[id]) return null; // their own comment
  if (view?.reported.includes(id)) return <span className="reported-mark">Reported</span>;
  return (
    <a href={reportPath(id)} rel="nofollow" className="report-link">
      Report
    </a>
  );
}

/**
 * `Feature` / `Unfeature` on the article, for moderators (their personal view
 * says so; the server checks again). Without JavaScript the form posts and
 * comes back to the comment.
 */
export function FeatureControl({ id, featured, returnTo }: { id: number; featured: boolean; returnTo: string }) {
  const { view } = usePersonal();
  const [script, setScript] = useState(false);
  useEffect(() => setScript(true), []);
  // The server action itself (not a wrapper): so the form posts without JavaScript too.
  const [state, action, pending] = useActionState<FeatureState, FormData>(featureCommentAction, null);
  useRefreshAfter(pending);
  if (!view?.account?.areas.includes("moderation")) return null;
  const now = state && state.commentId === id && state.featured !== undefined ? state.featured : featured;
  return (
    <form action={action} className="inline-form feature-form">
      <input type="hidden" name="commentId" value={id} />
      <input type="hidden" name="action" value={now ? "unfeature" : "feature"} />
      <input type="hidden" name="returnTo" value={returnTo} />
      <input type="hidden" name="js" value={script ? "1" : ""} />
      <button type="submit" disabled={pending}>
        {now ? "Unfeature" : "Feature"}
      </button>
      {state?.message ? (
        <span role="alert" className="respect-message">
          {state.message}
        </span>
      ) : null}
    </form>
  );
}
