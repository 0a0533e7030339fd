import { formatDateTime } from "@/lib/dates";
import { getAkismetOverview } from "@/lib/spam/overview";
import { verifyKeyAction } from "./actions";

/** Akismet's state where moderators and admins look: key, verification, errors, the retry queue. */
export async function AkismetPanel({ compact = false }: { compact?: boolean }) {
  const a = await getAkismetOverview();
  const paused = a.pausedUntil && new Date(a.pausedUntil) > new Date();
  return (
    <section className={`panel akismet-panel${compact ? " akismet-panel--compact" : ""}`} aria-labelledby="akismet-heading">
      <h2 id="akismet-heading">Akismet</h2>
      {a.configured ? null : (
        <p className="form-message" role="status">
          Akismet is not configured (no <code>AKISMET_KEY</code>): comments pass the local defences only, and guest
          comments wait for a moderator.
        </p>
      )}
      <dl className="facts">
        <dt>Key</dt>
        <dd>
          {!a.configured
            ? "not configured"
            : a.keyValid === null
              ? "configured, not verified yet"
              : a.keyValid
                ? "verified"
                : "refused by Akismet"}
          {a.keyVerifiedAt ? <span className="muted"> (checked {formatDateTime(new Date(a.keyVerifiedAt))})</span> : null}
        </dd>
        <dt>Waiting for a check</dt>
        <dd>
          {a.notChecked} comment{a.notChecked === 1 ? "" : "s"}
          {a.nextRetryAt ? <span className="muted"> · next retry {formatDateTime(a.nextRetryAt)}</span> : null}
        </dd>
        <dt>Last error</dt>
        <dd>
          {a.lastError ? `${a.lastError}${a.lastErrorAt ? ` (${formatDateTime(new Date(a.lastErrorAt))})` : ""}` : "none"}
          {a.debugHelp ? <span className="muted"> · Akismet says: {a.debugHelp}</span> : null}
        </dd>
        {a.alert ? (
          <>
            <dt>Alert</dt>
            <dd>{a.alert}</dd>
          </>
        ) : null}
        {paused ? (
          <>
            <dt>Retries paused until</dt>
            <dd>{formatDateTime(new Date(a.pausedUntil!))} (the key was refused)</dd>
          </>
        ) : null}
        <dt>Last successful check</dt>
        <dd>{a.lastSuccessAt ? formatDateTime(new Date(a.lastSuccessAt)) : "none recorded"}</dd>
      </dl>
      {a.configured ? (
        <form action={verifyKeyAction}>
          <button type="submit">Verify key</button>
        </form>
      ) : null}
    </section>
  );
}
