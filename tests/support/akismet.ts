/**
 * The project's local Akismet server for one test file, reached by the real
 * client over HTTP: started before the file's tests (the app pointed at it
 * through AKISMET_URL and AKISMET_KEY), closed after them, and back to its
 * normal answers with no recorded requests before each test.
 *
 *   const akismet = useLocalAkismet();
 *   akismet.setBehaviour({ status: 500 });
 */
import { afterAll, beforeAll, beforeEach } from "vitest";
import { startLocalAkismet, type LocalAkismet } from "../../scripts/akismet-local/server";

export const LOCAL_AKISMET_KEY = "localdevkey";

export function useLocalAkismet(): LocalAkismet {
  let server: LocalAkismet | null = null;
  const started = (): LocalAkismet => {
    if (!server) throw new Error("The local Akismet server is started in beforeAll: use it inside a hook or a test.");
    return server;
  };
  beforeAll(async () => {
    server = await startLocalAkismet({ keys: [LOCAL_AKISMET_KEY] });
    process.env.AKISMET_URL = server.url;
    process.env.AKISMET_KEY = LOCAL_AKISMET_KEY;
  });
  afterAll(async () => {
    await server?.close();
    server = null;
  });
  beforeEach(() => {
    started().setBehaviour(null);
    started().clearRequests();
  });
  return {
    get url() {
      return started().url;
    },
    get port() {
      return started().port;
    },
    requests: () => started().requests(),
    inFlight: () => started().inFlight(),
    clearRequests: () => started().clearRequests(),
    setBehaviour: (behaviour) => started().setBehaviour(behaviour),
    close: () => started().close(),
  };
}
