"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

/** While background work runs, refreshes the console every 1.5 s so its progress moves. */
export function RefreshWhileRunning({ running }: { running: boolean }) {
  const router = useRouter();
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => router.refresh(), 1500);
    return () => clearInterval(timer);
  }, [running, router]);
  return null;
}
