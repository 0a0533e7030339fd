import type { SpamStatsDay } from "@/lib/moderation/stats";
import styles from "./stats.module.css";

/** "3 Mar" (UTC): axis labels. */
const shortDay = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone: "UTC" });
/** "3 March 2025" (UTC). */
const longDay = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });

export function formatShortDay(date: Date): string {
  return shortDay.format(date);
}

export function formatLongDay(date: Date): string {
  return longDay.format(date);
}

type SeriesKey = "received" | "approved" | "spamByAkismet" | "spamByRules";

/** The bars of each day, in the order they are drawn and listed. */
export const CHART_SERIES: readonly { key: SeriesKey; label: string; phrase: string; className: string }[] = [
  { key: "received", label: "Received", phrase: "received", className: styles.received ?? "" },
  { key: "approved", label: "Approved automatically", phrase: "approved automatically", className: styles.approved ?? "" },
  { key: "spamByAkismet", label: "Spam caught by Akismet", phrase: "spam caught by Akismet", className: styles.akismet ?? "" },
  { key: "spamByRules", label: "Spam caught by local rules", phrase: "spam caught by local rules", className: styles.rules ?? "" },
];

// Geometry, in viewBox units.
const MARGIN = { top: 12, right: 8, bottom: 30, left: 40 };
const GROUP = 26;
const BAR = 5;
const PLOT_HEIGHT = 190;

/** A round step (1, 2 or 5 × 10^k, at least 1) giving about four gridlines up to `max`. */
function tickStep(max: number): number {
  if (max <= 4) return 1;
  const raw = max / 4;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  return Math.max(1, step);
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * A grouped bar chart of comments per UTC day, drawn on the server as SVG:
 * no JavaScript, named and described for screen readers (the table next to
 * it carries the exact numbers), colours from the theme variables so it
 * follows dark mode.
 */
export function SpamChart({ days, id = "spam-chart" }: { days: readonly SpamStatsDay[]; id?: string }) {
  const titleId = `${id}-title`;
  const descId = `${id}-desc`;
  const first = days[0];
  const last = days[days.length - 1];

  const max = Math.max(0, ...days.flatMap((d) => CHART_SERIES.map((s) => d[s.key])));
  const step = tickStep(max);
  const top = Math.max(step, Math.ceil(max / step) * step);
  const ticks: number[] = [];
  for (let v = 0; v <= top; v += step) ticks.push(v);

  const width = MARGIN.left + days.length * GROUP + MARGIN.right;
  const height = MARGIN.top + PLOT_HEIGHT + MARGIN.bottom;
  const baseline = MARGIN.top + PLOT_HEIGHT;
  const round = (v: number) => Math.round(v * 100) / 100;
  const y = (v: number) => round(baseline - (v / top) * PLOT_HEIGHT);
  const groupX = (i: number) => MARGIN.left + i * GROUP;
  const inset = (GROUP - BAR * CHART_SERIES.length) / 2;

  const totals = Object.fromEntries(
    CHART_SERIES.map((s) => [s.key, days.reduce((sum, d) => sum + d[s.key], 0)]),
  ) as Record<SeriesKey, number>;
  const busiest = days.reduce<SpamStatsDay | null>((best, d) => (d.received > (best?.received ?? 0) ? d : best), null);
  const range = first && last ? `from ${formatLongDay(first.start)} to ${formatLongDay(last.start)}` : "";
  const description = [
    `Grouped bar chart, one group of four bars per UTC day ${range}: comments received, approved automatically, spam caught by Akismet and spam caught by local rules.`,
    max === 0
      ? "There were no comments in this period."
      : `In all: ${plural(totals.received, "comment")} received, ${totals.approved} approved automatically, ${totals.spamByAkismet} caught by Akismet and ${totals.spamByRules} by local rules.` +
        (busiest ? ` The busiest day was ${formatLongDay(busiest.start)}, with ${plural(busiest.received, "comment")} received.` : ""),
    "The table below gives every day's numbers.",
  ].join(" ");

  return (
    <div className={styles.chartBlock}>
      <ul className={styles.legend}>
        {CHART_SERIES.map((s) => (
          <li key={s.key}>
            <svg className={styles.swatch} viewBox="0 0 10 10" aria-hidden="true" focusable="false">
              <rect className={s.className} width="10" height="10" rx="2" />
            </svg>
            {s.label}
          </li>
        ))}
      </ul>
      <div className={styles.chartScroll} tabIndex={0} role="region" aria-label="Chart, scrolls sideways on narrow screens">
        <svg
          className={styles.chart}
          viewBox={`0 0 ${width} ${height}`}
          role="img"
          aria-labelledby={titleId}
          aria-describedby={descId}
          focusable="false"
        >
          {/* One string child: React renders a <title> with several children empty. */}
          <title id={titleId}>{`Comments and spam per day, last ${plural(days.length, "day")}`}</title>
          <desc id={descId}>{description}</desc>

          <g className={styles.grid}>
            {ticks.map((t) => (
              <g key={t}>
                <line x1={MARGIN.left} x2={width - MARGIN.right} y1={y(t)} y2={y(t)} />
                <text className={styles.axisLabel} x={MARGIN.left - 6} y={y(t)} dy="0.32em" textAnchor="end">
                  {t}
                </text>
              </g>
            ))}
          </g>

          {days.map((d, i) => {
            const label = formatShortDay(d.start);
            return (
              <g key={d.day}>
                {CHART_SERIES.map((s, j) => {
                  const value = d[s.key];
                  if (value === 0) return null;
                  // Never thinner than one unit, so a 1 next to a 500 still shows.
                  const h = round(Math.max(1, baseline - y(value)));
                  return (
                    <rect
                      key={s.key}
                      className={`${styles.bar} ${s.className}`}
                      x={groupX(i) + inset + j * BAR}
                      y={round(baseline - h)}
                      width={BAR - 0.5}
                      height={h}
                    >
                      <title>{`${label}: ${value} ${s.phrase}`}</title>
                    </rect>
                  );
                })}
                {/* Every fifth day is labelled, counting back from today. */}
                {(days.length - 1 - i) % 5 === 0 ? (
                  <text className={styles.axisLabel} x={groupX(i) + GROUP / 2} y={baseline + 16} textAnchor="middle">
                    {label}
                  </text>
                ) : null}
              </g>
            );
          })}

          <line className={styles.axis} x1={MARGIN.left} x2={width - MARGIN.right} y1={baseline} y2={baseline} />
        </svg>
      </div>
    </div>
  );
}
