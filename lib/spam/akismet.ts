import "server-only";
import type { SpamCheckRecord } from "@/db/schema";
import { env } from "@/lib/env";
import { SITE_LANG } from "@/lib/site";
import { AkismetTransportError, PlatformAkismetClient, type AkismetCall } from "./akismet-client";
import { updateAkismetStatus } from "./status";
import { classifyAnswer, type AkismetOutcome } from "./verdict";

const PAUSE_AFTER_INVALID_KEY_MS = 6 * 3_600_000;

let cached: { signature: string; client: PlatformAkismetClient } | undefined;

/** Whether an Akismet key is configured (without one, only local defences run). */
export function akismetConfigured(): boolean {
  return Boolean(env().AKISMET_KEY);
}

/** The one Akismet client of this process, or null without a key. */
export function getAkismetClient(): PlatformAkismetClient | null {
  const { AKISMET_KEY: key, AKISMET_URL: baseUrl, SITE_URL: site } = env();
  if (!key) return null;
  const signature = `${key}|${baseUrl}|${site}`;
  if (cached?.signature !== signature) {
    cached = {
      signature,
      client: new PlatformAkismetClient({ key, baseUrl, blog: site + "/", lang: SITE_LANG, charset: "UTF-8" }),
    };
  }
  return cached.client;
}

/** `is_test` goes with every call outside production (no training effect). */
export function akismetIsTest(): boolean {
  return env().NODE_ENV !== "production";
}

export type AkismetCallResult = { outcome: AkismetOutcome; latencyMs: number; headers: Record<string, string | undefined> };

/**
 * One Akismet call, never throwing: transport failures and odd answers come
 * back as an `error` outcome. Records errors and alerts for the status panel.
 */
export async function callAkismet(
  name: AkismetCall,
  params: Record<string, string>,
  { timeoutMs }: { timeoutMs: number },
): Promise<AkismetCallResult> {
  const client = getAkismetClient();
  const started = performance.now();
  if (!client) {
    return {
      outcome: { kind: "error", error: "Akismet is not configured", debugHelp: null, invalidKey: false, retryAfterSeconds: null, guid: null },
      latencyMs: 0,
      headers: {},
    };
  }
  let outcome: AkismetOutcome;
  let headers: Record<string, string | undefined> = {};
  try {
    const answer = await client.call(name, params, { timeoutMs });
    headers = answer.headers;
    if (name === "comment-check") {
      outcome = classifyAnswer(answer);
    } else {
      // submit-spam / submit-ham answer a thank-you text; `invalid` or an error is a failure.
      const failed = answer.status !== 200 || answer.body.trim() === "invalid" || answer.headers["x-akismet-error"];
      outcome = failed ? classifyAnswer(answer) : { kind: "ham", guid: answer.headers["x-akismet-guid"] ?? null };
    }
  } catch (error) {
    if (!(error instanceof AkismetTransportError)) throw error;
    outcome = { kind: "error", error: error.message, debugHelp: null, invalidKey: false, retryAfterSeconds: null, guid: null };
  }
  const latencyMs = Math.round(performance.now() - started);
  await recordStatus(outcome, headers);
  return { outcome, latencyMs, headers };
}

async function recordStatus(outcome: AkismetOutcome, headers: Record<string, string | undefined>): Promise<void> {
  const alert = headers["x-akismet-alert-code"]
    ? `${headers["x-akismet-alert-code"]}: ${headers["x-akismet-alert-msg"] ?? ""}`.trim()
    : null;
  const now = new Date();
  if (outcome.kind === "error") {
    await updateAkismetStatus({
      lastError: outcome.error,
      lastErrorAt: now.toISOString(),
      debugHelp: outcome.debugHelp,
      ...(alert ? { alert } : {}),
      ...(outcome.invalidKey
        ? { pausedUntil: new Date(now.getTime() + PAUSE_AFTER_INVALID_KEY_MS).toISOString() }
        : {}),
    });
  } else if (alert) {
    await updateAkismetStatus({ alert, lastSuccessAt: now.toISOString() });
  }
}

/** The check record stored with a comment. */
export function toCheckRecord(
  result: AkismetCallResult,
  params: Record<string, string>,
  localHolds: string[],
): SpamCheckRecord {
  const o = result.outcome;
  return {
    verdict: o.kind,
    blatant: o.kind === "spam" && o.blatant,
    guid: o.guid,
    proTip: o.kind === "spam" ? o.proTip : null,
    error: o.kind === "error" ? o.error : null,
    debugHelp: o.kind === "error" ? o.debugHelp : null,
    latencyMs: result.latencyMs,
    checkedAt: new Date().toISOString(),
    params,
    localHolds,
  };
}

/** Checks the configured key with the library's verify-key call. */
export async function verifyAkismetKey(): Promise<{ valid: boolean; error: string | null }> {
  const client = getAkismetClient();
  if (!client) return { valid: false, error: "Akismet is not configured" };
  try {
    return { valid: await client.verifyKey(), error: null };
  } catch (error) {
    return { valid: false, error: (error as Error).message };
  }
}
