import type { Metadata } from "next";
import Link from "next/link";
import { requirePermission } from "@/lib/auth/session";
import { spamStats, type SpamCounts } from "@/lib/moderation/stats";
import { formatLongDay, SpamChart } from "./chart";
import styles from "./stats.module.css";

export const metadata: Metadata = { title: "Spam statistics", robots: { index: false } };
export const dynamic = "force-dynamic";

const DAYS = 30;

const rowDay = new Intl.DateTimeFormat("en-GB", { weekday: "short", day: "numeric", month: "short", timeZone: "UTC" });
const percent = new Intl.NumberFormat("en-GB", { style: "percent", maximumFractionDigits: 1 });
const count = new Intl.NumberFormat("en-GB");

const plural = (n: number, one: string, many = `${one}s`) => `${count.format(n)} ${n === 1 ? one : many}`;

/** The table's number columns, in order. */
const COLUMNS: readonly { key: Exclude<keyof SpamCounts, "accuracy">; label: string }[] = [
  { key: "received", label: "Received" },
  { key: "approved", label: "Approved" },
  { key: "spamByAkismet", label: "Spam: Akismet" },
  { key: "spamByRules", label: "Spam: local rules" },
  { key: "falsePositives", label: "False positives" },
  { key: "falseNegatives", label: "False negatives" },
  { key: "akismetVerdicts", label: "Akismet verdicts" },
];

function Num({ value }: { value: number }) {
  return <td className={value === 0 ? `${styles.num} ${styles.zero}` : styles.num}>{count.format(value)}</td>;
}

function Accuracy({ value }: { value: number | null }) {
  return (
    <td className={value === null ? `${styles.num} ${styles.zero}` : styles.num}>
      {value === null ? (
        <>
          <span aria-hidden="true">—</span>
          <span className="visually-hidden">no verdicts</span>
        </>
      ) : (
        percent.format(value)
      )}
    </td>
  );
}

export default async function SpamStatsPage() {
  await requirePermission("comment:moderate", { callbackUrl: "/moderation/stats" });
  const stats = await spamStats({ now: new Date(), days: DAYS });
  const t = stats.totals;
  const first = stats.days[0];
  const last = stats.days[stats.days.length - 1];
  const range = first && last ? `${formatLongDay(first.start)} to ${formatLongDay(last.start)}` : "";
  const corrections = t.falsePositives + t.falseNegatives;

  return (
    <div className={`admin-page ${styles.page}`}>
      <h1 className="page-heading">Spam statistics</h1>
      <p className="muted">
        The last {DAYS} days by UTC day, {range} (today so far).{" "}
        <Link href="/moderation">Back to the moderation queues</Link>
      </p>

      <section className="panel" aria-labelledby="stats-summary-heading">
        <h2 id="stats-summary-heading">Last {DAYS} days</h2>
        <dl className={styles.summary}>
          <div>
            <dt>Comments received</dt>
            <dd>{count.format(t.received)}</dd>
          </div>
          <div>
            <dt>Approved automatically</dt>
            <dd>{count.format(t.approved)}</dd>
          </div>
          <div>
            <dt>Spam caught by Akismet</dt>
            <dd>{count.format(t.spamByAkismet)}</dd>
          </div>
          <div>
            <dt>Spam caught by local rules</dt>
            <dd>{count.format(t.spamByRules)}</dd>
          </div>
          <div>
            <dt>False positives</dt>
            <dd>
              {count.format(t.falsePositives)}
              <span className={styles.detail}>Akismet said spam, a moderator published it</span>
            </dd>
          </div>
          <div>
            <dt>False negatives</dt>
            <dd>
              {count.format(t.falseNegatives)}
              <span className={styles.detail}>Akismet said not spam, a moderator marked it spam</span>
            </dd>
          </div>
          <div className={styles.accuracy}>
            <dt>Akismet accuracy</dt>
            {t.accuracy === null ? (
              <dd className={styles.accuracyNone}>no Akismet verdicts yet</dd>
            ) : (
              <dd>
                {percent.format(t.accuracy)}
                <span className={styles.detail}>
                  {plural(t.akismetVerdicts, "verdict")}, {plural(corrections, "correction")}
                </span>
              </dd>
            )}
          </div>
        </dl>
      </section>

      <section className="panel" aria-labelledby="stats-daily-heading">
        <h2 id="stats-daily-heading">Day by day</h2>
        <SpamChart days={stats.days} />
        <div className="table-scroll" role="region" aria-label="Comments and spam per day" tabIndex={0}>
          <table className={`data-table ${styles.table}`}>
            <caption>Comments and spam per UTC day, {range}</caption>
            <thead>
              <tr>
                <th scope="col">Day</th>
                {COLUMNS.map((c) => (
                  <th key={c.key} scope="col" className={styles.num}>
                    {c.label}
                  </th>
                ))}
                <th scope="col" className={styles.num}>
                  Akismet accuracy
                </th>
              </tr>
            </thead>
            <tbody>
              {stats.days.map((d, i) => (
                <tr key={d.day}>
                  <th scope="row">
                    <time dateTime={d.isoDate}>{rowDay.format(d.start)}</time>
                    {i === stats.days.length - 1 ? <span className="muted"> (today)</span> : null}
                  </th>
                  {COLUMNS.map((c) => (
                    <Num key={c.key} value={d[c.key]} />
                  ))}
                  <Accuracy value={d.accuracy} />
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">Total, {DAYS} days</th>
                {COLUMNS.map((c) => (
                  <Num key={c.key} value={t[c.key]} />
                ))}
                <Accuracy value={t.accuracy} />
              </tr>
            </tfoot>
          </table>
        </div>
        <ul className={`muted ${styles.notes}`}>
          <li>
            Approved counts comments published automatically (by the local defences or an Akismet “not spam”), not those a
            moderator approved.
          </li>
          <li>
            Spam counts comments moved to spam automatically: by an Akismet verdict (on arrival or on a re-check) or by the
            local rules (honeypot, block lists and the like).
          </li>
          <li>
            Corrections count on the day the moderator made them. Accuracy is (verdicts − false positives − false
            negatives) ÷ verdicts; a day without verdicts shows —.
          </li>
          <li>Comments deleted permanently take their history with them and no longer count.</li>
        </ul>
      </section>
    </div>
  );
}
