/**
 * A local SMTP server for development and tests (the `smtp-server`
 * package): it accepts every message the site sends, parses it (mailparser)
 * and keeps it for people and tests to look at. Nothing is delivered.
 *
 * Beside the SMTP port it answers HTTP (not part of SMTP):
 *   GET    /                    the messages received, newest first (HTML)
 *   GET    /__messages          every message, oldest first (JSON)
 *   DELETE /__messages          forget them
 *   POST   /__behaviour (JSON)  { rejectCode?: 451 | 550 | …, message?, delayMs?, times? }:
 *                               the next `times` messages (default: all) are refused
 *                               with that SMTP code after DATA, or answered late
 *   DELETE /__behaviour         accept everything again
 *   GET    /health              "ok"
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { simpleParser } from "mailparser";
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from "smtp-server";

export type ReceivedMessage = {
  id: number;
  at: string;
  envelope: { from: string; to: string[] };
  messageId: string | null;
  subject: string;
  from: string;
  to: string;
  /** Every header, lower-case names, as sent (first value of each). */
  headers: Record<string, string>;
  text: string;
  html: string | null;
  size: number;
};

export type SmtpBehaviour = { rejectCode?: number; message?: string; delayMs?: number; times?: number };

export type LocalSmtpOptions = { smtpPort?: number; httpPort?: number; host?: string; log?: boolean };

export type LocalSmtp = {
  smtpUrl: string;
  httpUrl: string;
  messages: ReceivedMessage[];
  setBehaviour(b: SmtpBehaviour | null): void;
  /** Waits until `count` messages have arrived (or throws after `timeoutMs`). */
  waitForMessages(count: number, timeoutMs?: number): Promise<ReceivedMessage[]>;
  close(): Promise<void>;
};

/** At most this much is kept per message (the site's mail is small). */
const MAX_MESSAGE_BYTES = 5 * 1024 * 1024;

export async function startLocalSmtp(options: LocalSmtpOptions = {}): Promise<LocalSmtp> {
  const host = options.host ?? "127.0.0.1";
  const messages: ReceivedMessage[] = [];
  let behaviour: SmtpBehaviour | null = null;
  let nextId = 1;

  const takeBehaviour = (): SmtpBehaviour | null => {
    if (!behaviour) return null;
    const current = behaviour;
    if (current.times !== undefined) {
      current.times -= 1;
      if (current.times <= 0) behaviour = null;
    }
    return current;
  };

  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    size: MAX_MESSAGE_BYTES,
    logger: false,
    banner: "newsroom local SMTP server (nothing is delivered)",
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback: (error?: Error | null, message?: string) => void) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks);
        const b = takeBehaviour();
        const finish = async () => {
          if (b?.rejectCode) {
            const error = new Error(b.message ?? "Refused by the local test server") as Error & { responseCode: number };
            error.responseCode = b.rejectCode;
            callback(error);
            return;
          }
          const parsed = await simpleParser(raw);
          const headers: Record<string, string> = {};
          for (const line of parsed.headerLines) {
            const name = line.key.toLowerCase();
            if (!(name in headers)) headers[name] = line.line.slice(line.line.indexOf(":") + 1).trim();
          }
          const id = nextId++;
          const message: ReceivedMessage = {
            id,
            at: new Date().toISOString(),
            envelope: {
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
              to: session.envelope.rcptTo.map((r) => r.address),
            },
            messageId: parsed.messageId ?? null,
            subject: parsed.subject ?? "",
            from: parsed.from?.text ?? "",
            to: Array.isArray(parsed.to) ? parsed.to.map((t) => t.text).join(", ") : (parsed.to?.text ?? ""),
            headers,
            text: parsed.text ?? "",
            html: typeof parsed.html === "string" ? parsed.html : null,
            size: raw.length,
          };
          messages.push(message);
          if (options.log) console.log(`[smtp-local] #${id} to ${message.envelope.to.join(", ")}: ${message.subject}`);
          callback(null, `Queued as local-${id}`);
        };
        setTimeout(() => {
          finish().catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
        }, b?.delayMs ?? 0);
      });
    },
  });

  await new Promise<void>((resolve, reject) => {
    smtp.once("error", reject);
    smtp.listen(options.smtpPort ?? 0, host, () => resolve());
  });
  smtp.on("error", (error) => console.error("[smtp-local]", error));
  const smtpPort = (smtp.server.address() as AddressInfo).port;

  const web = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://local");
    const send = (status: number, body: string, type = "application/json") => {
      res.writeHead(status, { "content-type": `${type}; charset=utf-8`, "cache-control": "no-store" });
      res.end(body);
    };
    if (url.pathname === "/health") return send(200, "ok", "text/plain");
    if (url.pathname === "/__messages" && req.method === "GET") return send(200, JSON.stringify(messages));
    if (url.pathname === "/__messages" && req.method === "DELETE") {
      messages.length = 0;
      return send(200, "[]");
    }
    if (url.pathname === "/__behaviour" && req.method === "DELETE") {
      behaviour = null;
      return send(200, "{}");
    }
    if (url.pathname === "/__behaviour" && req.method === "POST") {
      let body = "";
      req.setEncoding("utf8");
      req.on("data", (chunk: string) => {
        body += chunk;
        if (body.length > 10_000) req.destroy();
      });
      req.on("end", () => {
        try {
          behaviour = JSON.parse(body || "{}") as SmtpBehaviour;
          send(200, JSON.stringify(behaviour));
        } catch {
          send(400, JSON.stringify({ error: "not JSON" }));
        }
      });
      return;
    }
    if (url.pathname === "/" && req.method === "GET") return send(200, renderInbox(messages), "text/html");
    send(404, JSON.stringify({ error: "not found" }));
  });
  await new Promise<void>((resolve, reject) => {
    web.once("error", reject);
    web.listen(options.httpPort ?? 0, host, () => resolve());
  });
  const httpPort = (web.address() as AddressInfo).port;

  return {
    smtpUrl: `smtp://${host}:${smtpPort}`,
    httpUrl: `http://${host}:${httpPort}`,
    messages,
    setBehaviour(b) {
      behaviour = b;
    },
    async waitForMessages(count, timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      while (messages.length < count) {
        if (Date.now() > until) throw new Error(`Expected ${count} messages, got ${messages.length}`);
        await new Promise((r) => setTimeout(r, 25));
      }
      return messages;
    },
    async close() {
      await Promise.all([
        new Promise<void>((resolve) => smtp.close(() => resolve())),
        new Promise<void>((resolve) => {
          web.closeAllConnections();
          web.close(() => resolve());
        }),
      ]);
    },
  };
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** The inbox page for people: every message as text, newest first, links as text (nothing clickable but the site's own links). */
function renderInbox(messages: ReceivedMessage[]): string {
  const items = [...messages]
    .reverse()
    .map(
      (m) => `<article><h2>#${m.id} ${escapeHtml(m.subject)}</h2>
<p><b>To</b> ${escapeHtml(m.envelope.to.join(", "))} · <b>at</b> ${escapeHtml(m.at)}</p>
<details><summary>Headers</summary><pre>${escapeHtml(Object.entries(m.headers).map(([k, v]) => `${k}: ${v}`).join("\n"))}</pre></details>
<pre>${escapeHtml(m.text)}</pre></article>`,
    )
    .join("\n");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Local mail (${messages.length})</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}article{border-top:1px solid #ccc;padding:.5rem 0}pre{white-space:pre-wrap}</style></head>
<body><h1>Local mail: ${messages.length} message${messages.length === 1 ? "" : "s"}</h1><p>Nothing here was delivered; this is the development SMTP server.</p>${items || "<p>No mail yet.</p>"}</body></html>`;
}
