// The promotion gate (pure): absolute metric thresholds and regression against a baseline report, with reasons in words.
import type { GateConfig } from "../config/schema.js";
import type { Comparison, GateResult, IntentMetrics, Metrics, Prediction } from "../report/types.js";
import { comparePaired, gateComparison, pairPredictions } from "./compare.js";

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
  const checks: GateResult["checks"] = [];
  const result = (): GateResult => ({
    passed: reasons.length === 0,
    reasons,
    checks,
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
      reasons.push(`intent ${n} has ${c} test utterance${c === 1 ? "" : "s"}, at least ${gate.minTestsPerIntent} required`);
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
  if (gate.minIntentF1 > 0) {
    const low = intents.filter(([, m]) => m.f1 < gate.minIntentF1 - EPS).sort((a, b) => a[1].f1 - b[1].f1 || cmp(a[0], b[0]));
    const worst = intents.reduce((min, [, m]) => Math.min(min, m.f1), 1);
    checks.push({ name: "minIntentF1", threshold: gate.minIntentF1, value: worst, passed: low.length === 0 });
    for (const [name, m] of low) reasons.push(`intent ${name} F1 ${f2(m.f1)} is below the required ${f2(gate.minIntentF1)}`);
  }

  testsPerIntent(input.testsPerIntent ?? Object.fromEntries(intents.map(([n, m]) => [n, m.support])));

  if (input.comparison) {
    const paired = gateComparison(input.comparison, gate);
    checks.push(...paired.checks);
    reasons.push(...paired.reasons);
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
      reasons.push(`intent ${name} F1 dropped from ${f2(b.f1)} to ${f2(m.f1)} (${neg(d, 2)}, allowed ${neg(allowed, 2)})`);
    }
  }
  return result();
}
