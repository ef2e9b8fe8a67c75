import { describe, expect, it } from "vitest";
import { computeMetrics, NONE, OUT_OF_SCOPE, percentile, topPrediction, toScored, type Scored } from "../../src/pipeline/metrics.js";
import type { Prediction } from "../../src/report/types.js";

const s = (expected: string | null, predicted: string | null, score = 0.9, ms = 10, text = "t"): Scored => ({ expected, predicted, score, ms, text });

describe("computeMetrics", () => {
  it("computes accuracy, per-intent P/R/F1, macro and weighted averages by hand", () => {
    // A: 3 tests (2 right, 1 → B); B: 1 test (right); predictions of B: 2 (1 right)
    const m = computeMetrics([s("A", "A"), s("A", "A"), s("A", "B", 0.55, 10, "a to b"), s("B", "B")], { threshold: 0.4 });
    expect(m.total).toBe(4);
    expect(m.accuracy).toBeCloseTo(0.75);
    expect(m.perIntent.A).toEqual({ precision: 1, recall: 2 / 3, f1: 0.8, support: 3 });
    expect(m.perIntent.B.precision).toBeCloseTo(0.5);
    expect(m.perIntent.B.recall).toBe(1);
    expect(m.perIntent.B.f1).toBeCloseTo(2 / 3);
    expect(m.macroF1).toBeCloseTo((0.8 + 2 / 3) / 2);
    expect(m.macroPrecision).toBeCloseTo(0.75);
    expect(m.weightedF1).toBeCloseTo((0.8 * 3 + (2 / 3) * 1) / 4);
    expect(m.confusionMatrix).toEqual({ A: { A: 2, B: 1 }, B: { B: 1 } });
    expect(m.confusions).toEqual([{ expected: "A", predicted: "B", count: 1, examples: ["a to b"] }]);
    expect(m.outOfScope).toBeUndefined();
    expect(m.confidence?.correct[9]).toBe(3);
    expect(m.confidence?.wrong[5]).toBe(1);
  });

  it("handles out-of-scope tests and below-threshold predictions", () => {
    const m = computeMetrics([s(null, null, 0.2), s(null, "A", 0.7, 1, "oos hit"), s("A", null, 0.3, 1, "missed"), s("A", "A")], { threshold: 0.5 });
    expect(m.outOfScope).toEqual({ precision: 0.5, recall: 0.5, support: 2, threshold: 0.5 });
    expect(m.accuracy).toBe(0.5);
    expect(m.perIntent.A).toEqual({ precision: 0.5, recall: 0.5, f1: 0.5, support: 2 });
    expect(m.confusionMatrix[OUT_OF_SCOPE]).toEqual({ [NONE]: 1, A: 1 });
    expect(m.confusions.map((c) => [c.expected, c.predicted])).toEqual([
      [OUT_OF_SCOPE, "A"],
      ["A", NONE],
    ]);
  });

  it("keeps at most 3 examples per confusion, the first ones in order, and sorts confusions by count", () => {
    const items = [s("A", "B", 0.9, 1, "1"), s("C", "D"), s("A", "B", 0.9, 1, "2"), s("A", "B", 0.9, 1, "3"), s("A", "B", 0.9, 1, "4")];
    const m = computeMetrics(items, { threshold: 0 });
    expect(m.confusions[0]).toEqual({ expected: "A", predicted: "B", count: 4, examples: ["1", "2", "3"] });
    expect(m.confusions[1].expected).toBe("C");
  });

  it("reports latency percentiles and survives an empty list", () => {
    expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
    expect(percentile(Array.from({ length: 100 }, (_, i) => i + 1), 95)).toBe(95);
    const m = computeMetrics([], { threshold: 0.4 });
    expect(m.total).toBe(0);
    expect(m.macroF1).toBe(0);
    expect(m.latencyMs).toEqual({ p50: 0, p95: 0 });
  });

  it("qualifies labels with the flow when several flows are evaluated together", () => {
    const p = (flow: string, e: string, pr: string): Prediction => ({ flow, locale: "en", text: "x", expected: e, predicted: pr, score: 1, ms: 1 });
    expect(toScored([p("F", "A", "A")])[0].expected).toBe("A");
    expect(toScored([p("F", "A", "A"), p("G", "A", "B")]).map((x) => x.predicted)).toEqual(["F/A", "G/B"]);
  });
});

describe("topPrediction", () => {
  it("takes the best score and applies the threshold", () => {
    expect(topPrediction([{ name: "a", score: 0.3 }, { name: "b", score: 0.6 }], 0.5)).toEqual({ predicted: "b", score: 0.6 });
    expect(topPrediction([{ name: "a", score: 0.3 }], 0.5)).toEqual({ predicted: null, score: 0.3 });
    expect(topPrediction([], 0.5)).toEqual({ predicted: null, score: 0 });
  });
});
