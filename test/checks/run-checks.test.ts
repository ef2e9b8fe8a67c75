import { describe, expect, it } from "vitest";
import { runChecks } from "../../src/checks/index.js";
import { checks, dataset } from "./build.js";

const rich = () =>
  dataset(
    {
      a: { examples: ["book a table for two", "x", "mail me at me@example.com", "one more", "and another", "yet another one", "yet another ones"], tests: ["a held out test"] },
      b: { examples: ["book a table for two", "book a table for too", "b three", "b four", "b five"], tests: ["book a table for 2"] },
    },
    [{ text: "q", expect: "nope" }],
  );

describe("runChecks", () => {
  it("runs every family and sorts by file, line, column", () => {
    const ds = rich();
    ds.findings.push({ rule: "yaml", severity: "error", file: "training-data/main/intents/0.yml", line: 2, column: 1, message: "bad" });
    const f = runChecks(ds, checks({ minExamples: { error: 5, warning: 15 } }));
    const rules = new Set(f.map((x) => x.rule));
    for (const r of ["yaml", "duplicate-across", "near-duplicate-within", "length", "pii", "unknown-intent", "min-examples"]) expect(rules).toContain(r);
    const keys = f.map((x) => [x.file, x.line, x.column]);
    expect(keys).toEqual([...keys].sort((p, q) => (p[0] < q[0] ? -1 : p[0] > q[0] ? 1 : (p[1] as number) - (q[1] as number) || (p[2] as number) - (q[2] as number))));
  });

  it("applies checks.rules overrides and checks.pii, and skips switched-off work", () => {
    const f = runChecks(rich(), checks({ rules: { "duplicate-across": "warning", length: "off" }, pii: "warning", nearDuplicate: "off" }));
    expect(f.filter((x) => x.rule === "duplicate-across").map((x) => x.severity)).toEqual(["warning"]);
    expect(f.some((x) => x.rule === "length")).toBe(false);
    expect(f.filter((x) => x.rule === "pii").map((x) => x.severity)).toEqual(["warning"]);
    expect(f.some((x) => x.rule.startsWith("near-duplicate"))).toBe(false);
    expect(runChecks(rich(), checks({ pii: "off" })).some((x) => x.rule === "pii")).toBe(false);
  });

  // speed: bench/validate.bench.ts ("1 MB utterance"); here only what it finds
  it("validates a 1 MB utterance; exact duplicates and exact leaks still cover it", () => {
    const big = "pizza ".repeat(Math.floor((1024 * 1024) / 6));
    const near = `${big}x`;
    const ds = dataset({ a: { examples: ["short one here", big, near], tests: [big] }, b: { examples: ["another one here", big] } });
    const f = runChecks(ds, checks({ minExamples: "off" }));
    const at = (rule: string) => f.filter((x) => x.rule === rule).map((x) => [x.file.replace(/.*\//, ""), x.line]);
    expect(at("length")).toEqual(expect.arrayContaining([["a.yml", 4], ["a.yml", 5], ["b.yml", 4]]));
    expect(at("duplicate-across")).toEqual([["b.yml", 4]]);
    expect(at("test-leakage")).toEqual([["a.yml", 7]]);
    // The near-equal search skips texts over (twice) the length max: no near-duplicate of the 1 MB pair.
    expect(f.filter((x) => x.rule.startsWith("near-duplicate"))).toEqual([]);
  });

  it("caps the near-equal search at twice the length max (texts within the max are searched)", () => {
    const long = "please book me a table for two at the italian place downtown tonight";
    const ds = dataset({ a: [long, "one more", "and another"], b: [`${long}!`.replace("two", "too"), "b three", "b four"] });
    const rules = (max: number) => runChecks(ds, checks({ minExamples: "off", length: { min: 2, max, limit: 2000 } })).filter((x) => x.rule === "near-duplicate-across").length;
    expect(rules(300)).toBe(1);
    expect(rules(long.length)).toBe(1);
    expect(rules(Math.floor(long.length / 2) - 1)).toBe(0);
  });
});
