/** `npm run import:wxr -- export.xml`: imports a WordPress export (lib/porting/wxr-import.ts). */
import { runImportCli } from "@/lib/porting/import-cli";

runImportCli("wxr", process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
