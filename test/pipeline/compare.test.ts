// The paired comparison: McNemar's exact p against hand / exact-binomial values, pairing and exclusions, deltas,
// flipped utterances, the seeded bootstrap interval, and the regression rule.
import { describe, expect, it } from "vitest";
import { configSchema } from "../../src/config/schema.js";
import { bootstrapMacroF1Delta, comparePaired, gateComparison, mcnemarExact, pairPredictions } from "../../src/pipeline/compare.js";
import { pText as formatP } from "../../src/report/comparison.js";
import type { Prediction } from "../../src/report/types.js";

const gate = configSchema.parse({ cognigy: { baseUrl: "https://api-trial.cognigy.ai", project: "P" }, flows: [{ name: "Main", dir: "d", locales: { en: "en-US" }, defaultLocale: "en" }] }).gate;

function pred(text: string, expected: string | null, predicted: string | null, flow = "Main"): Prediction {
  return { flow, locale: "en", text, expected, predicted, score: 0.9, ms: 1 };
}

/** n utterances of `intent`, the first `wrong` of them predicted as `other`. */
function batch(intent: string, n: number, wrong: number, other: string, tag = ""): Prediction[] {
  return Array.from({ length: n }, (_, i) => pred(`${intent} ${tag}${i}`, intent, i < wrong ? other : intent));
}

describe("McNemar's exact test", () => {
  it("matches the two-sided exact binomial p (hand-computed and exact big-integer values)", () => {
    expect(mcnemarExact(0, 0)).toBe(1);
    expect(mcnemarExact(3, 3)).toBe(1); // 2 · 42/64 > 1
    expect(mcnemarExact(0, 5)).toBeCloseTo(2 / 32, 12);
    expect(mcnemarExact(5, 0)).toBeCloseTo(2 / 32, 12);
    expect(mcnemarExact(1, 5)).toBeCloseTo(14 / 64, 12); // 2 · (1 + 6) / 2^6
    expect(mcnemarExact(2, 12)).toBeCloseTo(212 / 16384, 12); // 2 · (1 + 14 + 91) / 2^14
    // 2 · Σ_{i ≤ min} C(n, i) / 2^n with exact integers (Python: math.comb)
    expect(mcnemarExact(37, 63)).toBeCloseTo(0.012032975725363477, 12);
    expect(mcnemarExact(400, 500)).toBeCloseTo(0.0009564441369189461, 12);
    expect(mcnemarExact(0, 3000)).toBe(0); // no overflow / NaN for big tables
    expect(mcnemarExact(1500, 1500)).toBe(1);
  });

  it("formats p for people", () => {
    expect(formatP(0.0385742)).toBe("0.039");
    expect(formatP(0.21875)).toBe("0.22");
    expect(formatP(0.00001)).toBe("< 0.0001");
  });
});

describe("comparePaired", () => {
  it("pairs the same utterances, repeated ones in order, and counts head utterances the base did not score as excluded", () => {
    const base = [pred("hi", "A", "A"), pred("hi", "A", "B"), pred("x", "B", "B")];
    const head = [pred("hi", "A", "B"), pred("hi", "A", "A"), pred("x", "B", "B"), pred("new", "B", "B"), pred("x", "A", "A")];
    const { pairs, excluded } = pairPredictions(base, head);
    expect(excluded).toBe(2);
    expect(pairs.map(([b, h]) => [b.predicted, h.predicted])).toEqual([
      ["A", "B"],
      ["B", "A"],
      ["B", "B"],
    ]);
  });

  it("computes macro and per-intent deltas and the flipped utterances on the paired utterances", () => {
    // base: A 10/10 right, B 10/10 right; head: A 7/10 (3 → B), B 10/10
    const base = [...batch("A", 10, 0, "B"), ...batch("B", 10, 0, "A")];
    const head = [...batch("A", 10, 3, "B"), ...batch("B", 10, 0, "A"), pred("only in head", "A", "A")];
    const c = comparePaired(base, head, { baseRef: "origin/main", engine: "local" });
    expect(c.excluded).toBe(1);
    expect(c.base).toMatchObject({ ref: "origin/main", engine: "local" });
    expect(c.base.metrics.total).toBe(20);
    expect(c.head.metrics.total).toBe(20);
    expect(c.base.metrics.macroF1).toBe(1);
    // head A: P = 7/7, R = 7/10 → F1 = 14/17; B: P = 10/13, R = 1 → F1 = 20/23
    expect(c.delta.perIntent.A).toBeCloseTo(14 / 17 - 1, 6);
    expect(c.delta.perIntent.B).toBeCloseTo(20 / 23 - 1, 6);
    expect(c.delta.macroF1).toBeCloseTo((14 / 17 + 20 / 23) / 2 - 1, 6);
    expect(c.delta.accuracy).toBeCloseTo(-3 / 20, 6);
    expect(c.flipped.toWrong.map((f) => [f.text, f.base, f.head])).toEqual([
      ["A 0", "A", "B"],
      ["A 1", "A", "B"],
      ["A 2", "A", "B"],
    ]);
    expect(c.flipped.toRight).toEqual([]);
    expect(c.significance.method).toBe("mcnemar-exact");
    expect(c.significance.pValue).toBeCloseTo(0.25, 12); // b = 3, c = 0: 2 / 8
  });

  it("counts an out-of-scope test as right when both predict no intent", () => {
    const base = [pred("weather?", null, null), pred("order", "A", "A")];
    const head = [pred("weather?", null, "A"), pred("order", "A", "A")];
    const c = comparePaired(base, head, { baseRef: "b", engine: "cognigy" });
    expect(c.flipped.toWrong).toEqual([{ flow: "Main", locale: "en", text: "weather?", expected: null, base: null, head: "A" }]);
  });

  it("qualifies intents by flow when several flows are compared", () => {
    const base = [pred("a", "A", "A", "F1"), pred("b", "A", "A", "F2")];
    const head = [pred("a", "A", "A", "F1"), pred("b", "A", null, "F2")];
    const c = comparePaired(base, head, { baseRef: "b", engine: "local" });
    expect(Object.keys(c.delta.perIntent).sort()).toEqual(["F1/A", "F2/A"]);
    expect(c.delta.perIntent["F2/A"]).toBe(-1);
  });

  it("gives a seeded, deterministic bootstrap interval that contains the observed delta", () => {
    const base = [...batch("A", 40, 2, "B"), ...batch("B", 40, 4, "A"), ...batch("C", 40, 1, "A")];
    const head = [...batch("A", 40, 14, "B"), ...batch("B", 40, 3, "A"), ...batch("C", 40, 1, "A")];
    const c1 = comparePaired(base, head, { baseRef: "b", engine: "local" });
    const c2 = comparePaired(base, head, { baseRef: "b", engine: "local" });
    expect(c2.significance).toEqual(c1.significance);
    const [lo, hi] = c1.significance.macroF1Interval;
    expect(lo).toBeLessThan(c1.delta.macroF1);
    expect(hi).toBeGreaterThan(c1.delta.macroF1);
    expect(hi).toBeLessThan(0); // a clear loss: the whole interval is below 0
    const other = comparePaired(base, head, { baseRef: "b", engine: "local", seed: 99 });
    expect(other.significance.macroF1Interval).not.toEqual(c1.significance.macroF1Interval);
    const wide = comparePaired(base, head, { baseRef: "b", engine: "local", widen: 2 });
    expect(wide.significance.macroF1Interval[1] - wide.significance.macroF1Interval[0]).toBeCloseTo(2 * (hi - lo), 5);
    expect(bootstrapMacroF1Delta([])).toEqual([0, 0]);
    // identical predictions: no difference in any resample
    expect(comparePaired(base, base, { baseRef: "b", engine: "local" }).significance.macroF1Interval).toEqual([0, 0]);
  });
});

describe("gateComparison", () => {
  const base = [...batch("OrderPizza", 30, 0, "CancelOrder"), ...batch("CancelOrder", 30, 0, "OrderPizza"), ...batch("Greeting", 30, 0, "OrderPizza")];

  it("fails a significant drop beyond maxRegression and names the intents that lost", () => {
    const head = [...batch("OrderPizza", 30, 12, "CancelOrder"), ...batch("CancelOrder", 30, 0, "OrderPizza"), ...batch("Greeting", 30, 0, "OrderPizza")];
    const c = comparePaired(base, head, { baseRef: "origin/main", engine: "local" });
    expect(c.significance.pValue).toBeLessThan(0.05);
    const g = gateComparison(c, gate);
    expect(g.passed).toBe(false);
    expect(g.reasons).toHaveLength(1);
    expect(g.reasons[0]).toMatch(/^macro F1 dropped from 1\.000 to 0\.\d{3} \(−0\.\d{3}, allowed −0\.020; McNemar p (= 0\.\d+|< 0\.0001), below 0\.05\)/);
    expect(g.reasons[0]).toMatch(/intents that lost: OrderPizza −0\.\d\d, CancelOrder −0\.\d\d$/);
    expect(g.checks.find((x) => x.name === "significance")?.passed).toBe(false);
  });

  it("passes a drop that is not significant, and any gain", () => {
    const head = [...batch("OrderPizza", 30, 2, "CancelOrder"), ...batch("CancelOrder", 30, 0, "OrderPizza"), ...batch("Greeting", 30, 0, "OrderPizza")];
    const c = comparePaired(base, head, { baseRef: "b", engine: "local" });
    expect(-c.delta.macroF1).toBeGreaterThan(gate.maxRegression);
    expect(c.significance.pValue).toBeGreaterThanOrEqual(0.05);
    const g = gateComparison(c, gate);
    expect(g).toMatchObject({ passed: true, reasons: [] });
    expect(g.checks.find((x) => x.name === "maxRegression.macroF1")?.passed).toBe(false);
    const better = comparePaired(head, base, { baseRef: "b", engine: "local" });
    expect(gateComparison(better, gate).passed).toBe(true);
    // a looser significance level turns the same drop into a failure
    expect(gateComparison(c, { ...gate, significance: 0.6 }).passed).toBe(false);
  });

  it("names at most five intents and says how many more lost", () => {
    const names = ["A", "B", "C", "D", "E", "F", "G"];
    const b = names.flatMap((n) => batch(n, 10, 0, "Z"));
    const h = names.flatMap((n) => batch(n, 10, 5, "Z"));
    const g = gateComparison(comparePaired(b, h, { baseRef: "b", engine: "local" }), gate);
    expect(g.reasons[0]).toMatch(/intents that lost: A −0\.33, B −0\.33, C −0\.33, D −0\.33, E −0\.33, 2 more$/);
  });
});
