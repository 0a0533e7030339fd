/**
 * `npm run user:add -- --email <e> --password <p> --role <reader|editor|moderator|admin> [--name <n>]`
 * Creates the account, or updates the one with that email (password, role,
 * name; its sessions end). Same rules as the sign-up form.
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import { USER_ROLES } from "@/db/schema";
import { emailField, nameField, passwordField } from "@/lib/auth/rules";
import { upsertAccount } from "@/lib/auth/users";

const USAGE = "Usage: npm run user:add -- --email <e> --password <p> --role <reader|editor|moderator|admin> [--name <n>]";

async function main() {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      options: { email: { type: "string" }, password: { type: "string" }, role: { type: "string" }, name: { type: "string" } },
      strict: true,
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  const input = z
    .object({
      email: emailField,
      password: passwordField,
      role: z.enum(USER_ROLES, { error: `--role must be one of ${USER_ROLES.join(", ")}` }),
      name: nameField.optional(),
    })
    .safeParse(values);
  if (!input.success) {
    for (const issue of input.error.issues) console.error(`--${String(issue.path[0] ?? "?")}: ${issue.message}`);
    console.error(USAGE);
    process.exit(2);
  }
  const result = await upsertAccount(input.data);
  console.log(`${result.created ? "Created" : "Updated"} ${input.data.role} ${input.data.email} (id ${result.id}).`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
