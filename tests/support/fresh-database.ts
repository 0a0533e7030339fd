/**
 * Runs before each test file (in its own process): points DATABASE_PATH at a
 * fresh copy of the migrated template, so no test file sees another's rows.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { TEMPLATE_DB, TMP_DIR } from "./paths";

const file = path.join(TMP_DIR, `test-${process.pid}-${crypto.randomUUID()}.db`);
fs.copyFileSync(TEMPLATE_DB, file);
process.env.DATABASE_PATH = file;
