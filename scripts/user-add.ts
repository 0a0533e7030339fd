/**
 * `npm run user:add -- --email <e> --role <reader|editor|moderator|admin> [--name <n>]`
 * Creates the account, or updates the one with that email (password, role,
 * name; its sessions end). Same rules as the sign-up form.
 *
 * The password is asked for (not shown as it is typed) when run in a
 * terminal, or read from standard input (`--password-stdin`, or whenever
 * standard input is not a terminal): `printf '%s\n' "$PW" | npm run user:add -- ...`.
 * `--password <p>` also works, for throwaway scripts only: other users of the
 * machine can see a command line (ps), and shells keep it in their history.
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import { USER_ROLES } from "@/db/schema";
import { emailField, nameField, passwordField, PASSWORD_MAX } from "@/lib/auth/rules";
import { upsertAccount } from "@/lib/auth/users";
import { closeDb, prepareDatabase } from "@/lib/db";

const USAGE = [
  "Usage: npm run user:add -- --email <e> --role <reader|editor|moderator|admin> [--name <n>] [--password-stdin]",
  "  The password is asked for in a terminal, or read from standard input (first line).",
  "  --password <p> is for throwaway scripts only: a command line is visible to other users (ps).",
].join("\n");

/** The first line of standard input (at most a little over the longest password allowed). */
async function readPasswordFromStdin(): Promise<string> {
  const limit = PASSWORD_MAX * 4 + 2;
  let text = "";
  process.stdin.setEncoding("utf8");
  for await (const chunk of process.stdin as AsyncIterable<string>) {
    text += chunk;
    if (text.includes("\n") || text.length > limit) break;
  }
  process.stdin.pause();
  return text.split(/\r?\n/)[0] ?? "";
}

/** Asks for the password in the terminal without echoing it. */
function promptPassword(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    let typed = "";
    process.stderr.write(question);
    stdin.setRawMode(true);
    stdin.setEncoding("utf8");
    stdin.resume();
    const done = (error?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off("data", onData);
      process.stderr.write("\n");
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === "\r" || ch === "\n" || ch === "\u0004") return done();
        if (ch === "\u0003") return done(new Error("Cancelled."));
        if (ch === "\u007f" || ch === "\b") typed = typed.slice(0, -1);
        else if (ch >= " ") typed += ch;
      }
    };
    stdin.on("data", onData);
  });
}

async function readPassword(passwordStdin: boolean): Promise<string> {
  if (passwordStdin || !process.stdin.isTTY) return readPasswordFromStdin();
  const password = await promptPassword("Password: ");
  const again = await promptPassword("Password again: ");
  if (password !== again) {
    console.error("The passwords do not match.");
    process.exit(2);
  }
  return password;
}

async function main() {
  let values: { email?: string; password?: string; role?: string; name?: string; "password-stdin"?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        email: { type: "string" },
        password: { type: "string" },
        "password-stdin": { type: "boolean" },
        role: { type: "string" },
        name: { type: "string" },
      },
      strict: true,
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  if (values.password !== undefined && values["password-stdin"]) {
    console.error(`Give either --password or --password-stdin, not both.\n${USAGE}`);
    process.exit(2);
  }
  const fields = z.object({
    email: emailField,
    role: z.enum(USER_ROLES, { error: `--role must be one of ${USER_ROLES.join(", ")}` }),
    name: nameField.optional(),
  });
  // Check the other options before asking for the password.
  const checked = fields.safeParse(values);
  if (!checked.success) {
    for (const issue of checked.error.issues) console.error(`--${String(issue.path[0] ?? "?")}: ${issue.message}`);
    console.error(USAGE);
    process.exit(2);
  }
  const password = values.password ?? (await readPassword(Boolean(values["password-stdin"])));
  const parsedPassword = passwordField.safeParse(password);
  if (!parsedPassword.success) {
    for (const issue of parsedPassword.error.issues) console.error(`password: ${issue.message}`);
    process.exit(2);
  }
  const input = { ...checked.data, password: parsedPassword.data };
  await prepareDatabase();
  try {
    const result = await upsertAccount(input);
    console.log(`${result.created ? "Created" : "Updated"} ${input.role} ${input.email} (id ${result.id}).`);
  } finally {
    // The PostgreSQL pool would keep the process alive.
    await closeDb();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
