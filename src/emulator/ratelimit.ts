// The emulator's rate limit: N requests per sliding 5-minute window (cognigy-api.md §5); 0 = off.

export const WINDOW_MS = 5 * 60 * 1000;

export class RateLimiter {
  private readonly times: number[] = [];
  private head = 0;

  constructor(
    public limit: number,
    private readonly now: () => number = Date.now,
    private readonly windowMs = WINDOW_MS,
  ) {}

  /** Counts the request when allowed; otherwise returns the seconds until a slot frees up. */
  take(): { ok: true } | { ok: false; retryAfter: number } {
    if (!this.limit || this.limit <= 0) return { ok: true };
    const t = this.now();
    while (this.head < this.times.length && this.times[this.head] <= t - this.windowMs) this.head++;
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times.splice(0, this.head);
      this.head = 0;
    }
    const used = this.times.length - this.head;
    if (used >= this.limit) {
      const oldest = this.times[this.times.length - this.limit];
      return { ok: false, retryAfter: Math.max(1, Math.ceil((oldest + this.windowMs - t) / 1000)) };
    }
    this.times.push(t);
    return { ok: true };
  }

  /** Requests counted in the current window. */
  used(): number {
    const t = this.now();
    return this.times.slice(this.head).filter((x) => x > t - this.windowMs).length;
  }
}
