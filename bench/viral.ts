/**
 * A story going viral, for bench/pages.ts load 2v: comments approved on the
 * seed article 20 times a second by another process (better-sqlite3 on the
 * server's database file, as a moderator on another instance or the recheck
 * job would change it: the triggers log the change and the server's poller
 * expires the page), while wrk reads the anonymous page.
 *
 * So that the figure measures expiring and rendering rather than a longer
 * page, each step approves one held comment and takes one other comment back
 * to held, in one transaction: the thread keeps its 200 comments. The ones
 * taken back are the thread's top-level comments without replies, then
 * comments this churn approved at least TAKE_BACK_AFTER_MS before. When the
 * load ends, every comment gets its status back.
 *
 * A probe asks for the page as a fresh anonymous reader every PROBE_MS and
 * notes when each approved comment first shows and each one taken back is
 * first gone, and how many versions of the page (ETags) it saw: the goals are
 * every approval visible within 2 s and about one render a second.
 */
import Database from "better-sqlite3";
import { request } from "./support";

export const APPROVALS_PER_SECOND = 20;
const PROBE_MS = 100;
const TAKE_BACK_AFTER_MS = 3_000;

type Step = { approved: number; takenBack: number; at: number };

export type ViralFigures = {
  approvals: number;
  approvalsPerSecond: number;
  seconds: number;
  probes: number;
  /** Approval → first probe that shows it, ms (approvals the probe saw before the end). */
  shown: Latencies;
  /** Taken back → first probe without it, ms. */
  gone: Latencies;
  /** Approvals never seen by a probe before the churn ended (should be none but the last second's). */
  unseenAtEnd: number;
  /** Distinct ETags the probe saw, per second: a lower bound on renders a second (the probe sees at most 10 a second). */
  pageVersionsPerSecond: number;
};

type Latencies = { n: number; p50: number; p99: number; max: number; within2s: number };

function latencies(values: number[]): Latencies {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { n: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? NaN, within2s: sorted.length ? sorted.filter((v) => v <= 2_000).length / sorted.length : NaN };
}

/** Adds `count` held comments on the article (recent, top-level), to be approved by the churn. */
export function addHeldComments(dbPath: string, articleId: number, count: number, text: () => string): void {
  const db = new Database(dbPath);
  db.pragma("busy_timeout = 5000");
  const insert = db.prepare(
    `insert into comments (article_id, author_name, author_email, content, status, status_reason, ip, user_agent, spam_check_state, created_at, updated_at)
     values (?, ?, ?, ?, 'pending', 'Held for moderation', '203.0.113.9', 'bench', 'checked', ?, ?)`,
  );
  const now = Date.now();
  db.transaction(() => {
    for (let i = 0; i < count; i++) insert.run(articleId, `Viral Reader ${i + 1}`, `viral${i + 1}@bench.example`, text(), now - 600_000 + i, now - 600_000 + i);
  })();
  db.close();
}

/** Starts the churn and the probe; `stop()` ends both, puts every status back and returns the figures. */
export function startChurn(dbPath: string, articleId: number, pageUrl: string): { stop: () => Promise<ViralFigures> } {
  const db = new Database(dbPath);
  db.pragma("busy_timeout = 5000");
  const held = (db.prepare("select id from comments where article_id = ? and status = 'pending' and author_email like 'viral%@bench.example' order by id").all(articleId) as { id: number }[]).map((r) => r.id);
  const removable = (
    db
      .prepare(
        `select c.id from comments c where c.article_id = ? and c.status = 'approved' and c.parent_id is null
           and not exists (select 1 from comments r where r.parent_id = c.id) order by c.id`,
      )
      .all(articleId) as { id: number }[]
  ).map((r) => r.id);
  const setStatus = db.prepare("update comments set status = ?, updated_at = ? where id = ?");
  const step = db.transaction((approve: number, takeBack: number, at: number) => {
    setStatus.run("approved", at, approve);
    setStatus.run("pending", at, takeBack);
  });
  const steps: Step[] = [];
  const approvedByChurn: { id: number; at: number }[] = [];
  const started = Date.now();
  let next = 0;
  const timer = setInterval(() => {
    // Catch up on late ticks, so the rate holds on a busy machine.
    const due = Math.floor(((Date.now() - started) / 1000) * APPROVALS_PER_SECOND) + 1;
    while (steps.length < due && next < held.length) {
      const at = Date.now();
      const takeBack =
        removable.shift() ?? (approvedByChurn[0] && approvedByChurn[0].at <= at - TAKE_BACK_AFTER_MS ? approvedByChurn.shift()!.id : undefined);
      if (takeBack === undefined) break;
      const approve = held[next++]!;
      step(approve, takeBack, at);
      steps.push({ approved: approve, takenBack: takeBack, at });
      approvedByChurn.push({ id: approve, at });
    }
  }, 1000 / APPROVALS_PER_SECOND);

  const firstShown = new Map<number, number>();
  const firstGone = new Map<number, number>();
  const etags = new Set<string>();
  let probes = 0;
  let probing = true;
  const probe = (async () => {
    while (probing) {
      const sent = Date.now();
      const answer = await request(pageUrl).catch(() => null);
      const at = Date.now();
      if (answer?.status === 200) {
        probes += 1;
        const etag = answer.headers.etag;
        if (typeof etag === "string") etags.add(etag);
        const html = answer.body.toString();
        const onPage = new Set([...html.matchAll(/id="comment-(\d+)"/g)].map((m) => Number(m[1])));
        for (const s of steps) {
          // Only what was committed before the request was sent counts.
          if (s.at > sent) continue;
          if (!firstShown.has(s.approved) && onPage.has(s.approved)) firstShown.set(s.approved, at);
          if (!firstGone.has(s.takenBack) && !onPage.has(s.takenBack)) firstGone.set(s.takenBack, at);
        }
      }
      await new Promise((r) => setTimeout(r, Math.max(0, PROBE_MS - (Date.now() - sent))));
    }
  })();

  return {
    stop: async () => {
      clearInterval(timer);
      const seconds = (Date.now() - started) / 1000;
      probing = false;
      await probe;
      // Every status back as it was.
      db.transaction(() => {
        const now = Date.now();
        for (const s of [...steps].reverse()) {
          setStatus.run("approved", now, s.takenBack);
          setStatus.run("pending", now, s.approved);
        }
      })();
      db.close();
      // A comment approved and then taken back by the churn itself is measured while it was approved only.
      const shown = steps.filter((s) => firstShown.has(s.approved)).map((s) => firstShown.get(s.approved)! - s.at);
      const gone = steps.filter((s) => firstGone.has(s.takenBack)).map((s) => firstGone.get(s.takenBack)! - s.at);
      const lastSecond = Date.now() - 2_000;
      return {
        approvals: steps.length,
        approvalsPerSecond: steps.length / seconds,
        seconds,
        probes,
        shown: latencies(shown),
        gone: latencies(gone),
        unseenAtEnd: steps.filter((s) => !firstShown.has(s.approved) && s.at < lastSecond).length,
        pageVersionsPerSecond: etags.size / seconds,
      };
    },
  };
}
