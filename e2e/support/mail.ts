/** The local SMTP server's inbox (scripts/smtp-local/server.ts), as the e2e tests read it. */
import { expect } from "./test";
import { currentLane } from "./lanes";

export type ReceivedMessage = {
  id: number;
  envelope: { from: string; to: string[] };
  subject: string;
  headers: Record<string, string>;
  text: string;
  html: string | null;
};

export async function messagesTo(address: string): Promise<ReceivedMessage[]> {
  const res = await fetch(`${currentLane().smtpHttpURL}/__messages`);
  const all = (await res.json()) as ReceivedMessage[];
  return all.filter((m) => m.envelope.to.some((to) => to.toLowerCase() === address.toLowerCase()));
}

/** Waits for the `count`th message to an address (the mail job sends within a second of its queueing). */
export async function waitForMail(address: string, count = 1, timeout = 20_000): Promise<ReceivedMessage[]> {
  let found: ReceivedMessage[] = [];
  await expect
    .poll(
      async () => {
        found = await messagesTo(address);
        return found.length;
      },
      { timeout, message: `mail to ${address}` },
    )
    .toBeGreaterThanOrEqual(count);
  return found;
}
