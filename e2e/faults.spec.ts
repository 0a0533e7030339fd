/**
 * Faults, on the production server: a `kill -9` in the middle of a posting
 * load loses nothing that was acknowledged, and what was written but never
 * answered is held and then checked by the retry job after the restart.
 */
import Database from "better-sqlite3";
import { expect, test } from "./support/test";
import { akismetBehaviour, akismetInFlightUnderBehaviour, killHard, prepareDatabase, startOwnServer, type OwnServer } from "./support/own-server";

const PORT = 3150;
const CLIENTS = 6;
const SLUG = "syria-us-led-coalition-deeply-in-denial-about-civilian-casualties-in-raqqa";

type Row = { id: number; status: string; spam_check_state: string; content: string };

test.describe.configure({ mode: "serial" });

test("kill -9 during a posting load: every acknowledged comment survives with its status; unanswered ones are held, then checked", async () => {
  test.setTimeout(120_000);
  const databasePath = prepareDatabase("e2e-kill", [
    "minSubmitSeconds=0",
    "floodSeconds=0",
    "akismetRetryMinutes=0",
    "akismetJobIntervalSeconds=1",
    // A check Akismet never answers stays under way for 8 s: long enough for every client
    // to wait on one before the kill (see below); the retry lease is 10 s longer.
    "akismetTimeoutMs=8000",
  ]);
  let server: OwnServer | null = await startOwnServer(PORT, databasePath);
  // Akismet answers slowly, so at any moment several comments are stored and being checked.
  await akismetBehaviour({ delayMs: 120 });

  const { formToken } = (await (await fetch(`${server.url}/api/articles/${SLUG}/comments`)).json()) as { formToken: string };
  const acknowledged = new Map<number, string>();
  let sent = 0;
  let stop = false;
  const client = async (n: number) => {
    for (let i = 0; !stop; i++) {
      sent++;
      try {
        const res = await fetch(`${server!.url}/api/articles/${SLUG}/comments`, {
          method: "POST",
          headers: { "Content-Type": "application/json", Origin: server!.url },
          body: JSON.stringify({
            content: `Load comment ${n}-${i}: a considered reply to the report.`,
            name: `Loader ${n}`,
            email: `loader${n}-${i}@example.com`,
            formToken,
          }),
        });
        if (res.status === 201) {
          const body = (await res.json()) as { id: number; status: string };
          acknowledged.set(body.id, body.status);
        }
      } catch {
        return; // the server is gone
      }
    }
  };
  const clients = Array.from({ length: CLIENTS }, (_, n) => client(n));
  await expect.poll(() => acknowledged.size, { timeout: 20_000 }).toBeGreaterThan(20);
  // From now on Akismet does not answer: each client's next comment is stored and its
  // check stays under way (the pipeline stores a comment before it asks Akismet). The
  // kill lands once every client waits on one, never by luck in a moment when none does.
  await akismetBehaviour({ delayMs: 60_000 });
  // Counted among the calls given this behaviour: a call still finishing under the earlier one
  // (120 ms) would be answered, and its comment checked, right before the kill.
  await expect.poll(akismetInFlightUnderBehaviour, { timeout: 20_000 }).toBe(CLIENTS);
  await killHard(server);
  stop = true;
  await Promise.all(clients);
  await akismetBehaviour(null);
  server = null;

  // Straight after the crash, before anything restarts.
  const db = new Database(databasePath, { readonly: true });
  try {
    const rows = db.prepare("select id, status, spam_check_state, content from comments where content like 'Load comment %'").all() as Row[];
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const [id, status] of acknowledged) {
      expect(byId.get(id)?.status, `acknowledged comment #${id}`).toBe(status);
    }
    // Written but never answered: held and not checked yet, except the few whose Akismet
    // verdict was stored in the instant before the answer left (then already checked).
    const unanswered = rows.filter((r) => !acknowledged.has(r.id));
    const held = unanswered.filter((r) => r.status === "pending" && r.spam_check_state === "not_checked");
    expect(held.length, `comments written but never answered, held for the retry job: ${JSON.stringify(unanswered.map(({ content: _c, ...r }) => r))}`).toBeGreaterThanOrEqual(CLIENTS);
    for (const r of unanswered.filter((u) => !held.includes(u))) expect(r).toMatchObject({ status: "approved", spam_check_state: "checked" });
    test.info().annotations.push({
      type: "load",
      description: `${sent} posts sent, ${acknowledged.size} answered 201, ${unanswered.length} written but unanswered at the kill (${held.length} held)`,
    });
  } finally {
    db.close();
  }

  // Restart: the retry job picks the unanswered ones up once their check lease has run out.
  server = await startOwnServer(PORT, databasePath);
  try {
    await expect
      .poll(
        () => {
          const check = new Database(databasePath, { readonly: true });
          try {
            return (check.prepare("select count(*) as n from comments where spam_check_state = 'not_checked'").get() as { n: number }).n;
          } finally {
            check.close();
          }
        },
        { timeout: 45_000, intervals: [500] },
      )
      .toBe(0);
    const after = new Database(databasePath, { readonly: true });
    try {
      const rows = after.prepare("select id, status from comments where content like 'Load comment %'").all() as { id: number; status: string }[];
      // Ordinary comments: Akismet says ham, so every one ends approved.
      expect(rows.filter((r) => r.status !== "approved")).toEqual([]);
      for (const [id, status] of acknowledged) expect(rows.find((r) => r.id === id)?.status).toBe(status);
    } finally {
      after.close();
    }
  } finally {
    await killHard(server);
  }
});
