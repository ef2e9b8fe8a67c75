import { describe, expect, it } from "vitest";
import { mergeReports } from "../../src/pipeline/merge.js";
import { computeMetrics, toScored } from "../../src/pipeline/metrics.js";
import { splitFlow } from "../../src/pipeline/testset.js";
import type { Prediction, Report } from "../../src/report/types.js";
import { config, flowData, intent, testCase } from "./helpers.js";

describe("splitFlow", () => {
  it("holds out split examples only for intents without tests, and never uploads tests", () => {
    const cfg = config();
    const ex = Array.from({ length: 20 }, (_, i) => `example number ${i}`);
    const data = flowData(cfg, [intent("HasTests", { "en-US": ex }, { "en-US": ["held out test"] }), intent("NoTests", { "en-US": ex.map((e) => `${e} b`) })], [testCase("tests set item", "HasTests"), testCase("nothing", null)]);
    const s = splitFlow(data, { split: 0.2, seed: "s" }, []);
    expect(s.uploaded.get("HasTests")?.["en-US"]).toHaveLength(20);
    const noTests = s.uploaded.get("NoTests")?.["en-US"] ?? [];
    const held = s.tests.filter((t) => t.source === "split");
    expect(held.length).toBe(s.heldOut);
    expect(held.length).toBeGreaterThan(0);
    expect(noTests.length + held.length).toBe(20);
    for (const h of held) expect(noTests).not.toContain(h.text);
    expect(s.testsPerIntent).toEqual({ HasTests: 2, NoTests: held.length });
    expect(s.tests.map((t) => t.source)).toEqual(["intent", ...held.map(() => "split"), "testset", "testset"]);
    // deterministic
    expect(splitFlow(data, { split: 0.2, seed: "s" }, []).tests).toEqual(s.tests);
  });

  it("never holds out a sentence Cognigy already has: it stays in training and is not a test either", () => {
    const cfg = config();
    const ex = Array.from({ length: 40 }, (_, i) => `utterance number ${i}`);
    const data = flowData(cfg, [intent("NoTests", { "en-US": ex })]);
    const fresh = splitFlow(data, { split: 0.2, seed: "s" }, []);
    const candidates = fresh.tests.map((t) => t.text);
    expect(candidates.length).toBeGreaterThan(2);
    // adopted bot: every example already in Cognigy (written differently: the match is on normalised text)
    const all = splitFlow(data, { split: 0.2, seed: "s" }, [{ name: "NoTests", sentences: { "en-US": ex.map((t) => ` ${t.toUpperCase()}!`) } }]);
    expect(all.heldOut).toBe(0);
    expect(all.tests).toEqual([]);
    expect(all.keptInCognigy).toBe(candidates.length);
    expect(all.uploaded.get("NoTests")?.["en-US"]).toEqual(ex);
    expect(all.testsPerIntent).toEqual({ NoTests: 0 });
    // half of the candidates in Cognigy: only the others are held out
    const inCognigy = ex.filter((t) => !candidates.includes(t) || candidates.indexOf(t) % 2 === 0);
    const half = splitFlow(data, { split: 0.2, seed: "s" }, [{ name: "NoTests", sentences: { "en-US": inCognigy } }]);
    expect(half.tests.map((t) => t.text)).toEqual(candidates.filter((_, i) => i % 2 === 1));
    expect(half.uploaded.get("NoTests")?.["en-US"]).toEqual(inCognigy);
    // another intent's or another locale's sentence does not count
    const elsewhere = splitFlow(data, { split: 0.2, seed: "s" }, [{ name: "Other", sentences: { "en-US": ex } }, { name: "NoTests", sentences: { "de-DE": ex } }]);
    expect(elsewhere.tests).toEqual(fresh.tests);
  });

  it("a test in tests/*.yml counts as the intent's test (no split)", () => {
    const cfg = config();
    const data = flowData(cfg, [intent("A", { "en-US": ["a one", "a two", "a three", "a four"] })], [testCase("a five", "A")]);
    const s = splitFlow(data, { split: 0.5, seed: "s" }, []);
    expect(s.heldOut).toBe(0);
    expect(s.uploaded.get("A")?.["en-US"]).toHaveLength(4);
  });
});

describe("mergeReports", () => {
  const preds: Prediction[] = Array.from({ length: 30 }, (_, i) => ({
    flow: "Main",
    locale: "en-US",
    text: `u${i}`,
    expected: i % 7 === 0 ? null : `I${i % 3}`,
    predicted: i % 5 === 0 ? null : `I${(i * 2) % 3}`,
    score: (i % 10) / 10,
    ms: i,
  }));
  const report = (p: Prediction[], shard?: string): Report => ({
    version: 1,
    tool: { name: "cognigy-nlu", version: "t" },
    status: "success",
    mode: "evaluate",
    startedAt: "2025-01-01T00:00:00Z",
    summary: "",
    findings: [],
    timings: [{ step: "evaluate", ms: 1, outcome: "success" }],
    metrics: computeMetrics(toScored(p), { threshold: 0.4 }),
    predictions: p,
    evaluation: { threshold: 0.4, testsPerIntent: {}, heldOutBySplit: 0, totalTests: 30, scored: p.length, ...(shard ? { shard } : {}) },
  });

  it("recomputes exactly the unsharded metrics from shards given in any order", () => {
    const whole = computeMetrics(toScored(preds), { threshold: 0.4 });
    const parts = [preds.slice(0, 10), preds.slice(10, 20), preds.slice(20)];
    const { report: merged, notes } = mergeReports([
      { name: "c", report: report(parts[2], "3/3") },
      { name: "a", report: report(parts[0], "1/3") },
      { name: "b", report: report(parts[1], "2/3") },
    ]);
    expect(notes).toEqual([]);
    expect(merged.metrics).toEqual(whole);
    expect(merged.evaluation?.mergedShards).toEqual(["1/3", "2/3", "3/3"]);
  });

  it("refuses duplicates and reports without predictions; notes missing shards", () => {
    expect(() => mergeReports([{ name: "a", report: report(preds, "1/2") }, { name: "b", report: report(preds, "1/2") }])).toThrow(/also in a/);
    const bare = report(preds, "1/2");
    delete bare.predictions;
    expect(() => mergeReports([{ name: "a", report: bare }])).toThrow(/no per-utterance predictions/);
    expect(mergeReports([{ name: "a", report: report(preds, "1/2") }]).notes[0]).toMatch(/2\/2 missing/);
  });
});
