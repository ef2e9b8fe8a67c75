import { distance } from "fastest-levenshtein";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  boundedDistance,
  MAX_JOIN_LENGTH,
  maxEdits,
  similarity,
  similarJoin,
  similarJoinBetween,
  similarPairs,
  similarPairsBetween,
  similarPairsBetweenBrute,
  similarPairsBrute,
} from "../../src/checks/similarity.js";
import { normalize } from "../../src/dataset/normalize.js";
import { clincSlice, hwuSlice } from "../datasets.js";

/** Lists of strings with many near copies: random strings and edited copies of earlier ones. */
const texts = (alphabet: string) =>
  fc
    .array(
      fc.oneof(
        fc.string({ unit: fc.constantFrom(...alphabet), maxLength: 45 }),
        fc.tuple(fc.nat(), fc.array(fc.tuple(fc.nat(), fc.constantFrom(...alphabet), fc.integer({ min: 0, max: 2 })), { maxLength: 5 })),
      ),
      { maxLength: 70 },
    )
    .map((items) => {
      const out: string[] = [];
      for (const it of items) {
        if (typeof it === "string" || out.length === 0) out.push(typeof it === "string" ? it : "");
        else {
          let s = out[it[0] % out.length];
          for (const [p, c, op] of it[1]) {
            const at = s.length ? p % (s.length + 1) : 0;
            s = op === 0 ? s.slice(0, at) + c + s.slice(at) : op === 1 ? s.slice(0, at) + s.slice(at + 1) : s.slice(0, at) + c + s.slice(at + 1);
          }
          out.push(s);
        }
      }
      return out;
    });
const threshold = fc.constantFrom(0.3, 0.5, 0.6, 0.75, 0.8, 0.85, 0.9, 0.95, 1);

describe("similarity joins", () => {
  it("maxEdits is the largest distance still at or above the threshold", () => {
    for (const t of [0.5, 0.8, 0.85, 0.95, 1])
      for (let L = 1; L < 200; L++) {
        const k = maxEdits(L, t);
        expect(1 - k / L).toBeGreaterThanOrEqual(t);
        if (k < L) expect(1 - (k + 1) / L).toBeLessThan(t);
      }
  });

  it("boundedDistance equals the edit distance up to the bound", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 70 }), fc.string({ maxLength: 70 }), fc.nat(12), (a, b, k) => {
        const d = distance(a, b);
        expect(boundedDistance(a, b, k)).toBe(d <= k ? d : k + 1);
      }),
      { numRuns: 1000 },
    );
  });

  it("the self join returns exactly the all-pairs answer (random near-duplicate sets)", () => {
    fc.assert(
      fc.property(fc.oneof(texts("ab "), texts("abcdé 😀"), texts("abcdefghijklmnop qrstuvwxyz")), threshold, (list, t) => {
        expect(similarPairs(list, t)).toEqual(similarPairsBrute(list, t));
      }),
      { numRuns: 400 },
    );
  });

  it("the join between two lists returns exactly the all-pairs answer", () => {
    fc.assert(
      fc.property(texts("abc "), texts("abc "), threshold, (left, right, t) => {
        expect(similarPairsBetween(left, right, t)).toEqual(similarPairsBetweenBrute(left, right, t));
      }),
      { numRuns: 300 },
    );
  });

  it("matches all-pairs on real utterances (CLINC150 slice, vendored)", () => {
    const d = clincSlice();
    const slice = [...new Set(d.train.slice(0, 900).map(([t]) => normalize(t)))];
    const tests = [...new Set(d.test.slice(0, 200).map(([t]) => normalize(t)))];
    for (const t of [0.85, 0.95]) {
      const fast = similarPairs(slice, t);
      expect(fast).toEqual(similarPairsBrute(slice, t));
      expect(similarPairsBetween(tests, slice, t)).toEqual(similarPairsBetweenBrute(tests, slice, t));
      if (t === 0.85) expect(fast.length).toBeGreaterThan(10);
    }
  });

  it("matches all-pairs on real utterances with typos (HWU64 slice, vendored)", () => {
    const d = hwuSlice();
    const slice = [...new Set(d.train.map(([t]) => normalize(t)))];
    const tests = [...new Set(d.test.map(([t]) => normalize(t)))];
    expect(slice.length).toBeGreaterThan(900);
    for (const t of [0.8, 0.9]) {
      const fast = similarPairs(slice, t);
      expect(fast).toEqual(similarPairsBrute(slice, t));
      expect(similarPairsBetween(tests, slice, t)).toEqual(similarPairsBetweenBrute(tests, slice, t));
      if (t === 0.8) expect(fast.length).toBeGreaterThan(5);
    }
  });

  it("reports pairs once, ordered, with the similarity of the normalised form", () => {
    const list = ["book a table", "book a tables", "", "book a table", "something else"];
    expect(similarPairs(list, 0.9)).toEqual([
      { a: 0, b: 1, similarity: 1 - 1 / 13 },
      { a: 0, b: 3, similarity: 1 },
      { a: 1, b: 3, similarity: 1 - 1 / 13 },
    ]);
    expect(similarity("", "")).toBe(1);
    expect(similarJoin(list, 0.9)).toEqual({ pairs: similarPairs(list, 0.9), complete: true });
    expect(similarJoin(list, 0.9, { maxCandidates: 0 }).complete).toBe(false);
    expect(() => similarPairs(list, 0)).toThrow(RangeError);
  });

  it("never pairs texts over the length cap (a 1 MB text made the join run for minutes)", () => {
    const big = "pizza ".repeat(Math.floor((1024 * 1024) / 6));
    const list = ["short one here", big, `${big}x`, "short one here!", big];
    const self = similarJoin(list, 0.85);
    const between = similarJoinBetween(list, [big, "short one here?"], 0.85);
    // Only the short texts pair; the brute-force references skip the same texts.
    expect(self).toEqual({ pairs: [{ a: 0, b: 3, similarity: 1 - 1 / 15 }], complete: true });
    expect(between.pairs.map((p) => [p.a, p.b])).toEqual([
      [0, 1],
      [3, 1],
    ]);
    const mid = ["a".repeat(MAX_JOIN_LENGTH), `${"a".repeat(MAX_JOIN_LENGTH - 1)}b`, "a".repeat(MAX_JOIN_LENGTH + 1)];
    expect(similarPairs(mid, 0.9).map((p) => [p.a, p.b])).toEqual([[0, 1]]);
    expect(similarPairsBrute(mid, 0.9)).toEqual(similarPairs(mid, 0.9));
  });

  it("takes a lower cap (maxLength) and matches the brute force under it", () => {
    const list = ["book a table", "book a tables", "book a table for two people", "book a table for two peoples"];
    expect(similarJoin(list, 0.9, { maxLength: 13 }).pairs.map((p) => [p.a, p.b])).toEqual([[0, 1]]);
    expect(similarJoin(list, 0.9).pairs.map((p) => [p.a, p.b])).toEqual([
      [0, 1],
      [2, 3],
    ]);
    expect(similarJoin(list, 0.9, { maxLength: 13 }).pairs).toEqual(similarPairsBrute(list, 0.9, 13));
    expect(similarJoinBetween(list, list, 0.9, { maxLength: 13 }).pairs).toEqual(similarPairsBetweenBrute(list, list, 0.9, 13));
    // Asking for more than MAX_JOIN_LENGTH gets MAX_JOIN_LENGTH.
    const long = ["a".repeat(MAX_JOIN_LENGTH + 1), "a".repeat(MAX_JOIN_LENGTH + 1)];
    expect(similarJoin(long, 0.9, { maxLength: 1e9 }).pairs).toEqual([]);
  });
});
