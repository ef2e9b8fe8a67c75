// The shared request budget: waits when the 5-minute window is full (fake clock), logs the wait, can be shared.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CognigyClient, RequestBudget } from "../../src/cognigy/index.js";
import { RecordingLogger } from "../../src/logger.js";
import { fakeClock, json, KEY, startServer, type TestServer } from "./helpers.js";

let srv: TestServer;
beforeAll(async () => {
  srv = await startServer((_q, res) => json(res, 200, { items: [], nextCursor: null }));
});
afterAll(() => srv.close());

describe("RequestBudget", () => {
  it("lets `limit` requests through, then waits until the oldest leaves the window, and logs how long", async () => {
    const clock = fakeClock();
    const logger = new RecordingLogger();
    const b = new RequestBudget({ limit: 3, now: clock.now, sleep: clock.sleep, logger });
    for (let i = 0; i < 3; i++) {
      expect(await b.acquire()).toBe(0);
      clock.t += 10_000; // 0, 10, 20 s
    }
    // t = 30 s: the 4th must wait until the first (t=0) is 5 min old
    expect(await b.acquire()).toBe(270_000);
    expect(clock.sleeps).toEqual([270_000]);
    expect(logger.text()).toMatch(/info: rate limit: 3\/3 used, waiting 270 s/);
    // t = 300 s: the next slot frees at 310 s (the request made at 10 s)
    expect(await b.acquire()).toBe(10_000);
    expect(b.waitedMs).toBe(280_000);
    expect(b.inWindow()).toBe(3);
  });

  it("never lets more than `limit` requests into any window (property over bursts)", async () => {
    const clock = fakeClock(0);
    const b = new RequestBudget({ limit: 5, windowMs: 1000, now: clock.now, sleep: clock.sleep });
    const starts: number[] = [];
    for (let i = 0; i < 40; i++) {
      await b.acquire();
      starts.push(clock.t);
      clock.t += i % 7 === 0 ? 300 : 13;
    }
    for (const s of starts) expect(starts.filter((x) => x >= s && x < s + 1000).length).toBeLessThanOrEqual(5);
  });

  it("0 = unlimited", async () => {
    const clock = fakeClock();
    const b = new RequestBudget({ limit: 0, now: clock.now, sleep: clock.sleep });
    for (let i = 0; i < 2000; i++) await b.acquire();
    expect(clock.sleeps).toEqual([]);
  });

  it("holds everyone after a 429 pause", async () => {
    const clock = fakeClock();
    const b = new RequestBudget({ limit: 0, now: clock.now, sleep: clock.sleep });
    b.pauseUntil(clock.t + 4000);
    expect(await b.acquire()).toBe(4000);
    expect(await b.acquire()).toBe(0);
  });
});

describe("client budget", () => {
  it("a client with rateLimit 2 waits before its third request; waits count in stats", async () => {
    const clock = fakeClock();
    const logger = new RecordingLogger();
    const c = new CognigyClient({ baseUrl: srv.url, apiKey: KEY, rateLimit: 2, now: clock.now, sleep: clock.sleep, logger });
    await c.listProjects();
    await c.listProjects();
    await c.listProjects();
    expect(srv.seen).toHaveLength(3);
    expect(clock.sleeps).toEqual([300_000]);
    expect(c.stats().waitedMs).toBe(300_000);
    expect(logger.text()).toContain("rate limit: 2/2 used, waiting 300 s");
  });

  it("one budget shared by two clients", async () => {
    srv.handle((_q, res) => json(res, 200, { items: [], nextCursor: null }));
    const clock = fakeClock();
    const budget = new RequestBudget({ limit: 2, now: clock.now, sleep: clock.sleep });
    const a = new CognigyClient({ baseUrl: srv.url, apiKey: KEY, budget, now: clock.now, sleep: clock.sleep });
    const b = new CognigyClient({ baseUrl: srv.url, apiKey: KEY, budget, now: clock.now, sleep: clock.sleep });
    expect(a.budget).toBe(b.budget);
    await a.listProjects();
    await b.listProjects();
    expect(clock.sleeps).toEqual([]);
    await b.listProjects();
    expect(clock.sleeps).toEqual([300_000]);
  });

  it("concurrent callers queue in order and none slips past the limit", async () => {
    srv.handle((_q, res) => json(res, 200, { items: [], nextCursor: null }));
    const clock = fakeClock();
    const c = new CognigyClient({ baseUrl: srv.url, apiKey: KEY, rateLimit: 3, now: clock.now, sleep: clock.sleep });
    await Promise.all(Array.from({ length: 7 }, () => c.listProjects()));
    expect(srv.seen).toHaveLength(7);
    expect(clock.sleeps).toEqual([300_000, 300_000]);
  });
});
