// The near-duplicate benchmark's baselines are right: the fair one finds exactly the all-pairs answer, and the difflib
// port gives Python's SequenceMatcher(None, a, b).ratio() (values computed with CPython's difflib).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { difflibPairs, difflibRatio, lengthFilteredPairs } from "../../bench/near-duplicate-baselines.js";
import { similarPairsBrute } from "../../src/checks/similarity.js";

describe("near-duplicate bench baselines", () => {
  it("the length-filtered all-pairs baseline equals the naive all-pairs answer", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: fc.constantFrom("a", "b", " ", "c"), maxLength: 30 }), { maxLength: 60 }), fc.constantFrom(0.5, 0.8, 0.85, 0.95, 1), (list, t) => {
        expect(lengthFilteredPairs(list, t)).toEqual(similarPairsBrute(list, t));
      }),
      { numRuns: 300 },
    );
  });

  it("difflibRatio matches CPython's difflib", () => {
    const cases: [string, string, number][] = [
      ["book a table for two", "book a table for three", 0.8571428571428571],
      ["what's the weather", "whats the weather like", 0.85],
      ["", "abc", 0],
      ["abcabcabc", "cbacbacba", 0.4444444444444444],
      ["the quick brown fox jumps", "the quick brown dog jumped over", 0.7857142857142857],
      ["héllo wörld 😀", "hello world 😀!", 0.8148148148148148],
      ["a".repeat(250) + "b".repeat(10), "a".repeat(240) + "c".repeat(20), 0.9230769230769231],
    ];
    for (const [a, b, r] of cases) expect(difflibRatio(a, b)).toBeCloseTo(r, 12);
    expect(difflibRatio("", "")).toBe(1);
    expect(difflibPairs(["book a table", "book a tables", "weather"], 0.9).map((p) => [p.a, p.b])).toEqual([[0, 1]]);
  });
});
