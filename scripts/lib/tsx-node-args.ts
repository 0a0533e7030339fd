/**
 * Node's arguments for running one of the project's TypeScript scripts in a
 * child process as `npm run <script>` does (tsx, with Next's react-server
 * condition), in that one process: `spawn(process.execPath, [...TSX_NODE_ARGS,
 * "scripts/x.ts"])`. `npx tsx` would start npm and tsx's own wrapper first,
 * two more Node processes and about 0.6 s of CPU each time (decision 020).
 */
export const TSX_NODE_ARGS: readonly string[] = ["--conditions=react-server", "--import", "tsx"];
