// The paired comparison (pure): base and head scored on the same utterances — per-intent and macro deltas, flipped
// utterances, McNemar's exact test on the discordant pairs, a seeded paired bootstrap interval of the macro F1 delta,
// and the regression rule of the check's gate.
import type { GateConfig } from "../config/schema.js";
import type { Comparison, ComparisonMetrics, EvaluationEngine, FlippedUtterance, Metrics, Prediction } from "../report/types.js";
import { pEquals, signedDelta as signed } from "../report/comparison.js";
import { computeMetrics, NONE, OUT_OF_SCOPE, toScored } from "./metrics.js";
import { labelKey, type ModelLabels, type Rename } from "./renames.js";

export interface CompareOptions {
  /** What the base is: a git ref / commit (local estimate), or the deployed flow / snapshot (Cognigy). */
  baseRef: string;
  /** Who scored the base. */
  engine: EvaluationEngine;
  /** Bootstrap resamples (default 1000). */
  iterations?: number;
  /** Bootstrap seed (default 1): the same predictions always give the same interval. */
  seed?: number;
  /** Two-sided coverage of the interval (default 0.95). */
  confidence?: number;
  /**
   * Widens the interval by this factor around its centre (≥ 1, default 1): when only a sample of the tests was scored
   * (check.maxRequests), the caller passes e.g. sqrt(total / evaluated).
   */
  widen?: number;
  /** Base intents the head renamed (detectRenames): the base's predictions of `from` count as `to`. */
  renames?: readonly Rename[];
  /**
   * The intents the base model was trained on, by flow × locale (labelKey). A head test whose intent is not among them
   * (after the renames) cannot be right for the base: it is left out of the comparison and counted in `newIntents`.
   * A flow × locale missing from the map is not filtered.
   */
  baseLabels?: ModelLabels;
}

const EPS = 1e-9;

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function pairKey(p: Prediction): string {
  return `${p.flow}\u0000${p.locale}\u0000${p.expected ?? "\u0001"}\u0000${p.text}`;
}

/**
 * Pairs head predictions with base predictions of the same utterance (flow, locale, expected intent, masked text; the
 * n-th occurrence of a repeated utterance with the n-th). Head utterances without a base counterpart are `excluded`.
 */
export function pairPredictions(base: readonly Prediction[], head: readonly Prediction[]): { pairs: [Prediction, Prediction][]; excluded: number } {
  const pool = new Map<string, Prediction[]>();
  for (const b of base) {
    const k = pairKey(b);
    let list = pool.get(k);
    if (!list) pool.set(k, (list = []));
    list.push(b);
  }
  const used = new Map<string, number>();
  const pairs: [Prediction, Prediction][] = [];
  let excluded = 0;
  for (const h of head) {
    const k = pairKey(h);
    const n = used.get(k) ?? 0;
    const b = pool.get(k)?.[n];
    if (!b) {
      excluded++;
      continue;
    }
    used.set(k, n + 1);
    pairs.push([b, h]);
  }
  return { pairs, excluded };
}

function pick(m: Metrics): ComparisonMetrics {
  return { total: m.total, accuracy: m.accuracy, macroF1: m.macroF1, macroPrecision: m.macroPrecision, macroRecall: m.macroRecall, perIntent: m.perIntent };
}

/** log(k!) for k = 0..n. */
function logFactorials(n: number): Float64Array {
  const out = new Float64Array(n + 1);
  for (let k = 2; k <= n; k++) out[k] = out[k - 1] + Math.log(k);
  return out;
}

/**
 * McNemar's exact test: the two-sided binomial test of b successes in b + c trials with p = 1/2 (b, c = the
 * discordant pairs), p = min(1, 2 · P(X ≤ min(b, c))) as in statsmodels' `mcnemar(exact=True)`. 1 when b + c = 0.
 */
export function mcnemarExact(b: number, c: number): number {
  const n = b + c;
  if (n === 0) return 1;
  const k = Math.min(b, c);
  const lf = logFactorials(n);
  const ln2n = n * Math.LN2;
  // log-sum-exp over i = 0..k of log C(n, i) − n log 2
  const terms: number[] = [];
  for (let i = 0; i <= k; i++) terms.push(lf[n] - lf[i] - lf[n - i] - ln2n);
  const max = Math.max(...terms);
  let s = 0;
  for (const t of terms) s += Math.exp(t - max);
  return Math.min(1, 2 * Math.exp(max) * s);
}

/** Nearest-rank quantile of a sorted array. */
function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i];
}

/*
 * The bootstrap's cost is its N draws per resample and what each resample does with them, so a resample only counts how
 * many pairs of each kind it drew and scores macro F1 from those counts:
 * - classes: the labels some pair expects (only they can have support), numbered in the order of the labels' first
 *   appearance (expected, base, head, pair by pair), the order macro F1 sums them in; K stands for any other label and
 *   for none / out of scope;
 * - kinds: a pair both sides got right is of the kind of its class (0..K−1); other pairs with the same three slots in
 *   `counts` share a kind K + j: their class's support, and per side their class's true positives (right) or the
 *   predicted class's false positives (wrong). `counts` holds 5 rows of K + 1 (support, base tp, base fp, head tp,
 *   head fp); column K is never read.
 * Counts are integers, the same in any order, and each side's F1s are summed class by class in that order with the same
 * operations as over the resampled pairs themselves: the same intervals bit for bit (test/pipeline/bootstrap-speed).
 */

/** One resample's draws, counted per pair kind: the draws of mulberry32(seed), inlined; returns its next state. */
function drawPairs(drawn: Int32Array, kindOf: Int32Array, a: number): number {
  const N = kindOf.length;
  for (let n = 0; n < N; n++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    drawn[kindOf[Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * N)]]++;
  }
  return a;
}

/** Adds the drawn pairs of the kinds K + j to their slots (and clears their draws). */
function tallyKinds(drawn: Int32Array, K: number, slots: Int32Array, counts: Int32Array): void {
  const M = slots.length / 3;
  for (let j = 0; j < M; j++) {
    const m = drawn[K + j];
    drawn[K + j] = 0;
    const o = 3 * j;
    counts[slots[o]] += m;
    counts[slots[o + 1]] += m;
    counts[slots[o + 2]] += m;
  }
}

/** Head − base macro F1 over the classes with support in the resample (as computeMetrics); clears the counts. */
function macroF1Delta(drawn: Int32Array, K: number, counts: Int32Array): number {
  const row = K + 1;
  let sumH = 0;
  let sumB = 0;
  let labels = 0;
  for (let k = 0; k < K; k++) {
    const right = drawn[k];
    const support = counts[k] + right;
    const tpB = counts[row + k] + right;
    const pcB = tpB + counts[2 * row + k];
    const tpH = counts[3 * row + k] + right;
    const pcH = tpH + counts[4 * row + k];
    drawn[k] = 0;
    counts[k] = 0;
    counts[row + k] = 0;
    counts[2 * row + k] = 0;
    counts[3 * row + k] = 0;
    counts[4 * row + k] = 0;
    if (support === 0) continue;
    labels++;
    const precH = pcH > 0 ? tpH / pcH : 0;
    const recH = tpH / support;
    sumH += precH + recH > 0 ? (2 * precH * recH) / (precH + recH) : 0;
    const precB = pcB > 0 ? tpB / pcB : 0;
    const recB = tpB / support;
    sumB += precB + recB > 0 ? (2 * precB * recB) / (precB + recB) : 0;
  }
  return (labels > 0 ? sumH / labels : 0) - (labels > 0 ? sumB / labels : 0);
}

/** The macro F1 deltas of `iterations` resamples (a function of its own: kept small, it compiles early and well). */
function resampleDeltas(kindOf: Int32Array, K: number, slots: Int32Array, iterations: number, seed: number): Float64Array {
  const drawn = new Int32Array(K + slots.length / 3);
  const counts = new Int32Array(5 * (K + 1));
  const deltas = new Float64Array(iterations);
  let a = seed >>> 0;
  for (let it = 0; it < iterations; it++) {
    a = drawPairs(drawn, kindOf, a);
    tallyKinds(drawn, K, slots, counts);
    deltas[it] = macroF1Delta(drawn, K, counts);
  }
  return deltas;
}

/** The seeded paired bootstrap interval of head − base macro F1 (same resampled utterances for both sides). */
export function bootstrapMacroF1Delta(pairs: readonly [Prediction, Prediction][], opts: { iterations?: number; seed?: number; confidence?: number } = {}): [number, number] {
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
  const labels = new Int32Array(3 * N);
  for (let i = 0; i < N; i++) {
    labels[3 * i] = id(scoredHead[i].expected);
    labels[3 * i + 1] = id(scoredBase[i].predicted);
    labels[3 * i + 2] = id(scoredHead[i].predicted);
  }
  // classes and kinds (see above drawPairs)
  const cls = new Int32Array(ids.size).fill(-1);
  for (let i = 0; i < N; i++) if (labels[3 * i] >= 0) cls[labels[3 * i]] = 0;
  let K = 0;
  for (let l = 0; l < cls.length; l++) if (cls[l] === 0) cls[l] = K++;
  const classOf = (l: number): number => (l >= 0 && cls[l] >= 0 ? cls[l] : K);
  const row = K + 1;
  const kindOf = new Int32Array(N);
  const kinds = new Map<string, number>();
  const slots: number[] = [];
  for (let i = 0; i < N; i++) {
    const e = classOf(labels[3 * i]);
    const b = classOf(labels[3 * i + 1]);
    const h = classOf(labels[3 * i + 2]);
    if (e < K && b === e && h === e) {
      kindOf[i] = e;
      continue;
    }
    const sb = b === e && e < K ? row + e : 2 * row + b;
    const sh = h === e && e < K ? 3 * row + e : 4 * row + h;
    const key = `${e} ${sb} ${sh}`;
    let v = kinds.get(key);
    if (v === undefined) {
      kinds.set(key, (v = K + kinds.size));
      slots.push(e, sb, sh);
    }
    kindOf[i] = v;
  }
  const deltas = resampleDeltas(kindOf, K, Int32Array.from(slots), iterations, opts.seed ?? 1);
  deltas.sort();
  const q = (1 - confidence) / 2;
  return [quantile(deltas, q), quantile(deltas, 1 - q)];
}

function round(n: number, digits = 6): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/**
 * Compares base and head on the utterances both scored (head's tests; head utterances the base did not score — e.g.
 * those the deployed model was trained on — are counted in `excluded` and left out of the comparison only).
 */
export function comparePaired(base: readonly Prediction[], head: readonly Prediction[], opts: CompareOptions): Comparison {
  const renames = opts.renames ?? [];
  const renamed = new Map(renames.map((r) => [`${r.flow}\u0000${r.from}`, r.to]));
  const mapped = renamed.size ? base.map((b) => (b.predicted !== null && renamed.has(`${b.flow}\u0000${b.predicted}`) ? { ...b, predicted: renamed.get(`${b.flow}\u0000${b.predicted}`) as string } : b)) : base;
  const all = pairPredictions(mapped, head);
  const { excluded } = all;
  // tests of intents the base model cannot predict (new intents): never right for the base, so out of the comparison
  const labels = new Map<string, Set<string>>();
  for (const [k, set] of opts.baseLabels ?? []) {
    const flow = k.slice(0, k.indexOf("\u0000"));
    const withRenames = new Set(set);
    for (const r of renames) if (r.flow === flow && set.has(r.from)) withRenames.add(r.to);
    labels.set(k, withRenames);
  }
  const unknown = new Map<string, number>();
  const pairs = all.pairs.filter(([, h]) => {
    const known = labels.get(labelKey(h.flow, h.locale));
    if (h.expected === null || !known || known.has(h.expected)) return true;
    unknown.set(h.expected, (unknown.get(h.expected) ?? 0) + 1);
    return false;
  });
  const bm = computeMetrics(toScored(pairs.map((p) => p[0])), { threshold: 0 });
  const hm = computeMetrics(toScored(pairs.map((p) => p[1])), { threshold: 0 });
  const perIntent: Record<string, number> = {};
  for (const name of [...new Set([...Object.keys(bm.perIntent), ...Object.keys(hm.perIntent)])].sort(cmp)) {
    perIntent[name] = round((hm.perIntent[name]?.f1 ?? 0) - (bm.perIntent[name]?.f1 ?? 0));
  }
  const toWrong: FlippedUtterance[] = [];
  const toRight: FlippedUtterance[] = [];
  for (const [b, h] of pairs) {
    const bOk = b.expected === b.predicted;
    const hOk = h.expected === h.predicted;
    if (bOk === hOk) continue;
    const f: FlippedUtterance = { flow: h.flow, locale: h.locale, text: h.text, expected: h.expected, base: b.predicted, head: h.predicted };
    (bOk ? toWrong : toRight).push(f);
  }
  let [lo, hi] = bootstrapMacroF1Delta(pairs, opts);
  const widen = Math.max(1, opts.widen ?? 1);
  if (widen > 1) {
    const mid = (lo + hi) / 2;
    lo = mid - (mid - lo) * widen;
    hi = mid + (hi - mid) * widen;
  }
  return {
    base: { ref: opts.baseRef, engine: opts.engine, metrics: pick(bm) },
    head: { metrics: pick(hm) },
    delta: { accuracy: round(hm.accuracy - bm.accuracy), macroF1: round(hm.macroF1 - bm.macroF1), perIntent },
    flipped: { toWrong, toRight },
    significance: { method: "mcnemar-exact", pValue: mcnemarExact(toWrong.length, toRight.length), macroF1Interval: [round(lo), round(hi)] },
    excluded,
    ...(renames.length ? { renamed: renames.map((r) => ({ ...r })) } : {}),
    ...(unknown.size ? { newIntents: { tests: [...unknown.values()].reduce((a, b) => a + b, 0), intents: [...unknown.keys()].sort(cmp) } } : {}),
  };
}

/** Intents whose F1 fell, worst first (ties by name). */
export function losers(c: Pick<Comparison, "delta">): [string, number][] {
  return Object.entries(c.delta.perIntent)
    .filter(([, d]) => d < -EPS)
    .sort((a, b) => a[1] - b[1] || cmp(a[0], b[0]));
}

/** How many losing intents a reason names before "and N more". */
const NAMED = 5;

export interface ComparisonGate {
  passed: boolean;
  reasons: string[];
  checks: { name: string; threshold: number; value: number | null; passed: boolean }[];
}

/**
 * The check's regression rule: fails when macro F1 dropped by more than `gate.maxRegression` AND McNemar's p is below
 * `gate.significance`; the reason names the intents that lost. (Absolute thresholds and `gate.minIntentF1` apply to
 * head's own metrics in applyGate.)
 */
export function gateComparison(comparison: Comparison, gate: Pick<GateConfig, "maxRegression"> & { significance?: number }): ComparisonGate {
  const alpha = gate.significance ?? 0.05;
  const allowed = gate.maxRegression;
  const drop = -comparison.delta.macroF1;
  const p = comparison.significance.pValue;
  const dropped = drop > allowed + EPS;
  const significant = p < alpha;
  const passed = !(dropped && significant);
  const checks: ComparisonGate["checks"] = [
    { name: "maxRegression.macroF1", threshold: allowed, value: round(drop) || 0, passed: !dropped },
    { name: "significance", threshold: alpha, value: p, passed },
  ];
  const reasons: string[] = [];
  if (!passed) {
    const b = comparison.base.metrics.macroF1;
    const h = comparison.head.metrics.macroF1;
    const lost = losers(comparison);
    const named = lost.slice(0, NAMED).map(([n, d]) => `${n} ${signed(d, 2)}`);
    if (lost.length > NAMED) named.push(`${lost.length - NAMED} more`);
    reasons.push(
      `macro F1 dropped from ${b.toFixed(3)} to ${h.toFixed(3)} (${signed(-drop, 3)}, allowed −${allowed.toFixed(3)}; McNemar ${pEquals(p)}, below ${alpha})${named.length ? `; intents that lost: ${named.join(", ")}` : ""}`,
    );
  }
  return { passed, reasons, checks };
}

/** "−0.041" / "+0.012" with a real minus sign. */
export { signed };
