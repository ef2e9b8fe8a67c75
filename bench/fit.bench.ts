// Benchmark: fitting the local classifier (the estimate's and the emulator's model) on the WebAssembly SGD kernel against
// the JS kernel (the same arithmetic, what runs where WebAssembly SIMD is missing), measured in the same run, on
// CLINC150 (CC BY 3.0, one flow of 150 intents), HWU64 (CC BY 4.0, 64 intents) and the example bot's en-US flow. Both
// kernels must give the same model, bit for bit (checked here on every data set, and in test/classifier/golden.test.ts).
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type Classifier, fitClassifierSync, type LabeledText, type SgdKernel } from "../src/classifier/model.js";
import { loadConfig } from "../src/config/load.js";
import { parseCsv } from "../src/dataset/csv.js";
import { loadDataset } from "../src/dataset/load.js";
import { classifierTrainingSet, readClinc } from "./clinc150.js";
import { clinc150, dataset } from "./datasets.js";

const RUNS = 5;

function modelHash(c: Classifier): string {
  const p = c.toParts();
  const h = createHash("sha256");
  for (const t of [p.buckets, p.idf, p.weights, p.bias]) h.update(Buffer.from(t.buffer, t.byteOffset, t.byteLength));
  return h.digest("hex");
}

function exampleBot(): LabeledText[] {
  const { config, root } = loadConfig("cognigy-nlu.yml", fileURLToPath(new URL("..", import.meta.url)));
  const ds = loadDataset({ config, root });
  return ds.flows.flatMap((f) => f.intents.flatMap((i) => (i.examples["en-US"] ?? []).map((u) => ({ text: u.text, label: i.name }))));
}

export async function bench(): Promise<void> {
  const sets: [string, LabeledText[]][] = [["example bot en-US", exampleBot()]];
  const hwu = dataset("hwu64/train.csv", "HWU64 (train.csv)");
  if (hwu) sets.push(["HWU64", parseCsv(readFileSync(hwu, "utf8"), ",").slice(1).map(([text, label]) => ({ text, label }))]);
  if (clinc150()) {
    const byIntent = classifierTrainingSet(readClinc());
    sets.push(["CLINC150 (one flow)", [...byIntent].flatMap(([label, list]) => list.map((text) => ({ text, label })))]);
  }
  for (const [name, data] of sets) {
    const K = new Set(data.map((d) => d.label)).size;
    const t: Record<SgdKernel, number[]> = { wasm: [], js: [] };
    const hashes: Record<SgdKernel, string> = { wasm: "", js: "" };
    for (let r = 0; r < RUNS; r++) {
      for (const kernel of ["wasm", "js"] as const) {
        const s = performance.now();
        const c = fitClassifierSync(data, { seed: 1, kernel });
        t[kernel].push(performance.now() - s);
        hashes[kernel] = modelHash(c);
      }
    }
    const med = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];
    const [w, j] = [med(t.wasm), med(t.js)];
    console.log(
      `  ${name.padEnd(20)} ${String(data.length).padStart(6)} examples, ${String(K).padStart(3)} intents: wasm ${w.toFixed(0).padStart(5)} ms, js ${j.toFixed(0).padStart(5)} ms (medians of ${RUNS}, warm) → ${(j / w).toFixed(2)}× ; same model: ${hashes.wasm === hashes.js ? "yes" : "NO"}`,
    );
    if (hashes.wasm !== hashes.js) process.exitCode = 1;
  }
}
