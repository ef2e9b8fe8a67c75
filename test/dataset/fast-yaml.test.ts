import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fastYaml } from "../../src/dataset/fast-yaml.js";
import { parseYaml } from "../../src/dataset/yaml.js";

/** The `yaml` package's reading of a text (the reference), or undefined when it reports problems. */
function reference(text: string) {
  const r = parseYaml(text, "f.yml", { fast: false });
  return r.findings.length ? undefined : r.root;
}

const chars = fc.constantFrom(..."abcxyz XYZ019 :#'\"-?[]{},&*!|>%@`\\/.é€😀\u2028\u0007~\u00a0\u3000\ufeff\u0085\t".split(""), "é", "😀");
const word = fc.string({ unit: chars, minLength: 0, maxLength: 12 });
const plainish = fc.oneof(
  word,
  fc.constantFrom("true", "False", "null", "~", "12", "1.5", "0x1F", ".inf", "yes", "no", "7:30", "a: b", "a #b", "x#y"),
  fc.constantFrom("0", "-0", "-12", "007", "1.", "0.85", "-0.5", "1e3", "+5", "123456789012345", "1234567890123456789", "0.1234567890123456", "1_000"),
);

const scalar = fc.tuple(plainish, fc.constantFrom("plain", "single", "double", "json")).map(([s, style]) => {
  if (style === "single") return `'${s.replace(/'/g, "''")}'`;
  if (style === "double") return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
  if (style === "json") return JSON.stringify(s);
  return s;
});
const comment = fc.constantFrom("", "", " # note", "  #x");

const list = (indent: number) =>
  fc.tuple(fc.array(fc.tuple(scalar, comment), { minLength: 1, maxLength: 4 }), fc.constantFrom(0, 2)).map(([items, extra]) =>
    items.map(([s, c]) => `${" ".repeat(indent + extra)}- ${s}${c}\n`).join(""),
  );
const key = fc.constantFrom("intent", "description", "examples", "tests", "tags", "disabled", "en-US", "de-DE", "$schema", "x-y", "bad key", '"q"');

const value = (indent: number): fc.Arbitrary<string> =>
  fc.oneof(
    fc.tuple(scalar, comment).map(([s, c]) => ` ${s}${c}\n`),
    list(indent).map((l) => `\n${l}`),
    fc.constantFrom(" [orders, big pizza]\n", " []\n", " [a, 1]\n", "\n"),
    fc
      .array(fc.tuple(fc.constantFrom("error", "warning", "min", "x-y", "a", "a", "$k", "1"), fc.constantFrom("5", "15", "0.4", "off", "x/y", "10%", "true", "null", "-", "~", "1e3", "a b", "'q'", "", "[a]")), { maxLength: 3 })
      .chain((pairs) =>
        fc.tuple(fc.constantFrom(" ", "", "  "), fc.constantFrom(" ", "", "  "), fc.constantFrom("", " # c", "#c")).map(
          ([open, sep, tail]) => ` {${open}${pairs.map(([k, v]) => `${k}:${sep ? " " : ""}${v}`).join(`,${sep}`)}${open}}${tail}\n`,
        ),
      ),
    fc
      .array(fc.tuple(key, list(indent + 2)), { minLength: 1, maxLength: 3 })
      .map((pairs) => `\n${pairs.map(([k, l]) => `${" ".repeat(indent + 2)}${k}:\n${l}`).join("")}`),
  );

const doc = fc.oneof(
  fc.array(fc.tuple(key, value(0), fc.constantFrom("", "\n", "# c\n")), { minLength: 1, maxLength: 5 }).map((ps) => ps.map(([k, v, gap]) => `${gap}${k}:${v}`).join("")),
  fc
    .array(fc.tuple(scalar, scalar, fc.boolean()), { minLength: 1, maxLength: 4 })
    .map((items) => items.map(([t, e, loc]) => `- text: ${t}\n  expect: ${e}\n${loc ? "  locale: de-DE\n" : ""}`).join("")),
);

describe("fastYaml", () => {
  it("reads exactly what the yaml package reads, or declines (generated documents)", () => {
    let accepted = 0;
    fc.assert(
      fc.property(doc, fc.boolean(), (text, crlf) => {
        const t = crlf ? text.replace(/\n/g, "\r\n") : text;
        const fast = fastYaml(t);
        if (fast === undefined) return;
        accepted++;
        expect(fast).toEqual(reference(t));
      }),
      { numRuns: 3000 },
    );
    expect(accepted).toBeGreaterThan(300); // the generator does reach the fast path
  });

  it("never throws on arbitrary text", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        const r = fastYaml(s);
        if (r) expect(r).toEqual(reference(s));
      }),
      { numRuns: 2000 },
    );
  });

  it("takes the usual intent and test files, with positions", () => {
    const text = 'intent: OrderPizza\ntags: [orders]\nexamples:\n  en-US:\n    - "I want a pizza"\n    - get me a pizza # comment\n  de-DE:\n    - \'eine Pizza\'\n';
    const fast = fastYaml(text);
    expect(fast).toEqual(reference(text));
    expect(fast).toMatchObject({ type: "map", pairs: [{ key: "intent" }, { key: "tags" }, { key: "examples" }] });
    const tests = "- text: hi\n  expect: Greeting\n- text: what\n  expect: null\n";
    expect(fastYaml(tests)).toEqual(reference(tests));
  });

  it("takes the project's config file (numbers, flow maps, comments), with positions", () => {
    const text = readFileSync("cognigy-nlu.yml", "utf8");
    const fast = fastYaml(text);
    expect(fast).toBeDefined();
    expect(fast).toEqual(reference(text));
    const small = "checks:\n  minExamples: { error: 5, warning: 15 } # c\n  maxImbalance: 5\n  nearDuplicate: 0.85\n  length: {}\n";
    expect(fastYaml(small)).toEqual(reference(small));
  });

  it.each([
    ["tabs", "intent: a\nexamples:\n\t- x\n"],
    ["anchors", "intent: &a x\n"],
    ["duplicate keys", "intent: a\nintent: b\n"],
    ["multi-line plain", "intent: a\nexamples:\n  - one\n    two\n"],
    ["block scalar", "description: |\n  text\n"],
    ["other number forms", "intent: 0x2A\n"],
    ["numbers with an exponent", "intent: 1e3\n"],
    ["empty values", "intent: a\nexamples:\n"],
    ["documents", "intent: a\n---\nintent: b\n"],
    ["flow maps beyond simple values", "intent: {a: [b]}\n"],
    ["flow maps over lines", "intent: {a: b,\n  c: d}\n"],
    ["escapes beyond JSON", 'intent: "\\x41"\n'],
    ["control characters", "intent: a\u0001b\n"],
    ["mapping in a list item", "examples:\n  - what time: now\n"],
  ])("declines %s (the yaml package decides)", (_, text) => {
    expect(fastYaml(text)).toBeUndefined();
  });
});
