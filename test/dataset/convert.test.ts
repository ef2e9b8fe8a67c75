import fc from "fast-check";
import { cleanWhitespace } from "../../src/dataset/normalize.js";
import { describe, expect, it } from "vitest";
import type { ExportedIntent } from "../../src/cognigy/types.js";
import { exportToYaml, fileNames, fileStem, yamlToExport } from "../../src/dataset/convert.js";
import { parseIntentFile } from "../../src/dataset/parse.js";

const flow = { locales: { "en-US": "en-US", "de-DE": "de-DE" }, defaultLocale: "en-US" };
const exported = (name: string, exampleSentences: string[], more: Partial<ExportedIntent> = {}): ExportedIntent => ({ name, exampleSentences, tags: [], isDisabled: false, isRejectIntent: false, ...more });

describe("export ↔ YAML", () => {
  it("gives stable, safe, unique file names", () => {
    expect(fileStem("OrderPizza")).toBe("order_pizza");
    expect(fileStem("Größe ändern / Bestellung")).toBe("grosse_andern_bestellung");
    expect(fileStem("../../etc/passwd")).toBe("etc_passwd");
    expect(fileStem("CON")).toBe("con_");
    expect(fileStem("???")).toBe("intent");
    const names = fileNames(["Order Pizza", "order_pizza", "OrderPizza", "Weather"]);
    expect(names.get("Order Pizza")).toBe("order_pizza.yml");
    expect(names.get("OrderPizza")).toMatch(/^order_pizza-[0-9a-f]{6}\.yml$/);
    expect(new Set([...names.values()].map((n) => n.toLowerCase())).size).toBe(4);
    // Stable: the same name gets the same file whatever else is in the set.
    expect(fileNames(["OrderPizza", "Order Pizza", "Zzz"]).get("OrderPizza")).toBe(names.get("OrderPizza"));
  });

  it("writes one file per intent, a plain list for the default locale only, a map otherwise", () => {
    const files = exportToYaml(
      {
        "en-US": [exported("OrderPizza", ["I want a pizza", "yes", "123", "#hashtag: tricky"], { description: "orders", tags: ["orders"], isDisabled: true }), exported("Greet", ["hello"])],
        "de-DE": [exported("OrderPizza", ["eine Pizza"])],
      },
      { defaultLocale: "en-US", schema: "../../../schema/intent.schema.json" },
    );
    expect(files.map((f) => f.file)).toEqual(["greet.yml", "order_pizza.yml"]);
    expect(files[0].text).toBe("# yaml-language-server: $schema=../../../schema/intent.schema.json\nintent: Greet\nexamples:\n  - hello\n");
    const pizza = parseIntentFile(files[1].text, "order_pizza.yml", flow);
    expect(pizza.findings).toEqual([]);
    expect(yamlToExport(pizza.intent!, "en-US")).toEqual(exported("OrderPizza", ["I want a pizza", "yes", "123", "#hashtag: tricky"], { description: "orders", tags: ["orders"], isDisabled: true }));
    expect(yamlToExport(pizza.intent!, "de-DE").exampleSentences).toEqual(["eine Pizza"]);
  });

  it("round-trips any intent export", () => {
    const text = fc.string({ minLength: 1, maxLength: 30 }).filter((s) => s.trim() === s && s.length > 0);
    const intent = fc.record({
      name: text,
      exampleSentences: fc.array(fc.string({ minLength: 1, maxLength: 40 }), { maxLength: 6 }),
      tags: fc.array(text, { maxLength: 3 }),
      isDisabled: fc.boolean(),
      isRejectIntent: fc.boolean(),
      description: fc.option(text, { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.uniqueArray(intent, { selector: (i) => i.name, maxLength: 5 }), (intents) => {
        const clean = intents.map((i) => {
          const { description, ...rest } = i;
          return description === undefined ? rest : { ...rest, description };
        });
        const files = exportToYaml({ "en-US": clean }, { defaultLocale: "en-US" });
        expect(new Set(files.map((f) => f.file)).size).toBe(clean.length);
        const back = files.map((f) => {
          const r = parseIntentFile(f.text, f.file, flow);
          expect(r.findings.filter((x) => x.rule === "yaml")).toEqual([]);
          return yamlToExport(r.intent!, "en-US");
        });
        const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : 1);
        // whitespace is cleaned on reading (what is uploaded and compared): trimmed and collapsed
        const cleaned = clean.map((i) => ({ ...i, exampleSentences: i.exampleSentences.map(cleanWhitespace) }));
        expect(back.sort(byName)).toEqual(cleaned.sort(byName));
      }),
      { numRuns: 300 },
    );
  });
});
