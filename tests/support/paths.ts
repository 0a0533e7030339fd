import path from "node:path";

export const TMP_DIR = path.join(process.cwd(), ".tmp", "vitest");
export const TEMPLATE_DB = path.join(TMP_DIR, "template.db");
