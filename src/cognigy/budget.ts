// The shared request budget: a sliding window keeping a whole run under N requests per 5 minutes (plus 429 pauses).
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
  /** Total ms callers waited in acquire(). */
  waitedMs = 0;

  constructor(opts: BudgetOptions) {
    if (!Number.isFinite(opts.limit) || opts.limit < 0) throw new RangeError(`rate limit must be ≥ 0, got ${opts.limit}`);
    this.limit = Math.floor(opts.limit);
    this.windowMs = opts.windowMs ?? FIVE_MINUTES;
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? realSleep;
    this.logger = opts.logger ?? silentLogger;
  }

  /** Requests recorded inside the current window. */
  inWindow(): number {
    const cutoff = this.now() - this.windowMs;
    let n = 0;
    for (const t of this.times) if (t > cutoff) n++;
    return n;
  }

  /** Holds every caller until `until` (epoch ms), e.g. after a 429 with Retry-After. */
  pauseUntil(until: number): void {
    if (until > this.pausedUntil) this.pausedUntil = until;
  }

  /** Waits for a slot; returns the ms waited. */
  acquire(): Promise<number> {
    const p = this.tail.then(() => this.take());
    this.tail = p.catch(() => undefined);
    return p;
  }

  private async take(): Promise<number> {
    let waited = 0;
    const pause = this.pausedUntil - this.now();
    if (pause > 0) {
      this.logger.debug(`rate budget: holding ${(pause / 1000).toFixed(1)} s after a 429`);
      await this.sleep(pause);
      waited += pause;
    }
    if (this.limit === 0) {
      this.waitedMs += waited;
      return waited;
    }
    let now = this.now();
    if (this.times.length >= this.limit) {
      const oldest = this.times[this.head];
      const wait = oldest + this.windowMs - now;
      if (wait > 0) {
        this.logger.info(
          `rate budget: ${this.limit} requests per ${Math.round(this.windowMs / 1000)} s used; waiting ${(wait / 1000).toFixed(1)} s`,
        );
        await this.sleep(wait);
        waited += wait;
        now = Math.max(this.now(), oldest + this.windowMs);
      }
      this.times[this.head] = now;
      this.head = (this.head + 1) % this.limit;
    } else {
      this.times.push(now);
    }
    this.waitedMs += waited;
    return waited;
  }
}
