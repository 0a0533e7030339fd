import { exportDownload } from "@/lib/porting/export-download";

export const dynamic = "force-dynamic";

/** GET: every table worth keeping as one JSON document, for admins. */
export function GET() {
  return exportDownload("json");
}
