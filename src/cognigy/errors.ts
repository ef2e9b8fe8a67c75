// Typed Cognigy errors: HTTP (RFC-7807 or gateway HTML), network/timeout, task failures; secrets scrubbed from every message.
import { UserError } from "../errors.js";

/** Removes `api_key=` / `apikey=` query values and any of the given secrets from a text. */
export function scrubSecrets(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text.replace(/([?&;](?:api[_-]?key|x-api-key)=)[^&\s#"'<>]*/gi, "$1***");
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join("***");
  return out;
}

/** Plain text of a non-JSON error body (gateway / CloudFront HTML): scripts and tags stripped, first 200 characters. */
export function summarizeBody(body: string, max = 200): string {
  const text = body
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, " ")
    .replace(/<!--[\s\S]*?-->/g, " ")
    .replace(/<[^>]*>/g, " ")
    .replace(/&nbsp;/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ")
    .trim();
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** The parts of an error body the client understands (RFC-7807 + Cognigy extras, or OAuth-style `error`). */
export interface ParsedErrorBody {
  title?: string;
  detail?: string;
  code?: number;
  traceId?: string;
  details?: unknown;
  /** Set when the body was not JSON: its tag-stripped start. */
  text?: string;
}

export function parseErrorBody(raw: string): ParsedErrorBody {
  const trimmed = raw.trim();
  if (!trimmed) return {};
  try {
    const j = JSON.parse(trimmed) as Record<string, unknown>;
    if (j && typeof j === "object" && !Array.isArray(j)) {
      const str = (v: unknown) => (typeof v === "string" && v ? v : undefined);
      const code = typeof j.code === "number" ? j.code : typeof j.code === "string" && /^\d+$/.test(j.code) ? Number(j.code) : undefined;
      return {
        title: str(j.title) ?? str(j.error),
        detail: str(j.detail) ?? str(j.error_description) ?? str(j.message),
        code,
        traceId: str(j.traceId),
        details: j.details,
      };
    }
  } catch {
    // not JSON: fall through
  }
  return { text: summarizeBody(trimmed) };
}

const REASONS: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  402: "Payment Required",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  408: "Request Timeout",
  409: "Conflict",
  413: "Payload Too Large",
  429: "Too Many Requests",
  500: "Internal Server Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

export interface CognigyApiErrorInit {
  status: number;
  method: string;
  /** Route template, e.g. `/flows/:flowId/intents` (never a URL with query values). */
  route: string;
  title?: string;
  detail?: string;
  code?: number;
  traceId?: string;
  details?: unknown;
  /** Network failure kind when status is 0. */
  network?: "timeout" | "network" | "aborted";
  timeoutMs?: number;
  cause?: unknown;
  /** Short body text of a non-JSON error page. */
  bodyText?: string;
  /** What the caller was working on (e.g. project name) for the 401/403 advice. */
  project?: string;
  baseUrl?: string;
  /** Strings that must never appear in the message (the API key). */
  secrets?: readonly (string | undefined)[];
  /** True when the request may have been processed by the server (network error / 5xx after sending). */
  ambiguous?: boolean;
  /** Free text replacing the generic description (e.g. "expected JSON"). */
  message?: string;
  /** A network error where no server answered at the address (refused, unresolvable, unroutable). */
  unreachable?: boolean;
  /** No request of this client had succeeded yet: nothing was done in Cognigy before this error. */
  beforeAnyWork?: boolean;
}

/** A failed Cognigy REST call. `status` 0 = network error or timeout. */
export class CognigyApiError extends UserError {
  readonly status: number;
  readonly method: string;
  readonly route: string;
  readonly title?: string;
  readonly detail?: string;
  readonly code?: number;
  readonly traceId?: string;
  readonly details?: unknown;
  readonly network?: "timeout" | "network" | "aborted";
  readonly ambiguous: boolean;
  readonly unreachable: boolean;
  /** The network error's code (ECONNREFUSED, ECONNRESET…), when there is one. */
  readonly causeCode?: string;
  /**
   * A setup problem: the key, the host or the base-url is wrong, found before any work was done in Cognigy
   * (401/403/404, a redirect or a non-JSON answer, an unreachable host — on the first contact). Exit code 2;
   * the same errors once work started are step failures (exit 1).
   */
  readonly setup: boolean;
  override readonly exitCode: number;

  constructor(init: CognigyApiErrorInit) {
    super(scrubSecrets(describe(init), init.secrets));
    this.unreachable = init.unreachable ?? false;
    this.causeCode = causeCode(init.cause);
    const s = init.status;
    this.setup = init.beforeAnyWork === true && (this.unreachable || s === 401 || s === 403 || s === 404 || (s >= 200 && s < 400));
    this.exitCode = this.setup ? 2 : 1;
    this.name = "CognigyApiError";
    this.status = init.status;
    this.method = init.method;
    this.route = init.route;
    this.title = init.title ?? REASONS[init.status];
    this.detail = init.detail === undefined ? undefined : scrubSecrets(init.detail, init.secrets);
    this.code = init.code;
    this.traceId = init.traceId;
    this.details = init.details;
    this.network = init.network;
    this.ambiguous = init.ambiguous ?? false;
    if (init.cause !== undefined) Object.defineProperty(this, "cause", { value: init.cause, enumerable: false });
  }
}

function host(baseUrl?: string): string {
  if (!baseUrl) return "";
  try {
    return new URL(baseUrl).origin;
  } catch {
    return "";
  }
}

function describe(i: CognigyApiErrorInit): string {
  const where = `Cognigy ${i.method} ${i.route}`;
  if (i.status === 0) {
    if (i.network === "timeout") return `${where} timed out after ${formatSeconds(i.timeoutMs ?? 0)} s (no response; check base-url ${host(i.baseUrl)} and the network)`;
    if (i.network === "aborted") return `${where} was aborted`;
    const why = causeText(i.cause);
    return `${where} failed: network error${why ? ` (${why})` : ""}; check base-url ${host(i.baseUrl)} and the network`;
  }
  const title = i.title ?? REASONS[i.status] ?? "HTTP error";
  const parts = [`${where} failed: HTTP ${i.status} ${title}`];
  const text = i.message ?? i.detail ?? (i.bodyText ? `non-JSON response: ${i.bodyText}` : undefined);
  if (text && text !== title) parts[0] += ` — ${text}`;
  const extra: string[] = [];
  if (i.code !== undefined && i.code !== i.status) extra.push(`code ${i.code}`);
  if (i.traceId) extra.push(`traceId ${i.traceId}`);
  if (extra.length) parts[0] += ` (${extra.join(", ")})`;
  if (i.status === 401)
    parts.push(
      `Check the api-key secret / COGNIGY_API_KEY (set, current, not revoked)${i.project ? ` and that the key's user is a member of project ${i.project}` : ""}; check base-url${host(i.baseUrl) ? ` (${host(i.baseUrl)})` : ""} is the api- host (e.g. https://api-trial.cognigy.ai), not the UI host.`,
    );
  else if (i.status === 403)
    parts.push(
      `Check that the API key's user is a member of project ${i.project ?? "(the configured project)"} with a role allowed to do this, and the api-key secret / COGNIGY_API_KEY; check base-url${host(i.baseUrl) ? ` (${host(i.baseUrl)})` : ""} is the api- host, not the UI host${i.bodyText ? " (a non-JSON 403 usually comes from the gateway)" : ""}.`,
    );
  return parts.join(". ");
}

function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return Number.isInteger(s) ? String(s) : s.toFixed(s < 1 ? 3 : 1).replace(/0+$/, "");
}

function causeCode(c: unknown): string | undefined {
  const e = c as { code?: unknown; cause?: { code?: unknown } } | undefined;
  const code = e?.cause?.code ?? e?.code;
  return typeof code === "string" && /^[A-Z_]+$/.test(code) ? code : undefined;
}

function causeText(c: unknown): string {
  if (!c) return "";
  const e = c as { code?: unknown; message?: unknown; cause?: unknown };
  const inner = e.cause as { code?: unknown; message?: unknown } | undefined;
  const code = typeof inner?.code === "string" ? inner.code : typeof e.code === "string" ? e.code : "";
  const msg = typeof inner?.message === "string" && inner.message ? inner.message : typeof e.message === "string" ? e.message : "";
  return [code, msg && msg !== code ? msg : ""].filter(Boolean).join(": ");
}

/** A task (train, import, snapshot…) that ended in error or cancelled, or did not finish in time. */
export class CognigyTaskError extends UserError {
  constructor(
    message: string,
    readonly taskId: string,
    readonly taskStatus: string,
    readonly failReason?: string | null,
  ) {
    super(message);
    this.name = "CognigyTaskError";
  }
}
