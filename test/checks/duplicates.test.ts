import { describe, expect, it } from "vitest";
import { duplicateIntents, exactDuplicates } from "../../src/checks/duplicates.js";
import { testLeakage } from "../../src/checks/leakage.js";
import { viewOf } from "../../src/checks/view.js";
import { dataset } from "./build.js";

const view = (ds: ReturnType<typeof dataset>) => viewOf(ds.flows[0]);

describe("exact duplicates", () => {
  it("reports a copy in another intent as an error at the later copy, pointing at the first", () => {
    const ds = dataset({ a_intent: ["Hello there!", "unique one"], b_intent: ["something", "hello   THERE"] });
    expect(exactDuplicates(view(ds))).toEqual([
      expect.objectContaining({
        rule: "duplicate-across",
        severity: "error",
        file: "training-data/main/intents/b_intent.yml",
        line: 4,
        related: [{ file: "training-data/main/intents/a_intent.yml", line: 3, column: 5 }],
        message: expect.stringContaining("also an example of intent 'a_intent' (training-data/main/intents/a_intent.yml:3)"),
        intent: "b_intent",
        locale: "en-US",
      }),
    ]);
  });

  it("reports a repeat inside one intent as a warning; other locales are separate", () => {
    const ds = dataset({ a: { examples: { "en-US": ["hi you", "Hi, you!"], "de-DE": ["hi you"] } } }, [], ["en-US", "de-DE"]);
    expect(exactDuplicates(view(ds)).map((f) => [f.rule, f.severity, f.line])).toEqual([["duplicate-within", "warning", 4]]);
  });

  it("reports an intent name defined twice", () => {
    const ds = dataset({ one: { examples: ["x y"], file: "training-data/main/intents/a.yml" } });
    ds.flows[0].intents.push({ ...ds.flows[0].intents[0], file: "training-data/main/intents/b.yml" });
    expect(duplicateIntents(view(ds))).toEqual([expect.objectContaining({ rule: "duplicate-intent", file: "training-data/main/intents/b.yml", related: [{ file: "training-data/main/intents/a.yml", line: 1, column: 1 }] })]);
  });
});

describe("test leakage", () => {
  it("flags tests equal or near-equal to a training example of any intent, once per test", () => {
    const ds = dataset(
      { a: { examples: ["what is my account balance", "show my balance"], tests: ["What is my account balance?", "a fresh test sentence"] }, b: ["transfer money to savings"] },
      [
        { text: "transfer money to saving", expect: "b" },
        { text: "weather today", expect: null },
      ],
    );
    const f = testLeakage(view(ds), 0.95);
    expect(f.map((x) => [x.rule, x.file.split("/").pop(), x.line, x.message.match(/(equals|is \d+% similar to)/)?.[0]])).toEqual([
      ["test-leakage", "a.yml", 6, "equals"],
      ["test-leakage", "set.yml", 1, "is 96% similar to"],
    ]);
    expect(testLeakage(view(ds), "off").length).toBe(1);
  });
});
