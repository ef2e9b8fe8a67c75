import { describe, expect, it } from "vitest";
import { fixMojibake, textFindings } from "../../src/checks/text.js";
import { viewOf } from "../../src/checks/view.js";
import { dataset } from "./build.js";

const run = (examples: string[], length: { min: number; max: number } | "off" = { min: 2, max: 300 }) =>
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
});
