// The OData Analytics source of harvest (cognigy-api.md §12, §17): pages of user inputs with their intent scores, key as `apikey`.
import { backoffDelay, isRetryableStatus, parseRetryAfter } from "../../cognigy/retry.js";
import { UserError } from "../../errors.js";
import { type LogRecord, toLogRecords } from "./sources.js";

export const ODATA_SELECT = "inputText,intent,intentScore,timestamp,localeName,flowName";

export interface AnalyticsReadOptions {
  /** `<odata>/v2.x` or `<odata>/v2.x/Analytics` (an `apikey` in it is ignored). */
  url: string;
  apiKey: string;
  /** Inclusive lower bound, ms since the epoch. */
  since?: number;
  /** Exclusive upper bound, ms since the epoch. */
  until?: number;
  pageSize?: number;
  maxPages?: number;
  timeoutMs?: number;
  maxRetries?: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  random?: () => number;
}

export interface AnalyticsRead {
  /** Records with an intent and a score. */
  records: LogRecord[];
  /** Rows the service returned. */
  rows: number;
  /** Rows without an intent or score (not understood, or no NLU). */
  unscored: number;
  pages: number;
  /** The page limit was reached before a short page. */
  truncated: boolean;
}

/** The Analytics collection URL without any key in it. */
export function analyticsUrl(raw: string): URL {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new UserError(`--odata-url: not a URL (expected e.g. https://odata-trial.cognigy.ai/v2.0)`);
  }
  if (u.protocol !== "https:" && u.protocol !== "http:") throw new UserError("--odata-url: expected an http(s) URL");
  u.searchParams.delete("apikey");
  u.searchParams.delete("api_key");
  u.hash = "";
  if (!/\/Analytics\/?$/.test(u.pathname)) u.pathname = `${u.pathname.replace(/\/+$/, "")}/Analytics`;
  return u;
}

/** Removes every form of the key from a message. */
export function scrubKey(message: string, key: string): string {
  if (!key) return message;
  let out = message;
  for (const k of new Set([key, encodeURIComponent(key), encodeURIComponent(key).replace(/%20/g, "+")])) out = out.split(k).join("***");
  return out;
}

function odataFilter(since: number | undefined, until: number | undefined): string | undefined {
  const parts: string[] = [];
  if (since !== undefined) parts.push(`timestamp ge '${new Date(since).toISOString()}'`);
  if (until !== undefined) parts.push(`timestamp lt '${new Date(until).toISOString()}'`);
  return parts.length ? parts.join(" and ") : undefined;
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Reads Analytics page by page ($top/$skip, stop on a short page or after maxPages), retrying 429/5xx/network errors. */
export async function readAnalytics(o: AnalyticsReadOptions): Promise<AnalyticsRead> {
  const base = analyticsUrl(o.url);
  const where = `${base.origin}${base.pathname}`;
  const pageSize = o.pageSize ?? 500;
  const maxPages = o.maxPages ?? 50;
  const maxRetries = o.maxRetries ?? 3;
  const timeoutMs = o.timeoutMs ?? 30_000;
  const doFetch = o.fetch ?? fetch;
  const sleep = o.sleep ?? realSleep;
  const now = o.now ?? Date.now;
  const random = o.random ?? Math.random;
  const filter = odataFilter(o.since, o.until);
  const fail = (m: string, hint?: string) => new UserError(scrubKey(`OData ${where}: ${m}`, o.apiKey), hint);

  async function page(skip: number): Promise<Record<string, unknown>[]> {
    const u = new URL(base);
    u.searchParams.set("$select", ODATA_SELECT);
    if (filter) u.searchParams.set("$filter", filter);
    u.searchParams.set("$orderby", "timestamp asc");
    u.searchParams.set("$top", String(pageSize));
    u.searchParams.set("$skip", String(skip));
    u.searchParams.set("apikey", o.apiKey);
    for (let attempt = 0; ; attempt++) {
      let problem: string;
      let waitMs: number | undefined;
      try {
        const res = await doFetch(u, { method: "GET", headers: { accept: "application/json" }, redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
        if (res.ok) {
          const text = await res.text();
          let body: unknown;
          try {
            body = JSON.parse(text);
          } catch {
            throw fail(`answered ${res.status} with a body that is not JSON`, "check --odata-url: it should be the OData host, e.g. https://odata-trial.cognigy.ai/v2.0");
          }
          const value = (body as { value?: unknown })?.value;
          if (!Array.isArray(value)) throw fail('expected {"value": [...]}');
          return value.filter((x): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x));
        }
        await res.body?.cancel().catch(() => undefined);
        if (res.status === 401 || res.status === 403) throw fail(`the API key was refused (${res.status})`, "COGNIGY_API_KEY must be a key of a user with access to the project's analytics");
        if (res.status >= 300 && res.status < 400) throw fail(`redirected (${res.status}); not followed so the key is never sent elsewhere`);
        if (!isRetryableStatus(res.status)) throw fail(`answered ${res.status}`);
        problem = `answered ${res.status}`;
        waitMs = parseRetryAfter(res.headers.get("retry-after"), now());
      } catch (e) {
        if (e instanceof UserError) throw e;
        const err = e as Error;
        problem = err?.name === "TimeoutError" ? `no answer within ${timeoutMs} ms` : `network error (${scrubKey(String((err?.cause as Error)?.message ?? err?.message ?? e), o.apiKey)})`;
      }
      if (attempt >= maxRetries) throw fail(`${problem} (after ${attempt + 1} attempts)`);
      await sleep(Math.min(60_000, waitMs ?? backoffDelay(attempt, { baseMs: 500, capMs: 30_000, random })));
    }
  }

  const out: AnalyticsRead = { records: [], rows: 0, unscored: 0, pages: 0, truncated: false };
  for (;;) {
    if (out.pages >= maxPages) {
      out.truncated = true;
      break;
    }
    const rows = await page(out.pages * pageSize);
    out.pages++;
    out.rows += rows.length;
    for (const r of toLogRecords(rows)) {
      if (r.intent && r.score !== undefined) out.records.push(r);
      else out.unscored++;
    }
    if (rows.length < pageSize) break;
  }
  return out;
}
