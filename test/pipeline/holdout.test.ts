import { describe, expect, it } from "vitest";
import { shardSlice, splitHeldOut, stratifiedSample, unitHash } from "../../src/pipeline/holdout.js";

describe("holdout", () => {
  it("hashes deterministically into [0,1)", () => {
    expect(unitHash("s", "hello")).toBe(unitHash("s", "hello"));
    expect(unitHash("s", "hello")).not.toBe(unitHash("t", "hello"));
    const h = unitHash("s", "x");
    expect(h >= 0 && h < 1).toBe(true);
  });

  it("holds out about the share, at least one, never all; a sentence's fate does not depend on the others", () => {
    const keys = Array.from({ length: 1000 }, (_, i) => `sentence ${i}`);
    const held = splitHeldOut(keys, 0.2, "seed");
    expect(held.size).toBeGreaterThan(150);
    expect(held.size).toBeLessThan(250);
    // add one more sentence: nobody else moves
    const more = splitHeldOut([...keys, "one more"], 0.2, "seed");
    for (let i = 0; i < keys.length; i++) expect(more.has(i)).toBe(held.has(i));
    expect(splitHeldOut(["a", "b"], 0.2, "seed").size).toBe(1);
    expect(splitHeldOut(["a"], 0.2, "seed").size).toBe(0);
    expect(splitHeldOut(["a", "b", "c"], 0.99, "seed").size).toBe(2);
    expect(splitHeldOut(keys, 0, "seed").size).toBe(0);
  });

  it("samples every label, about the share, deterministically", () => {
    const items = [...Array.from({ length: 10 }, (_, i) => ({ l: "A", t: `a${i}` })), { l: "B", t: "b0" }];
    const s1 = stratifiedSample(items, 0.3, "x", (i) => i.l, (i) => i.t);
    expect(s1.filter((i) => i.l === "A")).toHaveLength(3);
    expect(s1.filter((i) => i.l === "B")).toHaveLength(1);
    expect(stratifiedSample(items, 0.3, "x", (i) => i.l, (i) => i.t)).toEqual(s1);
  });

  it("slices shards that concatenate to the whole list", () => {
    const items = Array.from({ length: 11 }, (_, i) => i);
    const parts = [1, 2, 3].map((i) => shardSlice(items, i, 3));
    expect(parts.flat()).toEqual(items);
    expect(parts.map((p) => p.length)).toEqual([3, 4, 4]);
  });
});
