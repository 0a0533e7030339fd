import { accountAreas } from "@/lib/auth/areas";
import { getCurrentUser } from "@/lib/auth/session";
import { AccountLinks } from "./account-links";
import { GuestNav } from "./guest-nav";

/** The header's account links: sign in / register, or the account's name (its page), its areas and sign out. */
export async function AccountNav() {
  const user = await getCurrentUser();
  if (!user) return <GuestNav />;
  return <AccountLinks name={user.name} areas={accountAreas(user)} />;
}
