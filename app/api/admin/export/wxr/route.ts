import { exportDownload } from "@/lib/porting/export-download";

export const dynamic = "force-dynamic";

/** GET: the site as WXR 1.2 (WordPress's export format), for admins. */
export function GET() {
  return exportDownload("wxr");
}
