// Retry policy: which statuses are retried, Retry-After parsing, capped exponential backoff with full jitter.

/** 408, 429 and 5xx except 501 (not implemented) and 511 (network auth) are worth another attempt. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599 && status !== 501 && status !== 511);
}

/** A retryable status that proves the server did not process the request (safe to re-send anything). */
export function isNotProcessedStatus(status: number): boolean {
  return status === 408 || status === 429;
}

/** `Retry-After` as ms from now: delta-seconds or an HTTP-date; undefined when absent or unparsable. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (value == null) return undefined;
  const v = value.trim();
  if (!v) return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const t = Date.parse(v);
  if (Number.isNaN(t)) return undefined;
  return Math.max(0, t - now);
}

/** Full jitter: uniform in [0, min(cap, base·2^attempt)). `attempt` counts from 0. */
export function backoffDelay(attempt: number, opts: { baseMs: number; capMs: number; random: () => number }): number {
  const ceiling = Math.min(opts.capMs, opts.baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(opts.random() * ceiling);
}
