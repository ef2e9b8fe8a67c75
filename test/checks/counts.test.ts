import { describe, expect, it } from "vitest";
import { exampleCounts, imbalance } from "../../src/checks/counts.js";
import { localeCoverage } from "../../src/checks/locales.js";
import { missingTests, unknownIntents } from "../../src/checks/tests.js";
import { viewOf } from "../../src/checks/view.js";
import { checks, dataset } from "./build.js";

const n = (k: number, p = "ex") => Array.from({ length: k }, (_, i) => `${p} ${i}`);
const rules = (f: { rule: string; severity: string; intent?: string; locale?: string }[]) => f.map((x) => [x.rule, x.severity, x.intent, x.locale]);

describe("example counts", () => {
  it("by default errors on an empty intent, warns below 5 and above 200, per locale; skips disabled intents", () => {
    const ds = dataset(
      { few: n(4), some: n(10), many: n(201), fine: { examples: { "en-US": n(20), "de-DE": n(3) } }, off: { examples: n(1), disabled: true }, none: { examples: [] } },
      [],
      ["en-US", "de-DE"],
    );
    expect(rules(exampleCounts(viewOf(ds.flows[0]), checks()))).toEqual([
      ["min-examples", "warning", "few", "en-US"],
      ["max-examples", "warning", "many", "en-US"],
      ["min-examples", "warning", "fine", "de-DE"],
      ["min-examples", "error", "none", "en-US"],
    ]);
    expect(rules(exampleCounts(viewOf(ds.flows[0]), checks({ minExamples: { error: 5, warning: 15 } })))).toEqual([
      ["min-examples", "error", "few", "en-US"],
      ["min-examples", "warning", "some", "en-US"],
      ["max-examples", "warning", "many", "en-US"],
      ["min-examples", "error", "fine", "de-DE"],
      ["min-examples", "error", "none", "en-US"],
    ]);
    expect(exampleCounts(viewOf(ds.flows[0]), checks({ minExamples: "off", maxExamples: "off" }))).toEqual([]);
  });

  it("flags intents far smaller than the largest one", () => {
    const ds = dataset({ big: n(60), small: n(11), ok: n(12) });
    const f = imbalance(viewOf(ds.flows[0]), 5);
    expect(f).toEqual([expect.objectContaining({ rule: "imbalance", intent: "small", message: expect.stringContaining("ratio 5.5, limit 5"), related: [{ file: "training-data/main/intents/big.yml", line: 1, column: 1 }] })]);
    expect(imbalance(viewOf(ds.flows[0]), "off")).toEqual([]);
  });
});

describe("tests and locales", () => {
  it("missing-tests counts intent-file tests and test-set expectations", () => {
    const ds = dataset({ a: { examples: ["x"], tests: ["t"] }, b: ["y"], c: ["z"] }, [{ text: "q", expect: "b" }]);
    expect(rules(missingTests(viewOf(ds.flows[0])))).toEqual([["missing-tests", "warning", "c", undefined]]);
  });

  it("unknown-intent names the nearest intent", () => {
    const ds = dataset({ OrderPizza: ["x"] }, [{ text: "q", expect: "OrderPiza" }, { text: "r", expect: null }]);
    expect(unknownIntents(viewOf(ds.flows[0]))).toEqual([expect.objectContaining({ rule: "unknown-intent", severity: "error", line: 1, message: expect.stringContaining("did you mean 'OrderPizza'?") })]);
  });

  it("locale coverage: examples in one mapped locale and none in another", () => {
    const ds = dataset({ both: { examples: { "en-US": ["a"], "de-DE": ["b"] } }, one: { examples: { "de-DE": ["c"] } } }, [], ["en-US", "de-DE"]);
    expect(rules(localeCoverage(viewOf(ds.flows[0])))).toEqual([["locale-coverage", "warning", "one", "en-US"]]);
  });
});
