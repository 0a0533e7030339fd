import { HELD_DIGEST_LABELS, HELD_DIGESTS, type HeldDigest } from "@/lib/mail/preferences";
import { setHeldDigestAction } from "./digest-actions";

/** A moderator's "Digest of held comments" setting, with what happened to the last change. */
export function DigestSection({ value, mailOn, notice }: { value: HeldDigest; mailOn: boolean; notice: { text: string; ok: boolean } | null }) {
  return (
    <section aria-labelledby="digest-heading" id="digest">
      <h2 id="digest-heading">Digest of held comments</h2>
      <p className="muted">
        A message listing the comments held for moderation since the last one, sent only when there are some.
        {mailOn ? "" : " Mail is off on this site (no SMTP_URL), so nothing is sent until an admin sets it up."}
      </p>
      {notice ? (
        <p role="status" className={notice.ok ? "form-success" : "field-error"}>
          {notice.text}
        </p>
      ) : null}
      <form action={setHeldDigestAction}>
        <p>
          <label htmlFor="held-digest">Email me the held comments</label>{" "}
          <select id="held-digest" name="heldDigest" defaultValue={value}>
            {HELD_DIGESTS.map((d) => (
              <option key={d} value={d}>
                {HELD_DIGEST_LABELS[d]}
              </option>
            ))}
          </select>
        </p>
        <p className="form-submit">
          <button type="submit">Save digest setting</button>
        </p>
      </form>
    </section>
  );
}
