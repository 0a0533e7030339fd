import { exportPersonalData, exportResponse } from "@/lib/privacy/export";
import { checkDataLinkToken, dataLinkProblem } from "@/lib/privacy/signed-link";

export const dynamic = "force-dynamic";

/** The download behind a mailed link (/my-data/link): every comment stored under the link's address, as JSON. */
export async function GET(request: Request): Promise<Response> {
  const link = checkDataLinkToken(new URL(request.url).searchParams.get("token"));
  if (!link.valid) {
    return new Response(dataLinkProblem(link.reason), {
      status: link.reason === "expired" ? 410 : 403,
      headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
    });
  }
  return exportResponse(await exportPersonalData({ kind: "email", email: link.email }));
}
