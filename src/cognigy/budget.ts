// The request budget: a sliding window keeping a whole run under N requests per 5 minutes (plus 429 pauses) — shared by
// the clients of one process, and (with a BudgetFile) by every process of one job on the runner, per Cognigy host.
import { createHash, randomBytes } from "node:crypto";
import { closeSync, constants, fstatSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Logger } from "../logger.js";
import { silentLogger } from "../logger.js";

export interface BudgetOptions {
  /** Requests allowed per window; 0 = unlimited. */
  limit: number;
  /** Window length, ms (default 5 minutes, Cognigy's documented window). */
  windowMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  logger?: Logger;
  /**
   * Extra wait at the window's edge, ms (default 0): the client stamps a request when it sends it, Cognigy when it
   * arrives, so a slot is taken only `marginMs` after it left the window by the client's clock.
   */
  marginMs?: number;
  /** Shares the window with other processes (see BudgetFile); without it the window is this process's own. */
  file?: BudgetFile;
}

/** The margin runnerBudget uses: 2% of the window, at least 250 ms, at most 5 s (5 s of Cognigy's 5 minutes). */
export function defaultMargin(windowMs: number): number {
  return Math.round(Math.min(5000, Math.max(250, windowMs * 0.02)));
}

export const FIVE_MINUTES = 5 * 60 * 1000;
export const realSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Sliding-window budget. `acquire()` resolves when one more request fits in the window and records it;
 * callers are served in order. One instance can be shared by several clients.
 */
export class RequestBudget {
  readonly limit: number;
  readonly windowMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly logger: Logger;
  /** Ring buffer of the start times of the last `limit` requests. */
  private readonly times: number[] = [];
  private head = 0;
  private tail: Promise<unknown> = Promise.resolve();
  private pausedUntil = 0;
  private readonly marginMs: number;
  private readonly file?: BudgetFile;
  private lastProgress = Number.NEGATIVE_INFINITY;
  /** Total ms callers waited in acquire(). */
  waitedMs = 0;

  constructor(opts: BudgetOptions) {
    if (!Number.isFinite(opts.limit) || opts.limit < 0) throw new RangeError(`rate limit must be ≥ 0, got ${opts.limit}`);
    this.limit = Math.floor(opts.limit);
    this.windowMs = opts.windowMs ?? FIVE_MINUTES;
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? realSleep;
    this.logger = opts.logger ?? silentLogger;
    this.marginMs = Math.max(0, opts.marginMs ?? 0);
    this.file = opts.file;
  }

  /** Requests recorded inside the current window (by every process sharing the file, when there is one). */
  inWindow(): number {
    if (this.file) {
      const now = this.now();
      return this.file.update((st) => st.times.filter((t) => t > now - this.windowMs).length, false) ?? 0;
    }
    const cutoff = this.now() - this.windowMs;
    let n = 0;
    for (const t of this.times) if (t > cutoff) n++;
    return n;
  }

  /** Holds every caller until `until` (epoch ms), e.g. after a 429 with Retry-After. */
  pauseUntil(until: number): void {
    if (until > this.pausedUntil) this.pausedUntil = until;
    this.file?.update((st) => {
      if (until > st.pausedUntil) st.pausedUntil = until;
    });
  }

  /** The progress line at the default level ("rate limit: 412/1000 used, waiting 74 s"): every wait ≥ 1 s, else at most every 10 s. */
  private progress(used: number, wait: number): void {
    const now = this.now();
    if (wait < 1000 && now - this.lastProgress < 10_000) return;
    this.lastProgress = now;
    this.logger.info(`rate limit: ${used}/${this.limit} used, waiting ${wait >= 10_000 ? Math.ceil(wait / 1000) : (wait / 1000).toFixed(1)} s`);
  }

  /** Waits for a slot; returns the ms waited. The request counts from now (use acquireSlot to re-stamp it when it ends). */
  async acquire(): Promise<number> {
    return (await this.acquireSlot()).waited;
  }

  /**
   * Waits for a slot. `settle()` (call it when the response is in) moves the request's stamp to that moment: the server
   * counted it at some point before, so a window measured on these stamps never undercounts the server's, however long
   * the request was on its way (the margin covers the rest).
   */
  acquireSlot(): Promise<{ waited: number; settle: () => void }> {
    const p = this.tail.then(() => this.take());
    this.tail = p.catch(() => undefined);
    return p;
  }

  private seq = 0;

  private async take(): Promise<{ waited: number; settle: () => void }> {
    if (this.file?.usable) return this.takeShared(this.file);
    const noop = () => {};
    let waited = 0;
    const pause = this.pausedUntil - this.now();
    if (pause > 0) {
      this.logger.debug(`rate budget: holding ${(pause / 1000).toFixed(1)} s after a 429`);
      await this.sleep(pause);
      waited += pause;
    }
    if (this.limit === 0) {
      this.waitedMs += waited;
      return { waited, settle: noop };
    }
    let now = this.now();
    let slot: number;
    if (this.times.length >= this.limit) {
      const oldest = this.times[this.head];
      const wait = oldest + this.windowMs + this.marginMs - now;
      if (wait > 0) {
        this.progress(this.limit, wait);
        await this.sleep(wait);
        waited += wait;
        now = Math.max(this.now(), oldest + this.windowMs + this.marginMs);
      }
      this.times[this.head] = now;
      slot = this.head;
      this.head = (this.head + 1) % this.limit;
    } else {
      slot = this.times.length;
      this.times.push(now);
    }
    this.waitedMs += waited;
    const stamp = now;
    return {
      waited,
      settle: () => {
        if (this.times[slot] === stamp) this.times[slot] = Math.max(stamp, this.now());
      },
    };
  }

  /** take() through the shared file: re-read the window under its lock, record the request or wait and try again. */
  private async takeShared(file: BudgetFile): Promise<{ waited: number; settle: () => void }> {
    let waited = 0;
    const id = `${process.pid}.${this.seq++}`;
    for (;;) {
      const now = this.now();
      const decision = file.update((st) => {
        const keep = st.times.map((t) => t > now - this.windowMs - this.marginMs);
        st.times = st.times.filter((_, i) => keep[i]);
        st.ids = st.ids.filter((_, i) => keep[i]);
        const pause = Math.max(st.pausedUntil, this.pausedUntil) - now;
        if (pause > 0) return { wait: pause, used: st.times.length, paused: true };
        if (this.limit === 0 || st.times.length < this.limit) {
          st.times.push(now);
          st.ids.push(id);
          return { wait: 0, used: st.times.length, paused: false };
        }
        const sorted = [...st.times].sort((a, b) => a - b);
        const oldest = sorted[sorted.length - this.limit];
        return { wait: Math.max(1, oldest + this.windowMs + this.marginMs - now), used: sorted.filter((t) => t > now - this.windowMs).length, paused: false };
      });
      if (decision === undefined) {
        // the file became unusable (see BudgetFile.usable): this process's own window from here on
        const r = await this.take();
        return { waited: waited + r.waited, settle: r.settle };
      }
      if (decision.wait === 0) {
        this.waitedMs += waited;
        return {
          waited,
          settle: () => {
            const end = this.now();
            file.update((st) => {
              const i = st.ids.indexOf(id);
              if (i >= 0 && st.times[i] < end) st.times[i] = end;
            });
          },
        };
      }
      if (decision.paused) this.logger.debug(`rate budget: holding ${(decision.wait / 1000).toFixed(1)} s after a 429`);
      else this.progress(decision.used, decision.wait);
      await this.sleep(decision.wait);
      waited += decision.wait;
    }
  }
}

/** What the shared state file holds. */
interface BudgetState {
  v: 1;
  host: string;
  /** Send times (epoch ms; moved to the response's arrival when settled) of every process's requests in the window (+ margin). */
  times: number[];
  /** Who took each slot (pid.seq), parallel to `times`. */
  ids: string[];
  /** A 429's Retry-After, for everyone. */
  pausedUntil: number;
}

const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;
/** A lock older than this is left over by a killed process. */
const STALE_LOCK_MS = 10_000;

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * The rate budget of one Cognigy host, shared by the processes of one job through a small JSON file in RUNNER_TEMP
 * (else the OS temp dir): `cognigy-nlu-rate-<sha256(host)>.json`. Safe on a shared temp dir: the lock is an exclusive
 * create (`O_CREAT | O_EXCL | O_NOFOLLOW`, mode 0600), the state is written to an exclusively created temp file and
 * renamed over (a rename replaces a symlink, never follows it), and it is read with O_NOFOLLOW and trusted only when it
 * is a regular file of this user that nobody else can write. Anything else makes the file unusable: the budget falls
 * back to the process's own window, with one warning.
 */
export class BudgetFile {
  readonly path: string;
  private readonly lock: string;
  private broken = false;

  constructor(
    readonly host: string,
    dir: string,
    private readonly logger: Logger = silentLogger,
  ) {
    const key = createHash("sha256").update(host.toLowerCase()).digest("hex").slice(0, 16);
    this.path = join(dir, `cognigy-nlu-rate-${key}.json`);
    this.lock = `${this.path}.lock`;
  }

  /** The file for the host of `baseUrl` in RUNNER_TEMP (else os.tmpdir()). */
  static forBaseUrl(baseUrl: string, env: NodeJS.ProcessEnv = process.env, logger?: Logger): BudgetFile {
    return new BudgetFile(new URL(baseUrl).host, env.RUNNER_TEMP || tmpdir(), logger);
  }

  get usable(): boolean {
    return !this.broken;
  }

  private disable(reason: string): undefined {
    if (!this.broken) this.logger.warn(`rate budget: not sharing the request window through ${this.path}: ${reason}; counting this process's requests only`);
    this.broken = true;
    return undefined;
  }

  private acquireLock(): boolean {
    for (let i = 0; ; i++) {
      try {
        closeSync(openSync(this.lock, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY | O_NOFOLLOW, 0o600));
        return true;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== "EEXIST") return Boolean(this.disable(`cannot create its lock (${code})`));
        try {
          if (Date.now() - statSync(this.lock, { throwIfNoEntry: false })!.mtimeMs > STALE_LOCK_MS) unlinkSync(this.lock);
        } catch {
          // gone meanwhile: try again
        }
        if (i > 2000) return Boolean(this.disable("its lock stays taken"));
        sleepSync(1 + Math.floor(Math.random() * 4));
      }
    }
  }

  private read(): BudgetState | undefined {
    let fd: number;
    try {
      fd = openSync(this.path, constants.O_RDONLY | O_NOFOLLOW);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ENOENT") return { v: 1, host: this.host, times: [], ids: [], pausedUntil: 0 };
      return this.disable(code === "ELOOP" ? "it is a symbolic link" : `cannot open it (${code})`);
    }
    try {
      const st = fstatSync(fd);
      if (!st.isFile()) return this.disable("it is not a regular file");
      const uid = process.getuid?.();
      if (uid !== undefined && st.uid !== uid) return this.disable("another user owns it");
      if ((st.mode & 0o022) !== 0) return this.disable("others can write it");
      const parsed = JSON.parse(readFileSync(fd, "utf8")) as Partial<BudgetState>;
      const times: number[] = [];
      const ids: string[] = [];
      if (Array.isArray(parsed.times))
        parsed.times.forEach((t, i) => {
          if (typeof t !== "number" || !Number.isFinite(t)) return;
          times.push(t);
          ids.push(String(Array.isArray(parsed.ids) ? (parsed.ids[i] ?? "") : ""));
        });
      return { v: 1, host: this.host, times, ids, pausedUntil: typeof parsed.pausedUntil === "number" ? parsed.pausedUntil : 0 };
    } catch {
      // a torn or foreign file: start a fresh window rather than stop
      return { v: 1, host: this.host, times: [], ids: [], pausedUntil: 0 };
    } finally {
      closeSync(fd);
    }
  }

  private write(state: BudgetState): void {
    const tmp = `${this.path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    const fd = openSync(tmp, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY | O_NOFOLLOW, 0o600);
    try {
      writeSync(fd, JSON.stringify(state));
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.path);
  }

  /**
   * Runs `fn` on the state under the lock and writes it back (when `write`); undefined when the file is unusable.
   * `fn` must be quick and synchronous.
   */
  update<T>(fn: (state: BudgetState) => T, write = true): T | undefined {
    if (this.broken || !this.acquireLock()) return undefined;
    try {
      const state = this.read();
      if (!state) return undefined;
      const out = fn(state);
      if (write) {
        try {
          this.write(state);
        } catch (e) {
          return this.disable(`cannot write it (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
        }
      }
      return out;
    } finally {
      try {
        unlinkSync(this.lock);
      } catch {
        // removed as stale by another process: nothing to release
      }
    }
  }
}

/**
 * The budget of one run: `limit` requests per window for the Cognigy host of `baseUrl`, shared with the other processes
 * of the job through BudgetFile (RUNNER_TEMP, else the OS temp dir), with defaultMargin at the window's edge.
 */
export function runnerBudget(opts: {
  baseUrl: string;
  limit: number;
  windowMs?: number;
  marginMs?: number;
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}): RequestBudget {
  const windowMs = opts.windowMs ?? FIVE_MINUTES;
  return new RequestBudget({
    limit: opts.limit,
    windowMs,
    marginMs: opts.marginMs ?? defaultMargin(windowMs),
    file: opts.limit > 0 ? BudgetFile.forBaseUrl(opts.baseUrl, opts.env, opts.logger) : undefined,
    logger: opts.logger,
    now: opts.now,
    sleep: opts.sleep,
  });
}
