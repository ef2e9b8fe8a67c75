// The findings baseline: stable keys (no line numbers), known vs new vs fixed, growth against the base branch's copy.
import { describe, expect, it } from "vitest";
import { baselineGrowth, baselineOf, matchBaseline, parseBaseline, renderBaseline } from "../../src/checks/baseline.js";
import { runChecks } from "../../src/checks/index.js";
import { checks, dataset } from "./build.js";

const base = { a: ["book a table for two", "reserve a table please", "a table tonight", "table for four", "dinner booking"], b: ["what is the weather", "weather tomorrow", "will it rain", "is it sunny", "book a table for two"] };
const run = (ds: ReturnType<typeof dataset>) => runChecks(ds, checks());

describe("findings baseline", () => {
  it("keys findings by rule, intent, locale and normalised texts: moving lines changes nothing", () => {
    const ds = dataset(base);
    const b = baselineOf(run(ds), ds);
    const conflict = b.findings.find((e) => e.rule === "duplicate-across");
    expect(conflict).toMatchObject({ texts: ["book a table for two"], count: 1 });
    expect(JSON.stringify(b)).not.toMatch(/"line"/);
    // the same data with the lines reordered: every finding is known, none fixed
    const moved = dataset({ a: [...base.a].reverse(), b: [...base.b].reverse() });
    const m = matchBaseline(run(moved), moved, b);
    expect(m.findings.filter((f) => !f.known)).toEqual([]);
    expect(m.fixed).toBe(0);
  });

  it("a new conflict is new; fixing a known one counts as fixed", () => {
    const ds = dataset(base);
    const b = parseBaseline(renderBaseline(baselineOf(run(ds), ds)))!;
    const grown = dataset({ ...base, b: [...base.b, "reserve a table please"] });
    const m = matchBaseline(run(grown), grown, b);
    const fresh = m.findings.filter((f) => !f.known && f.severity === "error");
    expect(fresh.map((f) => f.rule)).toEqual(["duplicate-across"]);
    expect(fresh[0].message).toContain("reserve a table please");
    const fixedData = dataset({ ...base, b: base.b.slice(0, 4).concat("is it windy") });
    const f = matchBaseline(run(fixedData), fixedData, b);
    expect(f.fixed).toBeGreaterThanOrEqual(1);
    expect(f.findings.some((x) => x.rule === "duplicate-across")).toBe(false);
  });

  it("stores texts with personal data as a hash, and sorts entries (pretty, stable)", () => {
    const ds = dataset({ a: [...base.a, "mail jane.doe@example.com now"], b: base.b });
    const text = renderBaseline(baselineOf(run(ds), ds));
    expect(text).not.toContain("jane");
    expect(text).toMatch(/"sha256:[0-9a-f]{16}"/);
    expect(text).toBe(renderBaseline(baselineOf(run(ds), ds)));
    expect(text.endsWith("}\n")).toBe(true);
  });

  it("measures how much a change grows the baseline against the base branch's copy", () => {
    const ds = dataset(base);
    const before = baselineOf(run(ds), ds);
    const grownDs = dataset({ ...base, b: [...base.b, "reserve a table please"] });
    const after = baselineOf(run(grownDs), grownDs);
    expect(baselineGrowth(before, after)).toEqual({ added: 1, removed: 0 });
    expect(baselineGrowth(after, before)).toEqual({ added: 0, removed: 1 });
    expect(baselineGrowth(undefined, before).added).toBe(before.findings.reduce((n, e) => n + e.count, 0));
  });
});
