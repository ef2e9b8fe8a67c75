// check.maxRequests: which tests a bounded PR check scores (pure).
import { describe, expect, it } from "vitest";
import { confusedWith, intentKey, selectWithinBudget, stratifiedTake, touchedIntents } from "../../src/pipeline/selection.js";
import type { TestItem } from "../../src/pipeline/testset.js";

function tests(perIntent: Record<string, number>): TestItem[] {
  const out: TestItem[] = [];
  for (const [name, n] of Object.entries(perIntent)) for (let i = 0; i < n; i++) out.push({ flow: "Main", locale: "en-US", text: `${name} test ${i}`, expected: name, source: "intent" });
  return out;
}
const count = (items: TestItem[], name: string) => items.filter((t) => t.expected === name).length;

describe("selectWithinBudget", () => {
  const items = tests({ A: 10, B: 10, C: 40, D: 40, E: 100 });

  it("scores everything when it fits (each test costs one request per model)", () => {
    const s = selectWithinBudget(items, { maxRequests: 400, models: 2, touched: new Set([intentKey("Main", "A")]), seed: "s" });
    expect(s.items).toHaveLength(200);
    expect(s.fraction).toBe(1);
    expect(s.selection).toMatchObject({ total: 200, evaluated: 200 });
    expect(selectWithinBudget(items, { maxRequests: 0, models: 2, touched: new Set(), seed: "s" }).items).toHaveLength(200);
  });

  it("takes all tests of the touched and confused intents, then a proportional stratified sample of the rest", () => {
    const s = selectWithinBudget(items, { maxRequests: 120, models: 2, touched: new Set([intentKey("Main", "A")]), confused: () => new Set([intentKey("Main", "B")]), seed: "s" });
    expect(s.items).toHaveLength(60);
    expect(count(s.items, "A")).toBe(10);
    expect(count(s.items, "B")).toBe(10);
    // the other 40 split 40:40:100 → 9, 9, 22 (± 1 by rounding)
    expect(count(s.items, "C")).toBeGreaterThanOrEqual(8);
    expect(count(s.items, "E")).toBeGreaterThanOrEqual(21);
    expect(s.fraction).toBeCloseTo(0.3);
    expect(s.selection.how).toMatch(/^all 10 tests of the 1 intent the PR touches, all 10 tests of 1 intent the local model confuses with them, and a stratified 22% sample of the other 180 tests \(check\.maxRequests 120, 2 models\)$/);
    // the input order is kept
    const idx = s.items.map((t) => items.indexOf(t));
    expect([...idx].sort((a, b) => a - b)).toEqual(idx);
  });

  it("samples even the touched intents when they alone exceed the budget", () => {
    const s = selectWithinBudget(items, { maxRequests: 10, models: 2, touched: new Set([intentKey("Main", "A"), intentKey("Main", "B")]), seed: "s" });
    expect(s.items).toHaveLength(5);
    expect(s.items.every((t) => t.expected === "A" || t.expected === "B")).toBe(true);
    expect(s.selection.how).toMatch(/none of the other 180 tests/);
  });

  it("is deterministic for a seed", () => {
    const a = selectWithinBudget(items, { maxRequests: 100, models: 2, touched: new Set(), seed: "x" });
    const b = selectWithinBudget([...items], { maxRequests: 100, models: 2, touched: new Set(), seed: "x" });
    expect(a.items.map((t) => t.text)).toEqual(b.items.map((t) => t.text));
  });
});

describe("the parts", () => {
  it("touchedIntents: created, updated, deleted, or with sentence changes; not kept ones", () => {
    const t = touchedIntents("Main", {
      intents: [
        { name: "A", action: "keep", add: { "en-US": ["x"] }, remove: {}, unchanged: 3 },
        { name: "B", action: "keep", add: {}, remove: {}, unchanged: 3 },
        { name: "C", action: "delete", add: {}, remove: {}, unchanged: 0 },
        { name: "D", action: "keep", add: {}, remove: { "en-US": ["y"] }, unchanged: 1 },
      ],
    });
    expect([...t].sort()).toEqual([intentKey("Main", "A"), intentKey("Main", "C"), intentKey("Main", "D")]);
  });

  it("confusedWith: both directions of a confusion with a touched intent", () => {
    const items = tests({ A: 2, B: 1, C: 1 });
    const got = confusedWith(items, ["B", "A", "A", "C"], new Set([intentKey("Main", "A")]));
    expect([...got].sort()).toEqual([intentKey("Main", "B")]);
    expect([...confusedWith(items, ["A", "A", "C", "A"], new Set([intentKey("Main", "A")]))]).toEqual([intentKey("Main", "C")]);
  });

  it("stratifiedTake gives every stratum its share before any gets more", () => {
    const items = tests({ A: 2, B: 8 });
    const s = stratifiedTake(items, 5, "s");
    expect(count(s, "A")).toBe(1);
    expect(count(s, "B")).toBe(4);
  });

});
