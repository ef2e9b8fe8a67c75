// Secret and PII masking in one place: every report writer (markdown, HTML, JSON, audit, webhook) goes through a Redactor.
import { maskPii as defaultMaskPii, type PiiOptions } from "../checks/pii.js";

export const MASK = "***";
/** Secrets shorter than this are ignored: masking them would shred ordinary text. */
export const MIN_SECRET_LENGTH = 4;

/**
 * Keys whose string values are machine values (timestamps, hashes, ids, URLs): secrets are still removed from them,
 * but the PII detectors are not run on them (a commit SHA or an ISO time is not a phone number).
 */
export const MACHINE_KEYS: ReadonlySet<string> = new Set([
  "time",
  "startedAt",
  "finishedAt",
  "commit",
  "sha",
  "id",
  "_id",
  "snapshotId",
  "taskId",
  "flowId",
  "runId",
  "runUrl",
  "deliveryId",
  "version",
]);

export interface RedactorOptions {
  /**
   * The PII masker (default: maskPii from src/checks/pii.ts). Its second argument lists the allowed strings (see
   * Redactor.allow), already stripped of secrets; a masker that ignores it simply allows nothing.
   */
  maskPii?: (text: string, opts?: PiiOptions) => string;
}

/** Every form under which a secret may show up in text: raw, URL-encoded, JSON/HTML-escaped, base64 (any alignment). */
export function secretForms(secret: string): string[] {
  const forms = new Set<string>([secret]);
  const add = (s: string) => {
    if (s.length >= MIN_SECRET_LENGTH) forms.add(s);
  };
  add(encodeURIComponent(secret));
  add(encodeURI(secret));
  add(encodeURIComponent(secret).replace(/%20/g, "+"));
  add(JSON.stringify(secret).slice(1, -1));
  add(escapeHtmlForms(secret));
  const bytes = Buffer.from(secret, "utf8");
  add(bytes.toString("base64"));
  add(bytes.toString("base64url"));
  // base64 of the secret at each of the three byte alignments it can have inside a longer base64 string
  // (e.g. "user:secret" in a Basic auth header): drop the characters that also carry bits of the neighbours.
  for (let prefix = 0; prefix < 3; prefix++) {
    const buf = Buffer.concat([Buffer.alloc(prefix), bytes]);
    let b64 = buf.toString("base64").replace(/=+$/, "");
    const skip = prefix === 0 ? 0 : prefix + 1;
    b64 = b64.slice(skip);
    if (buf.length % 3 !== 0) b64 = b64.slice(0, -1);
    add(b64);
    add(b64.replace(/\+/g, "-").replace(/\//g, "_"));
  }
  return [...forms];
}

function escapeHtmlForms(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;").replace(/\//g, "&#47;");
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Masks registered secrets (in every encoded form) and PII. One instance per run; register secrets before anything is
 * written. Strings the tool knows are not PII (the configured base URL, names it generated) can be allowed: PII masking
 * spares them, secret masking never does.
 */
export class Redactor {
  private readonly secrets = new Set<string>();
  private pattern: RegExp | undefined;
  private readonly mask: (text: string, opts?: PiiOptions) => string;
  private readonly allowed = new Set<string>();
  /** The allowed strings as they look after secret masking (rebuilt when a secret or an allowed string is added). */
  private allowedForms: string[] | undefined;

  constructor(opts: RedactorOptions = {}) {
    this.mask = opts.maskPii ?? defaultMaskPii;
  }

  /** Registers a secret; empty, missing or short (< 4 chars) values are ignored. */
  addSecret(value: string | undefined | null): void {
    if (typeof value !== "string") return;
    const v = value.trim();
    if (v.length < MIN_SECRET_LENGTH) return;
    let changed = false;
    for (const f of secretForms(v)) {
      if (!this.secrets.has(f)) {
        this.secrets.add(f);
        changed = true;
      }
    }
    if (v !== value && !this.secrets.has(value)) {
      this.secrets.add(value);
      changed = true;
    }
    if (changed) {
      // longest first so a longer encoded form wins over a shorter one it contains
      const alts = [...this.secrets].sort((a, b) => b.length - a.length).map(escapeRegExp);
      this.pattern = new RegExp(alts.join("|"), "g");
      this.allowedForms = undefined;
    }
  }

  /**
   * Marks a string as known not to be PII (the configured base URL, a snapshot name the tool generated): PII detection
   * leaves its occurrences alone (a match lying entirely inside one). Secrets inside it are still masked. Empty or
   * missing values are ignored.
   */
  allow(value: string | undefined | null): void {
    if (typeof value !== "string" || value.trim().length === 0 || this.allowed.has(value)) return;
    this.allowed.add(value);
    this.allowedForms = undefined;
  }

  /** True when at least one secret is registered. */
  get hasSecrets(): boolean {
    return this.secrets.size > 0;
  }

  /** Replaces every registered secret with *** (no PII masking): safe on whole rendered documents. */
  redactSecrets(text: string): string {
    if (!this.pattern || text.length === 0) return text;
    return text.replace(this.pattern, MASK);
  }

  /** Secrets out, then PII masked (allowed strings spared). For any free text that ends up in an output. */
  redact(text: string): string {
    if (text.length === 0) return text;
    const clean = this.redactSecrets(text);
    if (this.allowed.size === 0) return this.mask(clean);
    this.allowedForms ??= [...new Set([...this.allowed].map((a) => this.redactSecrets(a)))].filter((a) => a.length > 0);
    return this.mask(clean, { allow: this.allowedForms });
  }

  /**
   * A deep copy of a JSON-like value with every string (and object key) redacted. Values under MACHINE_KEYS only lose
   * secrets (no PII detection). Non-JSON values (functions, undefined) are dropped as JSON.stringify would.
   */
  redactDeep<T>(value: T): T {
    return this.walk(value, false) as T;
  }

  private walk(value: unknown, machine: boolean): unknown {
    if (typeof value === "string") return machine ? this.redactSecrets(value) : this.redact(value);
    if (value === null || typeof value !== "object") return value;
    if (Array.isArray(value)) return value.map((v) => this.walk(v, machine));
    if (value instanceof Date) return this.redactSecrets(value.toISOString());
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === undefined || typeof v === "function") continue;
      out[this.redact(k)] = this.walk(v, machine || MACHINE_KEYS.has(k));
    }
    return out;
  }
}
