// featureRow (scoring) against the Map-based feature code it replaced, kept here verbatim as the reference: the same
// row, entry for entry, for any text — hostile Unicode included. Training rows are held to the same reference through
// the recorded models (golden.test.ts).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalOrder, featureRow, featureRows, fitClassifierSync, type LabeledText, tokenize, trainingMatrix } from "../../src/classifier/model.js";
import { hwuSlice } from "../datasets.js";

const HASH_MASK = (1 << 20) - 1;
const CHAR_MAX = 4;
const WORD_WEIGHT = 0.75;
const NS_WORD = 0x811c9dc5;
const NS_BIGRAM = 0x01000193 ^ 0x5bd1e995;
const NS_CHAR = 0x27d4eb2f;

function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function hashStr(seed: number, s: string): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return mix(h);
}

function rawFeatures(text: string): { words: Map<number, number>; chars: Map<number, number> } {
  const toks = tokenize(text);
  const words = new Map<number, number>();
  const chars = new Map<number, number>();
  const add = (m: Map<number, number>, h: number) => {
    const b = h & HASH_MASK;
    m.set(b, (m.get(b) ?? 0) + 1);
  };
  for (let i = 0; i < toks.length; i++) {
    add(words, hashStr(NS_WORD, toks[i]));
    if (i > 0) add(words, hashStr(NS_BIGRAM, `${toks[i - 1]} ${toks[i]}`));
    const w = ` ${toks[i]} `;
    for (let s = 0; s + 3 <= w.length; s++) {
      let h = NS_CHAR;
      for (let k = 0; k < CHAR_MAX && s + k < w.length; k++) {
        h = Math.imul(h ^ w.charCodeAt(s + k), 0x01000193);
        if (k >= 2) add(chars, mix(h));
      }
    }
  }
  return { words, chars };
}

function vectorize(raw: { words: Map<number, number>; chars: Map<number, number> }, index: Map<number, number>, idf: Float32Array) {
  const idx: number[] = [];
  const val: number[] = [];
  const block = (m: Map<number, number>, weight: number) => {
    const start = idx.length;
    let norm = 0;
    for (const [b, c] of m) {
      const j = index.get(b);
      if (j === undefined) continue;
      const v = (1 + Math.log(c)) * idf[j];
      idx.push(j);
      val.push(v);
      norm += v * v;
    }
    if (norm > 0) {
      const f = Math.sqrt(weight / norm);
      for (let i = start; i < idx.length; i++) val[i] *= f;
    }
  };
  const hasWords = raw.words.size > 0;
  const hasChars = raw.chars.size > 0;
  block(raw.words, hasChars ? WORD_WEIGHT : 1);
  block(raw.chars, hasWords ? 1 - WORD_WEIGHT : 1);
  return { idx: Int32Array.from(idx), val: Float32Array.from(val) };
}

describe("featureRow is the Map-based reference's row, entry for entry", () => {
  const hw = hwuSlice();
  const parts = fitClassifierSync(
    hw.train.map(([text, label]) => ({ text, label })),
    { seed: 1 },
  ).toParts();
  const index = new Map<number, number>();
  for (const [j, b] of parts.buckets.entries()) index.set(b, j);
  const same = (text: string) => {
    const got = featureRow(text, index, parts.idf);
    const want = vectorize(rawFeatures(text), index, parts.idf);
    expect([...got.idx]).toEqual([...want.idx]);
    expect(Buffer.from(got.val.buffer)).toEqual(Buffer.from(want.val.buffer));
  };
  it("on real texts (the slice's tests) and edge cases", () => {
    for (const [text] of hw.test) same(text);
    for (const t of ["", "   ", "a", "I", "¡!", "ﷺ", "ｆｕｌｌ ｗｉｄｔｈ", "it's its it’s", "x ".repeat(3000), "Straße straße STRASSE", "😀 emoji 😀😀", "a\u0000b"]) same(t);
  });
  it("on arbitrary Unicode (fast-check)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 80 }), (t) => same(t)),
      { numRuns: 400 },
    );
    fc.assert(
      fc.property(fc.array(fc.constantFrom("set", "alarm", "wake", "me", "up", "at", "7", "am", "please", "läuft", "ça"), { maxLength: 30 }), (ws) => same(ws.join(" "))),
      { numRuns: 300 },
    );
  });
});

describe("featureRows (many texts, one count) is featureRow of each", () => {
  const hw = hwuSlice();
  const parts = fitClassifierSync(
    hw.train.map(([text, label]) => ({ text, label })),
    { seed: 1 },
  ).toParts();
  const index = new Map<number, number>();
  for (const [j, b] of parts.buckets.entries()) index.set(b, j);
  const same = (texts: string[]) => {
    for (const kernel of ["wasm", "js"] as const) {
      const got = featureRows(texts, index, parts.idf, kernel);
      expect(got.length).toBe(texts.length);
      for (const [i, t] of texts.entries()) {
        const want = featureRow(t, index, parts.idf);
        expect([...got[i].idx]).toEqual([...want.idx]);
        expect(Buffer.from(got[i].val.buffer)).toEqual(Buffer.from(want.val.buffer));
      }
    }
  };
  it("on the slice's tests, edge cases and long texts, both counters", () => {
    same(hw.test.map(([t]) => t));
    same(["", "   ", "a", "¡!", "x ".repeat(3000), "😀 emoji 😀😀", "a\u0000b", "", "set an alarm set an alarm"]);
    same([]);
  });
  it("on arbitrary Unicode batches (fast-check)", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: "grapheme", maxLength: 40 }), { maxLength: 12 }), (ts) => same(ts)),
      { numRuns: 200 },
    );
  });
  it("Classifier.topMany is top of each text, to the bit", () => {
    const c = fitClassifierSync(
      hw.train.map(([text, label]) => ({ text, label })),
      { seed: 2 },
    );
    const texts = [...hw.test.map(([t]) => t), "", "zzzz qqqq"];
    const many = c.topMany(texts);
    for (const [i, t] of texts.entries()) {
      const one = c.top(t);
      expect(many[i]?.name).toBe(one?.name);
      expect(Object.is(many[i]?.score, one?.score)).toBe(true);
    }
    const nan = fitClassifierSync(
      [
        { text: "apple", label: "Z" },
        { text: "mango", label: "A" },
      ],
      { seed: 1, temperature: 0 },
    );
    expect(nan.topMany(["apple", "x"])).toEqual([nan.top("apple"), nan.top("x")]);
  });
});

describe("Classifier.top", () => {
  it("is score(text)[0], ties included (labels with equal probability: the first by name)", () => {
    const hw = hwuSlice();
    const c = fitClassifierSync(
      hw.train.map(([text, label]) => ({ text, label })),
      { seed: 2 },
    );
    for (const [text] of [...hw.test, ["", ""], ["zzzz qqqq", ""]]) expect(c.top(text)).toEqual(c.score(text)[0]);
    // untrained (0 epochs): every label has the same (zero) bias and weights, an exact tie; the model's label order
    // is by first example ("a" → B first), so the tie-break by name has to pick the second label
    const tie = fitClassifierSync(
      [
        { text: "a", label: "B" },
        { text: "b", label: "A" },
      ],
      { seed: 1, epochs: 0 },
    );
    expect(tie.labels).toEqual(["B", "A"]);
    expect(tie.score("")[0]).toEqual({ name: "A", score: 0.5 });
    expect(tie.top("")).toEqual({ name: "A", score: 0.5 });
    // temperature 0: every probability is NaN, and predict's comparator orders by name
    const nan = fitClassifierSync(
      [
        { text: "apple", label: "Z" },
        { text: "mango", label: "A" },
        { text: "zebra", label: "M" },
      ],
      { seed: 1, temperature: 0 },
    );
    expect(nan.top("apple")).toEqual(nan.score("apple")[0]);
    expect(nan.top("apple")?.name).toBe("A");
  });
});

describe("training rows (trainingMatrix) are the reference's rows of each example", () => {
  /** Every row of the training matrix against the Map-based reference with the matrix's own index and idf. */
  const rowsMatch = (data: LabeledText[]) => {
    for (const kernel of ["wasm", "js"] as const) rowsMatchOn(data, kernel);
  };
  const rowsMatchOn = (data: LabeledText[], kernel: "wasm" | "js") => {
    const m = trainingMatrix(data, kernel);
    expect(m.counter).toBe(kernel);
    const texts = canonicalOrder(data).map((d) => d.text);
    expect(m.y.length).toBe(data.length);
    for (const [i, text] of texts.entries()) {
      const want = vectorize(rawFeatures(text), m.index, m.idf);
      expect([...m.idx.subarray(m.start[i], m.start[i + 1])]).toEqual([...want.idx]);
      expect(Buffer.from(m.val.slice(m.start[i], m.start[i + 1]).buffer)).toEqual(Buffer.from(want.val.buffer));
    }
  };
  it("on real data, on edge cases (no data, one intent, empty and token-less texts, one text twice)", () => {
    rowsMatch(hwuSlice().train.map(([text, label]) => ({ text, label })));
    rowsMatch([]);
    rowsMatch([{ text: "wake me up at seven", label: "alarm" }]);
    rowsMatch([
      { text: "", label: "a" },
      { text: "!!! ???", label: "b" },
      { text: "play jazz", label: "a" },
      { text: "play jazz", label: "b" },
      { text: "ﷺ ｆｕｌｌ", label: "a" },
    ]);
  });
  it("when the bucket table grows mid-text (one text of 8,000 distinct three-letter words)", () => {
    const letters = "abcdefghijklmnopqrstuvwxyz";
    const words: string[] = [];
    for (let i = 0; i < 8000; i++) words.push(letters[i % 26] + letters[Math.floor(i / 26) % 26] + letters[Math.floor(i / 676) % 26]);
    const long = words.join(" ");
    rowsMatch([
      { text: long, label: "long" },
      { text: "short one", label: "short" },
    ]);
    // 32,000 characters start the table at 2^16 slots, grown past half full: more distinct buckets than that
    const m = trainingMatrix([{ text: long, label: "long" }]);
    expect(m.idf.length).toBeGreaterThan(1 << 15);
    expect(m.counter).toBe("wasm");
    // scoring grows its table past the reuse limit too, and the next (short) text still gets its own row
    for (const t of [long, "abc bcd", long.slice(0, 5000), ""]) {
      const got = featureRow(t, m.index, m.idf);
      const want = vectorize(rawFeatures(t), m.index, m.idf);
      expect([...got.idx]).toEqual([...want.idx]);
      expect(Buffer.from(got.val.buffer)).toEqual(Buffer.from(want.val.buffer));
    }
  });
});
