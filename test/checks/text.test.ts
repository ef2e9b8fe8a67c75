import { describe, expect, it } from "vitest";
import { fixMojibake, textFindings } from "../../src/checks/text.js";
import { viewOf } from "../../src/checks/view.js";
import { parseIntentFile, parseTestsFile } from "../../src/dataset/parse.js";
import type { FlowData } from "../../src/dataset/types.js";
import { dataset, flow } from "./build.js";

const run = (examples: string[], length: { min: number; max: number; limit: number } | "off" = { min: 2, max: 300, limit: 2000 }) =>
  textFindings(viewOf(dataset({ a: examples }).flows[0]), length).map((f) => [f.rule, f.line, f.message]);

describe("text checks", () => {
  it("checks length bounds in characters (not UTF-16 units)", () => {
    expect(run(["x", "ok", "😀😀", "y".repeat(301)]).map((r) => [r[0], r[1]])).toEqual([
      ["length", 3],
      ["length", 6],
    ]);
    expect(run(["x"], "off")).toEqual([]);
  });

  it("names control, zero-width and bidi characters", () => {
    const f = run(["tab\there", "zero\u200bwidth", "evil \u202etxt", "soft\u00adhyphen"]);
    expect(f.map((r) => r[2])).toEqual([
      expect.stringContaining("U+0009 (tab)"),
      expect.stringContaining("U+200B (zero-width space)"),
      expect.stringContaining("U+202E (right-to-left override)"),
      expect.stringContaining("U+00AD (soft hyphen)"),
    ]);
    expect(f[1][2]).toContain("\\u200b");
  });

  it("allows joiners that belong to the writing (emoji sequences, Persian)", () => {
    expect(run(["family 👨\u200d👩\u200d👧 trip", "می\u200cخواهم"])).toEqual([]);
  });

  it("spots mojibake and suggests the repaired text", () => {
    const f = textFindings(viewOf(dataset({ a: ["cafÃ© au lait", "donâ€™t", "MÃ¼ller", "São Paulo ÃO"] }).flows[0]), "off");
    expect(f.map((x) => [x.rule, x.line, x.hint])).toEqual([
      ["mojibake", 3, 'it probably should read "café au lait"'],
      ["mojibake", 4, "it probably should read \"don't\"".replace("'", "\u2019")],
      ["mojibake", 5, 'it probably should read "Müller"'],
    ]);
    expect(fixMojibake("plain")).toBeUndefined();
  });

  describe("intent names, descriptions, tags and expected intents", () => {
    /** Findings for intent files and a test set read by the real parser (so lines are the files' lines). */
    const names = (files: string[], testSet = "") => {
      const f = flow();
      const data: FlowData = { flow: f, dir: "/repo/training-data/main", intents: [], tests: [], files: [] };
      files.forEach((text, i) => {
        const r = parseIntentFile(text, `intents/${i}.yml`, f);
        expect(r.findings).toEqual([]);
        data.intents.push(r.intent!);
      });
      if (testSet) data.tests.push(...parseTestsFile(testSet, "tests/set.yml", f).tests);
      return textFindings(viewOf(data), "off");
    };

    it.each([
      ["a zero-width space", '"Order\\u200BPizza"', "U+200B (zero-width space)", "\\u200b"],
      ["a right-to-left override", '"Order\\u202EazziP"', "U+202E (right-to-left override)", "\\u202e"],
      ["a zero-width joiner and a BOM", '"Order\\u200D\\uFEFFPizza"', "U+200D (zero-width joiner), U+FEFF (zero-width no-break space (BOM))", "\\u200d\\ufeff"],
    ])("reports %s in an intent name at the name's line, escaped", (_, yamlName, named, escaped) => {
      const f = names([`# a comment\nintent: ${yamlName}\nexamples: [one pizza please]\n`]);
      expect(f.map((x) => [x.rule, x.severity, x.file, x.line])).toEqual([["invisible-chars", "error", "intents/0.yml", 2]]);
      expect(f[0].message).toContain(named);
      expect(f[0].message.startsWith(`intent name "Order${escaped}`)).toBe(true);
      expect(f[0].message).not.toMatch(/[\u200b-\u200f\u202a-\u202e\ufeff]/);
    });

    it("checks the description, each tag and test-set expect values at their own lines", () => {
      const f = names(
        ["intent: Clean\ndescription: \"wants\u200Bpizza\"\ntags:\n  - fine\n  - \"bad\u2066tag\"\nexamples: [one pizza please]\n"],
        "- text: hello there\n  expect: Clean\n- text: bye now\n  expect: \"Cl\u200Bean\"\n- text: what\n  expect: null\n",
      );
      expect(f.map((x) => [x.file, x.line, x.message.split(" contains ")[0]])).toEqual([
        ["intents/0.yml", 2, 'the description "wants\\u200bpizza"'],
        ["intents/0.yml", 5, 'tag "bad\\u2066tag"'],
        ["tests/set.yml", 4, 'expected intent "Cl\\u200bean"'],
      ]);
      expect(f.every((x) => x.rule === "invisible-chars")).toBe(true);
    });

    it("leaves clean names alone and falls back to the intent's place without positions", () => {
      expect(names(["intent: OrderPizza\ndescription: wants pizza\ntags: [orders]\nexamples: [one pizza please]\n"], "- text: hi\n  expect: OrderPizza\n")).toEqual([]);
      const ds = dataset({ "Bad\u200bName": ["one pizza please"] });
      expect(textFindings(viewOf(ds.flows[0]), "off").map((x) => [x.line, x.intent])).toEqual([[1, "Bad\u200bName"]]);
    });
  });
});
