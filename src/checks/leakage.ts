// Test leakage: a held-out test equal (after normalisation) or ≥ `leakage` similar to a training example of any intent.
import { finding } from "./finding.js";
import { quote, where } from "./show.js";
import { NEAR_DUPLICATE_LIMITS } from "./near-duplicates.js";
import { similarJoinBetween } from "./similarity.js";
import type { Finding } from "./types.js";
import { distinctTexts, type FlowView, type Item } from "./view.js";

/**
 * One finding per leaked test, naming its closest training example; `threshold` "off" = exact matches only.
 * Exact matches cover every text; the near-equal search skips normalised texts over `maxLength` (see MAX_JOIN_LENGTH).
 */
export function testLeakage(view: FlowView, threshold: number | "off", maxLength: number = NEAR_DUPLICATE_LIMITS.maxLength): Finding[] {
  const out: Finding[] = [];
  for (const locale of view.tests.keys()) {
    const ex = distinctTexts(view, "examples", locale);
    if (ex.texts.length === 0) continue;
    const ts = distinctTexts(view, "tests", locale);
    const examples = ex.byText;
    const testGroups = ts.byText;
    const testTexts = ts.texts;
    const exampleTexts = ex.texts;
    const exampleItems = ex.members;
    // Best match per distinct test text: exact first, else the most similar.
    const best = new Map<string, { sim: number; items: Item[] }>();
    for (const t of testTexts) {
      const exact = examples.get(t);
      if (exact) best.set(t, { sim: 1, items: exact });
    }
    if (threshold !== "off") {
      const join = similarJoinBetween(testTexts, exampleTexts, threshold, { ...NEAR_DUPLICATE_LIMITS, maxLength });
      for (const p of join.pairs) {
        const t = testTexts[p.a];
        const cur = best.get(t);
        if (!cur || p.similarity > cur.sim) best.set(t, { sim: p.similarity, items: exampleItems[p.b] });
      }
      if (!join.complete)
        out.push(
          finding("test-leakage", { file: ts.members[0][0].file, line: 0, column: 0 }, `the leakage check of ${locale} stopped early: too many tests are near-copies of examples to list them all`, {
            hint: "write tests as new phrasings, not variants of the examples",
            locale,
          }),
        );
    }
    for (const [t, match] of best) {
      const first = match.items[0];
      const how = match.sim === 1 ? "equals" : `is ${(match.sim * 100).toFixed(0)}% similar to`;
      for (const test of testGroups.get(t) ?? [])
        out.push(
          finding("test-leakage", test, `test ${quote(test.text)} ${how} a training example of intent '${first.intent}' (${where(first)})`, {
            hint: "a test the model was trained on measures nothing: reword the test or drop it from the examples",
            related: match.items.slice(0, 3),
            intent: test.intent ?? undefined,
            locale,
          }),
        );
    }
  }
  return out;
}
