// Evaluation metrics from per-utterance predictions (pure): accuracy, per-intent P/R/F1, averages, OOS, confusions, latency.
import type { Confusion, IntentMetrics, Metrics, Prediction } from "../report/types.js";

/** The predicted label when no intent scores at or above the threshold. */
export const NONE = "(none)";
/** The expected label of an out-of-scope test (its correct prediction is NONE). */
export const OUT_OF_SCOPE = "(out of scope)";
/** How many confusion pairs the report lists. */
export const TOP_CONFUSIONS = 10;
/** Example utterances kept per confusion pair. */
export const CONFUSION_EXAMPLES = 3;

/** What metrics need of one scored utterance (labels already qualified when several flows are evaluated together). */
export interface Scored {
  expected: string | null;
  predicted: string | null;
  score: number;
  ms: number;
  /** PII-masked text, for confusion examples. */
  text: string;
}

function ratio(a: number, b: number): number {
  return b > 0 ? a / b : 0;
}

function f1(p: number, r: number): number {
  return p + r > 0 ? (2 * p * r) / (p + r) : 0;
}

/** Nearest-rank percentile of a list (0 for an empty list). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1];
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Computes every metric of the report from predictions, in their order (the order decides which examples a confusion
 * shows, so concatenated shard predictions give exactly the unsharded result).
 *
 * - Per-intent precision / recall / F1 cover the intents with at least one test (support > 0); precision counts every
 *   prediction of the intent, including those on other intents' and out-of-scope tests. Macro = unweighted mean over
 *   those intents, weighted = mean weighted by support.
 * - A prediction below the flow's threshold is "(none)"; out-of-scope precision/recall treat "(none)" as the class.
 */
export function computeMetrics(items: readonly Scored[], opts: { threshold: number }): Metrics {
  const support = new Map<string, number>();
  const tp = new Map<string, number>();
  const predictedCount = new Map<string, number>();
  const matrix: Record<string, Record<string, number>> = {};
  const pairs = new Map<string, { expected: string; predicted: string; count: number; examples: string[] }>();
  const confidence = { correct: new Array<number>(10).fill(0), wrong: new Array<number>(10).fill(0) };
  const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  let correct = 0;
  let oosSupport = 0;
  let oosCorrect = 0;
  let predictedNone = 0;
  for (const it of items) {
    const e = it.expected ?? OUT_OF_SCOPE;
    const p = it.predicted ?? NONE;
    if (it.expected === null) oosSupport++;
    else bump(support, e);
    if (it.predicted === null) predictedNone++;
    else bump(predictedCount, p);
    const row = (matrix[e] ??= {});
    row[p] = (row[p] ?? 0) + 1;
    const ok = it.expected === it.predicted;
    const bin = Math.min(9, Math.max(0, Math.floor((Number.isFinite(it.score) ? it.score : 0) * 10)));
    if (ok) {
      correct++;
      confidence.correct[bin]++;
      if (it.expected === null) oosCorrect++;
      else bump(tp, e);
    } else {
      confidence.wrong[bin]++;
      const key = `${e}\u0000${p}`;
      let pair = pairs.get(key);
      if (!pair) pairs.set(key, (pair = { expected: e, predicted: p, count: 0, examples: [] }));
      pair.count++;
      if (pair.examples.length < CONFUSION_EXAMPLES) pair.examples.push(it.text);
    }
  }

  const perIntent: Record<string, IntentMetrics> = {};
  const labels = [...support.keys()].sort(cmp);
  let sumP = 0;
  let sumR = 0;
  let sumF = 0;
  let wP = 0;
  let wR = 0;
  let wF = 0;
  let totalSupport = 0;
  for (const label of labels) {
    const s = support.get(label) ?? 0;
    const t = tp.get(label) ?? 0;
    const precision = ratio(t, predictedCount.get(label) ?? 0);
    const recall = ratio(t, s);
    const f = f1(precision, recall);
    perIntent[label] = { precision, recall, f1: f, support: s };
    sumP += precision;
    sumR += recall;
    sumF += f;
    wP += precision * s;
    wR += recall * s;
    wF += f * s;
    totalSupport += s;
  }
  const n = labels.length;
  const confusions: Confusion[] = [...pairs.values()]
    .sort((a, b) => b.count - a.count || cmp(a.expected, b.expected) || cmp(a.predicted, b.predicted))
    .slice(0, TOP_CONFUSIONS)
    .map((c) => ({ expected: c.expected, predicted: c.predicted, count: c.count, examples: c.examples }));
  const latencies = items.map((i) => i.ms);
  const metrics: Metrics = {
    total: items.length,
    accuracy: ratio(correct, items.length),
    macroF1: ratio(sumF, n),
    macroPrecision: ratio(sumP, n),
    macroRecall: ratio(sumR, n),
    weightedF1: ratio(wF, totalSupport),
    weightedPrecision: ratio(wP, totalSupport),
    weightedRecall: ratio(wR, totalSupport),
    perIntent,
    confusionMatrix: sortMatrix(matrix),
    confusions,
    latencyMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95) },
    confidence,
  };
  if (oosSupport > 0) {
    metrics.outOfScope = { precision: ratio(oosCorrect, predictedNone), recall: ratio(oosCorrect, oosSupport), support: oosSupport, threshold: opts.threshold };
  }
  return metrics;
}

function sortMatrix(m: Record<string, Record<string, number>>): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const e of Object.keys(m).sort(cmp)) {
    const row: Record<string, number> = {};
    for (const p of Object.keys(m[e]).sort(cmp)) row[p] = m[e][p];
    out[e] = row;
  }
  return out;
}

/** The top prediction of a score list given the threshold: the intent name, or null when below it (or no scores). */
export function topPrediction(scores: readonly { name: string; score: number }[], threshold: number): { predicted: string | null; score: number } {
  let best: { name: string; score: number } | undefined;
  for (const s of scores) if (!best || s.score > best.score) best = s;
  if (!best) return { predicted: null, score: 0 };
  return { predicted: best.score >= threshold ? best.name : null, score: best.score };
}

/** Predictions as metric inputs; intent labels become "Flow/Intent" when several flows are evaluated together. */
export function toScored(predictions: readonly Prediction[]): Scored[] {
  const multi = new Set(predictions.map((p) => p.flow)).size > 1;
  const q = (flow: string, name: string | null) => (name === null || !multi ? name : `${flow}/${name}`);
  return predictions.map((p) => ({ expected: q(p.flow, p.expected), predicted: q(p.flow, p.predicted), score: p.score, ms: p.ms, text: p.text }));
}

/** Accuracy, macro F1 and count per YAML locale. */
export function metricsByLocale(predictions: readonly Prediction[], threshold: number): Record<string, { total: number; accuracy: number; macroF1: number }> {
  const out: Record<string, { total: number; accuracy: number; macroF1: number }> = {};
  const locales = [...new Set(predictions.map((p) => p.locale))].sort(cmp);
  for (const l of locales) {
    const m = computeMetrics(toScored(predictions.filter((p) => p.locale === l)), { threshold });
    out[l] = { total: m.total, accuracy: m.accuracy, macroF1: m.macroF1 };
  }
  return out;
}
