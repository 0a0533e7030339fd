"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

/**
 * While an import runs, refreshes the page every second so its progress bar
 * moves (without JavaScript, a <meta http-equiv="refresh"> in <noscript>
 * reloads the page instead).
 */
export function RefreshWhileImporting({ running }: { running: boolean }) {
  const router = useRouter();
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => router.refresh(), 1000);
    return () => clearInterval(timer);
  }, [running, router]);
  return null;
}
