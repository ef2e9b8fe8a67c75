import { describe, expect, it } from "vitest";
import { deletionCount, deletionLimit, type DesiredIntent, diffFlow, diffSentences, isEmptyDiff, MANAGED_TAG, type RemoteIntent } from "../../src/pipeline/diff.js";

const norm = (s: string) => s.toLowerCase().replace(/\s+/g, " ").trim();
const want = (name: string, en: string[], over: Partial<DesiredIntent> = {}): DesiredIntent => ({ name, tags: [], disabled: false, reject: false, examples: { en }, ...over });
const have = (name: string, en: string[], over: Partial<RemoteIntent> = {}): RemoteIntent => ({ id: `id-${name}`, name, tags: [MANAGED_TAG], isDisabled: false, isRejectIntent: false, sentences: { en }, ...over });

describe("diffSentences", () => {
  it("ignores whitespace/case-only edits and removes extra duplicates", () => {
    expect(diffSentences(["Hello  there", "new one"], ["hello there", "old", "HELLO THERE"], norm)).toEqual({ add: ["new one"], remove: ["old", "HELLO THERE"], unchanged: 1 });
  });
});

describe("diffFlow", () => {
  it("creates, updates, deletes owned intents and leaves unmanaged ones", () => {
    const d = diffFlow(
      [want("B", ["b1"], { description: "bee" }), want("A", ["a1", "a2"])],
      [have("B", ["b1"], { description: "old" }), have("Gone", ["g1", "g2"]), have("Manual", ["m"], { tags: [] })],
      { prune: false, locales: ["en"], normalize: norm },
    );
    expect(d.intents.map((i) => [i.name, i.action])).toEqual([
      ["A", "create"],
      ["B", "update"],
      ["Gone", "delete"],
    ]);
    expect(d.intents[0].value).toEqual({ name: "A", tags: [MANAGED_TAG], isDisabled: false, isRejectIntent: false });
    expect(d.intents[0].add).toEqual({ en: ["a1", "a2"] });
    expect(d.intents[1].fields).toEqual({ description: { from: "old", to: "bee" } });
    expect(d.unmanaged).toEqual(["Manual"]);
    expect(deletionCount(d)).toBe(2);
    expect(d.remoteSentences).toBe(4);
    const pruned = diffFlow([], [have("Manual", ["m"], { tags: [] })], { prune: true, locales: ["en"], normalize: norm });
    expect(pruned.intents[0].action).toBe("delete");
  });

  it("is empty when Cognigy already matches, and adopts intents by adding the ownership tag", () => {
    const same = diffFlow([want("A", ["a"], { tags: ["x"] })], [have("A", ["A "], { tags: [MANAGED_TAG, "x"] })], { prune: false, locales: ["en"], normalize: norm });
    expect(isEmptyDiff(same)).toBe(true);
    const adopt = diffFlow([want("A", ["a"])], [have("A", ["a"], { tags: [] })], { prune: false, locales: ["en"], normalize: norm });
    expect(adopt.intents[0].fields?.tags).toEqual({ from: [], to: [MANAGED_TAG] });
  });

  it("computes the deletion limit from a count or a percentage", () => {
    expect(deletionLimit(5, 1000)).toBe(5);
    expect(deletionLimit("10%", 1000)).toBe(100);
    expect(deletionLimit("2.5%", 100)).toBe(2);
  });
});
