/**
 * `npm run bench:moderation`: server time of the moderation queues at
 * 100,000 comments (BENCH_COMMENTS). A fresh database under
 * .tmp/bench-moderation is migrated and seeded, then filled with comments
 * spread over ~20 articles and 90 days with a realistic status mix, reasons,
 * Akismet records and histories. The app's own `queueCounts` and `queuePage`
 * are timed in process (p50 / p99 over BENCH_ITERATIONS, default 200); with a
 * production build (.next/BUILD_ID) and BENCH_HTTP not "0", the /moderation
 * page is also timed over HTTP as a signed-in moderator.
 * Moderating people (issue 21): inside the same comments, one reader account
 * and one guest address have a tenth each (10,000 at the default size, every
 * status, all articles, 90 days), with commenter history and notes; 10,000
 * published comments have 1 to 6 open reports from distinct readers (rows in
 * comment_reports, counted by its triggers) and 3,000 more have closed ones.
 * The commenter page's reads (profile, comments, history, notes) are timed
 * together as the page does them, at page 1 and page 100 of the comments, for
 * both; the Reported queue (count, page, the page's open reports) at pages 1
 * and 50; then each read alone. Their query plans are printed, and those of
 * every statement of a read over the target.
 * Exits 1 when a read takes 50 ms or more at p99, or when a result is wrong.
 * Not part of the test suite. Run with `tsx --conditions=react-server`.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import Database from "better-sqlite3";
import type { SQL } from "drizzle-orm";
import { SQLiteSyncDialect } from "drizzle-orm/sqlite-core";
import type { Db } from "@/lib/db";
import type { SqliteDb } from "@/lib/db/sqlite";
import type { QueueFilter, QueuePage } from "@/lib/moderation/queue";
import { rng, waitFor } from "./support";

const COMMENTS = Number(process.env.BENCH_COMMENTS ?? 100_000);
const ITERATIONS = Math.max(200, Number(process.env.BENCH_ITERATIONS ?? 200));
const WARMUP = 20;
const HTTP_ITERATIONS = Math.max(100, Number(process.env.BENCH_HTTP_ITERATIONS ?? 100));
const TARGET_P99_MS = 50;
const ARTICLES = 20;
const DAYS = 90;
const PORT = Number(process.env.BENCH_PORT ?? 3201);
const BASE = `http://127.0.0.1:${PORT}`;
const DIR = path.join(process.cwd(), ".tmp", "bench-moderation");
const DB = path.join(DIR, "app.db");
/** A fixed test secret (48 characters), only for this benchmark's throwaway server. */
const SECRET = "bench-moderation-test-secret-not-for-production!";
const MODERATOR = { name: "Mo", email: "mo@bench.example" };
/** The commenter page's subjects: a reader account and a guest address, each on every 10th comment (10,000 of 100,000). */
const HEAVY_READER = { name: "Rosa Haddad", email: "rosa.haddad@posteo.de" };
const HEAVY_GUEST = { email: "nils.novak@mailbox.org", names: ["Nils Novak", "Nils N.", "nils"], ips: ["81.2.69.160", "81.2.69.161", "2a02:8108:1b40::17"] };
const HEAVY_READER_SLOT = 3;
const HEAVY_GUEST_SLOT = 7;
/** Published comments with open reports (1 to 6 each) in the Reported queue; and others whose reports were closed. */
const REPORTED = 10_000;
const CLOSED_REPORTED = 3_000;

// ---------------------------------------------------------------------------
// Helpers

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv) {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ["ignore", "ignore", "inherit"] });
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(" ")} exited ${code}`))));
  });
}

const random = rng(20240917);
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
/** An index in [0, n) skewed towards 0: a few authors and articles get most comments. */
const skewed = (n: number, power: number) => Math.min(n - 1, Math.floor(n * random() ** power));
const hex = (len: number) => Array.from({ length: len }, () => Math.floor(random() * 16).toString(16)).join("");

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

function summarize(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), max: sorted[sorted.length - 1]! };
}

const ms = (v: number) => `${v.toFixed(2)} ms`;

// ---------------------------------------------------------------------------
// Data

const FIRST = ["Anna", "Ben", "Carla", "David", "Elif", "Farid", "Grace", "Hugo", "Ines", "Jonas", "Kemal", "Lena", "Marta", "Nils", "Olga", "Pavel", "Quinn", "Rosa", "Sami", "Tara", "Umar", "Vera", "Wen", "Yusuf", "Zoe", "Amir", "Bea", "Chloe", "Dmitri", "Emma"];
const LAST = ["Smith", "Okafor", "Müller", "Rossi", "Nguyen", "García", "Kowalski", "Haddad", "Johansson", "Silva", "Tanaka", "O'Brien", "Dubois", "Yilmaz", "Novak", "Papadopoulos", "Jensen", "Costa", "Ivanova", "Mensah"];
const HAM_DOMAINS = ["gmail.com", "outlook.com", "yahoo.com", "proton.me", "posteo.de", "icloud.com", "gmx.net", "web.de", "fastmail.com", "hotmail.co.uk"];
const SPAM_WORDS = ["casino", "bonus", "crypto", "loans", "pills", "seo", "replica", "forex", "dating", "slots"];
const SPAM_DOMAINS = ["bestdeals-online.biz", "seo-booster.net", "mail.ru", "cheap-meds.info", "win-big.casino", "cryptogains.io", "yandex.com", "fastloans.xyz"];
const USER_AGENTS = [
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
  "Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0",
  "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36",
];
const SPAM_AGENTS = ["python-requests/2.31.0", "Mozilla/5.0 (compatible; MSIE 9.0; Windows NT 6.1)", "curl/8.4.0", USER_AGENTS[0]!];
const HAM_SENTENCES = [
  "Thank you for reporting this, it is rarely covered elsewhere.",
  "I think the article leaves out the role of the neighbouring governments.",
  "Does anyone know where the full report can be read?",
  "The numbers quoted here do not match what the ministry published last week.",
  "My family lived there until 2015 and this matches what they describe.",
  "Good piece, but the headline is more certain than the evidence.",
  "Accountability has to start with independent investigations.",
  "I disagree: the coalition did publish its own figures, however incomplete.",
  "It is shocking how little attention this gets.",
  "Could you add a map of the districts mentioned?",
  "Journalists on the ground deserve more support for this kind of work.",
  "The comparison with Mosul is apt and worth a follow-up.",
];
const SPAM_SENTENCES = [
  "Great post! Visit my site for the best casino bonus today.",
  "Earn $5000 a week from home, no experience needed!!!",
  "Cheap pills without prescription, fast worldwide shipping.",
  "Best crypto signals, 300% profit guaranteed.",
  "Nice article, I have bookmarked it. Check out my SEO services.",
  "Hot singles in your area are waiting for you.",
  "Instant loans approved in 5 minutes, bad credit OK.",
];

type Status = "pending" | "approved" | "spam" | "trash";
type Author = { name: string; email: string; url: string; ip: string; userId: number | null };

function ipv4(a: number, b?: number) {
  return `${a}.${b ?? Math.floor(random() * 256)}.${Math.floor(random() * 256)}.${1 + Math.floor(random() * 254)}`;
}

function hamAuthors(count: number): Author[] {
  return Array.from({ length: count }, (_, i) => {
    const first = pick(FIRST);
    const last = pick(LAST);
    const local = `${first}.${last}`.toLowerCase().replace(/[^a-z.]/g, "") + (i % 7 === 0 ? "" : String(i % 1000));
    const ip = random() < 0.15 ? `2a02:${hex(4)}:${hex(4)}::${hex(2)}` : ipv4(2 + Math.floor(random() * 220));
    return { name: `${first} ${last}`, email: `${local}@${pick(HAM_DOMAINS)}`, url: random() < 0.1 ? `https://${local.replace(".", "")}.blog` : "", ip, userId: null };
  });
}

function spamAuthors(count: number): Author[] {
  // Spammers come from a few networks and reuse names and addresses.
  const networks = Array.from({ length: 40 }, () => [45 + Math.floor(random() * 150), Math.floor(random() * 256)] as const);
  return Array.from({ length: count }, (_, i) => {
    const word = pick(SPAM_WORDS);
    const domain = pick(SPAM_DOMAINS);
    const [a, b] = pick(networks);
    return {
      name: random() < 0.5 ? `${word[0]!.toUpperCase()}${word.slice(1)} ${pick(["Expert", "Deals", "Online", "King", "Pro"])}` : pick(FIRST),
      email: `${word}.${pick(["best", "top", "max", "mega", "super"])}${i}@${domain}`,
      url: `https://${word}-${pick(["deals", "win", "shop", "now"])}.${pick(["biz", "xyz", "top", "info"])}/`,
      ip: ipv4(a, b),
      userId: null,
    };
  });
}

function hamText(links: number): string {
  const n = 1 + Math.floor(random() * 5);
  const parts = Array.from({ length: n }, () => pick(HAM_SENTENCES));
  for (let i = 0; i < links; i++) parts.push(`See https://www.example.org/report-${hex(6)} for details.`);
  return parts.join(" ");
}

function spamText(): string {
  const parts = Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(SPAM_SENTENCES));
  const links = 1 + Math.floor(random() * 4);
  for (let i = 0; i < links; i++) parts.push(`<a href="https://${pick(SPAM_WORDS)}-${hex(4)}.${pick(["biz", "xyz", "top"])}/">${pick(SPAM_WORDS)}</a>`);
  return parts.join(" ");
}

type Tally = Record<Status, number> & { events: number; heldPending: number; textSpam: number };

/** What the commenter page and the Reported queue are timed on (see `generate`). */
type People = {
  /** The reader account with a tenth of the comments, and its comments per status. */
  heavyReader: { userId: number; counts: Record<Status, number>; events: number; notes: number };
  /** The guest address with another tenth. */
  heavyGuest: { email: string; latestName: string; counts: Record<Status, number>; events: number; notes: number };
  /** Published comments with open reports, and those reports. */
  reported: number;
  openReports: number;
  /** Reports a moderator already closed (on other comments: not in the queue). */
  closedReports: number;
};

/** Fills the migrated, seeded database; returns what it inserted. */
async function generate(): Promise<{ tally: Tally; people: People; now: number; busiestArticle: number; term: string; moderatorId: number; seconds: number }> {
  const { hash } = await import("@node-rs/argon2");
  const started = performance.now();
  const db = new Database(DB);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");

  const now = Date.now();
  const DAY = 86_400_000;
  const start = now - DAYS * DAY;
  const passwordHash = await hash("bench-moderation-password");

  const hamPool = hamAuthors(Math.max(50, Math.round(COMMENTS * 0.12)));
  const spamPool = spamAuthors(Math.max(20, Math.round(COMMENTS * 0.015)));
  // The text search: the most frequent spammer's address, without the domain.
  const term = spamPool[0]!.email.split("@")[0]!;
  const tally: Tally = { pending: 0, approved: 0, spam: 0, trash: 0, events: 0, heldPending: 0, textSpam: 0 };

  const insertArticle = db.prepare(
    `insert into articles (slug, title, summary, body, status, comments_open, published_at, created_at, updated_at)
     values (?, ?, ?, ?, 'published', 1, ?, ?, ?)`,
  );
  const insertUser = db.prepare(
    `insert into users (email, name, password_hash, role, created_at, updated_at) values (?, ?, ?, ?, ?, ?)`,
  );
  const insertComment = db.prepare(
    `insert into comments (article_id, parent_id, user_id, author_name, author_email, author_url, content, status, status_reason,
       ip, user_agent, referrer, spam_check_state, blatant, spam_check, spam_check_attempts, next_spam_check_at, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertEvent = db.prepare(
    `insert into comment_events (comment_id, type, actor_id, from_status, to_status, message, detail, created_at)
     values (?, ?, ?, ?, ?, ?, ?, ?)`,
  );

  // Comment times, oldest first, so ids grow with time as in production.
  const times = Float64Array.from({ length: COMMENTS }, () => start + random() * DAYS * DAY).sort();

  const result = db.transaction(() => {
    const moderatorId = Number(insertUser.run(MODERATOR.email, MODERATOR.name, passwordHash, "moderator", start, start).lastInsertRowid);
    const readers: Author[] = Array.from({ length: 300 }, (_, i) => {
      const name = `${pick(FIRST)} ${pick(LAST)}`;
      const email = `reader${i}@${pick(HAM_DOMAINS)}`;
      const id = Number(insertUser.run(email, name, null, "reader", start, start).lastInsertRowid);
      return { name, email, url: "", ip: ipv4(80 + (i % 60)), userId: id };
    });

    const articles = (db.prepare("select id, slug, coalesce(published_at, created_at) as at from articles").all() as { id: number; slug: string; at: number }[]).map(
      (a) => ({ ...a, modified: a.at }),
    );
    for (let i = articles.length; i < ARTICLES; i++) {
      const slug = `bench-article-${i}`;
      const at = start - (ARTICLES - i) * 3_600_000;
      const id = Number(
        insertArticle.run(slug, `Benchmark article ${i}: ${pick(HAM_SENTENCES)}`, "A summary.", "Body text.\n\n".repeat(20), at, at, at).lastInsertRowid,
      );
      articles.push({ id, slug, at, modified: at });
    }
    // Recent approved comments per article, for replies.
    const recent = new Map<number, number[]>(articles.map((a) => [a.id, []]));

    // The commenter page's two heavy subjects: every 10th comment from a reader account,
    // every 10th (another slot) from one guest address, whatever their status (spam too).
    const zero = (): Record<Status, number> => ({ pending: 0, approved: 0, spam: 0, trash: 0 });
    const heavyReaderId = Number(insertUser.run(HEAVY_READER.email, HEAVY_READER.name, null, "reader", start, start).lastInsertRowid);
    const heavyReader: Author = { name: HEAVY_READER.name, email: HEAVY_READER.email, url: "", ip: "81.2.69.142", userId: heavyReaderId };
    const people = {
      heavyReader: { userId: heavyReaderId, counts: zero(), events: 0, notes: 0 },
      heavyGuest: { email: HEAVY_GUEST.email, latestName: "", counts: zero(), events: 0, notes: 0 },
      reported: 0,
      openReports: 0,
      closedReports: 0,
    };
    const approvedIds: { id: number; userId: number | null; createdAt: number }[] = [];

    for (let i = 0; i < COMMENTS; i++) {
      const createdAt = Math.round(times[i]!);
      const article = articles[skewed(articles.length, 1.6)]!;
      const r = random();
      const status: Status = r < 0.55 ? "approved" : r < 0.8 ? "spam" : r < 0.95 ? "pending" : "trash";
      const s = random(); // sub-kind within the status
      const spammy = status === "spam" && s < 0.94; // the rest: a moderator's correction of a human's comment
      let author = spammy ? spamPool[skewed(spamPool.length, 3)]! : random() < 0.05 ? pick(readers) : hamPool[skewed(hamPool.length, 2)]!;
      // (Chosen after the draws above, so the rest of the data is drawn as before.)
      if (i % 10 === HEAVY_READER_SLOT) {
        author = heavyReader;
        people.heavyReader.counts[status] += 1;
      } else if (i % 10 === HEAVY_GUEST_SLOT) {
        const name = HEAVY_GUEST.names[Math.floor(i / 1000) % HEAVY_GUEST.names.length]!;
        author = { name, email: HEAVY_GUEST.email, url: "", ip: HEAVY_GUEST.ips[i % HEAVY_GUEST.ips.length]!, userId: null };
        people.heavyGuest.counts[status] += 1;
        people.heavyGuest.latestName = name;
      }
      const links = spammy ? 0 : status === "pending" && s < 0.4 ? 3 : random() < 0.1 ? 1 : 0;
      const content = spammy ? spamText() : hamText(links);
      const siblings = recent.get(article.id)!;
      const parentId = !spammy && siblings.length > 0 && random() < 0.15 ? pick(siblings) : null;
      const userAgent = spammy ? pick(SPAM_AGENTS) : pick(USER_AGENTS);
      const referrer = `https://news.example/articles/${article.slug}`;
      const params: Record<string, string> = {
        blog: "https://news.example/",
        user_ip: author.ip,
        user_agent: userAgent,
        referrer,
        permalink: referrer,
        comment_type: parentId ? "reply" : "comment",
        comment_author: author.name,
        comment_author_email: author.email,
        comment_author_url: author.url,
        comment_content: content,
        comment_date_gmt: new Date(createdAt).toISOString(),
        comment_post_modified_gmt: new Date(article.modified).toISOString(),
        blog_lang: "en",
        blog_charset: "UTF-8",
        honeypot_field_name: "fax",
        fax: "",
      };
      if (parentId) params.comment_parent = String(parentId);
      const latencyMs = 40 + Math.floor(random() * 400);
      const checkedAt = new Date(createdAt + latencyMs).toISOString();
      const record = (verdict: "ham" | "spam" | "error", extra: { blatant?: boolean; error?: string; localHolds?: string[] } = {}) =>
        JSON.stringify({
          verdict,
          blatant: extra.blatant ?? false,
          guid: verdict === "error" ? null : `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`,
          proTip: extra.blatant ? "discard" : null,
          error: extra.error ?? null,
          debugHelp: null,
          latencyMs: verdict === "error" ? 3000 : latencyMs,
          checkedAt,
          params,
          localHolds: extra.localHolds ?? [],
        });

      let reason: string;
      let state: "checked" | "not_checked" | "skipped" = "checked";
      let blatant = false;
      let spamCheck: string | null;
      let attempts = 1;
      let nextCheck: number | null = null;
      let updatedAt = createdAt + latencyMs;
      // The history after "submitted": [type, from, to, message, actor, at]
      const history: [string, Status | null, Status | null, string, number | null, number][] = [];
      const akismetEvent = (verdict: string) => history.push(["akismet_check", null, null, `Akismet: ${verdict} (${latencyMs} ms)`, null, createdAt + latencyMs]);
      // Within two days of the comment, but never in the future: Empty Spam leaves a
      // comment changed after its click (updated_at later), so a future one would stay.
      const moderatorAt = Math.min(now - 1000, createdAt + Math.floor(random() * 2 * DAY));

      if (status === "approved") {
        spamCheck = record("ham", s < 0.88 ? {} : { localHolds: ["Held: 3 links (more than 2)"] });
        akismetEvent("not spam");
        if (s < 0.88) {
          reason = "Akismet: not spam";
          history.push(["status_change", "pending", "approved", reason, null, createdAt + latencyMs]);
        } else {
          reason = `Moderator: approved by ${MODERATOR.name}`;
          history.push(["status_change", "pending", "approved", reason, moderatorId, (updatedAt = moderatorAt)]);
        }
      } else if (status === "spam") {
        if (s < 0.2) {
          reason = "Akismet: spam (blatant)";
          blatant = true;
          spamCheck = record("spam", { blatant: true });
          akismetEvent("spam (blatant)");
          history.push(["status_change", "pending", "spam", reason, null, updatedAt]);
        } else if (s < 0.82) {
          reason = "Akismet: spam";
          spamCheck = record("spam");
          akismetEvent("spam");
          history.push(["status_change", "pending", "spam", reason, null, updatedAt]);
        } else if (s < 0.94) {
          reason = "Block list: word “casino”";
          state = "skipped";
          spamCheck = null;
          attempts = 0;
          updatedAt = createdAt;
          history.push(["status_change", null, "spam", reason, null, createdAt]);
        } else {
          reason = `Moderator: marked as spam by ${MODERATOR.name}`;
          spamCheck = record("ham");
          akismetEvent("not spam");
          history.push(["status_change", "approved", "spam", reason, moderatorId, (updatedAt = moderatorAt)]);
        }
      } else if (status === "pending") {
        if (s < 0.4) {
          reason = "Held: 3 links (more than 2)";
          spamCheck = record("ham", { localHolds: [reason] });
          akismetEvent("not spam");
        } else if (s < 0.65) {
          reason = "Not checked: Akismet timed out after 3000 ms";
          state = "not_checked";
          attempts = 1 + Math.floor(random() * 3);
          nextCheck = createdAt + 2 ** attempts * 5 * 60_000;
          spamCheck = record("error", { error: "Akismet timed out after 3000 ms" });
          history.push(["akismet_check", null, null, reason, null, createdAt + 3000]);
        } else if (s < 0.85) {
          reason = "Held: first comment from this author";
          spamCheck = record("ham", { localHolds: [reason] });
          akismetEvent("not spam");
        } else {
          // Held before Akismet was configured: only the submission in its history.
          reason = "Held: Akismet is not configured, guest comments wait for a moderator";
          state = "skipped";
          spamCheck = null;
          attempts = 0;
          updatedAt = createdAt;
        }
        if (reason.startsWith("Held")) tally.heldPending += 1;
      } else {
        reason = `Moderator: moved to trash by ${MODERATOR.name}`;
        spamCheck = record("ham");
        akismetEvent("not spam");
        history.push(["status_change", "approved", "trash", reason, moderatorId, (updatedAt = moderatorAt)]);
      }

      const id = Number(
        insertComment.run(
          article.id,
          parentId,
          author.userId,
          author.name,
          author.email,
          author.url,
          content,
          status,
          reason,
          author.ip,
          userAgent,
          referrer,
          state,
          blatant ? 1 : 0,
          spamCheck,
          attempts,
          nextCheck,
          createdAt,
          updatedAt,
        ).lastInsertRowid,
      );
      insertEvent.run(
        id,
        "submitted",
        null,
        null,
        null,
        author.userId ? `Submitted by ${author.name} (reader) from ${author.ip}` : `Submitted by guest ${author.name} <${author.email}> from ${author.ip}`,
        null,
        createdAt,
      );
      for (const [type, from, to, message, actor, at] of history) {
        insertEvent.run(id, type, actor, from, to, message, type === "status_change" && actor ? JSON.stringify({ action: to }) : null, at);
      }
      tally[status] += 1;
      tally.events += 1 + history.length;
      if (status === "approved") {
        siblings.push(id);
        if (siblings.length > 50) siblings.shift();
        approvedIds.push({ id, userId: author.userId, createdAt });
      }
      if (
        status === "spam" &&
        (content.toLowerCase().includes(term) || author.name.toLowerCase().includes(term) || author.email.toLowerCase().includes(term) || author.ip === term)
      ) {
        tally.textSpam += 1;
      }
    }
    Object.assign(people, addReports(db, approvedIds, readers, moderatorId, now, tally));
    addCommenterRecords(db, people, readers, hamPool, moderatorId, start, now);

    const busiest = db.prepare("select article_id as id from comments group by article_id order by count(*) desc limit 1").get() as { id: number };
    return { moderatorId, busiestArticle: busiest.id, people };
  })();
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.close();
  return { tally, term, now, ...result, seconds: (performance.now() - started) / 1000 };
}

const REPORT_REASON_WORDS: Record<string, string> = { offensive: "Offensive", abusive: "Abusive or harassing", spam: "Spam or advertising", off_topic: "Off topic", other: "Other" };
const REPORT_NOTES = ["", "", "", "Personal attack on another reader.", "This is an advert.", "Not about the article at all.", "Insulting language."];

/**
 * Reader reports: REPORTED published comments with 1 to 6 open reports each,
 * from distinct reader accounts (never the comment's author), with their
 * "report" events; the table's triggers keep comments.open_report_count. And
 * CLOSED_REPORTED other published comments whose reports a moderator already
 * reviewed (closed: not in the queue, not counted).
 */
function addReports(
  db: Database.Database,
  approved: { id: number; userId: number | null; createdAt: number }[],
  readers: Author[],
  moderatorId: number,
  now: number,
  tally: Tally,
): Pick<People, "reported" | "openReports" | "closedReports"> {
  const insertReport = db.prepare(
    `insert into comment_reports (comment_id, user_id, reason, note, created_at, closed_at, closed_by) values (?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertEvent = db.prepare(
    `insert into comment_events (comment_id, type, actor_id, from_status, to_status, message, detail, created_at) values (?, ?, ?, null, null, ?, ?, ?)`,
  );
  // A partial Fisher-Yates shuffle: the first REPORTED + CLOSED_REPORTED of `approved` at random.
  const reportedCount = Math.min(REPORTED, Math.floor(approved.length / 2));
  const closedCount = Math.min(CLOSED_REPORTED, approved.length - reportedCount);
  for (let i = 0; i < reportedCount + closedCount; i++) {
    const j = i + Math.floor(random() * (approved.length - i));
    [approved[i], approved[j]] = [approved[j]!, approved[i]!];
  }
  let openReports = 0;
  let closedReports = 0;
  for (let i = 0; i < reportedCount + closedCount; i++) {
    const comment = approved[i]!;
    const open = i < reportedCount;
    // 1 to 6 reports, most comments with one or two.
    const n = 1 + skewed(6, 1.8);
    const reporters = new Set<Author>();
    while (reporters.size < n) {
      const r = pick(readers);
      if (r.userId !== comment.userId) reporters.add(r);
    }
    let last = comment.createdAt;
    for (const reporter of reporters) {
      const at = Math.min(now - 1, last + 60_000 + Math.floor(random() * 6 * 3_600_000));
      last = at;
      const reason = pick(Object.keys(REPORT_REASON_WORDS));
      const note = pick(REPORT_NOTES);
      insertReport.run(comment.id, reporter.userId, reason, note, at, open ? null : Math.min(now, at + 3_600_000), open ? null : moderatorId);
      insertEvent.run(comment.id, "report", reporter.userId, `Reported by ${reporter.name}: ${REPORT_REASON_WORDS[reason]}${note ? ` (“${note}”)` : ""}`, JSON.stringify({ reason }), at);
      tally.events += 1;
      if (open) openReports += 1;
      else closedReports += 1;
    }
    if (!open) {
      insertEvent.run(comment.id, "reports_closed", moderatorId, `${n} ${n === 1 ? "report" : "reports"} reviewed by ${MODERATOR.name} (approved)`, null, Math.min(now, last + 3_600_000));
      tally.events += 1;
    }
  }
  return { reported: reportedCount, openReports, closedReports };
}

/**
 * The commenter page's history and notes: a few dozen for the two heavy
 * subjects, and one or two for some other readers and guests.
 */
function addCommenterRecords(db: Database.Database, people: People, readers: Author[], guests: Author[], moderatorId: number, start: number, now: number) {
  const insertEvent = db.prepare(`insert into commenter_events (user_id, email, type, actor_id, message, created_at) values (?, ?, ?, ?, ?, ?)`);
  const insertNote = db.prepare(`insert into commenter_notes (user_id, email, author_id, body, created_at) values (?, ?, ?, ?, ?)`);
  const when = () => start + Math.floor(random() * (now - start));
  const accountEvents: [string, string][] = [
    ["suspended", "Suspended for 1 day"],
    ["suspension_lifted", "Suspension lifted early"],
    ["premoderated", "Always pre-moderate: every new comment is held"],
    ["premoderation_lifted", "No longer pre-moderated"],
    ["renamed", "Renamed"],
  ];
  const guestEvents = accountEvents.filter(([type]) => type.startsWith("premoderat"));
  const notes = ["Warned by mail about personal attacks.", "Often off topic, but in good faith.", "Posts links to the same site: watch.", "Apologised; lifted early."];
  const add = (userId: number | null, email: string | null, events: number, noteCount: number) => {
    for (let i = 0; i < events; i++) {
      const [type, message] = pick(userId ? accountEvents : guestEvents);
      insertEvent.run(userId, email, type, moderatorId, message, when());
    }
    for (let i = 0; i < noteCount; i++) insertNote.run(userId, email, moderatorId, pick(notes), when());
  };
  add(people.heavyReader.userId, null, (people.heavyReader.events = 40), (people.heavyReader.notes = 12));
  add(null, people.heavyGuest.email, (people.heavyGuest.events = 16), (people.heavyGuest.notes = 6));
  for (const r of readers) if (random() < 0.3) add(r.userId, null, 1 + Math.floor(random() * 3), random() < 0.5 ? 1 : 0);
  for (const g of guests.slice(0, 500)) if (random() < 0.2) add(null, g.email, 1, random() < 0.5 ? 1 : 0);
}

// ---------------------------------------------------------------------------
// Query plans

type PlanRow = { id: number; parent: number; detail: string };

async function formatPlan(db: Db, query: SQL): Promise<string> {
  const { rows, sql } = await import("@/lib/db");
  const plan = await rows<PlanRow>(db, sql`explain query plan ${query}`);
  const depth = new Map<number, number>([[0, 0]]);
  return plan
    .map((r) => {
      const d = (depth.get(r.parent) ?? 0) + 1;
      depth.set(r.id, d);
      return `${"  ".repeat(d)}${r.detail}`;
    })
    .join("\n");
}

/** The statements `work` hands the app's connection, for their plans (tests/support/plans.ts; imported once the database settings are in place). */
async function sqlOf(db: Db, work: () => Promise<unknown>): Promise<SQL[]> {
  return (await import("../tests/support/plans")).sqlOf(db, work);
}

/** A statement's SQL text (placeholders for its parameters). */
function sqliteText(query: SQL): string {
  return new SQLiteSyncDialect().sqlToQuery(query).sql;
}

// ---------------------------------------------------------------------------
// Moderating people: the commenter page and the Reported queue

type Timed = { c: { name: string }; p50: number; p99: number; max: number; rows: number; total: number };

/** Times `once` as the queue cases are timed: WARMUP calls, then ITERATIONS timed; answers the summary and the last result. */
async function measure<T>(once: () => Promise<T>): Promise<{ p50: number; p99: number; max: number; last: T }> {
  let last = await once();
  for (let i = 1; i < WARMUP; i++) await once();
  const samples: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const t = performance.now();
    last = await once();
    samples.push(performance.now() - t);
  }
  return { ...summarize(samples), last };
}

/**
 * The commenter page's reads (lib/community/commenters.ts) for the heavy
 * reader account and guest address, as /moderation/commenter does them
 * (the profile, then the comments, history and notes side by side), at
 * page 1 and page 100 of the comments; and the Reported queue as
 * /moderation?queue=reported does (the count, the page, the page's open
 * reports), at pages 1 and 50. Then each read alone. Every result is checked
 * against the generated data; wrong ones go to `problems`.
 */
async function peopleReads(db: Db, people: People, problems: string[]) {
  const { commenterComments, commenterHistory, commenterNotesOf, commenterProfile, commenterQueries, REJECTED_WINDOW_DAYS, COMMENTER_PAGE_SIZE } = await import(
    "@/lib/community/commenters"
  );
  const { buildReportedQuery, reportedCount, reportedPage, QUEUE_PAGE_SIZE } = await import("@/lib/moderation/queue");
  const { openReportsOf } = await import("@/lib/community/reports");
  const raw = (db as unknown as SqliteDb).$client;
  const one = <T>(sqlText: string, ...args: unknown[]) => raw.prepare(sqlText).get(...args) as T;

  const now = new Date();
  const since = now.getTime() - REJECTED_WINDOW_DAYS * 86_400_000;
  const DEEP_PAGE = 100;
  const REPORTED_DEEP_PAGE = 50;
  type Subject = Parameters<typeof commenterProfile>[0];
  const subjects: { label: string; subject: Subject; column: string; value: string | number; counts: Record<Status, number>; name: string; events: number; notes: number }[] = [
    {
      label: "account",
      subject: { kind: "account", userId: people.heavyReader.userId },
      column: "user_id",
      value: people.heavyReader.userId,
      counts: people.heavyReader.counts,
      name: HEAVY_READER.name,
      events: people.heavyReader.events,
      notes: people.heavyReader.notes,
    },
    {
      label: "guest",
      subject: { kind: "guest", email: people.heavyGuest.email },
      column: "author_email",
      value: people.heavyGuest.email,
      counts: people.heavyGuest.counts,
      name: people.heavyGuest.latestName,
      events: people.heavyGuest.events,
      notes: people.heavyGuest.notes,
    },
  ];
  const heavyTotal = Object.values(people.heavyReader.counts).reduce((a, b) => a + b, 0);

  const reads = new Map<string, () => Promise<unknown>>();
  const together: Timed[] = [];
  const alone: Timed[] = [];
  const time = async <T>(list: Timed[], name: string, once: () => Promise<T>, outcome: (last: T) => { rows: number; total: number; wrong: string[] }) => {
    reads.set(name, once);
    const m = await measure(once);
    const o = outcome(m.last);
    list.push({ c: { name }, p50: m.p50, p99: m.p99, max: m.max, rows: o.rows, total: o.total });
    for (const w of o.wrong) problems.push(`${name}: ${w}`);
  };

  for (const s of subjects) {
    const total = Object.values(s.counts).reduce((a, b) => a + b, 0);
    const recent = one<{ n: number; rejected: number | null }>(
      `select count(*) as n, sum(status in ('spam', 'trash')) as rejected from comments where ${s.column} = ? and created_at >= ?`,
      s.value,
      since,
    );
    // The first comment of a page, newest first, as a plain query finds it.
    const firstOf = (page: number) =>
      one<{ id: number } | undefined>(`select id from comments where ${s.column} = ? order by created_at desc, id desc limit 1 offset ?`, s.value, (page - 1) * COMMENTER_PAGE_SIZE)?.id;
    const pageFirst = new Map([1, DEEP_PAGE].map((p) => [p, firstOf(p)]));
    const checkProfile = (profile: Awaited<ReturnType<typeof commenterProfile>>): string[] => {
      if (!profile) return ["no profile"];
      const wrong: string[] = [];
      if (profile.total !== total) wrong.push(`total ${profile.total}, expected ${total}`);
      for (const status of Object.keys(s.counts) as Status[]) {
        if (profile.counts[status] !== s.counts[status]) wrong.push(`${status} ${profile.counts[status]}, expected ${s.counts[status]}`);
      }
      if (profile.recent.total !== recent.n || profile.recent.rejected !== (recent.rejected ?? 0)) {
        wrong.push(`recent ${profile.recent.rejected} of ${profile.recent.total}, expected ${recent.rejected ?? 0} of ${recent.n}`);
      }
      if (profile.name !== s.name) wrong.push(`name "${profile.name}", expected "${s.name}"`);
      return wrong;
    };
    const checkList = (list: Awaited<ReturnType<typeof commenterComments>>, page: number): string[] => {
      const wrong: string[] = [];
      const expected = Math.max(0, Math.min(COMMENTER_PAGE_SIZE, total - (page - 1) * COMMENTER_PAGE_SIZE));
      if (list.length !== expected) wrong.push(`page ${page}: ${list.length} comments, expected ${expected}`);
      if (list[0] && list[0].id !== pageFirst.get(page)) wrong.push(`page ${page} starts at comment ${list[0].id}, expected ${pageFirst.get(page)}`);
      if (list.some((c, i) => i > 0 && c.createdAt.getTime() > list[i - 1]!.createdAt.getTime())) wrong.push(`page ${page}: not newest first`);
      return wrong;
    };
    const checkHistory = (history: unknown[]) => (history.length === Math.min(200, s.events) ? [] : [`${history.length} history items, expected ${s.events}`]);
    const checkNotes = (notes: unknown[]) => (notes.length === s.notes ? [] : [`${notes.length} notes, expected ${s.notes}`]);

    for (const page of [1, DEEP_PAGE]) {
      await time(
        together,
        `Commenter page${page > 1 ? ` ${page}` : ""}, ${s.label} (4 reads)`,
        async () => {
          const profile = await commenterProfile(s.subject, now, db);
          const [list, history, notes] = await Promise.all([commenterComments(s.subject, { page }, db), commenterHistory(s.subject, db), commenterNotesOf(s.subject, db)]);
          return { profile, list, history, notes };
        },
        (r) => ({ rows: r.list.length, total: r.profile?.total ?? 0, wrong: [...checkProfile(r.profile), ...checkList(r.list, page), ...checkHistory(r.history), ...checkNotes(r.notes)] }),
      );
    }
    await time(alone, `  commenterProfile, ${s.label}`, () => commenterProfile(s.subject, now, db), (p) => ({ rows: 1, total: p?.total ?? 0, wrong: checkProfile(p) }));
    for (const page of [1, DEEP_PAGE]) {
      await time(alone, `  commenterComments page ${page}, ${s.label}`, () => commenterComments(s.subject, { page }, db), (l) => ({ rows: l.length, total: total, wrong: checkList(l, page) }));
    }
    await time(alone, `  commenterHistory, ${s.label}`, () => commenterHistory(s.subject, db), (h) => ({ rows: h.length, total: s.events, wrong: checkHistory(h) }));
    await time(alone, `  commenterNotesOf, ${s.label}`, () => commenterNotesOf(s.subject, db), (n) => ({ rows: n.length, total: s.notes, wrong: checkNotes(n) }));
  }

  // The Reported queue: the triggers' counts first (once, untimed).
  const counted = one<{ comments: number; reports: number }>(
    "select count(*) as comments, coalesce(sum(open_report_count), 0) as reports from comments where open_report_count > 0",
  );
  if (counted.comments !== people.reported || counted.reports !== people.openReports) {
    problems.push(`open_report_count: ${counted.reports} reports on ${counted.comments} comments, expected ${people.openReports} on ${people.reported}`);
  }
  type Reported = { total: number; page: Awaited<ReturnType<typeof reportedPage>>; reports: Awaited<ReturnType<typeof openReportsOf>> };
  const checkReported = (r: Reported, page: number): string[] => {
    const wrong: string[] = [];
    const rows = r.page.rows;
    const expected = Math.max(0, Math.min(QUEUE_PAGE_SIZE, people.reported - (page - 1) * QUEUE_PAGE_SIZE));
    if (r.total !== people.reported || r.page.total !== people.reported) wrong.push(`count ${r.total} / ${r.page.total}, expected ${people.reported}`);
    if (rows.length !== expected || r.page.page !== page) wrong.push(`page ${r.page.page}: ${rows.length} rows, expected page ${page} with ${expected}`);
    if (rows.some((c) => c.status !== "approved")) wrong.push("a comment not published");
    if (rows.some((c, i) => i > 0 && (c.openReports > rows[i - 1]!.openReports || (c.openReports === rows[i - 1]!.openReports && c.id < rows[i - 1]!.id)))) {
      wrong.push("not most reported first");
    }
    if (rows.some((c) => (r.reports.get(c.id)?.length ?? 0) !== c.openReports || c.openReports < 1 || c.openReports > 6)) wrong.push("open reports not 1 to 6, or not the count");
    if (rows.some((c) => c.history.filter((e) => e.type === "report").length < c.openReports)) wrong.push("a report missing from a comment's history");
    return wrong;
  };
  for (const page of [1, REPORTED_DEEP_PAGE]) {
    await time(
      together,
      `Reported, page ${page} (count, page, reports)`,
      async (): Promise<Reported> => {
        const total = await reportedCount(db);
        const list = await reportedPage({ page }, db);
        const reports = await openReportsOf(
          list.rows.map((r) => r.id),
          db,
        );
        return { total, page: list, reports };
      },
      (r) => ({ rows: r.page.rows.length, total: r.total, wrong: checkReported(r, page) }),
    );
  }
  await time(alone, "  reportedCount", () => reportedCount(db), (n) => ({ rows: 1, total: n, wrong: n === people.reported ? [] : [`${n}, expected ${people.reported}`] }));
  for (const page of [1, REPORTED_DEEP_PAGE]) {
    await time(alone, `  reportedPage page ${page}`, () => reportedPage({ page }, db), (p) => ({ rows: p.rows.length, total: p.total, wrong: p.page === page ? [] : [`page ${p.page}`] }));
  }
  const deepIds = (await reportedPage({ page: REPORTED_DEEP_PAGE }, db)).rows.map((r) => r.id);
  await time(alone, `  openReportsOf (page ${REPORTED_DEEP_PAGE}'s ${deepIds.length} ids)`, () => openReportsOf(deepIds, db), (m) => ({
    rows: m.size,
    total: [...m.values()].reduce((a, l) => a + l.length, 0),
    wrong: m.size === deepIds.length ? [] : [`reports of ${m.size} comments, expected ${deepIds.length}`],
  }));

  const [openReportsSql] = await sqlOf(db, () => openReportsOf(deepIds, db));
  const deep = { since, offset: (DEEP_PAGE - 1) * COMMENTER_PAGE_SIZE };
  return {
    heavyTotal,
    results: [...together, ...alone],
    reads,
    queries: {
      account: commenterQueries(db, subjects[0]!.subject, deep),
      guest: commenterQueries(db, subjects[1]!.subject, deep),
      reported: buildReportedQuery(db, { limit: QUEUE_PAGE_SIZE, offset: (REPORTED_DEEP_PAGE - 1) * QUEUE_PAGE_SIZE }),
      openReports: openReportsSql!,
    },
  };
}

// ---------------------------------------------------------------------------
// HTTP

async function httpBench(moderatorId: number): Promise<boolean> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    PORT: String(PORT),
    HOSTNAME: "127.0.0.1",
    DATABASE_PATH: DB,
    SITE_URL: BASE,
    NEXTAUTH_SECRET: SECRET,
  };
  delete env.AKISMET_KEY;
  delete env.NEXTAUTH_URL;
  // The server's own retention job would delete old spam beside Empty Spam and blur its figures.
  const settingsDb = new Database(DB);
  for (const key of ["spamRetentionDays", "blatantSpamRetentionDays", "trashRetentionDays"]) {
    settingsDb.prepare("insert into settings (key, value) values (?, '3650') on conflict(key) do update set value = excluded.value").run(key);
  }
  settingsDb.close();
  // Directly with node (not npx), so SIGTERM reaches the server itself.
  const server = spawn(process.execPath, ["--max-old-space-size=256", "scripts/server.mjs"], { env, stdio: ["ignore", "ignore", "inherit"] });
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) =>
    server.on("exit", () => {
      exited = true;
      resolve();
    }),
  );
  try {
    await waitFor(`${BASE}/`, 60_000, () => !exited);
    const { encode } = await import("next-auth/jwt");
    // A session id, as every session token carries one since per-session sign-out.
    const token = await encode({ token: { sub: String(moderatorId), name: MODERATOR.name, email: MODERATOR.email, sv: 0, sid: crypto.randomUUID() }, secret: SECRET });
    const headers = { cookie: `next-auth.session-token=${token}` };
    const get = async (p: string) => {
      const started = performance.now();
      const res = await fetch(`${BASE}${p}`, { headers, redirect: "manual" });
      const body = await res.text();
      return { status: res.status, body, ms: performance.now() - started, location: res.headers.get("location") };
    };

    const probe = await get("/moderation?queue=pending");
    if (probe.status === 404) {
      console.log("\nmoderation page not built yet: HTTP part skipped");
      return true;
    }
    if (probe.status !== 200) {
      console.error(`\nGET /moderation answered ${probe.status}${probe.location ? ` → ${probe.location}` : ""}: the moderator session was not accepted`);
      return false;
    }
    if (!probe.body.includes("queue-tabs")) {
      console.error("\nGET /moderation answered 200 without the queue tabs: not the moderation page");
      return false;
    }

    console.log(`\nGET /moderation as moderator ${MODERATOR.name} (production build, ${HTTP_ITERATIONS} sequential requests each, full response)`);
    console.log(`${"page".padEnd(32)}${"p50".padStart(12)}${"p99".padStart(12)}${"KiB".padStart(8)}`);
    let ok = true;
    for (const p of ["/moderation?queue=pending", "/moderation?queue=spam"]) {
      for (let i = 0; i < 5; i++) await get(p);
      const samples: number[] = [];
      let size = 0;
      for (let i = 0; i < HTTP_ITERATIONS; i++) {
        const r = await get(p);
        if (r.status !== 200) {
          console.error(`GET ${p} answered ${r.status}`);
          ok = false;
          break;
        }
        size = r.body.length;
        samples.push(r.ms);
      }
      if (samples.length === 0) continue;
      const s = summarize(samples);
      console.log(`${p.padEnd(32)}${ms(s.p50).padStart(12)}${ms(s.p99).padStart(12)}${(size / 1024).toFixed(0).padStart(8)}`);
    }
    return ok && (await emptySpamWhileServing(get, headers));
  } finally {
    if (!exited) {
      server.kill("SIGTERM");
      const timer = setTimeout(() => server.kill("SIGKILL"), 15_000);
      await exitedPromise;
      clearTimeout(timer);
    }
  }
}

/**
 * Empty Spam through the real console (the form's server action, posted as a
 * browser without JavaScript would) while other requests keep coming: the
 * deletion runs in the background in batches, so the home page and the
 * comment API are answered meanwhile. Prints their latency idle and during
 * the job, and how long the job took.
 */
async function emptySpamWhileServing(
  get: (p: string) => Promise<{ status: number; body: string; ms: number; location: string | null }>,
  headers: Record<string, string>,
): Promise<boolean> {
  const page = await get("/moderation?queue=spam");
  const form = /<form[^>]*class="panel empty-queue"[\s\S]*?<\/form>/.exec(page.body)?.[0] ?? "";
  const actionField = /name="(\$ACTION_ID_[0-9a-f]+)"/.exec(form)?.[1];
  if (!actionField) {
    console.error("\nEmpty Spam: could not find the form's action on /moderation?queue=spam");
    return false;
  }
  const db = new Database(DB, { readonly: true });
  const count = () => (db.prepare("select count(*) as n from comments where status = 'spam'").get() as { n: number }).n;
  const spamBefore = count();
  const probes = ["/", "/api/articles/syria-us-led-coalition-deeply-in-denial-about-civilian-casualties-in-raqqa/comments"];
  const sample = async (n: number) => {
    const samples: number[] = [];
    for (let i = 0; i < n; i++) {
      for (const p of probes) {
        const r = await get(p);
        if (r.status !== 200) throw new Error(`GET ${p} answered ${r.status}`);
        samples.push(r.ms);
      }
    }
    return samples;
  };
  const idle = summarize(await sample(50));

  const body = new FormData();
  body.set(actionField, "");
  body.set("queue", "spam");
  body.set("confirm", "yes");
  const started = performance.now();
  const res = await fetch(`${BASE}/moderation?queue=spam`, { method: "POST", body, headers: { ...headers, origin: BASE }, redirect: "manual" });
  const actionMs = performance.now() - started;
  if (res.status !== 303) {
    console.error(`\nEmpty Spam: the action answered ${res.status}`);
    db.close();
    return false;
  }
  const during: number[] = [];
  const finished = () =>
    db.prepare("select finished_at as finishedAt, summary from job_runs where job = 'empty-spam' order by id desc limit 1").get() as
      | { finishedAt: number | null; summary: string }
      | undefined;
  const deadline = Date.now() + 600_000;
  while (!finished()?.finishedAt && Date.now() < deadline) during.push(...(await sample(1)));
  const jobSeconds = (performance.now() - started) / 1000;
  const run = finished();
  const remaining = count();
  db.close();
  const busy = during.length > 0 ? summarize(during) : { p50: 0, p99: 0, max: 0 };
  console.log(`\nEmpty Spam of ${spamBefore.toLocaleString("en")} comments through the console while readers keep coming`);
  console.log(`  the moderator's request answered in ${ms(actionMs)} (the deletion runs in the background, in batches)`);
  console.log(`  the job deleted them in ${jobSeconds.toFixed(1)} s; its record: ${run?.summary ?? "(none)"}`);
  console.log(`  ${"GET / and the comment API".padEnd(30)}${"p50".padStart(11)}${"p99".padStart(11)}${"max".padStart(11)}${"requests".padStart(10)}`);
  console.log(`  ${"idle".padEnd(30)}${ms(idle.p50).padStart(11)}${ms(idle.p99).padStart(11)}${ms(idle.max).padStart(11)}${String(100).padStart(10)}`);
  console.log(`  ${"while emptying Spam".padEnd(30)}${ms(busy.p50).padStart(11)}${ms(busy.p99).padStart(11)}${ms(busy.max).padStart(11)}${String(during.length).padStart(10)}`);
  if (remaining > 0) {
    console.error(`  ${remaining} spam comments still there after 10 minutes`);
    return false;
  }
  return true;
}

// ---------------------------------------------------------------------------

async function main() {
  fs.rmSync(DIR, { recursive: true, force: true });
  fs.mkdirSync(DIR, { recursive: true });
  process.env.DATABASE_PATH = DB;

  // Migrate and seed exactly as the app's own script does.
  const seedStarted = performance.now();
  await run("npx", ["tsx", "--conditions=react-server", "scripts/db-seed.ts"], { ...process.env, DATABASE_PATH: DB });
  const seedSeconds = (performance.now() - seedStarted) / 1000;

  const gen = await generate();
  const { tally } = gen;
  const size = fs.statSync(DB).size / 1024 / 1024;
  console.log(
    `\nDatabase ${path.relative(process.cwd(), DB)}: migrated and seeded in ${seedSeconds.toFixed(1)} s; ` +
      `${COMMENTS.toLocaleString("en")} comments and ${tally.events.toLocaleString("en")} events over ${ARTICLES} articles and ${DAYS} days generated in ${gen.seconds.toFixed(1)} s (${size.toFixed(0)} MiB)`,
  );
  console.log(`approved ${tally.approved}, spam ${tally.spam}, pending ${tally.pending}, trash ${tally.trash}; no ANALYZE (as in production)`);

  // The app's own code, on a connection with the app's pragmas.
  const { closeDatabase, openDatabase } = await import("@/lib/db");
  const { queueCounts, queueCountsQuery, queuePage, buildQueueQuery } = await import("@/lib/moderation/queue");
  const db = openDatabase(DB);
  // This bench runs on SQLite (DATABASE_PATH): its file, generated above, is read through the app's connection.
  const raw = (db as unknown as SqliteDb).$client;

  // Record the SQL the first counts call prepares, for its query plan.
  const preparedSql: string[] = [];
  const originalPrepare = raw.prepare.bind(raw);
  raw.prepare = ((source: string) => {
    preparedSql.push(source);
    return originalPrepare(source);
  }) as typeof raw.prepare;
  await queueCounts(db);
  raw.prepare = originalPrepare;
  const countsSql = preparedSql[0]!;

  const plain = (sql: string, ...args: unknown[]) => (raw.prepare(sql).get(...args) as { n: number }).n;
  const expectedArticleApproved = plain("select count(*) as n from comments where article_id = ? and status = 'approved'", gen.busiestArticle);
  const seeded = plain("select count(*) as n from comments") - COMMENTS;

  type Case = { name: string; filter?: QueueFilter; expect: { rows: number; total: number; page?: number } };
  const full = (total: number) => Math.min(50, total);
  const cases: Case[] = [
    { name: "counts (4 queues)", expect: { rows: 4, total: COMMENTS + seeded } },
    { name: "Pending, page 1", filter: { status: "pending" }, expect: { rows: full(tally.pending), total: tally.pending } },
    { name: "Spam, page 1", filter: { status: "spam" }, expect: { rows: full(tally.spam), total: tally.spam } },
    { name: "Spam, page 20", filter: { status: "spam", page: 20 }, expect: { rows: 50, total: tally.spam, page: 20 } },
    {
      name: `Approved, page 1, article ${gen.busiestArticle}`,
      filter: { status: "approved", articleId: gen.busiestArticle },
      expect: { rows: full(expectedArticleApproved), total: expectedArticleApproved },
    },
    { name: `Spam, page 1, q="${gen.term}"`, filter: { status: "spam", q: gen.term }, expect: { rows: full(tally.textSpam), total: tally.textSpam } },
    { name: "Pending, page 1, reason held", filter: { status: "pending", reason: "held" }, expect: { rows: full(tally.heldPending), total: tally.heldPending } },
  ];

  const problems: string[] = [];
  const results: { c: Pick<Case, "name" | "filter">; p50: number; p99: number; max: number; rows: number; total: number }[] = [];
  for (const c of cases) {
    const once = async (): Promise<{ rows: number; total: number; page?: number; result?: QueuePage }> => {
      if (!c.filter) {
        const counts = await queueCounts(db);
        return { rows: Object.keys(counts).length, total: Object.values(counts).reduce((a, b) => a + b, 0) };
      }
      const result = await queuePage(c.filter, db);
      return { rows: result.rows.length, total: result.total, page: result.page, result };
    };
    const { last, ...s } = await measure(once);
    results.push({ c, ...s, rows: last.rows, total: last.total });
    if (last.rows !== c.expect.rows || last.total !== c.expect.total || (c.expect.page && last.page !== c.expect.page)) {
      problems.push(`${c.name}: got ${last.rows} rows of ${last.total} (page ${last.page ?? "-"}), expected ${c.expect.rows} of ${c.expect.total}`);
    }
    if (last.result) {
      const rows = last.result.rows;
      if (rows.some((r) => r.status !== c.filter!.status)) problems.push(`${c.name}: a row of another status`);
      if (rows.some((r) => r.history.length === 0)) problems.push(`${c.name}: a row without history`);
      if (rows.some((r, i) => i > 0 && r.createdAt.getTime() > rows[i - 1]!.createdAt.getTime())) problems.push(`${c.name}: not newest first`);
    }
  }

  const people = await peopleReads(db, gen.people, problems);

  console.log(`\nModeration queue reads in process (${ITERATIONS} iterations after ${WARMUP} warm-up; target p99 < ${TARGET_P99_MS} ms)`);
  const header = `${"case".padEnd(44)}${"p50".padStart(11)}${"p99".padStart(11)}${"max".padStart(11)}${"rows".padStart(7)}${"total".padStart(9)}  `;
  const missed: typeof results = [];
  const table = (title: string | null, list: typeof results) => {
    if (title) console.log(`\n${title}`);
    console.log(header);
    console.log("-".repeat(header.length + 4));
    for (const r of list) {
      const over = r.p99 >= TARGET_P99_MS;
      if (over) missed.push(r);
      console.log(
        `${r.c.name.padEnd(44)}${ms(r.p50).padStart(11)}${ms(r.p99).padStart(11)}${ms(r.max).padStart(11)}${String(r.rows).padStart(7)}${String(r.total).padStart(9)}  ${over ? "MISSED" : "ok"}`,
      );
    }
  };
  table(null, results);
  table(
    `Moderating people: the commenter page (reader account #${gen.people.heavyReader.userId} and guest ${gen.people.heavyGuest.email}, ` +
      `${people.heavyTotal.toLocaleString("en")} comments each) and the Reported queue (${gen.people.reported.toLocaleString("en")} comments, ` +
      `${gen.people.openReports.toLocaleString("en")} open reports); the page's reads together, then one by one`,
    people.results,
  );

  const spam = buildQueueQuery(db, { status: "spam" }, { limit: 50, offset: 0 });
  console.log("\nQuery plan: counts");
  console.log(`  ${countsSql.replace(/\s+/g, " ")}`);
  console.log(await formatPlan(db, queueCountsQuery(db)));
  console.log("\nQuery plan: Spam queue, count");
  console.log(await formatPlan(db, spam.countSql));
  console.log("\nQuery plan: Spam queue, page");
  console.log(await formatPlan(db, spam.pageSql));
  console.log(`\nQuery plan: commenter page, reader account, counts per status`);
  console.log(await formatPlan(db, people.queries.account.counts));
  console.log(`\nQuery plan: commenter page, reader account, recent share`);
  console.log(await formatPlan(db, people.queries.account.recent));
  console.log(`\nQuery plan: commenter page, reader account, page 100 of the comments`);
  console.log(await formatPlan(db, people.queries.account.page));
  console.log(`\nQuery plan: commenter page, guest address, page 100 of the comments`);
  console.log(await formatPlan(db, people.queries.guest.page));
  console.log("\nQuery plan: Reported queue, count");
  console.log(await formatPlan(db, people.queries.reported.countSql));
  console.log("\nQuery plan: Reported queue, page 50");
  console.log(await formatPlan(db, people.queries.reported.pageSql));
  console.log("\nQuery plan: the open reports of a page of the Reported queue");
  console.log(await formatPlan(db, people.queries.openReports));
  for (const r of missed) {
    const read = people.reads.get(r.c.name);
    if (read) {
      // Every statement the read runs through the app's raw-SQL helpers, with its plan.
      for (const [i, query] of (await sqlOf(db, read)).entries()) {
        console.log(`\nQuery plan of a read over the target: ${r.c.name}, statement ${i + 1}`);
        console.log(`  ${sqliteText(query).replace(/\s+/g, " ")}`);
        console.log(await formatPlan(db, query));
      }
      continue;
    }
    if (!r.c.filter) continue;
    const q = buildQueueQuery(db, r.c.filter, { limit: 50, offset: 0 });
    console.log(`\nQuery plan of a case over the target: ${r.c.name}, count`);
    console.log(await formatPlan(db, q.countSql));
    console.log(`Query plan of a case over the target: ${r.c.name}, page`);
    console.log(await formatPlan(db, q.pageSql));
  }
  await closeDatabase(db);

  let httpOk = true;
  if (process.env.BENCH_HTTP === "0") {
    console.log("\nHTTP part skipped (BENCH_HTTP=0)");
  } else if (!fs.existsSync(".next/BUILD_ID")) {
    console.log("\nHTTP part skipped: no production build (.next/BUILD_ID)");
  } else {
    httpOk = await httpBench(gen.moderatorId);
  }

  for (const p of problems) console.error(`WRONG: ${p}`);
  if (missed.length > 0) console.error(`\nTarget missed (p99 >= ${TARGET_P99_MS} ms): ${missed.map((r) => r.c.name).join("; ")}`);
  if (problems.length > 0 || missed.length > 0 || !httpOk) process.exitCode = 1;
  else console.log(`\nAll queue reads under ${TARGET_P99_MS} ms at p99.`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
