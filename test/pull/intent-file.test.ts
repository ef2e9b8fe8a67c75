// Intent files edited in place: comments and layout kept, examples synced by normalised text, new files rendered.
import { parse, parseDocument } from "yaml";
import { describe, expect, it } from "vitest";
import { appendExamples, intentFileBase, layoutOf, renderIntentFile, setExamples, setIntentFields } from "../../src/pipeline/pull/intent-file.js";

const one = { defaultLocale: "en-US", locales: ["en-US"] };
const two = { defaultLocale: "en-US", locales: ["en-US", "de-DE"] };
const key = (s: string) => s.toLowerCase().replace(/\s+/g, " ").trim();
const edit = (text: string, fn: (d: ReturnType<typeof parseDocument>) => void) => {
  const doc = parseDocument(text);
  fn(doc);
  return doc.toString(layoutOf(text));
};

describe("intentFileBase", () => {
  it("is stable snake_case ASCII", () => {
    expect(intentFileBase("OrderPizza")).toBe("order_pizza");
    expect(intentFileBase("accept_reservations")).toBe("accept_reservations");
    expect(intentFileBase("Größe ändern")).toBe("grosse_andern");
    expect(intentFileBase("HTTPError")).toBe("http_error");
    expect(intentFileBase("???")).toBe("intent");
  });
});

describe("renderIntentFile", () => {
  it("writes a plain list for a one-locale flow and quotes what needs it", () => {
    const text = renderIntentFile({ name: "A", tags: ["x"], disabled: false, reject: true, examples: { "en-US": ["yes", "123", "a: b", "# not a comment"] } }, one);
    expect(parse(text)).toEqual({ intent: "A", tags: ["x"], reject: true, examples: ["yes", "123", "a: b", "# not a comment"] });
    expect(text).toContain("tags: [x]");
  });
  it("writes a locale map for several locales and the schema comment", () => {
    const text = renderIntentFile({ name: "A", description: "d", tags: [], disabled: false, reject: false, examples: { "de-DE": ["hallo"], "en-US": ["hi"] } }, two, "../../schema/intent.schema.json");
    expect(text.startsWith("# yaml-language-server: $schema=../../schema/intent.schema.json\n")).toBe(true);
    expect(parse(text)).toEqual({ intent: "A", description: "d", examples: { "en-US": ["hi"], "de-DE": ["hallo"] } });
  });
});

describe("in-place edits", () => {
  const original = [
    "# header comment",
    "intent: A # the name",
    "tags: [t1]",
    "disabled: false # keep me",
    "examples:",
    "  - one # first",
    "  - Two",
    "  - gone",
    "tests:",
    "  - held out",
    "",
  ].join("\n");

  it("keeps comments and untouched items, removes and appends by normalised text", () => {
    const out = edit(original, (d) => {
      expect(setExamples(d, one, "en-US", ["one", "two ", "three"], key)).toEqual({ added: 1, removed: 1 });
    });
    expect(out).toBe(["# header comment", "intent: A # the name", "tags: [t1]", "disabled: false # keep me", "examples:", "  - one # first", "  - Two", "  - three", "tests:", "  - held out", ""].join("\n"));
  });

  it("is a no-op when nothing changed", () => {
    expect(edit(original, (d) => setExamples(d, one, "en-US", ["one", "Two", "gone"], key))).toBe(original);
  });

  it("sets fields in place", () => {
    const out = edit(original, (d) => setIntentFields(d, { name: "A", description: "new", tags: ["t1", "t2"], disabled: true, reject: false, examples: {} }));
    expect(out).toContain("disabled: true # keep me");
    expect(out).toContain("tags: [t1, t2]");
    expect(out).toContain("description: new");
    expect(out).not.toContain("reject");
  });

  it("turns a plain list into a locale map when another locale appears", () => {
    const out = edit(original, (d) => appendExamples(d, two, "de-DE", ["eins"]));
    expect(parse(out).examples).toEqual({ "en-US": ["one", "Two", "gone"], "de-DE": ["eins"] });
    expect(out).toContain("one # first");
  });

  it("keeps 4-space layouts", () => {
    const text = "intent: B\nexamples:\n    en-US:\n        - a\n";
    expect(edit(text, (d) => appendExamples(d, two, "en-US", ["b"]))).toBe("intent: B\nexamples:\n    en-US:\n        - a\n        - b\n");
  });
});
