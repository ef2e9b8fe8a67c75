// harvest --odata-url against the emulator's Analytics collection: paging, date filter, retries, selection, the key kept secret.
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { type HarvestSummary, runHarvest } from "../../src/pipeline/harvest.js";
import { readAnalytics } from "../../src/pipeline/harvest/odata.js";
import { KEY, type Setup, setup, syncAndTrain } from "../backup/helpers.js";

const open: Setup[] = [];
afterEach(async () => {
  while (open.length) await open.pop()?.close();
});

const DAY = 86_400_000;
const T0 = Date.parse("2024-05-10T12:00:00Z");
const at = (d = 0) => new Date(T0 + d).toISOString();

async function seeded(): Promise<Setup> {
  const s = await setup();
  open.push(s);
  await syncAndTrain(s, { train: false });
  const pizza = ["i want a pepperoni pizza with extra cheese", "one large margherita pizza for delivery", "can i get a cheese pizza slice", "order me a thin crust pizza", "large pizza order for tonight", "pizza with pepperoni and cheese please\u202e"];
  s.emu.seedAnalytics([
    ...pizza.map((t, i) => ({ inputText: t, intent: "OrderPizza", intentScore: 0.9 + i / 100, timestamp: at(i * 1000), flowName: "Main", localeName: "en-US" })),
    { inputText: "one large margherita pizza for delivery", intent: "OrderPizza", intentScore: 0.8, timestamp: at(9000) }, // seen twice
    { inputText: "Tell me about the PIZZA!", intent: "OrderPizza", intentScore: 0.97, timestamp: at(10_000) }, // an existing example
    { inputText: "pizza order to jane.doe@example.com please", intent: "OrderPizza", intentScore: 0.95, timestamp: at(11_000) }, // PII
    { inputText: "maybe pizza or something", intent: "OrderPizza", intentScore: 0.41, timestamp: at(12_000) }, // low score
    { inputText: "is it going to snow this weekend", intent: "Weather", intentScore: 0.3, timestamp: at(13_000) }, // low score
    { inputText: "rain forecast for the weekend", intent: "Weather", intentScore: 0.92, timestamp: at(14_000) }, // too few for Weather
    { inputText: "asdf qwerty", intent: null, intentScore: null, timestamp: at(15_000) }, // not understood
    { inputText: "a pepperoni pizza crust order", intent: "OrderPizza", intentScore: 0.99, timestamp: at(-30 * DAY) }, // out of range
  ]);
  return s;
}

describe("harvest --odata-url", () => {
  it("pages through Analytics in the date range, retries a 503/429, feeds the selection; the key is never written", async () => {
    const s = await seeded();
    s.emu.faults.queue({ match: "/Analytics", kind: "503" });
    s.emu.faults.queue({ match: "/Analytics", kind: "429" });
    const sleeps: number[] = [];
    const logStart = s.emu.requestLog.length;
    const r = await runHarvest(
      {
        ...s.run,
        since: T0 - DAY,
        until: T0 + DAY,
        odataUrl: `${s.emu.url}/odata/v2.0?apikey=ignored-${KEY}`,
        learningSentences: false,
        odata: { pageSize: 4, sleep: async (ms) => void sleeps.push(ms) },
      },
      { logger: s.logger },
    );
    expect(r.status, r.error?.message).toBe("success");
    const h = r.harvest as HarvestSummary;
    expect(h.read.analytics).toBe(13); // the old one is filtered by the service
    expect(h.proposals.map((p) => [p.intent, p.locale, p.examples.length])).toEqual([["OrderPizza", "en-US", 6]]);
    const ex = h.proposals[0]!.examples;
    expect(ex.every((e) => e.source === "analytics" && e.score >= 0.75)).toBe(true);
    expect(ex.find((e) => e.text === "one large margherita pizza for delivery")).toMatchObject({ count: 2, score: 0.91 });
    expect(ex.map((e) => e.text)).toContain("pizza with pepperoni and cheese please");
    expect(h.dropped).toMatchObject({ pii: 1, duplicate: 1, "low-score": 3, "too-few": 1 });
    expect(h.tooFew).toEqual([{ intent: "Weather", locale: "en-US", count: 1 }]);

    // 13 rows at 4 a page: 4 pages, plus one 503 and one 429 retried after the injected sleeps
    const calls = s.emu.requestLog.slice(logStart).filter((e) => e.path.includes("/Analytics"));
    expect(calls.map((c) => c.status)).toEqual([503, 429, 200, 200, 200, 200]);
    expect(calls.every((c) => c.method === "GET" && c.hasApiKey)).toBe(true);
    const q = new URL(calls[2]!.path, s.emu.url).searchParams;
    expect(q.get("$filter")).toBe(`timestamp ge '${at(-DAY)}' and timestamp lt '${at(DAY)}'`);
    expect(calls.slice(2).map((c) => new URL(c.path, s.emu.url).searchParams.get("$skip"))).toEqual(["0", "4", "8", "12"]);
    expect(sleeps).toHaveLength(2);
    expect(sleeps[1]).toBe(1000); // Retry-After: 1
    expect(s.emu.requestLog.slice(logStart).filter((e) => !e.path.includes("/Analytics"))).toEqual([]); // no scoring, no upload

    const written = [readFileSync(h.patch, "utf8"), readFileSync(h.pr, "utf8"), JSON.stringify(r), ...s.logger.lines.map((l) => l.message)].join("\n");
    expect(written).not.toContain(KEY);
    expect(written).not.toContain("example.com");
    expect(readFileSync(h.pr, "utf8")).toMatch(/analytics records/);
  });

  it("a refused key, retries running out, or a non-OData answer fail with messages free of the key", async () => {
    const s = await seeded();
    const secret = "odata-secret key/+=9";
    const r = await runHarvest({ ...s.run, apiKey: secret, odataUrl: `${s.emu.url}/odata/v2.0`, learningSentences: false }, { logger: s.logger });
    expect(r.status).toBe("failure");
    expect(r.error?.message).toMatch(/refused \(401\)/);

    s.emu.faults.queue({ match: "/Analytics", kind: "500", times: 3 });
    const sleeps: number[] = [];
    const e = await readAnalytics({ url: `${s.emu.url}/odata/v2.0/Analytics`, apiKey: KEY, maxRetries: 2, sleep: async (ms) => void sleeps.push(ms) }).catch((x: Error) => x);
    expect((e as Error).message).toMatch(/answered 500 \(after 3 attempts\)/);
    expect(sleeps).toHaveLength(2);

    // a fetch that fails with the URL (and so the key) in its message: scrubbed
    const leaky = (async (u: URL) => {
      throw new TypeError(`fetch failed for ${u.toString()}`);
    }) as unknown as typeof fetch;
    const e2 = await readAnalytics({ url: "http://127.0.0.1:9/odata/v2.0", apiKey: secret, maxRetries: 1, fetch: leaky, sleep: async () => {} }).catch((x: Error) => x);
    expect((e2 as Error).message).toMatch(/network error/);
    expect((e2 as Error).message).not.toContain(encodeURIComponent(secret));
    expect((e2 as Error).message).not.toContain("odata-secret");

    const capped = await readAnalytics({ url: `${s.emu.url}/odata/v2.0`, apiKey: KEY, pageSize: 2, maxPages: 3 });
    expect([capped.rows, capped.pages, capped.truncated, capped.unscored]).toEqual([6, 3, true, 0]);

    const e3 = await readAnalytics({ url: `${s.emu.url}/new/v2.0/projects`, apiKey: KEY, maxRetries: 0 }).catch((x: Error) => x);
    expect((e3 as Error).message).not.toContain(KEY);
    for (const x of [r.error?.message ?? "", ...s.logger.lines.map((l) => l.message)]) expect(x).not.toContain(secret);
  });
});
