"use client";

import { AccountLinks } from "./account-links";
import { usePublishedPersonalView } from "./personal-store";
import { GuestNav } from "./guest-nav";

/**
 * The header's account links on a cached page: the guest links every reader
 * shares, until the reader's personal view says who they are
 * (docs/decisions/022).
 */
export function PersonalNav() {
  const account = usePublishedPersonalView()?.account;
  return account ? <AccountLinks name={account.name} areas={account.areas} /> : <GuestNav />;
}
