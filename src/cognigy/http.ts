// The HTTP transport: URL building, auth header, per-request timeout, budget, retries with backoff, recovery hooks, stats.
import type { Logger } from "../logger.js";
import type { RequestBudget } from "./budget.js";
import { CognigyApiError, parseErrorBody, summarizeBody } from "./errors.js";
import { backoffDelay, isNotProcessedStatus, isRetryableStatus, parseRetryAfter } from "./retry.js";
import type { StatsRecorder } from "./stats.js";

export type HttpMethod = "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE";
export type Query = Record<string, string | number | boolean | undefined | null>;

/** What to do after an attempt of a non-idempotent request failed in a way that may have reached the server. */
export type Recovery<T> =
  | { kind: "done"; value: T }
  /**
   * Send again, optionally with a new body; `map` adjusts the eventual result (e.g. merges what was already done).
   * A later recovery's `map` replaces an earlier one: each recovery describes the whole state.
   */
  | { kind: "resend"; body?: unknown; map?: (value: T) => T };

export interface RequestSpec<T> {
  method: HttpMethod;
  /** Route template relative to the API prefix, e.g. `/flows/:flowId/intents`. */
  route: string;
  params?: Record<string, string>;
  query?: Query;
  /** JSON body (never sent on GET/HEAD/DELETE). */
  body?: unknown;
  /** Multipart body, built afresh for every attempt. */
  form?: () => FormData | Promise<FormData>;
  /** Re-sending is harmless (reads, PATCH by id, DELETE, read-only POSTs). */
  idempotent: boolean;
  /** For non-idempotent requests: called (after the backoff) when an attempt may have been processed. */
  recover?: (ctx: { attemptStartedAt: number; error: CognigyApiError }) => Promise<Recovery<T>>;
  /** Extra statuses retried with backoff, e.g. 409 while a package is being prepared. */
  retryStatuses?: readonly number[];
  /** A 404 after an earlier attempt that may have been processed means that attempt did the job (DELETE). */
  goneIsDone?: boolean;
  signal?: AbortSignal;
}

export interface TransportOptions {
  baseUrl: string;
  apiKey: string;
  apiPrefix: string;
  timeoutMs: number;
  maxRetries: number;
  maxBackoffMs: number;
  baseBackoffMs: number;
  userAgent: string;
  budget: RequestBudget;
  stats: StatsRecorder;
  logger: Logger;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  random: () => number;
  fetch: typeof fetch;
  /** The project being worked on, for 401/403 advice. */
  project: () => string | undefined;
}

const NO_BODY = new Set<HttpMethod>(["GET", "HEAD", "DELETE"]);

export function fillRoute(route: string, params: Record<string, string> = {}): string {
  return route.replace(/:([A-Za-z]\w*)/g, (_m, name: string) => {
    const v = params[name];
    if (v === undefined || v === "") throw new TypeError(`route ${route}: missing parameter ${name}`);
    return encodeURIComponent(v);
  });
}

export function queryString(q: Query | undefined): string {
  if (!q) return "";
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== null) sp.append(k, String(v));
  const s = sp.toString();
  return s ? `?${s}` : "";
}

/** Origin and path of a (possibly relative) URL, without its query. */
export function redactUrl(location: string | null, base: string): string {
  if (!location) return "(no Location)";
  try {
    const u = new URL(location, base);
    return `${u.origin}${u.pathname}`;
  } catch {
    return "(invalid Location)";
  }
}

type Outcome<T> =
  | { ok: true; value: T }
  | { ok: false; error: CognigyApiError; retry: boolean; ambiguous: boolean; waitMs?: number; status: number };

/** Connection errors that mean no server answered at that address (as opposed to one that dropped a connection). */
const UNREACHABLE = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "ETIMEDOUT", "UND_ERR_CONNECT_TIMEOUT"]);
/** Retries of an unreachable host before it ever answered: a wrong base-url should fail in seconds, not minutes. */
const FIRST_CONTACT_RETRIES = 2;

export class HttpTransport {
  readonly base: string;
  /** Set by the first successful response: errors before it are setup problems (wrong key, host, project). */
  private succeeded = false;
  constructor(readonly o: TransportOptions) {
    this.base = o.baseUrl.replace(/\/+$/, "") + ("/" + o.apiPrefix.replace(/^\/+|\/+$/g, "")).replace(/^\/$/, "");
  }

  url(route: string, params?: Record<string, string>, query?: Query): string {
    return this.base + fillRoute(route, params) + queryString(query);
  }

  error(init: Omit<ConstructorParameters<typeof CognigyApiError>[0], "secrets" | "baseUrl" | "project">): CognigyApiError {
    return new CognigyApiError({ ...init, secrets: [this.o.apiKey], baseUrl: this.o.baseUrl, project: this.o.project(), beforeAnyWork: !this.succeeded });
  }

  /** Sends the request with retries; returns the parsed JSON body (undefined when empty). */
  async request<T>(spec: RequestSpec<T>): Promise<T> {
    const { o } = this;
    const key = `${spec.method} ${spec.route}`;
    const url = this.url(spec.route, spec.params, spec.query);
    let body = spec.body;
    let map: ((v: T) => T) | undefined;
    let hadAmbiguous = false;
    const finish = (v: T): T => (map ? map(v) : v);
    for (let attempt = 0; ; attempt++) {
      const slot = await o.budget.acquireSlot();
      o.stats.waited(slot.waited);
      const started = o.now();
      const out = await this.attempt<T>(spec, url, body);
      slot.settle();
      o.stats.request(key, Math.max(0, o.now() - started), !out.ok);
      if (out.ok) {
        this.succeeded = true;
        return finish(out.value);
      }
      if (hadAmbiguous && spec.goneIsDone && out.status === 404) return finish(undefined as T);
      const unreachable = out.error.unreachable && !this.succeeded;
      const retries = unreachable ? Math.min(o.maxRetries, FIRST_CONTACT_RETRIES) : o.maxRetries;
      if (!out.retry || attempt >= retries) throw out.error;
      if (out.ambiguous && !spec.idempotent && !spec.recover) throw out.error;
      const wait = Math.min(out.waitMs ?? backoffDelay(attempt, { baseMs: o.baseBackoffMs, capMs: o.maxBackoffMs, random: o.random }), o.maxBackoffMs);
      if (out.status === 429 && out.waitMs !== undefined) o.budget.pauseUntil(o.now() + wait);
      // What the run waits for is said where a user sees it: connection trouble and server errors always, rate limits
      // when the wait is long (short 429 waits are routine under the budget and stay in the debug log).
      const line = `${retryReason(out.error, unreachable, o.baseUrl)} — retry ${attempt + 1}/${retries} in ${(wait / 1000).toFixed(1)} s`;
      if (out.status === 0 || out.status >= 500 || wait >= 5000) o.logger.info(line);
      else o.logger.debug(`${key}: ${line}`);
      o.stats.retry();
      if (wait > 0) {
        await o.sleep(wait);
        o.stats.waited(wait);
      }
      if (out.ambiguous) hadAmbiguous = true;
      if (out.ambiguous && !spec.idempotent && spec.recover) {
        const r = await spec.recover({ attemptStartedAt: started, error: out.error });
        if (r.kind === "done") return r.value;
        if (r.body !== undefined) body = r.body;
        if (r.body !== undefined || r.map) map = r.map;
      }
    }
  }

  private async attempt<T>(spec: RequestSpec<T>, url: string, body: unknown): Promise<Outcome<T>> {
    const { o } = this;
    const headers: Record<string, string> = { "X-API-Key": o.apiKey, Accept: "application/json", "User-Agent": o.userAgent };
    let payload: string | FormData | undefined;
    if (!NO_BODY.has(spec.method)) {
      if (spec.form) payload = await spec.form();
      else if (body !== undefined) {
        payload = JSON.stringify(body);
        headers["Content-Type"] = "application/json";
      }
    }
    const timeout = AbortSignal.timeout(o.timeoutMs);
    const signal = spec.signal ? AbortSignal.any([spec.signal, timeout]) : timeout;
    let res: Response;
    let text: string;
    try {
      // Redirects are not followed: fetch would forward X-API-Key to whatever host they point at.
      res = await o.fetch(url, { method: spec.method, headers, body: payload, signal, redirect: "manual" });
      text = spec.method === "HEAD" ? "" : await res.text();
    } catch (e) {
      return this.networkOutcome(spec, e, timeout.aborted);
    }
    if (res.status >= 300 && res.status < 400) {
      const error = this.error({
        status: res.status,
        method: spec.method,
        route: spec.route,
        message: `redirected to ${redactUrl(res.headers.get("location"), url)}; set base-url to the api- host it should be (redirects are not followed so the key is never sent elsewhere)`,
      });
      return { ok: false, error, retry: false, ambiguous: false, status: res.status };
    }
    if (res.ok) {
      if (res.status === 204 || text.trim() === "") return { ok: true, value: undefined as T };
      try {
        return { ok: true, value: JSON.parse(text) as T };
      } catch {
        const error = this.error({
          status: res.status,
          method: spec.method,
          route: spec.route,
          message: `expected JSON, got: ${summarizeBody(text) || "(binary)"} — is base-url the api- host?`,
        });
        return { ok: false, error, retry: false, ambiguous: false, status: res.status };
      }
    }
    const parsed = parseErrorBody(text);
    const error = this.error({
      status: res.status,
      method: spec.method,
      route: spec.route,
      title: parsed.title,
      detail: parsed.detail,
      code: parsed.code,
      traceId: parsed.traceId,
      details: parsed.details,
      bodyText: parsed.text,
    });
    const extra = spec.retryStatuses?.includes(res.status) ?? false;
    const retry = isRetryableStatus(res.status) || extra;
    return {
      ok: false,
      error,
      retry,
      ambiguous: retry && !extra && !isNotProcessedStatus(res.status),
      waitMs: retry ? parseRetryAfter(res.headers.get("retry-after"), o.now()) : undefined,
      status: res.status,
    };
  }

  private networkOutcome<T>(spec: RequestSpec<T>, e: unknown, timedOut: boolean): Outcome<T> {
    const userAborted = !!spec.signal?.aborted;
    const network = userAborted ? "aborted" : timedOut || (e as Error)?.name === "TimeoutError" ? "timeout" : "network";
    const code = (e as { cause?: { code?: string } })?.cause?.code;
    const unreachable = !userAborted && typeof code === "string" && UNREACHABLE.has(code);
    const error = this.error({ status: 0, method: spec.method, route: spec.route, network, timeoutMs: this.o.timeoutMs, cause: e, unreachable });
    // Refused / unresolvable: the request never reached a server. ENOTFOUND is a wrong host, not worth retrying.
    const refused = code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "EAI_AGAIN";
    return { ok: false, error, retry: !userAborted && code !== "ENOTFOUND", ambiguous: !refused, status: 0 };
  }
}

/** "Cognigy at http://h:1 not reachable (ECONNREFUSED)" / "connection to Cognigy lost on GET /x (ECONNRESET)" / "Cognigy answered 503 on GET /x". */
function retryReason(e: CognigyApiError, unreachable: boolean, baseUrl: string): string {
  const where = `${e.method} ${e.route}`;
  const cause = e.causeCode ? ` (${e.causeCode})` : "";
  if (e.status !== 0) return `Cognigy answered ${e.status}${e.status === 429 ? " (rate limited)" : ""} on ${where}`;
  if (e.network === "timeout") return `no answer from Cognigy within the timeout on ${where}`;
  if (unreachable) {
    let origin = baseUrl;
    try {
      origin = new URL(baseUrl).origin;
    } catch {
      // keep it as configured
    }
    return `Cognigy at ${origin} not reachable${cause}`;
  }
  return `connection to Cognigy lost on ${where}${cause}`;
}
