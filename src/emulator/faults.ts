// Fault injection: a spec of `kind:probability` / `key=value` items, a seeded PRNG, queued exact faults, counters.
import { mulberry32 } from "../classifier/index.js";

/** Kinds answered at the HTTP layer, by probability or from the queue. */
export const HTTP_FAULTS = ["429", "429noretry", "500", "502", "503", "403", "drop", "slow", "expiredkey"] as const;
/** Kinds that decide how a task started by the request ends. */
export const TASK_FAULTS = ["taskerror", "taskstuck"] as const;
/** Kinds counted per snapshot: the first N download-link calls answer 409 / the first N downloads a placeholder body. */
export const COUNT_FAULTS = ["early409", "placeholder"] as const;

export type HttpFault = (typeof HTTP_FAULTS)[number];
export type TaskFault = (typeof TASK_FAULTS)[number];
export type CountFault = (typeof COUNT_FAULTS)[number];
export type FaultKind = HttpFault | TaskFault | CountFault;

export const FAULT_KINDS_ALL: readonly string[] = [...HTTP_FAULTS, ...TASK_FAULTS, ...COUNT_FAULTS];
const ALL_KINDS = FAULT_KINDS_ALL;

export interface FaultSpec {
  probabilities: Partial<Record<HttpFault | TaskFault, number>>;
  counts: Partial<Record<CountFault, number>>;
  /** All requests answer 401 once this many authenticated requests were served. */
  expireKeyAfter: number | null;
  seed: number;
  /** How long a `slow` response is held back (ms). */
  slowMs: number;
  /** Retry-After (seconds) sent with injected 429s. */
  retryAfter: number;
}

export const DEFAULT_SLOW_MS = 35_000;

/** Parses e.g. `429:0.2,500:0.05,drop:0.02,slow:0.05,slowms=2000,early409:2,expirekey=50,seed=7`. Throws on errors. */
export function parseFaultSpec(spec: string, defaults: { seed?: number; slowMs?: number } = {}): FaultSpec {
  const out: FaultSpec = {
    probabilities: {},
    counts: {},
    expireKeyAfter: null,
    seed: defaults.seed ?? 1,
    slowMs: defaults.slowMs ?? DEFAULT_SLOW_MS,
    retryAfter: 1,
  };
  for (const raw of spec.split(",")) {
    const item = raw.trim();
    if (!item) continue;
    const eq = item.indexOf("=");
    const colon = item.indexOf(":");
    if (eq > 0) {
      const key = item.slice(0, eq).trim().toLowerCase();
      const n = Number(item.slice(eq + 1).trim());
      if (!Number.isFinite(n) || n < 0) throw new Error(`invalid fault spec item '${item}': expected a number ≥ 0`);
      if (key === "seed") out.seed = Math.floor(n);
      else if (key === "slowms") out.slowMs = Math.floor(n);
      else if (key === "expirekey") out.expireKeyAfter = Math.floor(n);
      else if (key === "retryafter") out.retryAfter = Math.floor(n);
      else if (key === "early409" || key === "placeholder") out.counts[key] = Math.floor(n);
      else throw new Error(`invalid fault spec item '${item}': unknown setting '${key}' (seed, slowms, expirekey, retryafter, early409, placeholder)`);
      continue;
    }
    if (colon <= 0) throw new Error(`invalid fault spec item '${item}': expected kind:probability or key=value`);
    const kind = item.slice(0, colon).trim().toLowerCase();
    const n = Number(item.slice(colon + 1).trim());
    if (!ALL_KINDS.includes(kind)) throw new Error(`invalid fault spec item '${item}': unknown kind '${kind}' (${ALL_KINDS.join(", ")})`);
    if (kind === "early409" || kind === "placeholder") {
      if (!Number.isInteger(n) || n < 0) throw new Error(`invalid fault spec item '${item}': ${kind} takes a count ≥ 0`);
      out.counts[kind as CountFault] = n;
    } else {
      if (!Number.isFinite(n) || n < 0 || n > 1) throw new Error(`invalid fault spec item '${item}': probability must be in [0, 1]`);
      out.probabilities[kind as HttpFault] = n;
    }
  }
  const total = HTTP_FAULTS.reduce((s, k) => s + (out.probabilities[k] ?? 0), 0);
  if (total > 1 + 1e-9) throw new Error(`invalid fault spec: the HTTP fault probabilities add up to ${total} (> 1)`);
  return out;
}

export interface QueuedFault {
  /** Substring of (string) or pattern for (RegExp) "METHOD /path" without the API prefix and query. Default: any request. */
  match?: string | RegExp;
  kind: FaultKind;
  /** How many matching requests it applies to (default 1). */
  times?: number;
}

/** The switchboard the server consults for every request (except the control routes). */
export class FaultController {
  spec: FaultSpec;
  /** How many faults of each kind were injected. */
  readonly injected: Record<string, number> = {};
  private rnd: () => number;
  private queued: (QueuedFault & { left: number })[] = [];
  private served = 0;

  constructor(
    spec = "",
    private readonly defaults: { seed?: number; slowMs?: number } = {},
  ) {
    this.spec = parseFaultSpec(spec, defaults);
    this.rnd = mulberry32(this.spec.seed);
  }

  /** Replaces the probabilistic faults (and re-seeds the PRNG). Queued faults stay. */
  set(spec: string): void {
    this.spec = parseFaultSpec(spec, this.defaults);
    this.rnd = mulberry32(this.spec.seed);
    this.served = 0;
  }

  /** No faults at all any more (queue emptied, counters kept). */
  clear(): void {
    this.set("");
    this.queued = [];
  }

  queue(f: QueuedFault): void {
    if (!ALL_KINDS.includes(f.kind)) throw new Error(`unknown fault kind '${f.kind}'`);
    this.queued.push({ ...f, left: Math.max(1, f.times ?? 1) });
  }

  /** Pending queued faults (for inspection). */
  pending(): QueuedFault[] {
    return this.queued.map(({ left, ...q }) => ({ ...q, times: left }));
  }

  count(kind: string): void {
    this.injected[kind] = (this.injected[kind] ?? 0) + 1;
  }

  /** A PRNG draw (so "applied before / after" choices are reproducible too). */
  random(): number {
    return this.rnd();
  }

  private takeQueued(line: string, kinds: readonly string[]): FaultKind | null {
    const i = this.queued.findIndex((q) => kinds.includes(q.kind) && matches(q.match, line));
    if (i < 0) return null;
    const q = this.queued[i];
    if (--q.left <= 0) this.queued.splice(i, 1);
    return q.kind;
  }

  /** The HTTP-level fault for one request, if any. Call once per request. */
  pickHttp(line: string): HttpFault | CountFault | null {
    const q = this.takeQueued(line, [...HTTP_FAULTS, ...COUNT_FAULTS]);
    if (q) return q as HttpFault | CountFault;
    const p = this.spec.probabilities;
    if (!HTTP_FAULTS.some((k) => (p[k] ?? 0) > 0)) return null;
    const r = this.rnd();
    let acc = 0;
    for (const k of HTTP_FAULTS) {
      acc += p[k] ?? 0;
      if (r < acc) return k;
    }
    return null;
  }

  /** How a task started by this request should end: normally (null), in error, or stuck. */
  pickTask(line: string): TaskFault | null {
    const q = this.takeQueued(line, TASK_FAULTS);
    if (q) return q as TaskFault;
    const p = this.spec.probabilities;
    const pe = p.taskerror ?? 0;
    const ps = p.taskstuck ?? 0;
    if (pe + ps <= 0) return null;
    const r = this.rnd();
    if (r < pe) return "taskerror";
    if (r < pe + ps) return "taskstuck";
    return null;
  }

  /** Counts one authenticated request; true when the key counts as expired (`expirekey=N`). */
  keyExpired(): boolean {
    this.served++;
    return this.spec.expireKeyAfter !== null && this.served > this.spec.expireKeyAfter;
  }
}

function matches(m: string | RegExp | undefined, line: string): boolean {
  if (m === undefined) return true;
  if (typeof m === "string") return line.includes(m);
  m.lastIndex = 0;
  return m.test(line);
}
