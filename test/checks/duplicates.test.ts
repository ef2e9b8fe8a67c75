import { describe, expect, it } from "vitest";
import { duplicateIntents, exactDuplicates } from "../../src/checks/duplicates.js";
import { testLeakage } from "../../src/checks/leakage.js";
import { nearDuplicates } from "../../src/checks/near-duplicates.js";
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

describe("near duplicates", () => {
  it("warns across intents, informs within, never repeats exact duplicates", () => {
    const ds = dataset({
      a: ["i want to book a table for two", "totally different words here", "i want to book a table for two"],
      b: ["i want to book a table for 2", "nothing alike at all today"],
      c: ["totally different word here"],
    });
    const f = nearDuplicates(view(ds), 0.85);
    expect(f.map((x) => [x.rule, x.severity, x.file.split("/").pop(), x.line, x.related?.[0].line])).toEqual([
      ["near-duplicate-across", "warning", "b.yml", 3, 3],
      ["near-duplicate-across", "warning", "c.yml", 3, 4],
    ]);
    expect(f[0].message).toMatch(/is 90% similar to "i want to book a table for two", an example of intent 'a'/);
    const within = nearDuplicates(view(dataset({ a: ["book a table for two", "book a table for too"] })), 0.85);
    expect(within).toEqual([expect.objectContaining({ rule: "near-duplicate-within", severity: "info", line: 4 })]);
  });

  it("stops and says so on pathological data instead of listing millions of pairs", () => {
    const many = Array.from({ length: 300 }, (_, i) => `book a table for ${i} people`);
    const f = nearDuplicates(view(dataset({ a: many.slice(0, 150), b: many.slice(150) })), 0.85, { maxPairs: 1000, maxCandidates: 1e9 });
    expect(f.length).toBeLessThanOrEqual(10_001);
    expect(f.at(-1)).toMatchObject({ rule: "near-duplicate-across", line: 0, message: expect.stringContaining("stopped early") });
    const all = nearDuplicates(view(dataset({ a: many.slice(0, 100), b: many.slice(100, 200) })), 0.85);
    expect(all).toHaveLength(10_001);
    expect(all[0].rule).toBe("near-duplicate-across");
    expect(all.at(-1)?.message).toMatch(/^[\d,]+ more near-duplicate pairs in en-US are not listed$/);
  });

  it("masks PII in the texts it quotes", () => {
    const ds = dataset({ a: ["write to john.doe@example.com now"], b: ["write to john.doe@example.com now!!"] });
    const all = JSON.stringify([...nearDuplicates(view(ds), 0.85), ...exactDuplicates(view(ds))]);
    expect(all).toContain("j***@e***.com");
    expect(all).not.toContain("john.doe");
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
