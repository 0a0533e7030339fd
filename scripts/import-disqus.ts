/** `npm run import:disqus -- disqus.xml`: imports a Disqus export (lib/porting/disqus-import.ts). */
import { runImportCli } from "@/lib/porting/import-cli";

runImportCli("disqus", process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
