// harvest end to end: seeded learning sentences (re-scored) and a conversation-log file → patch + PR body; PII and duplicates out.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadDataset } from "../../src/dataset/load.js";
import { type HarvestSummary, MAX_DATED_READS, runHarvest } from "../../src/pipeline/harvest.js";
import { type Setup, setup, syncAndTrain } from "../backup/helpers.js";

const open: Setup[] = [];
afterEach(async () => {
  while (open.length) await open.pop()?.close();
});

const DAY = 86_400_000;
const T0 = Date.parse("2024-05-10T12:00:00Z");

async function seeded(emu: { learningSentencesByIntent?: boolean } = {}): Promise<Setup> {
  const s = await setup({ emu });
  open.push(s);
  await syncAndTrain(s);
  s.emu.seedLearningSentences("Main", [
    // six new pizza requests (one with control / bidi characters that clean-up removes)
    { intent: "OrderPizza", sentence: "i want a pepperoni pizza with extra cheese", createdAt: T0 },
    { intent: "OrderPizza", sentence: "one large margherita pizza for delivery", createdAt: T0 },
    { intent: "OrderPizza", sentence: "can i get a cheese pizza slice", createdAt: T0 },
    { intent: "OrderPizza", sentence: "order me a thin crust pizza", createdAt: T0 },
    { intent: "OrderPizza", sentence: "pizza with pepperoni and cheese please\u202e\u0007", createdAt: T0 },
    { intent: "OrderPizza", sentence: "large pizza order for tonight", createdAt: T0 },
    // already an example (normalised), PII, filed under the wrong intent (re-scoring attributes it to Weather), too old
    { intent: "OrderPizza", sentence: "Tell me about the PIZZA!", createdAt: T0 },
    { intent: "OrderPizza", sentence: "pizza order to jane.doe@example.com please", createdAt: T0 },
    { intent: "OrderPizza", sentence: "weather forecast rain tomorrow", createdAt: T0 },
    { intent: "OrderPizza", sentence: "a pepperoni pizza crust order", createdAt: T0 - 30 * DAY },
    // only two new ones: not enough for a proposal
    { intent: "Weather", sentence: "is it going to snow this weekend", createdAt: T0 },
    { intent: "Weather", sentence: "rain forecast for the weekend", createdAt: T0 },
  ]);
  return s;
}

describe("runHarvest", () => {
  it("proposes re-scored learning sentences, drops PII, duplicates, wrong intents and old ones; the patch applies", async () => {
    const s = await seeded();
    const logStart = s.emu.requestLog.length;
    const r = await runHarvest({ ...s.run, since: T0 - DAY, until: T0 + DAY, minScore: 0.3 }, s.deps);
    expect(r.status, r.error?.message).toBe("success");
    const h = r.harvest as HarvestSummary;
    expect(h.read.learningSentences).toBe(12);
    expect(h.proposals.map((p) => [p.intent, p.examples.length])).toEqual([["OrderPizza", 6]]);
    const texts = h.proposals[0]!.examples.map((e) => e.text);
    expect(texts).toContain("pizza with pepperoni and cheese please"); // control and bidi characters stripped
    expect(texts.join("\n")).not.toMatch(/example\.com|weather|tell me about/i);
    for (const e of h.proposals[0]!.examples) expect(e.score).toBeGreaterThanOrEqual(0.3);
    expect(h.dropped).toMatchObject({ pii: 1, duplicate: 1, "out-of-range": 1, "too-few": 3 });
    expect(h.tooFew).toEqual([{ intent: "Weather", locale: "en-US", count: 3 }]);
    // every learning sentence was scored at most once, and nothing was uploaded
    const during = s.emu.requestLog.slice(logStart);
    const scoreCalls = during.filter((e) => e.path.endsWith("/nlu/scores")).length;
    expect(scoreCalls).toBeGreaterThan(0);
    expect(scoreCalls).toBeLessThanOrEqual(10); // 12 read: the known one and the old one are never scored
    // listed once per flow (not per intent), never with an intentId; dates read per item (12 ≤ MAX_DATED_READS)
    const lists = during.filter((e) => /\/intents\/learningsentences(\?|$)/.test(e.path));
    expect(lists).toHaveLength(1);
    expect(lists[0]!.path).not.toContain("intentId");
    expect(during.filter((e) => /\/intents\/learningsentences\/[0-9a-f]{24}/.test(e.path))).toHaveLength(12);
    expect(during.filter((e) => e.method !== "GET" && !e.path.endsWith("/nlu/scores"))).toEqual([]);

    const patch = readFileSync(h.patch, "utf8");
    expect(patch).toContain("+++ b/training-data/main/intents/OrderPizza.yml");
    expect(patch).not.toContain("example.com");
    execFileSync("git", ["init", "-q"], { cwd: s.root });
    execFileSync("git", ["apply", "--check", h.patch], { cwd: s.root });
    execFileSync("git", ["apply", h.patch], { cwd: s.root });
    const ds = loadDataset({ config: s.run.config, root: s.root });
    expect(ds.findings.filter((f) => f.severity === "error")).toEqual([]);
    const pizza = ds.flows[0]!.intents.find((i) => i.name === "OrderPizza")!;
    expect(pizza.examples["en-US"]).toHaveLength(14);

    const pr = readFileSync(h.pr, "utf8");
    expect(pr).toMatch(/### OrderPizza \(en-US\) — 6 new/);
    expect(pr).toMatch(/\| one large margherita pizza for delivery \| 0\.\d{3} \| 1 \| learning-sentence \|/);
    expect(pr).toMatch(/contained PII \| 1 \|/);
    expect(pr).not.toContain("jane");
  });

  it("gives the same proposals whether or not the server filters learning sentences by intent", async () => {
    const plain = await seeded({ learningSentencesByIntent: false });
    const filtering = await seeded({ learningSentencesByIntent: true });
    const opts = { since: T0 - DAY, until: T0 + DAY, minScore: 0.3 };
    const a = (await runHarvest({ ...plain.run, ...opts }, plain.deps)).harvest as HarvestSummary;
    const b = (await runHarvest({ ...filtering.run, ...opts }, filtering.deps)).harvest as HarvestSummary;
    const view = (h: HarvestSummary) => ({ proposals: h.proposals.map((p) => [p.intent, p.examples.map((e) => [e.text, e.score])]), dropped: h.dropped, read: h.read });
    expect(view(a).proposals.length).toBeGreaterThan(0);
    expect(view(b)).toEqual(view(a));
  });

  it("attributes by top intent, score and margin: a high margin threshold drops the close calls as ambiguous", async () => {
    const s = await seeded();
    const config = { ...s.run.config, harvest: { ...s.run.config.harvest, minMargin: 1 } };
    const r = await runHarvest({ ...s.run, config, minScore: 0.3 }, { ...s.deps, config } as typeof s.deps);
    const h = r.harvest as HarvestSummary;
    expect(h.proposals.map((p) => p.examples.map((e) => [e.text, e.score]))).toEqual([]);
    expect(h.dropped.ambiguous).toBeGreaterThanOrEqual(6);
  });

  it("--since/--until with more learning sentences than can be read one by one says it needs the OData source", async () => {
    const s = await setup();
    open.push(s);
    await syncAndTrain(s, { train: false });
    s.emu.seedLearningSentences("Main", Array.from({ length: MAX_DATED_READS + 1 }, (_, i) => ({ intent: "OrderPizza", sentence: `pizza number ${i}` })));
    const err = await runHarvest({ ...s.run, since: T0 }, s.deps).then(
      () => undefined,
      (e: Error & { hint?: string }) => e,
    );
    expect(err?.message).toMatch(/--since\/--until: .*no dates/);
    expect(`${err?.message} ${err?.hint ?? ""}`).toMatch(/--odata-url/);
  });

  it("reads a conversation-log file (JSON or CSV), keeps user messages at or above the score, drops conflicts", async () => {
    const s = await setup();
    open.push(s);
    await syncAndTrain(s, { train: false });
    const rows = [
      ...["play some jazz music", "put on my workout playlist", "play the new album by the band", "i want to hear a guitar song", "start my music playlist"].map((t) => ({ inputText: t, intent: "PlayMusic", intentScore: 0.91, type: "input", source: "user", timestamp: "2024-05-10T10:00:00Z" })),
      { inputText: "play something", intent: "PlayMusic", intentScore: 0.5, source: "user", timestamp: "2024-05-10T10:00:00Z" }, // low score
      { inputText: "Here is your music", intent: "PlayMusic", intentScore: 0.99, source: "bot", timestamp: "2024-05-10T10:00:00Z" }, // not a user message
      { inputText: "tell me about the weather", intent: "PlayMusic", intentScore: 0.95, source: "user", timestamp: "2024-05-10T10:00:00Z" }, // Weather's example
      { inputText: "call my mum at +49 170 1234567", intent: "PlayMusic", intentScore: 0.95, source: "user", timestamp: "2024-05-10T10:00:00Z" }, // PII
    ];
    const json = join(s.root, "log.json");
    writeFileSync(json, JSON.stringify({ value: rows }));
    const r = await runHarvest({ ...s.run, input: json, learningSentences: false }, s.deps);
    expect(r.status, r.error?.message).toBe("success");
    const h = r.harvest as HarvestSummary;
    expect(h.read.logRecords).toBe(8);
    expect(h.proposals.map((p) => [p.intent, p.examples.length])).toEqual([["PlayMusic", 5]]);
    expect(h.dropped).toMatchObject({ "low-score": 1, conflict: 1, pii: 1 });

    const csv = join(s.root, "log.csv");
    const q = (v: unknown) => `"${String(v).replace(/"/g, '""')}"`;
    writeFileSync(csv, ["inputText,intent,intentScore,source,timestamp", ...rows.map((x) => [x.inputText, x.intent, x.intentScore, x.source, x.timestamp].map(q).join(","))].join("\r\n"));
    const r2 = await runHarvest({ ...s.run, input: csv, learningSentences: false, pii: "mask" }, s.deps);
    const h2 = r2.harvest as HarvestSummary;
    expect(h2.proposals[0]!.examples).toHaveLength(6); // the PII message, masked
    const masked = h2.proposals[0]!.examples.find((e) => e.masked);
    expect(masked?.text).not.toContain("1234567");
  });
});
