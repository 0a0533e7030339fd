/**
 * `npm run bench:import`: imports a generated WordPress export with 100,000
 * comments into a fresh SQLite database and into a fresh PostgreSQL
 * database, and prints comments per second and peak memory (the process's
 * maxRSS) beside a floor measured in the same run: sax parsing the same file
 * without writing anything (same options, same 64 KiB chunks).
 *
 * The export (.tmp/bench-import/export.xml, made once and kept): 1,000 posts
 * of 100 comments, 3 authors; 40 % of the comments are replies, 2 % of them
 * to a comment that comes later in the file; statuses 1/0/spam/trash/
 * post-trashed; every 500th a pingback; every 10th with odd characters
 * (emoji, Arabic, an entity, `]]>` split across two CDATA sections), every
 * 7th with HTML (a link, bold).
 *
 * Each measurement runs in its own process (so maxRSS is its own): the
 * import through lib/porting/wxr-import.ts as `npm run import:wxr` runs it.
 * PostgreSQL: a new database on TEST_DATABASE_URL's server (default
 * postgres://127.0.0.1:5432/postgres), dropped afterwards. BENCH_COMMENTS
 * changes the size. bench/import.sh holds the machine-wide lock.
 * Results: .tmp/bench-import.json.
 */
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { StringDecoder } from "node:string_decoder";
import pg from "pg";
import sax from "sax";

const DIR = path.join(process.cwd(), ".tmp", "bench-import");
const COMMENTS = Number(process.env.BENCH_COMMENTS ?? 100_000);
const PER_POST = 100;
const FILE = path.join(DIR, `export-${COMMENTS}.xml`);
const RESULTS = path.join(process.cwd(), ".tmp", "bench-import.json");
const PG_SERVER = process.env.TEST_DATABASE_URL || "postgres://127.0.0.1:5432/postgres";

type Measure = { seconds: number; comments: number; maxRssMb: number; detail?: unknown };

const cdata = (s: string) => `<![CDATA[${s.replaceAll("]]>", "]]]]><![CDATA[>")}]]>`;
const pad = (n: number) => String(n).padStart(2, "0");
const wpDate = (t: number) => {
  const d = new Date(t);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
};

/** Writes the export, streaming (it is never held whole). */
async function generate(file: string): Promise<void> {
  if (fs.existsSync(file)) return;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const out = fs.createWriteStream(`${file}.part`);
  const write = (s: string) => (out.write(s) ? Promise.resolve() : new Promise<void>((r) => out.once("drain", () => r())));
  await write(`<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
	<title>Bench Blog</title>
	<link>https://bench.example.com</link>
	<wp:wxr_version>1.2</wp:wxr_version>
	<wp:base_site_url>https://bench.example.com</wp:base_site_url>
	<wp:base_blog_url>https://bench.example.com</wp:base_blog_url>
`);
  const authors = ["ann", "ben", "cat"];
  for (const [i, a] of authors.entries()) {
    await write(`\t<wp:author><wp:author_id>${i + 2}</wp:author_id><wp:author_login>${cdata(a)}</wp:author_login><wp:author_email>${cdata(`${a}@bench.example.com`)}</wp:author_email><wp:author_display_name>${cdata(a.toUpperCase())}</wp:author_display_name></wp:author>\n`);
  }
  const posts = Math.ceil(COMMENTS / PER_POST);
  const statuses = ["1", "1", "1", "1", "1", "1", "1", "1", "1", "1", "1", "1", "1", "0", "0", "spam", "spam", "trash", "post-trashed", "1"];
  const start = Date.UTC(2020, 0, 1);
  let commentId = 1;
  for (let p = 0; p < posts; p++) {
    const postId = 10_000 + p;
    const body = Array.from({ length: 8 }, (_, k) => `Paragraph ${k + 1} of post ${postId}, with <strong>bold</strong> text and a <a href="https://example.org/${k}">link</a>.\nA second line.`).join("\n\n");
    let item = `\t<item>
		<title>${cdata(`Post number ${postId}`)}</title>
		<link>https://bench.example.com/${postId}/</link>
		<dc:creator>${cdata(authors[p % 3]!)}</dc:creator>
		<content:encoded>${cdata(body)}</content:encoded>
		<excerpt:encoded>${cdata("")}</excerpt:encoded>
		<wp:post_id>${postId}</wp:post_id>
		<wp:post_date>${cdata(wpDate(start + p * 3_600_000))}</wp:post_date>
		<wp:post_date_gmt>${cdata(wpDate(start + p * 3_600_000))}</wp:post_date_gmt>
		<wp:comment_status>${cdata("open")}</wp:comment_status>
		<wp:post_name>${cdata(`post-number-${postId}`)}</wp:post_name>
		<wp:status>${cdata("publish")}</wp:status>
		<wp:post_type>${cdata("post")}</wp:post_type>
`;
    const first = commentId;
    const count = Math.min(PER_POST, COMMENTS - (commentId - 1));
    for (let k = 0; k < count; k++, commentId++) {
      const id = commentId;
      let parent = 0;
      if (k > 0 && k % 5 < 2) parent = first + ((id * 7919) % k); // a reply to an earlier comment
      if (k < count - 1 && k % 50 === 7) parent = id + 1; // a reply that comes before its parent
      let text = `Comment ${id} on post ${postId}. I have read this article carefully and I think the argument holds, mostly.\nSecond line of the comment.\n\nA second paragraph with a few more words to make it a realistic length for a reader's comment.`;
      if (id % 10 === 0) text += " Odd: 🎉👩‍💻 مرحبا שלום &amp; a]]>b “quotes”";
      if (id % 7 === 0) text += ` See <a href="https://example.net/${id}" rel="nofollow">this</a> and <b>that</b>.`;
      const type = id % 500 === 0 ? "pingback" : "comment";
      item += `		<wp:comment>
			<wp:comment_id>${id}</wp:comment_id>
			<wp:comment_author>${cdata(`Reader ${id % 997}`)}</wp:comment_author>
			<wp:comment_author_email>${cdata(`reader${id % 997}@example.org`)}</wp:comment_author_email>
			<wp:comment_author_url>${id % 3 === 0 ? `https://reader${id % 997}.example.org` : ""}</wp:comment_author_url>
			<wp:comment_author_IP>${cdata(id % 4 === 0 ? `2001:db8:${(id % 65535).toString(16)}::${(id % 251).toString(16)}` : `10.${(id >> 16) & 255}.${(id >> 8) & 255}.${id & 255}`)}</wp:comment_author_IP>
			<wp:comment_date>${cdata(wpDate(start + p * 3_600_000 + k * 30_000))}</wp:comment_date>
			<wp:comment_date_gmt>${cdata(wpDate(start + p * 3_600_000 + k * 30_000))}</wp:comment_date_gmt>
			<wp:comment_content>${cdata(text)}</wp:comment_content>
			<wp:comment_approved>${cdata(statuses[id % statuses.length]!)}</wp:comment_approved>
			<wp:comment_type>${cdata(type)}</wp:comment_type>
			<wp:comment_parent>${parent}</wp:comment_parent>
			<wp:comment_user_id>0</wp:comment_user_id>
			<wp:comment_agent>${cdata("Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0")}</wp:comment_agent>
		</wp:comment>
`;
    }
    item += "\t</item>\n";
    await write(item);
  }
  await write("</channel>\n</rss>\n");
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  fs.renameSync(`${file}.part`, file);
}

const maxRssMb = () => Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10;

/** The floor: sax reading the same file in the same chunks with the same options, counting comments, writing nothing. */
async function floor(file: string): Promise<Measure> {
  const started = performance.now();
  const parser = sax.parser(true, { xmlns: true, position: true, trim: false, normalize: false });
  let comments = 0;
  let text = "";
  parser.onopentag = () => (text = "");
  parser.ontext = (t) => (text += t);
  parser.oncdata = (t) => (text += t);
  parser.onclosetag = (name) => {
    if (name === "wp:comment") comments++;
    text = "";
  };
  parser.onerror = (e) => {
    throw e;
  };
  const decoder = new StringDecoder("utf8");
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 64 * 1024 }) as AsyncIterable<Buffer>) parser.write(decoder.write(chunk));
  parser.close();
  return { seconds: (performance.now() - started) / 1000, comments, maxRssMb: maxRssMb() };
}

/** One import, in this process, into the database the environment names (migrated first). */
async function importOnce(file: string): Promise<Measure> {
  const { prepareDatabase, closeDb } = await import("@/lib/db");
  const { importWxr } = await import("@/lib/porting/wxr-import");
  const db = await prepareDatabase();
  const started = performance.now();
  const report = await importWxr(db, file);
  const seconds = (performance.now() - started) / 1000;
  await closeDb();
  return { seconds, comments: report.comments.imported, maxRssMb: maxRssMb(), detail: { articles: report.articles, comments: report.comments, skippedByReason: report.skippedByReason } };
}

function child(mode: string, env: NodeJS.ProcessEnv): Measure {
  const result = spawnSync("npx", ["tsx", "--conditions=react-server", "bench/import.ts", mode, FILE], { env, encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`${mode} failed (${result.status}):\n${result.stderr}`);
  const line = result.stdout.trim().split("\n").at(-1)!;
  return JSON.parse(line) as Measure;
}

function pgUrl(database: string): string {
  const url = new URL(PG_SERVER);
  url.pathname = `/${database}`;
  if (!url.username) url.username = process.env.PGUSER || os.userInfo().username;
  return url.toString();
}

async function pgAdmin(query: string): Promise<void> {
  const client = new pg.Client({ connectionString: pgUrl("postgres") });
  await client.connect();
  try {
    await client.query(query);
  } finally {
    await client.end();
  }
}

async function main() {
  const [mode, file] = process.argv.slice(2);
  if (mode === "floor" || mode === "import") {
    const result = mode === "floor" ? await floor(file!) : await importOnce(file!);
    console.log(JSON.stringify(result));
    return;
  }
  const genStarted = performance.now();
  await generate(FILE);
  const size = fs.statSync(FILE).size;
  console.log(`Export: ${FILE}, ${(size / 1024 / 1024).toFixed(1)} MB, ${COMMENTS.toLocaleString("en-US")} comments (made in ${((performance.now() - genStarted) / 1000).toFixed(1)} s)`);

  const floorRun = child("floor", process.env);
  console.log(`floor (sax, no writes): ${floorRun.seconds.toFixed(1)} s, ${Math.round(floorRun.comments / floorRun.seconds).toLocaleString("en-US")} comments/s, maxRSS ${floorRun.maxRssMb} MB`);

  const sqliteDir = path.join(DIR, "sqlite");
  fs.rmSync(sqliteDir, { recursive: true, force: true });
  fs.mkdirSync(sqliteDir, { recursive: true });
  const sqlite = child("import", { ...process.env, DATABASE_PATH: path.join(sqliteDir, "app.db"), DATABASE_URL: "" });
  console.log(`SQLite: ${sqlite.seconds.toFixed(1)} s, ${Math.round(sqlite.comments / sqlite.seconds).toLocaleString("en-US")} comments/s, maxRSS ${sqlite.maxRssMb} MB`);

  const database = `newsroom_bench_import_${crypto.randomBytes(3).toString("hex")}`;
  await pgAdmin(`create database "${database}"`);
  let postgres: Measure;
  try {
    postgres = child("import", { ...process.env, DATABASE_URL: pgUrl(database), DATABASE_PATH: path.join(DIR, "pg-unused.db") });
  } finally {
    await pgAdmin(`drop database if exists "${database}" with (force)`);
  }
  console.log(`PostgreSQL: ${postgres.seconds.toFixed(1)} s, ${Math.round(postgres.comments / postgres.seconds).toLocaleString("en-US")} comments/s, maxRSS ${postgres.maxRssMb} MB`);

  const row = (name: string, m: Measure) =>
    `| ${name} | ${Math.round(m.comments / m.seconds).toLocaleString("en-US")} | ${(Math.round(m.comments / m.seconds) / Math.round(floorRun.comments / floorRun.seconds)).toFixed(3)}× | ${m.seconds.toFixed(1)} s | ${m.maxRssMb} MB |`;
  console.log(`\n| run | comments/s | vs floor | time | peak memory (maxRSS) |\n|---|---|---|---|---|`);
  console.log(row("floor: sax only, no writes", floorRun));
  console.log(row("import into SQLite", sqlite));
  console.log(row("import into PostgreSQL", postgres));
  console.log(`\nImported per store: ${JSON.stringify((sqlite.detail as { comments: unknown }).comments)} (file: ${(size / 1024 / 1024).toFixed(1)} MB)`);
  fs.writeFileSync(RESULTS, JSON.stringify({ file: FILE, bytes: size, comments: COMMENTS, floor: floorRun, sqlite, postgres, at: new Date().toISOString() }, null, 2));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
