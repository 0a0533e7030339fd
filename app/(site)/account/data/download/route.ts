import { getCurrentUser } from "@/lib/auth/session";
import { exportPersonalData, exportResponse } from "@/lib/privacy/export";

export const dynamic = "force-dynamic";

/** "Download my comments" (/account/data): the signed-in account's comments and account details as JSON. */
export async function GET(): Promise<Response> {
  const user = await getCurrentUser();
  if (!user) {
    return new Response(null, { status: 303, headers: { location: `/login?callbackUrl=${encodeURIComponent("/account/data")}` } });
  }
  return exportResponse(await exportPersonalData({ kind: "account", userId: user.id, email: user.email }));
}
