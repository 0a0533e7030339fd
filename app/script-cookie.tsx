"use client";

import { useEffect } from "react";

/** next.config.js's SCRIPT_COOKIE. */
const SCRIPT_COOKIE = "nr_js";

/**
 * Tells the server this browser runs the site's scripts: from the next page
 * on, it gets the cached article page whatever cookies it carries, and its
 * own parts arrive by the personal request (docs/decisions/022). A session
 * cookie: a browser whose scripts are turned off later loses it when it
 * closes, and gets the pages rendered for it again.
 */
export function ScriptCookie() {
  useEffect(() => {
    if (document.cookie.split("; ").includes(`${SCRIPT_COOKIE}=1`)) return;
    const secure = location.protocol === "https:" ? "; Secure" : "";
    document.cookie = `${SCRIPT_COOKIE}=1; Path=/; SameSite=Lax${secure}`;
  }, []);
  return null;
}
