import type { Metadata } from "next";
import Link from "next/link";
import { requirePermission } from "@/lib/auth/session";
import { exportOverview } from "@/lib/porting/export-overview";
import { JSON_EXCLUDED } from "@/lib/porting/json-export";
import styles from "./export.module.css";

export const metadata: Metadata = { title: "Export", robots: { index: false } };
export const dynamic = "force-dynamic";

const plural = (n: number, one: string, many: string) => `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;

export default async function ExportPage() {
  await requirePermission("settings:manage", { callbackUrl: "/admin/export" });
  const now = await exportOverview();
  return (
    <div className="admin-page">
      <p className="muted">
        <Link href="/admin">Admin</Link> › Export
      </p>
      <h1 className="page-heading">Export</h1>
      <p>
        The site has {plural(now.articles, "article", "articles")}, {plural(now.comments, "comment", "comments")} and{" "}
        {plural(now.users, "account", "accounts")}. Each file is written as it downloads, so a large site takes a
        while but never fails for its size.
      </p>

      <section className="panel" aria-labelledby="wxr-heading">
        <h2 id="wxr-heading">For WordPress (WXR)</h2>
        <p>
          WordPress&apos;s own export format (WXR 1.2). In WordPress, go to <strong>Tools → Import → WordPress</strong>{" "}
          and upload the file; it asks which account each author becomes.
        </p>
        <ul className={styles.contents}>
          <li>Every article as a post: title, address (slug), summary (as the excerpt), body (as HTML, the way this site shows it), status (published, pending review, draft), dates and author.</li>
          <li>
            Every comment in every status (approved, held, spam, trash) with its place in the thread, name, email,
            website, IP address, browser (user agent) and date. WordPress&apos;s own export leaves spam out; this one
            keeps it, and WordPress files it as spam.
          </li>
          <li>
            The editor review, the source line and the hero image go as post meta (<code>_newsroom_editor_review</code>,{" "}
            <code>_newsroom_source</code>, <code>_newsroom_hero_image</code>), which WordPress keeps but does not show.
          </li>
        </ul>
        <p>
          <a className="button-link" href="/api/admin/export/wxr" download>
            Download for WordPress (WXR)
          </a>
        </p>
      </section>

      <section className="panel" aria-labelledby="json-heading">
        <h2 id="json-heading">Everything (JSON)</h2>
        <p>
          One JSON document with every row worth keeping: articles, their earlier versions, workflow history, old
          addresses and editor reviews; comments with their full history and Akismet records; accounts; settings;
          moderation data (Akismet reports, job runs); the import map and the erasure log.
        </p>
        <p>Left out on purpose:</p>
        <ul className={styles.contents}>
          <li>Passwords (their hashes) and sign-in sessions: accounts come without a password, and people set a new one.</li>
          {Object.entries(JSON_EXCLUDED).map(([table, why]) => (
            <li key={table}>
              <code>{table}</code>: {why}.
            </li>
          ))}
        </ul>
        <p>
          <a className="button-link" href="/api/admin/export/json" download>
            Download everything (JSON)
          </a>
        </p>
      </section>

      <section className="panel" aria-labelledby="cli-heading">
        <h2 id="cli-heading">From the command line</h2>
        <p>
          <code>npm run export:wxr -- --out site.xml</code> and <code>npm run export:json -- --out site.json</code> write
          the same files (to standard output without <code>--out</code>).
        </p>
      </section>
    </div>
  );
}
