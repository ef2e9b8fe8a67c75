// The signed webhook: a compact, redacted run summary POSTed as JSON with an HMAC-SHA256 signature and bounded retries.
//
// Signature scheme (what receivers verify; `verifyWebhookSignature` below implements it):
//   X-Cognigy-NLU-Timestamp: <t>   unix time in whole seconds (decimal), set per attempt
//   X-Signature-256: sha256=<hex>  lowercase hex of HMAC-SHA256(key = the webhook secret, message = `${t}.${rawBody}`),
//                                  rawBody being the exact UTF-8 bytes of the request body
//   X-Cognigy-NLU-Event: <event>   e.g. "run"
//   X-Cognigy-NLU-Delivery: <id>   the same for every retry of one delivery (a receiver's de-duplication key)
// A receiver recomputes the HMAC over the raw body (before any JSON parsing), compares in constant time, and rejects
// timestamps more than 5 minutes away from its clock; binding the timestamp into the signed string means an old
// request cannot be replayed with a fresh timestamp. Without a secret, the request is sent unsigned.
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import { ConfigError, UserError } from "../errors.js";
import type { Logger } from "../logger.js";
import { VERSION } from "../version.js";
import type { Redactor } from "./redact.js";
import type { Mode, Report, Status } from "./types.js";

export const SIGNATURE_HEADER = "X-Signature-256";
export const TIMESTAMP_HEADER = "X-Cognigy-NLU-Timestamp";
export const EVENT_HEADER = "X-Cognigy-NLU-Event";
export const DELIVERY_HEADER = "X-Cognigy-NLU-Delivery";

export interface WebhookPayload {
  event: string;
  status: Status;
  mode: Mode;
  summary: string;
  repository: string | null;
  commit: string | null;
  macroF1: number | null;
  accuracy: number | null;
  gate: { passed: boolean; reasons: string[] } | null;
  plan: { createIntents: number; updateIntents: number; deleteIntents: number; addSentences: number; removeSentences: number; unchanged: number } | null;
  snapshotId: string | null;
  runUrl: string | null;
  startedAt: string;
  finishedAt: string | null;
  tool: { name: string; version: string };
}

export interface WebhookContext {
  repository?: string;
  runUrl?: string;
  /** Default "run". */
  event?: string;
  redactor?: Redactor;
}

/** The compact summary a webhook carries (redacted when a redactor is given; sendWebhook redacts again). */
export function webhookPayload(report: Report, ctx: WebhookContext = {}): WebhookPayload {
  const p: WebhookPayload = {
    event: ctx.event ?? "run",
    status: report.status,
    mode: report.mode,
    summary: report.summary,
    repository: ctx.repository ?? null,
    commit: report.commit ?? null,
    macroF1: report.metrics?.macroF1 ?? null,
    accuracy: report.metrics?.accuracy ?? null,
    gate: report.gate ? { passed: report.gate.passed, reasons: [...report.gate.reasons] } : null,
    plan: report.plan ? { ...report.plan.totals } : null,
    snapshotId: report.promotion?.snapshotId ?? null,
    runUrl: ctx.runUrl ?? null,
    startedAt: report.startedAt,
    finishedAt: report.finishedAt ?? null,
    tool: { name: report.tool?.name ?? "cognigy-nlu", version: report.tool?.version ?? VERSION },
  };
  return ctx.redactor ? ctx.redactor.redactDeep(p) : p;
}

/** `sha256=<hex>` over `${timestamp}.${body}`. */
export function signWebhook(body: string | Buffer, timestamp: number | string, secret: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.`).update(body).digest("hex")}`;
}

export interface SendWebhookOptions {
  secret?: string;
  redactor: Redactor;
  /** Retries after the first attempt (default 3). */
  retries?: number;
  /** Per attempt (default 10 s). */
  timeoutMs?: number;
  /** Backoff: baseDelayMs · 2^(attempt-1), capped at maxDelayMs; Retry-After wins when given (also capped). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Throw a UserError (ConfigError for a bad URL) instead of returning delivered: false. */
  required?: boolean;
  event?: string;
  userAgent?: string;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  /** Milliseconds since the epoch (default Date.now). */
  now?: () => number;
  logger?: Logger;
}

export interface WebhookResult {
  delivered: boolean;
  attempts: number;
  /** The last HTTP status, when a response arrived. */
  status?: number;
  /** Why it was not delivered. */
  error?: string;
  deliveryId?: string;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function retryable(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** Retry-After as milliseconds (seconds or an HTTP date), or undefined. */
export function retryAfterMs(value: string | null, nowMs: number): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** POSTs the payload as signed JSON. Never throws unless `required` (then UserError / ConfigError). */
export async function sendWebhook(url: string, payload: unknown, opts: SendWebhookOptions): Promise<WebhookResult> {
  const r = opts.redactor;
  const fail = (res: WebhookResult, bad = false): WebhookResult => {
    const msg = r.redactSecrets(res.error ?? "webhook not delivered");
    opts.logger?.warn(msg);
    if (opts.required) throw bad ? new ConfigError(msg, "set webhook-url to an http:// or https:// URL") : new UserError(msg);
    return { ...res, error: msg };
  };
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return fail({ delivered: false, attempts: 0, error: "the webhook URL is not a valid URL (expected http:// or https://…)" }, true);
  }
  if (target.protocol !== "https:" && target.protocol !== "http:") {
    return fail({ delivered: false, attempts: 0, error: `the webhook URL must use http:// or https:// (got ${target.protocol}//…)` }, true);
  }
  const where = target.origin; // never the path or query: they may carry a token
  const fetchFn = opts.fetch ?? fetch;
  const sleep = opts.sleep ?? defaultSleep;
  const now = opts.now ?? Date.now;
  const retries = Math.max(0, opts.retries ?? 3);
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const base = opts.baseDelayMs ?? 1000;
  const cap = opts.maxDelayMs ?? 30_000;
  const body = r.redactSecrets(JSON.stringify(r.redactDeep(payload)));
  const deliveryId = randomUUID();
  const event = opts.event ?? (typeof (payload as { event?: unknown })?.event === "string" ? (payload as { event: string }).event : "run");

  let attempts = 0;
  let status: number | undefined;
  let error = "";
  while (attempts <= retries) {
    attempts++;
    const ts = Math.floor(now() / 1000);
    const headers: Record<string, string> = {
      "Content-Type": "application/json",
      "User-Agent": opts.userAgent ?? `cognigy-nlu/${VERSION}`,
      [TIMESTAMP_HEADER]: String(ts),
      [EVENT_HEADER]: event,
      [DELIVERY_HEADER]: deliveryId,
    };
    if (opts.secret) headers[SIGNATURE_HEADER] = signWebhook(body, ts, opts.secret);
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), timeoutMs);
    let wait: number | undefined;
    let again = false;
    try {
      const res = await fetchFn(target, { method: "POST", headers, body, signal: ac.signal, redirect: "manual" });
      status = res.status;
      await res.arrayBuffer().catch(() => undefined);
      if (res.status >= 200 && res.status < 300) {
        opts.logger?.debug(`webhook delivered to ${where} (${res.status}, attempt ${attempts})`);
        return { delivered: true, attempts, status, deliveryId };
      }
      error = `webhook to ${where} answered ${res.status}`;
      again = retryable(res.status);
      if (again) wait = retryAfterMs(res.headers.get("retry-after"), now());
    } catch (e) {
      status = undefined;
      error = ac.signal.aborted ? `webhook to ${where} timed out after ${timeoutMs} ms` : `webhook to ${where} failed: ${(e as Error)?.message ?? String(e)}`;
      again = true;
    } finally {
      clearTimeout(timer);
    }
    if (!again || attempts > retries) break;
    const backoff = Math.min(cap, base * 2 ** (attempts - 1));
    const delay = Math.min(cap, wait ?? backoff);
    opts.logger?.debug(`${error}; retrying in ${delay} ms`);
    await sleep(delay);
  }
  return fail({ delivered: false, attempts, status, deliveryId, error: `${error} (${attempts} attempt${attempts === 1 ? "" : "s"})` });
}

export interface VerifyInput {
  /** The raw request body, exactly as received. */
  body: string | Buffer;
  /** The X-Cognigy-NLU-Timestamp header. */
  timestamp: string | number | undefined | null;
  /** The X-Signature-256 header. */
  signature: string | undefined | null;
  secret: string;
  /** Maximum distance between the timestamp and now (default 300 s). */
  toleranceSeconds?: number;
  /** Milliseconds since the epoch (default Date.now). */
  now?: () => number;
  /** Signatures already accepted: a repeat within the tolerance window is rejected as a replay (and new ones added). */
  seen?: Set<string>;
}

/** For receivers (and our tests): checks the HMAC over `${timestamp}.${body}` and that the timestamp is fresh. */
export function verifyWebhookSignature(input: VerifyInput): { ok: boolean; reason?: string } {
  const tolerance = input.toleranceSeconds ?? 300;
  const ts = String(input.timestamp ?? "");
  if (!/^\d{1,12}$/.test(ts)) return { ok: false, reason: "missing or malformed timestamp" };
  const nowS = Math.floor((input.now ?? Date.now)() / 1000);
  if (Math.abs(nowS - Number(ts)) > tolerance) return { ok: false, reason: "timestamp outside the tolerance window (old or replayed request)" };
  const sig = String(input.signature ?? "");
  if (!/^sha256=[0-9a-f]{64}$/.test(sig)) return { ok: false, reason: "missing or malformed signature" };
  const expected = Buffer.from(signWebhook(input.body, ts, input.secret));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: "signature mismatch" };
  if (input.seen) {
    if (input.seen.has(sig)) return { ok: false, reason: "replayed request (signature already seen)" };
    input.seen.add(sig);
  }
  return { ok: true };
}
