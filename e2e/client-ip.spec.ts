import { expect, test } from "./support/test";
import { e2eDb } from "./support/accounts";

const SLUG = "syria-us-led-coalition-deeply-in-denial-about-civilian-casualties-in-raqqa";

// The e2e server runs without TRUSTED_PROXIES and the test connects from
// 127.0.0.1: whatever address a client claims, the stored one is its socket's.
test("a client cannot choose its IP with X-Forwarded-For or the peer header", async ({ request, baseURL }) => {
  const { formToken } = (await (await request.get(`/api/articles/${SLUG}/comments`)).json()) as { formToken: string };
  const response = await request.post(`/api/articles/${SLUG}/comments`, {
    headers: {
      Origin: baseURL!,
      "Content-Type": "application/json",
      "X-Forwarded-For": "198.51.100.77",
      "X-Newsroom-Peer-IP": "198.51.100.78",
    },
    data: { content: "Posted with a made-up address.", name: "Spoofer", email: "spoofer@example.com", formToken },
  });
  expect(response.status()).toBe(201);
  const { id } = (await response.json()) as { id: number };
  const db = e2eDb();
  try {
    const row = db.prepare("select ip from comments where id = ?").get(id) as { ip: string };
    expect(row.ip).toBe("127.0.0.1");
  } finally {
    db.close();
  }
});
