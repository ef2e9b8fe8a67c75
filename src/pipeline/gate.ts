// The promotion gate (pure): absolute metric thresholds and regression against a baseline report, with reasons in words.
import { maskData } from "../text/untrusted.js";
import type { GateConfig } from "../config/schema.js";
import type { Comparison, GateResult, IntentMetrics, Metrics, Prediction } from "../report/types.js";
import { comparePaired, gateComparison, pairPredictions } from "./compare.js";
import { NONE, OUT_OF_SCOPE } from "./metrics.js";

/**
 * Without `gate.minIntentF1` an intent below this F1 is a warning, not a failure: on real data a noisy catch-all intent
 * sits there (HWU64's general_quirky: 0.30–0.41), and a broken one is caught by `maxConfusion` (docs/checks.md, gate).
 */
export const WARN_INTENT_F1 = 0.5;

/**
 * `maxConfusion` judges an intent with at least this many tests: with fewer, close intents a thinly trained model
 * merges (CLINC150 at 30 examples and 3 tests: insurance → insurance_change 3/3) look like a moved batch.
 */
export const MIN_CONFUSION_TESTS = 10;

/** One-sided 95 % normal quantile: the confidence of the confusion rule. */
const Z95 = 1.6448536269514722;

/** The Wilson score interval's lower bound of a proportion k/n (one-sided, z). */
export function wilsonLower(k: number, n: number, z = Z95): number {
  if (n <= 0) return 0;
  const p = k / n;
  const z2 = z * z;
  return Math.max(0, (p + z2 / (2 * n) - z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n));
}

/**
 * Per intent with tests: the other intent that takes the largest share of its tests, with that share and its
 * 95 % lower bound. "(none)" (below the threshold) and out-of-scope are not intents and never count.
 */
export function worstConfusions(metrics: Pick<Metrics, "perIntent" | "confusionMatrix">): { intent: string; other: string; count: number; total: number; share: number; lower: number }[] {
  const out: { intent: string; other: string; count: number; total: number; share: number; lower: number }[] = [];
  for (const [intent, row] of Object.entries(metrics.confusionMatrix ?? {})) {
    if (intent === NONE || intent === OUT_OF_SCOPE || !metrics.perIntent[intent]) continue;
    let total = 0;
    let other = "";
    let count = 0;
    for (const [p, c] of Object.entries(row)) {
      total += c;
      if (p === intent || p === NONE || p === OUT_OF_SCOPE) continue;
      if (c > count || (c === count && p < other)) [other, count] = [p, c];
    }
    if (total > 0 && count > 0) out.push({ intent, other, count, total, share: count / total, lower: wilsonLower(count, total) });
  }
  return out.sort((a, b) => b.lower - a.lower || cmp(a.intent, b.intent));
}

/** The parts of a baseline report the gate compares with. */
export interface GateBaseline {
  path?: string;
  commit?: string;
  metrics: Pick<Metrics, "macroF1" | "perIntent"> & Partial<Pick<Metrics, "accuracy" | "macroPrecision" | "macroRecall">>;
  /** The baseline report's scored utterances, when it kept them: the gate then uses the paired test if they cover this run's. */
  predictions?: Prediction[];
}

/**
 * The paired comparison with a baseline report (release): only when the baseline's predictions cover every utterance
 * this run scored (same flow, locale, expected intent and masked text); otherwise undefined (the unpaired rule applies).
 */
export function pairedWithBaseline(baseline: GateBaseline | undefined, head: readonly Prediction[] | undefined): Comparison | undefined {
  if (!baseline?.predictions?.length || !head?.length) return undefined;
  if (pairPredictions(baseline.predictions, head).excluded > 0) return undefined;
  return comparePaired(baseline.predictions, head, { baseRef: baseline.commit ?? baseline.path ?? "baseline", engine: "cognigy" });
}

export interface GateInput {
  /** Undefined when nothing was evaluated: the gate fails with that reason. */
  metrics?: Metrics;
  gate: GateConfig;
  baseline?: GateBaseline;
  /** Held-out tests per intent in the whole test set (before sampling / sharding); default: per-intent support. */
  testsPerIntent?: Record<string, number>;
  /**
   * Base vs head on the same utterances: the regression rule becomes the paired one (macro F1 drop beyond
   * maxRegression AND McNemar p < significance), replacing the unpaired comparison with `baseline`.
   */
  comparison?: Comparison;
}

const EPS = 1e-9;

function f3(n: number): string {
  return n.toFixed(3);
}
function f2(n: number): string {
  return n.toFixed(2);
}
/** "−0.13" with a real minus sign. */
function neg(n: number, digits: number): string {
  return `−${Math.abs(n).toFixed(digits)}`;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function applyGate(input: GateInput): GateResult {
  const { metrics, gate, baseline } = input;
  const reasons: string[] = [];
  const warnings: string[] = [];
  const checks: GateResult["checks"] = [];
  const result = (): GateResult => ({
    passed: reasons.length === 0,
    reasons,
    checks,
    ...(warnings.length ? { warnings } : {}),
    ...(baseline ? { baseline: { path: baseline.path, macroF1: baseline.metrics.macroF1, commit: baseline.commit } } : {}),
  });
  const testsPerIntent = (counts: Record<string, number>) => {
    if (gate.minTestsPerIntent <= 0) return;
    const names = Object.keys(counts).sort(cmp);
    const few = names.filter((n) => counts[n] < gate.minTestsPerIntent);
    const min = names.reduce((acc, n) => Math.min(acc, counts[n]), Number.POSITIVE_INFINITY);
    checks.push({ name: "minTestsPerIntent", threshold: gate.minTestsPerIntent, value: Number.isFinite(min) ? min : 0, passed: few.length === 0 });
    for (const n of few) {
      const c = counts[n];
      reasons.push(`intent ${maskData(n)} has ${c} test utterance${c === 1 ? "" : "s"}, at least ${gate.minTestsPerIntent} required`);
    }
  };
  if (!metrics || metrics.total === 0 || Object.keys(metrics.perIntent).length === 0) {
    reasons.push(
      "no held-out test utterance was scored, so the model cannot be judged (add tests: an intent's `tests:` or tests/*.yml; evaluate.split only holds out examples that are not in Cognigy yet)",
    );
    checks.push({ name: "tests", threshold: 1, value: metrics?.total ?? 0, passed: false });
    if (input.testsPerIntent) testsPerIntent(input.testsPerIntent);
    return result();
  }

  const absolute = (name: string, label: string, value: number, threshold: number | undefined) => {
    if (threshold === undefined) return;
    const passed = value >= threshold - EPS;
    checks.push({ name, threshold, value, passed });
    if (!passed) reasons.push(`${label} ${f3(value)} is below the required ${f3(threshold)}`);
  };
  absolute("macroF1", "macro F1", metrics.macroF1, gate.macroF1);
  absolute("macroPrecision", "macro precision", metrics.macroPrecision, gate.macroPrecision);
  absolute("accuracy", "accuracy", metrics.accuracy, gate.accuracy);

  const intents = Object.entries(metrics.perIntent).sort((a, b) => cmp(a[0], b[0]));
  if (gate.minIntentF1 !== undefined) {
    if (gate.minIntentF1 > 0) {
      const floor = gate.minIntentF1;
      const low = intents.filter(([, m]) => m.f1 < floor - EPS).sort((a, b) => a[1].f1 - b[1].f1 || cmp(a[0], b[0]));
      const worst = intents.reduce((min, [, m]) => Math.min(min, m.f1), 1);
      checks.push({ name: "minIntentF1", threshold: floor, value: worst, passed: low.length === 0 });
      for (const [name, m] of low) reasons.push(`intent ${maskData(name)} F1 ${f2(m.f1)} is below the required ${f2(floor)}`);
    }
  } else {
    const low = intents.filter(([, m]) => m.f1 < WARN_INTENT_F1 - EPS).sort((a, b) => a[1].f1 - b[1].f1 || cmp(a[0], b[0]));
    for (const [name, m] of low) {
      warnings.push(`intent ${maskData(name)} F1 ${f2(m.f1)} is below ${f2(WARN_INTENT_F1)} (${m.support} test${m.support === 1 ? "" : "s"}): a warning; set gate.minIntentF1 to fail on it`);
    }
  }
  if (gate.maxConfusion < 1) {
    const worst = worstConfusions(metrics);
    const bad = worst.filter((w) => w.total >= MIN_CONFUSION_TESTS && w.lower > gate.maxConfusion + EPS);
    const judged = worst.filter((w) => w.total >= MIN_CONFUSION_TESTS);
    checks.push({ name: "maxConfusion", threshold: gate.maxConfusion, value: judged[0]?.lower ?? 0, passed: bad.length === 0 });
    for (const w of bad) {
      reasons.push(
        `intent ${maskData(w.intent)}: ${w.count} of its ${w.total} tests are predicted as ${maskData(w.other)} (more than ${f2(gate.maxConfusion)} with 95% confidence): examples of one filed under the other, or two intents the model cannot tell apart`,
      );
    }
  }

  testsPerIntent(input.testsPerIntent ?? Object.fromEntries(intents.map(([n, m]) => [n, m.support])));

  if (input.comparison) {
    const paired = gateComparison(input.comparison, gate);
    checks.push(...paired.checks);
    reasons.unshift(...paired.reasons); // the regression leads: it is what a reviewer of a change asks first
  } else if (baseline) {
    const allowed = gate.maxRegression;
    const drop = baseline.metrics.macroF1 - metrics.macroF1;
    const passed = drop <= allowed + EPS;
    checks.push({ name: "maxRegression.macroF1", threshold: allowed, value: drop, passed });
    if (!passed) {
      reasons.push(
        `macro F1 dropped from ${f3(baseline.metrics.macroF1)} to ${f3(metrics.macroF1)} (${neg(drop, 3)}, allowed ${neg(allowed, 3)})`,
      );
    }
    let worstDrop = 0;
    const regressed: [string, IntentMetrics, IntentMetrics, number][] = [];
    for (const [name, m] of intents) {
      const b = baseline.metrics.perIntent?.[name];
      if (!b) continue;
      const d = b.f1 - m.f1;
      worstDrop = Math.max(worstDrop, d);
      if (d > allowed + EPS) regressed.push([name, m, b, d]);
    }
    checks.push({ name: "maxRegression.perIntent", threshold: allowed, value: worstDrop, passed: regressed.length === 0 });
    regressed.sort((a, b) => b[3] - a[3] || cmp(a[0], b[0]));
    for (const [name, m, b, d] of regressed) {
      reasons.push(`intent ${maskData(name)} F1 dropped from ${f2(b.f1)} to ${f2(m.f1)} (${neg(d, 2)}, allowed ${neg(allowed, 2)})`);
    }
  }
  return result();
}
