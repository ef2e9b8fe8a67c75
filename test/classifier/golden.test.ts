// The fitted model, bit for bit: a change to the SGD kernels (WebAssembly and JS) or the features that is meant to be a
// speed-up only must leave these hashes as they are. They were recorded with the plain per-class kernel (before the blocked one of
// session 4, design-notes "A faster SGD kernel with bit-identical models") on the vendored real-data slices: 3 and 6
// intents (the remainder loop alone; blocks plus remainder), 64 (blocks only), CLINC150's 150, and a strong L2
// penalty (the rescale branch). A change that is
// meant to change the model (features, learning rate, epochs) updates them, and says so in the design notes.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { type Classifier, type FitOptions, fitClassifier, fitClassifierSync, type LabeledText, type SgdKernel, wasmKernelAvailable } from "../../src/classifier/model.js";
import { clincSlice, hwuSlice } from "../datasets.js";

function modelHash(c: Classifier): string {
  const p = c.toParts();
  const h = createHash("sha256");
  for (const t of [p.buckets, p.idf, p.weights, p.bias]) h.update(Buffer.from(t.buffer, t.byteOffset, t.byteLength));
  h.update(p.labels.join("\n"));
  return h.digest("hex");
}

const hwu = hwuSlice().train.map(([text, label]) => ({ text, label }));
const clinc = clincSlice().train.map(([text, label]) => ({ text, label }));
function firstIntents(d: LabeledText[], n: number): LabeledText[] {
  const keep = new Set([...new Set(d.map((x) => x.label))].sort().slice(0, n));
  return d.filter((x) => keep.has(x.label));
}

const cases: [name: string, data: LabeledText[], opts: FitOptions, sha256: string][] = [
  ["HWU64, 3 intents", firstIntents(hwu, 3), { seed: 3 }, "9e4ba1c8f9d7b3da57ef7c7f512e00d467dc334aaaa5bdefe2910a4707a37b90"],
  ["HWU64, 6 intents", firstIntents(hwu, 6), { seed: 3 }, "bdaabc0430e964186ba476c487a7ab3ef579d3e55492580be00bb4c350feb06e"],
  ["HWU64, 64 intents", hwu, { seed: 3 }, "d1d47e0c52899316964817e7dbe865376632bbe59cab0499f4625d532046a993"],
  ["CLINC150 slice, 150 intents", clinc, { seed: 3 }, "514ba34e7a4adaa656a3cd52603d2322550c94aef836b4f83ec0deb0536663e3"],
  // l2 0.01: the weights' scale falls under 1e-3 four times (the rescale branch; the default l2 never gets there)
  ["HWU64, 6 intents, l2 0.01", firstIntents(hwu, 6), { seed: 3, l2: 0.01 }, "79326809be3fbb5bdbe9c20d4226fc25acb02505888c3988eaf54f0f5de75b68"],
];

describe("the fitted model is the recorded one, bit for bit, on either SGD kernel", () => {
  it("the WebAssembly kernel is available on this runtime (else the wasm cases below would test the JS one)", () => {
    expect(wasmKernelAvailable()).toBe(true);
  });
  const kernels: SgdKernel[] = ["wasm", "js"];
  it.each(kernels.flatMap((k) => cases.map(([name, data, opts, sha]) => [k, name, data, opts, sha] as const)))("%s kernel: %s", (kernel, _name, data, opts, sha) => {
    const stats: FitOptions["stats"] = {};
    expect(modelHash(fitClassifierSync(data, { ...opts, kernel, stats }))).toBe(sha);
    expect(stats).toEqual({ kernel, counter: kernel }); // it ran on the code asked for, not on a fallback
  });
  it("a WebAssembly memory the runtime refuses (a virtual-memory limit) falls back to the JS kernel: same model, no error", () => {
    const wasm = (globalThis as unknown as { WebAssembly: { Memory: unknown } }).WebAssembly;
    const memory = wasm.Memory;
    wasm.Memory = function refused() {
      throw new RangeError("WebAssembly.Memory(): could not allocate memory");
    };
    try {
      const [, data, opts, sha] = cases[1];
      const stats: FitOptions["stats"] = {};
      expect(modelHash(fitClassifierSync(data, { ...opts, kernel: "wasm", stats }))).toBe(sha);
      expect(stats).toEqual({ kernel: "js", counter: "js" });
    } finally {
      wasm.Memory = memory;
    }
  });
  it("scores are the recorded ones (the HWU64 model on the slice's 192 tests, every label's probability)", () => {
    const hw = hwuSlice();
    const c = fitClassifierSync(hwu, { seed: 3 });
    const h = createHash("sha256");
    for (const [text] of hw.test) for (const p of c.predict(text)) h.update(`${p.label}\u0000${p.score}\u0001`);
    expect(h.digest("hex")).toBe("065b727e2fd3df2e0f6f0f895067b339284cbb4142a89f5a58c851d1df585784");
  });
  it.each(kernels)("%s kernel: the async fit, in chunks, gives the same model", async (kernel) => {
    const [, data, opts, sha] = cases[2];
    expect(modelHash(await fitClassifier(data, { ...opts, chunk: 97, kernel }))).toBe(sha);
  });
});
