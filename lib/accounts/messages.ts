/**
 * The words of the account mail, as plain text and as HTML (every person's
 * text escaped, links built by the caller from SITE_URL). Pure functions:
 * tests read exactly what is sent.
 */
import { escapeHtml } from "@/lib/mail/messages";

export type AccountMessage = { subject: string; text: string; html: string };

type Site = { siteName: string };

/** A header value on one line (a name must not add headers). */
function oneLine(text: string): string {
  return text.replace(/[\r\n\t]+/g, " ").trim();
}

function render(subject: string, paragraphs: Array<string | { link: string; label: string }>, footer: string): AccountMessage {
  const text = [
    ...paragraphs.flatMap((p) => (typeof p === "string" ? [p, ""] : [`${p.label}:`, p.link, ""])),
    "--",
    footer,
  ].join("\n");
  const html = `<!doctype html><html><body style="font-family:Georgia,serif;font-size:16px;line-height:1.5;color:#222">
${paragraphs.map((p) => (typeof p === "string" ? `<p>${escapeHtml(p)}</p>` : `<p><a href="${escapeHtml(p.link)}">${escapeHtml(p.label)}</a></p>`)).join("\n")}
<hr><p style="font-size:13px;color:#555">${escapeHtml(footer)}</p>
</body></html>`;
  return { subject: oneLine(subject), text, html };
}

const minutes = (ms: number) => Math.round(ms / 60_000);
const hours = (ms: number) => Math.round(ms / 3_600_000);
const lifetimeText = (ms: number) => (ms === 3_600_000 ? "one hour" : ms < 2 * 3_600_000 ? `${minutes(ms)} minutes` : ms < 2 * 86_400_000 ? `${hours(ms)} hours` : `${Math.round(ms / 86_400_000)} days`);

/** The reset link (no name: the request's work must not depend on reading the account). */
export function passwordResetMessage(m: Site & { link: string; lifetimeMs: number; resetPageUrl: string }): AccountMessage {
  return render(
    `Set a new password for ${m.siteName}`,
    [
      "Hello,",
      `Someone (we hope you) asked to set a new password for your account on ${m.siteName}.`,
      { label: "Set a new password", link: m.link },
      `The link works once, for ${lifetimeText(m.lifetimeMs)}. Once it has expired, ask for a new one at ${m.resetPageUrl}.`,
      "If you did not ask for it, ignore this message: your password stays as it is.",
    ],
    `This message was sent because a new password was asked for at ${m.resetPageUrl}.`,
  );
}

/** The answer to a reset asked for an address no account uses: the same kind of message, so a request's answer and timing are the same. */
export function noAccountMessage(m: Site & { registerUrl: string; resetPageUrl: string }): AccountMessage {
  return render(
    `Set a new password for ${m.siteName}`,
    [
      "Hello,",
      `Someone (we hope you) asked to set a new password on ${m.siteName} for this email address, but no account uses it.`,
      "If you have an account, it may use another of your addresses: ask again with that one.",
      { label: "Create an account", link: m.registerUrl },
      "If you did not ask for it, ignore this message.",
    ],
    `This message was sent because a new password was asked for at ${m.resetPageUrl}.`,
  );
}

export function verificationMessage(m: Site & { name: string; link: string; lifetimeMs: number }): AccountMessage {
  return render(
    `Verify your email address for ${m.siteName}`,
    [
      `Hello ${m.name},`,
      `Please verify that this address is yours, so the comments of your account on ${m.siteName} can be published.`,
      { label: "Verify my address", link: m.link },
      `The link works for ${lifetimeText(m.lifetimeMs)}. You can ask for a new one on your account page.`,
      "If you did not create an account, ignore this message: nothing is published in your name unless the link is opened.",
    ],
    `This message was sent because an account was created on ${m.siteName} with this address.`,
  );
}

/** To the owner of an address someone tried to register again (the registration page answers the same as for a new address). */
export function alreadyRegisteredMessage(m: Site & { name: string; loginUrl: string; resetPageUrl: string }): AccountMessage {
  return render(
    `Someone tried to create an account with your address on ${m.siteName}`,
    [
      `Hello ${m.name},`,
      `Someone (perhaps you) tried to create a new account on ${m.siteName} with this email address. An account already uses it, so nothing was created or changed.`,
      { label: "Sign in", link: m.loginUrl },
      { label: "Forgot your password? Set a new one", link: m.resetPageUrl },
      "If it was not you, you need not do anything.",
    ],
    `This message was sent to the address of your account on ${m.siteName}.`,
  );
}

export function emailChangeMessage(m: Site & { name: string; link: string; lifetimeMs: number; oldEmail: string }): AccountMessage {
  return render(
    `Confirm your new email address for ${m.siteName}`,
    [
      `Hello ${m.name},`,
      `You asked to move your account on ${m.siteName} from ${m.oldEmail} to this address. It changes when you open this link and confirm:`,
      { label: "Confirm my new address", link: m.link },
      `The link works for ${lifetimeText(m.lifetimeMs)}. If you did not ask for it, ignore this message: nothing changes.`,
    ],
    `This message was sent because an address change was asked for on ${m.siteName}.`,
  );
}

/** To a new address an account already uses: no link, nothing changes. */
export function addressTakenMessage(m: Site & { accountUrl: string }): AccountMessage {
  return render(
    `An address change on ${m.siteName}`,
    [
      "Hello,",
      `Someone asked to move an account on ${m.siteName} to this email address, but another account already uses it, so nothing changed.`,
      "If you asked for it, use another address, or sign in to the account that has this one.",
      { label: "Your account", link: m.accountUrl },
    ],
    `This message was sent because an address change was asked for on ${m.siteName}.`,
  );
}

/** To the old address once a change took effect: what happened, and the way back. */
export function emailChangedMessage(m: Site & { name: string; newEmail: string; undoLink: string; lifetimeMs: number; resetPageUrl: string }): AccountMessage {
  return render(
    `Your email address on ${m.siteName} was changed`,
    [
      `Hello ${m.name},`,
      `The address of your account on ${m.siteName} was changed from this one to ${m.newEmail}.`,
      "If you did this, there is nothing more to do.",
      "If you did not, undo it: the account comes back to this address and every session of it ends. Then set a new password.",
      { label: "Undo the change", link: m.undoLink },
      `The link works for ${lifetimeText(m.lifetimeMs)}.`,
    ],
    `This message was sent to the address your account had until now. Set a new password: ${m.resetPageUrl}`,
  );
}

/** To the account's address after its password changed (by the account page or a reset link). */
export function passwordChangedMessage(m: Site & { name: string; how: "changed" | "reset"; resetPageUrl: string }): AccountMessage {
  return render(
    `Your password on ${m.siteName} was changed`,
    [
      `Hello ${m.name},`,
      m.how === "reset"
        ? `The password of your account on ${m.siteName} was set again with a link mailed to this address. Every other session of the account was signed out.`
        : `The password of your account on ${m.siteName} was changed on your account page. Every other session of the account was signed out.`,
      "If this was not you, set a new password now:",
      { label: "Set a new password", link: m.resetPageUrl },
    ],
    `This message was sent to the address of your account on ${m.siteName}.`,
  );
}

/** To the account's address when a single sign-on was linked to it. */
export function signOnLinkedMessage(m: Site & { name: string; issuer: string; accountUrl: string; resetPageUrl: string }): AccountMessage {
  return render(
    `A sign-in was linked to your account on ${m.siteName}`,
    [
      `Hello ${m.name},`,
      `A single sign-on account (${m.issuer}) was linked to your account on ${m.siteName} after a sign-in with your password. It can now sign you in.`,
      "If this was not you, set a new password now: that also removes the link.",
      { label: "Set a new password", link: m.resetPageUrl },
      { label: "Your account", link: m.accountUrl },
    ],
    `This message was sent to the address of your account on ${m.siteName}.`,
  );
}
