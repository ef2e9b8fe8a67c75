// A frozen copy of bootstrapMacroF1Delta (src/pipeline/compare.ts) as it was before its speed-up, with toScored
// (src/pipeline/metrics.ts) and the helpers it calls, copied verbatim: the reference the fast version must match bit
// for bit (test/pipeline/bootstrap-speed.test.ts) and the baseline of bench/bootstrap.bench.ts. Do not "improve" it.
// `syntheticPairs` (the data both use) is at the end.
import { mulberry32 } from "../../src/classifier/index.js";
import { NONE, OUT_OF_SCOPE, type Scored } from "../../src/pipeline/metrics.js";
import type { Prediction } from "../../src/report/types.js";

function toScored(predictions: readonly Prediction[]): Scored[] {
  const multi = new Set(predictions.map((p) => p.flow)).size > 1;
  const q = (flow: string, name: string | null) => (name === null || !multi ? name : `${flow}/${name}`);
  return predictions.map((p) => ({ expected: q(p.flow, p.expected), predicted: q(p.flow, p.predicted), score: p.score, ms: p.ms, text: p.text }));
}

/** Macro F1 over the intents with support in the sample (as computeMetrics): labels are small integers, −1 = none/out of scope. */
function macroF1Of(expected: Int32Array, predicted: Int32Array, idx: Int32Array, K: number, support: Int32Array, tp: Int32Array, pc: Int32Array): number {
  support.fill(0);
  tp.fill(0);
  pc.fill(0);
  for (let n = 0; n < idx.length; n++) {
    const i = idx[n];
    const e = expected[i];
    const p = predicted[i];
    if (e >= 0) support[e]++;
    if (p >= 0) pc[p]++;
    if (e >= 0 && e === p) tp[e]++;
  }
  let sum = 0;
  let labels = 0;
  for (let k = 0; k < K; k++) {
    if (support[k] === 0) continue;
    labels++;
    const prec = pc[k] > 0 ? tp[k] / pc[k] : 0;
    const rec = tp[k] / support[k];
    sum += prec + rec > 0 ? (2 * prec * rec) / (prec + rec) : 0;
  }
  return labels > 0 ? sum / labels : 0;
}

/** Nearest-rank quantile of a sorted array. */
function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i];
}

/** The seeded paired bootstrap interval of head − base macro F1 (same resampled utterances for both sides). */
export function referenceBootstrap(pairs: readonly [Prediction, Prediction][], opts: { iterations?: number; seed?: number; confidence?: number } = {}): [number, number] {
  const iterations = Math.max(1, opts.iterations ?? 1000);
  const confidence = opts.confidence ?? 0.95;
  const N = pairs.length;
  if (N === 0) return [0, 0];
  const scoredBase = toScored(pairs.map((p) => p[0]));
  const scoredHead = toScored(pairs.map((p) => p[1]));
  const ids = new Map<string, number>();
  const id = (l: string | null): number => {
    if (l === null || l === NONE || l === OUT_OF_SCOPE) return -1;
    let v = ids.get(l);
    if (v === undefined) ids.set(l, (v = ids.size));
    return v;
  };
  const expected = new Int32Array(N);
  const pb = new Int32Array(N);
  const ph = new Int32Array(N);
  for (let i = 0; i < N; i++) {
    expected[i] = id(scoredHead[i].expected);
    pb[i] = id(scoredBase[i].predicted);
    ph[i] = id(scoredHead[i].predicted);
  }
  const K = ids.size;
  const support = new Int32Array(K);
  const tp = new Int32Array(K);
  const pc = new Int32Array(K);
  const rnd = mulberry32(opts.seed ?? 1);
  const idx = new Int32Array(N);
  const deltas = new Float64Array(iterations);
  for (let it = 0; it < iterations; it++) {
    for (let n = 0; n < N; n++) idx[n] = Math.floor(rnd() * N);
    deltas[it] = macroF1Of(expected, ph, idx, K, support, tp, pc) - macroF1Of(expected, pb, idx, K, support, tp, pc);
  }
  deltas.sort();
  const a = (1 - confidence) / 2;
  return [quantile(deltas, a), quantile(deltas, 1 - a)];
}

/**
 * A bot of `pairs` paired predictions over `intents` intents: ~5% out-of-scope tests, base right ~85% of the time and
 * head ~83%, ~5% "no intent" predictions, the rest confused with a random intent.
 */
export function syntheticPairs(pairs: number, intents: number, seed: number): [Prediction, Prediction][] {
  const r = mulberry32(seed);
  const names = Array.from({ length: intents }, (_, i) => `Intent${i}`);
  const guess = (expected: string | null, right: number): string | null => {
    const x = r();
    return x < right ? expected : x < right + 0.05 ? null : names[Math.floor(r() * intents)];
  };
  return Array.from({ length: pairs }, (_, i) => {
    const expected = r() < 0.05 ? null : names[i % intents];
    const p = (predicted: string | null): Prediction => ({ flow: "Main", locale: "en", text: `t${i}`, expected, predicted, score: 0.5, ms: 1 });
    return [p(guess(expected, 0.85)), p(guess(expected, 0.83))];
  });
}
