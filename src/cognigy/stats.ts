// Request statistics per route template: counts, errors, time, retries and waits (RequestStats for the report).
import type { RequestStats } from "./types.js";

export class StatsRecorder {
  private total = 0;
  private retries = 0;
  private waitedMs = 0;
  private readonly byRoute = new Map<string, { count: number; errors: number; totalMs: number }>();

  /** One HTTP attempt of `key` (e.g. `GET /flows/:flowId/intents`). */
  request(key: string, ms: number, failed: boolean): void {
    this.total++;
    let r = this.byRoute.get(key);
    if (!r) this.byRoute.set(key, (r = { count: 0, errors: 0, totalMs: 0 }));
    r.count++;
    r.totalMs += ms;
    if (failed) r.errors++;
  }

  retry(): void {
    this.retries++;
  }

  waited(ms: number): void {
    if (ms > 0) this.waitedMs += ms;
  }

  snapshot(): RequestStats {
    const byRoute: RequestStats["byRoute"] = {};
    for (const [k, v] of [...this.byRoute].sort((a, b) => a[0].localeCompare(b[0]))) byRoute[k] = { ...v, totalMs: Math.round(v.totalMs) };
    return { total: this.total, retries: this.retries, waitedMs: Math.round(this.waitedMs), byRoute };
  }
}
