import { describe, expect, it } from "vitest";
import { fastYaml, MAX_NESTING, NestingTooDeep } from "../../src/dataset/fast-yaml.js";
import { parseIntentFile, parseTestsFile } from "../../src/dataset/parse.js";
import { toData } from "../../src/dataset/tree.js";
import { parseYaml } from "../../src/dataset/yaml.js";

const FLOW = { locales: { "en-US": "en-US" }, defaultLocale: "en-US" };

/** `intent: Deep` then `examples:` holding `levels` nested block maps (line 3 + i holds level i + 2), the last one `a: x`. */
function nestedMaps(levels: number, last = "a: x"): string {
  return `intent: Deep\nexamples:\n${Array.from({ length: levels }, (_, i) => `${" ".repeat(i + 1)}${i === levels - 1 ? last : "a:"}`).join("\n")}\n`;
}
/** The line of the first collection deeper than MAX_NESTING in nestedMaps (the root map is level 1; level L is on line L + 1). */
const FIRST_TOO_DEEP = MAX_NESTING + 2;

describe("nesting limit (a 3,100-level file overflowed the stack)", () => {
  it("the fast reader stops at the first level deeper than the limit, with its line", () => {
    let err: unknown;
    try {
      fastYaml(nestedMaps(3100, "a:"));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(NestingTooDeep);
    expect((err as NestingTooDeep).line).toBe(FIRST_TOO_DEEP);
  });

  it.each([
    ["fast reader", true],
    ["yaml package", false],
  ])("%s: a yaml finding at file:line, no tree, no throw", (_, fast) => {
    for (const levels of [MAX_NESTING, 200, 3100]) {
      const r = parseYaml(nestedMaps(levels), "deep.yml", { fast });
      expect(r.root).toBeUndefined();
      expect(r.findings).toEqual([expect.objectContaining({ rule: "yaml", file: "deep.yml", message: expect.stringContaining(`nesting deeper than ${MAX_NESTING} levels`) })]);
      // yaml itself runs out of stack on the 3,100-level file and reports where; below that, the limit names the line.
      if (fast || levels < 1000) expect(r.findings[0].line).toBe(FIRST_TOO_DEEP);
    }
  });

  it("reads a document exactly at the limit the same way through both readers", () => {
    const text = nestedMaps(MAX_NESTING - 1);
    const fast = parseYaml(text, "ok.yml");
    const slow = parseYaml(text, "ok.yml", { fast: false });
    expect(fast.findings).toEqual([]);
    expect(fast.root).toBeDefined();
    expect(fast.root).toEqual(slow.root);
    // One more level (a flow list at the bottom, on line MAX_NESTING + 1, counts too) is refused by both.
    const over = nestedMaps(MAX_NESTING - 1, "a: [x]");
    expect(parseYaml(over, "o.yml").findings.map((f) => f.line)).toEqual([MAX_NESTING + 1]);
    expect(parseYaml(over, "o.yml", { fast: false }).findings.map((f) => f.line)).toEqual([MAX_NESTING + 1]);
  });

  it("nested flow and block sequences get the same finding", () => {
    const flow = parseYaml(`intent: Deep\nexamples: ${"[".repeat(5000)}${"]".repeat(5000)}\n`, "f.yml");
    expect(flow.findings).toEqual([expect.objectContaining({ rule: "yaml", line: 2, message: expect.stringContaining("nesting deeper") })]);
    const seqs = parseYaml(`intent: Deep\nexamples:\n${Array.from({ length: 100 }, (_, i) => `${" ".repeat(2 * i + 2)}-`).join("\n")} x\n`, "s.yml");
    expect(seqs.findings).toEqual([expect.objectContaining({ rule: "yaml", message: expect.stringContaining("nesting deeper") })]);
  });
});

describe("aliases", () => {
  it("reports an undefined alias as a YAML error at its line (not as an empty value)", () => {
    const r = parseIntentFile("intent: OrderPizza\nexamples: [*nope, one pizza please]\n", "a.yml", FLOW);
    expect(r.intent).toBeUndefined();
    expect(r.findings).toEqual([expect.objectContaining({ rule: "yaml", line: 2, column: 12, message: "unknown alias *nope: no anchor &nope is defined before it" })]);
  });

  it("reports an alias inside the collection it names as a loop", () => {
    const r = parseYaml("intent: Loop\nexamples: &a [*a]\n", "l.yml");
    expect(r.root).toBeUndefined();
    expect(r.findings).toEqual([expect.objectContaining({ rule: "yaml", line: 2, message: expect.stringContaining("alias *a is inside the collection it names") })]);
  });

  it("still expands a defined alias", () => {
    const r = parseIntentFile("intent: A\ntags: &t [food]\ndescription: x\nexamples: [*t, two]\n", "ok.yml", FLOW);
    expect(r.findings.filter((f) => f.rule === "yaml")).toEqual([]);
  });
});

describe("reserved keys (__proto__, constructor, prototype)", () => {
  const texts = [
    ["top level", "intent: OrderPizza\n__proto__: {polluted: 1}\nexamples: [one pizza please]\n", 2],
    ["block map value", "intent: OrderPizza\n__proto__:\n  polluted: 1\nexamples: [one pizza please]\n", 2],
    ["locale key", 'intent: OrderPizza\nexamples:\n  "__proto__": [one pizza please]\n  en-US: [two pizzas]\n', 3],
    ["constructor", "intent: OrderPizza\nconstructor: {prototype: {polluted: 1}}\nexamples: [one pizza please]\n", 2],
    ["nested prototype", "intent: OrderPizza\nx:\n  prototype: 1\nexamples: [one pizza please]\n", 3],
  ] as const;

  it.each(texts)("%s: a schema finding at the key, the key dropped, nothing polluted (both readers)", (_, text, line) => {
    for (const fast of [true, false]) {
      const r = parseYaml(text, "p.yml", { fast });
      const reserved = r.findings.filter((f) => /reserved key/.test(f.message));
      expect(reserved).toEqual([expect.objectContaining({ rule: "schema", file: "p.yml", line })]);
      expect(reserved[0].message).toMatch(/'(__proto__|constructor|prototype)'/);
      const data = JSON.stringify(toData(r.root!));
      expect(data).not.toMatch(/__proto__|constructor|prototype/);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.prototype).not.toHaveProperty("polluted");
    }
  });

  it("intent files and test sets report it once, as the key's problem", () => {
    const i = parseIntentFile(texts[0][1], "i.yml", FLOW);
    expect(i.findings.map((f) => [f.rule, f.line])).toEqual([["schema", 2]]);
    expect(i.intent?.name).toBe("OrderPizza");
    const t = parseTestsFile("- text: hello there\n  expect: Greeting\n  __proto__: {polluted: yes}\n", "t.yml", FLOW);
    expect(t.findings.map((f) => [f.rule, f.line, f.message])).toEqual([["schema", 3, expect.stringContaining("'__proto__'")]]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
