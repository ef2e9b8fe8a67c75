import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalize } from "../../src/dataset/normalize.js";

describe("normalize", () => {
  it("lower-cases, strips punctuation and collapses whitespace", () => {
    expect(normalize("  Hello,   World!! ")).toBe("hello world");
    expect(normalize("What's my balance?")).toBe("whats my balance");
    expect(normalize("plain words stay")).toBe("plain words stay");
    expect(normalize("tab\tand\nnewline")).toBe("tab and newline");
  });

  it("applies NFKC: compatibility forms and composed accents compare equal", () => {
    expect(normalize("ＡＢＣ ﬁle")).toBe("abc file");
    expect(normalize("Cafe\u0301")).toBe(normalize("Café"));
    expect(normalize("ich möchte eine GROSSE Pizza")).toBe("ich möchte eine grosse pizza");
  });

  it("drops invisible format characters (zero-width, bidi) so hidden copies compare equal", () => {
    expect(normalize("hid\u200bden")).toBe("hidden");
    expect(normalize("\u202eevil")).toBe("evil");
  });

  it("keeps symbols that carry meaning", () => {
    expect(normalize("send €5 to Bob")).toBe("send €5 to bob");
    expect(normalize("🍕 please")).toBe("🍕 please");
  });

  it("is idempotent", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "grapheme", maxLength: 40 }), fc.string({ unit: "binary", maxLength: 40 })), (s) => {
        const once = normalize(s);
        expect(normalize(once)).toBe(once);
      }),
      { numRuns: 2000 },
    );
  });
});
