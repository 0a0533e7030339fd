/**
 * The request a test file's server code sees through `next/headers`: its
 * cookies (read and written by actions and route handlers) and its headers
 * (the peer address the app's proxy would set, a browser's user agent).
 *
 *   vi.mock("next/headers", () => import("../support/next-request"));
 *   const { request } = await import("../support/next-request");
 *
 * Both imports are the same module in the file's worker, so a test changes
 * `request` and the code under test sees it. `resetRequest()` before each test.
 * `request.user` is the signed-in user, for a file that also mocks the session:
 *
 *   vi.mock("@/lib/auth/session", async () => (await import("../support/next-request")).sessionModule);
 */
export const DEFAULT_TEST_IP = "198.51.100.7";

export const request = {
  cookies: new Map<string, string>(),
  ip: DEFAULT_TEST_IP,
  userAgent: "Mozilla/5.0 (test)",
  user: null as null | Record<string, unknown>,
};

export function resetRequest(ip = DEFAULT_TEST_IP): void {
  request.cookies.clear();
  request.ip = ip;
  request.userAgent = "Mozilla/5.0 (test)";
  request.user = null;
}

/** Stands in for `@/lib/auth/session`: the signed-in user is `request.user`. */
export const sessionModule = {
  getCurrentUser: async () => request.user,
};

export async function cookies() {
  return {
    get: (name: string) => (request.cookies.has(name) ? { name, value: request.cookies.get(name)! } : undefined),
    getAll: () => [...request.cookies].map(([name, value]) => ({ name, value })),
    has: (name: string) => request.cookies.has(name),
    set: (name: string, value: string) => void request.cookies.set(name, value),
    delete: (name: string) => void request.cookies.delete(name),
  };
}

export async function headers() {
  return new Headers({ "x-newsroom-peer-ip": request.ip, "user-agent": request.userAgent });
}
