// Near-duplicate groups: a centre and members within the threshold of it (no chaining), one finding per group.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { exactDuplicates } from "../../src/checks/duplicates.js";
import { groupTexts, nearDuplicates } from "../../src/checks/near-duplicates.js";
import { similarity, similarPairsBrute } from "../../src/checks/similarity.js";
import { viewOf } from "../../src/checks/view.js";
import { dataset } from "./build.js";

const view = (ds: ReturnType<typeof dataset>) => viewOf(ds.flows[0]);

describe("groupTexts", () => {
  it("never chains: in a chain a ~ b ~ c with a ≁ c, the groups are centred so each member is near its centre", () => {
    const texts = ["book a table", "book a cable", "cook a cable", "look a fable"];
    const pairs = similarPairsBrute(texts, 0.8);
    const groups = groupTexts(texts.length, pairs, (t) => t);
    for (const g of groups) for (const m of g.members) expect(similarity(texts[g.centre], texts[m.text])).toBeGreaterThanOrEqual(0.8);
    const covered = new Set(groups.flatMap((g) => [g.centre, ...g.members.map((m) => m.text)]));
    expect([...covered].sort()).toEqual([...new Set(pairs.flatMap((p) => [p.a, p.b]))].sort());
  });

  it("on random texts: every member within the threshold of its centre, every text with a near-duplicate in a group, centres in one group each", () => {
    const alphabet = fc.constantFrom("a", "b", "c", " ");
    fc.assert(
      fc.property(fc.array(fc.string({ unit: alphabet, minLength: 3, maxLength: 8 }), { maxLength: 40 }), (raw) => {
        const texts = [...new Set(raw)];
        const pairs = similarPairsBrute(texts, 0.75);
        const groups = groupTexts(texts.length, pairs, (t) => t);
        const centres = groups.map((g) => g.centre);
        expect(new Set(centres).size).toBe(centres.length);
        for (const g of groups)
          for (const m of g.members) {
            expect(m.text).not.toBe(g.centre);
            expect(similarity(texts[g.centre], texts[m.text])).toBeGreaterThanOrEqual(0.75);
            expect(m.similarity).toBeCloseTo(similarity(texts[g.centre], texts[m.text]), 12);
          }
        const covered = new Set(groups.flatMap((g) => [g.centre, ...g.members.map((m) => m.text)]));
        expect(covered).toEqual(new Set(pairs.flatMap((p) => [p.a, p.b])));
      }),
      { numRuns: 150, seed: 15 },
    );
  });
});

describe("near-duplicate findings", () => {
  it("twelve near-identical texts are one finding at the centre, every member in related with its text, the intents counted", () => {
    const base = "please book me a table for two tonight";
    const variants = Array.from({ length: 12 }, (_, i) => (i === 0 ? base : `${base}${"!?.,;:-+*#&%".slice(0, 1 + (i % 3))}${String.fromCharCode(97 + i)}`));
    const ds = dataset({ a: variants.slice(0, 6), b: variants.slice(6, 9), c: variants.slice(9) });
    const f = nearDuplicates(view(ds), 0.85);
    const groups = f.filter((x) => x.rule === "near-duplicate-across");
    expect(groups).toHaveLength(1);
    const g = groups[0];
    expect(g.related).toHaveLength(11);
    expect(g.message).toMatch(/and 11 near-identical texts \(.*\) span 3 intents: 'a', 'b', 'c'$/);
    const texts = [g.text, ...(g.related ?? []).map((r) => r.text)];
    expect(new Set(texts).size).toBe(12);
    for (const t of texts) expect(typeof t).toBe("string");
    expect(f.filter((x) => x.rule === "near-duplicate-within")).toEqual([]);
  });

  it("a group inside one intent is near-duplicate-within (info); across intents near-duplicate-across (warning)", () => {
    const ds = dataset({
      a: ["i want to book a table for two", "totally different words here", "i want to book a table for two"],
      b: ["i want to book a table for 2", "nothing alike at all today"],
      c: ["book a table for two", "book a table for too", "unrelated thing entirely"],
    });
    const f = nearDuplicates(view(ds), 0.85);
    expect(f.map((x) => [x.rule, x.severity, x.file.split("/").pop(), x.line, x.related?.map((r) => r.line)])).toEqual([
      ["near-duplicate-across", "warning", "a.yml", 3, [3]],
      ["near-duplicate-within", "info", "c.yml", 3, [4]],
    ]);
    expect(f[0].message).toMatch(/^"i want to book a table for two" and 1 near-identical text \("i want to book a table for 2"; ≥ 90% similar to it\) span 2 intents: 'a', 'b'$/);
    expect(f[1].message).toMatch(/in 1 intent 'c'$/);
  });

  it("each rule gets its share of the cap and the per-rule counts are exact", () => {
    // 30 across-intent groups and 6 within-intent groups; a cap of 10 listed findings
    let seed = 7;
    const letter = () => String.fromCharCode(97 + ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % 26));
    const across: Record<string, string[]> = { x: [], y: [] };
    for (let i = 0; i < 30; i++) {
      const t = Array.from({ length: 24 }, letter).join("");
      across.x.push(t);
      across.y.push(`${t}x`);
    }
    const within = Array.from({ length: 6 }, (_, i) => [`${"qwertyuiop"[i].repeat(9)} weather forecast`, `${"qwertyuiop"[i].repeat(9)} weather forecasts`]).flat();
    const ds = dataset({ ...across, w: within });
    const all = nearDuplicates(view(ds), 0.9);
    expect(all.filter((f) => f.rule === "near-duplicate-across")).toHaveLength(30);
    expect(all.filter((f) => f.rule === "near-duplicate-within")).toHaveLength(6);
    const capped = nearDuplicates(view(ds), 0.9, undefined, { maxFindings: 10 });
    const listed = (rule: string) => capped.filter((f) => f.rule === rule && f.line > 0);
    expect(listed("near-duplicate-within")).toHaveLength(5);
    expect(listed("near-duplicate-across")).toHaveLength(5);
    expect(capped.find((f) => f.rule === "near-duplicate-across" && f.line === 0)?.message).toBe("25 more near-duplicate groups spanning intents in en-US are not listed (30 groups in all)");
    expect(capped.find((f) => f.rule === "near-duplicate-within" && f.line === 0)?.message).toBe("1 more near-duplicate group within one intent in en-US are not listed (6 groups in all)");
    // a rule that needs less than half leaves the rest to the other
    const few = nearDuplicates(view(ds), 0.9, undefined, { maxFindings: 20 });
    expect(few.filter((f) => f.rule === "near-duplicate-within" && f.line > 0)).toHaveLength(6);
    expect(few.filter((f) => f.rule === "near-duplicate-across" && f.line > 0)).toHaveLength(14);
  });

  it("searches everything up to the size bound; past it, a stopped search says which texts it did not compare", () => {
    const many = Array.from({ length: 300 }, (_, i) => `book a table for ${i} people`);
    const ds = dataset({ a: many.slice(0, 150), b: many.slice(150) });
    const full = nearDuplicates(view(ds), 0.85, { maxPairs: 10, maxCandidates: 100 });
    expect(full.some((f) => /stopped/.test(f.message))).toBe(false);
    const stopped = nearDuplicates(view(ds), 0.85, { maxPairs: 10, maxCandidates: 100 }, { searchAllUpTo: 100 });
    const note = stopped.find((f) => /stopped/.test(f.message));
    expect(note?.message).toMatch(/^the near-duplicate search of en-US \(300 examples, over 100\) stopped at its work limit: the [\d,]+ distinct texts of \d+\+ characters \(of 300\) were not compared with each other$/);
  });

  it("masks PII in the texts it quotes and in related texts", () => {
    const ds = dataset({ a: ["write to john.doe@example.com now"], b: ["write to john.doe@example.com now!!"] });
    const all = JSON.stringify([...nearDuplicates(view(ds), 0.85), ...exactDuplicates(view(ds))]);
    expect(all).toContain("j***@e***.com");
    expect(all).not.toContain("john.doe");
  });
});
