// The fast bootstrap interval against the frozen reference (bootstrap-reference.ts, the implementation it replaced):
// the same numbers bit for bit (Object.is) on random and on hand-picked inputs. Speed is measured in
// bench/bootstrap.bench.ts, not here.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bootstrapMacroF1Delta } from "../../src/pipeline/compare.js";
import { NONE, OUT_OF_SCOPE } from "../../src/pipeline/metrics.js";
import type { Prediction } from "../../src/report/types.js";
import { referenceBootstrap, syntheticPairs } from "./bootstrap-reference.js";

type Pair = [Prediction, Prediction];
type Opts = { iterations?: number; seed?: number; confidence?: number };

function pred(flow: string, text: string, expected: string | null, predicted: string | null): Prediction {
  return { flow, locale: "en", text, expected, predicted, score: 0.5, ms: 1 };
}

/** Both implementations' intervals, element by element with Object.is (−0 ≠ 0, NaN = NaN). */
function expectSame(pairs: readonly Pair[], opts?: Opts): void {
  const want = referenceBootstrap(pairs, opts);
  const got = bootstrapMacroF1Delta(pairs, opts);
  expect(got).toHaveLength(2);
  expect(Object.is(got[0], want[0]) && Object.is(got[1], want[1]), `got [${got}], want [${want}] for ${JSON.stringify(opts)}`).toBe(true);
}

const bot = syntheticPairs;

// a few labels, so that classes repeat, predictions hit and miss, and a label is often predicted (or expected by base
// only) before head expects it: the first-appearance order of the labels is not the order of the expected ones. Mostly
// right predictions, so that many classes have an F1 strictly between 0 and 1 (the order of their sum shows).
const label = fc.constantFrom(...Array.from("ABCDEFGHIJKL"), "Main/A", NONE, OUT_OF_SCOPE);
const maybe = fc.option(label, { nil: null, freq: 5 });
const flow = fc.constantFrom("Main", "Main", "Main", "Other");
const guess = fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: maybe, weight: 1 });
const pair: fc.Arbitrary<Pair> = fc
  .record({ bFlow: flow, hFlow: flow, sameFlow: fc.boolean(), expected: maybe, bExpected: maybe, sameExpected: fc.boolean(), b: guess, h: guess })
  .map(({ bFlow, hFlow, sameFlow, expected, bExpected, sameExpected, b, h }) => [
    pred(sameFlow ? hFlow : bFlow, "x", sameExpected ? expected : bExpected, b === undefined ? expected : b),
    pred(hFlow, "x", expected, h === undefined ? expected : h),
  ]);
const opts: fc.Arbitrary<Opts> = fc.record(
  {
    iterations: fc.oneof(fc.integer({ min: -3, max: 40 }), fc.integer({ min: 41, max: 400 }), fc.double({ min: -1, max: 40, noNaN: true })),
    seed: fc.oneof(fc.integer(), fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), fc.double()),
    confidence: fc.oneof(fc.constantFrom(0.5, 0.8, 0.9, 0.95, 0.99, 0.999, 0, 1), fc.double({ min: 0, max: 1, noNaN: true }), fc.double()),
  },
  { requiredKeys: [] },
);

describe("bootstrapMacroF1Delta is bit for bit the reference implementation", () => {
  it("on random pairs: labels only predicted, null / none / out of scope, several flows, base and head disagreeing on the expected intent", () => {
    fc.assert(
      fc.property(fc.array(pair, { maxLength: 120 }), opts, (pairs, o) => expectSame(pairs, o)),
      { numRuns: 1500 },
    );
  });

  it("on random pairs of all one kind: all right, all wrong, nothing predicted, nothing in scope", () => {
    const intent = fc.constantFrom("A", "B", "C", "D");
    const kinds: fc.Arbitrary<Pair>[] = [
      intent.map((e) => [pred("Main", "x", e, e), pred("Main", "x", e, e)]),
      fc.tuple(intent, intent, intent).map(([e, b, h]) => [pred("Main", "x", e, b === e ? null : b), pred("Main", "x", e, h === e ? OUT_OF_SCOPE : h)]),
      fc.tuple(intent, fc.constantFrom(null, NONE)).map(([e, p]) => [pred("Main", "x", e, p), pred("Main", "x", e, p)]),
      fc.tuple(fc.constantFrom(null, OUT_OF_SCOPE), maybe, maybe).map(([e, b, h]) => [pred("Main", "x", e, b), pred("Main", "x", e, h)]),
    ];
    for (const kind of kinds) {
      fc.assert(
        fc.property(fc.array(kind, { minLength: 1, maxLength: 40 }), opts, (pairs, o) => expectSame(pairs, o)),
        { numRuns: 200 },
      );
    }
  });

  it("on hand-picked inputs and options", () => {
    expect(bootstrapMacroF1Delta([])).toEqual([0, 0]);
    expectSame([]);
    expectSame([], { iterations: 5, seed: 3, confidence: 0.5 });
    const one: Pair[] = [[pred("Main", "x", "A", "B"), pred("Main", "x", "A", "A")]];
    for (const o of [undefined, {}, { iterations: 1 }, { iterations: 0 }, { iterations: Number.NaN }, { iterations: 2.5 }, { seed: 0 }, { seed: -1 }, { confidence: 0 }, { confidence: 1 }]) {
      expectSame(one, o);
    }
    const right = bot(50, 5, 1).map(([, h]): Pair => [pred("Main", h.text, h.expected, h.expected), pred("Main", h.text, h.expected, h.expected)]);
    expectSame(right);
    expect(bootstrapMacroF1Delta(right)).toEqual([0, 0]);
    const wrong = right.map(([b, h]): Pair => [{ ...b, predicted: "Elsewhere" }, { ...h, predicted: null }]);
    expectSame(wrong);
    expectSame(right.map(([b, h], i): Pair => (i % 3 ? [b, h] : [b, { ...h, predicted: "Intent0" }])), { iterations: 2000, seed: 7, confidence: 0.9 });
    // a label predicted long before it is expected, and one never expected
    const late: Pair[] = [
      [pred("Main", "1", "B", "C"), pred("Main", "1", "B", "Z")],
      [pred("Main", "2", "A", "A"), pred("Main", "2", "A", "C")],
      [pred("Main", "3", "C", "C"), pred("Main", "3", "C", "B")],
      [pred("Main", "4", "A", "B"), pred("Main", "4", "A", "A")],
    ];
    for (const seed of [1, 2, 3, 4, 5]) expectSame(late, { seed, iterations: 500 });
  });

  it("on a small bot (155 pairs, 16 intents) and a large one (3,000 pairs, 150 intents) with the default options", () => {
    const small = bot(155, 16, 7);
    expectSame(small);
    expectSame(small, { seed: 42, confidence: 0.9 });
    const large = bot(3000, 150, 11);
    expectSame(large);
    expectSame(large, { iterations: 300, seed: 5, confidence: 0.99 });
  });
});
