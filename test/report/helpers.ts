// Test helpers for the report writers: the sample fixture and a synthetic report of any size.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { comparePaired } from "../../src/pipeline/compare.js";
import type { Confusion, IntentMetrics, Prediction, Report } from "../../src/report/types.js";

const LONG = "_with_a_rather_long_descriptive_name_for_width".repeat(3);
const FIXTURE = fileURLToPath(new URL("../fixtures/report/sample-report.json", import.meta.url));

/** The least report there is: a passed check with no findings, no steps timed; `over` replaces any field. */
export function minimalReport(over: Partial<Report> = {}): Report {
  return {
    version: 1,
    tool: { name: "cognigy-nlu", version: "0" },
    status: "success",
    mode: "check",
    startedAt: "2026-01-01T00:00:00Z",
    summary: "check passed",
    findings: [],
    timings: [],
    ...over,
  };
}

/** A fresh deep copy of test/fixtures/report/sample-report.json (15 intents, with a baseline). */
export function sampleReport(): Report {
  return JSON.parse(readFileSync(FIXTURE, "utf8")) as Report;
}

/** A report with `n` intents (long names), findings and confusions, for the size caps. */
export function bigReport(n: number): Report {
  const r = sampleReport();
  const perIntent: Record<string, IntentMetrics> = {};
  const matrix: Record<string, Record<string, number>> = {};
  const confusions: Confusion[] = [];
  const base: Record<string, IntentMetrics> = {};
  for (let i = 0; i < n; i++) {
    const name = `Intent_${String(i).padStart(5, "0")}${LONG}`;
    const f1 = ((i * 7919) % 1000) / 1000;
    perIntent[name] = { precision: f1, recall: f1, f1, support: 10 + (i % 7) };
    base[name] = { precision: f1, recall: f1, f1: Math.min(1, f1 + 0.01), support: 10 + (i % 7) };
    const other = `Intent_${String((i + 1) % n).padStart(5, "0")}${LONG}`;
    matrix[name] = { [name]: 8, [other]: 2 };
    confusions.push({ expected: name, predicted: other, count: 2, examples: ["an example utterance that is fairly long to take up room", "another one"] });
  }
  r.metrics!.perIntent = perIntent;
  r.metrics!.confusionMatrix = matrix;
  r.metrics!.confusions = confusions;
  r.baselineMetrics!.perIntent = base;
  r.findings = [];
  for (let i = 0; i < n; i++) {
    r.findings.push({
      rule: i % 2 ? "min-examples" : "near-duplicate-across",
      severity: i % 3 ? "warning" : "error",
      file: `training-data/main/intents/intent_${i}.yml`,
      line: i + 1,
      column: 7,
      message: `finding number ${i} with a message long enough to matter for the size of the output`,
    });
  }
  return r;
}

/** An e-mail address and an intent name with markup in them: the comparison fixtures carry both. */
export const EMAIL = "jane.doe@example.com";
export const EVIL = "Evil<script>|@team";

/** `n` predictions of `intent` in Main/en-US, the first `wrong` predicted as `other`; the first utterance holds EMAIL. */
export function predictionRows(intent: string, n: number, wrong: number, other: string): Prediction[] {
  return Array.from({ length: n }, (_, i) => ({
    flow: "Main",
    locale: "en-US",
    text: i === 0 ? `order for ${EMAIL} number ${intent} ${i}` : `${intent} utterance ${i}`,
    expected: intent,
    predicted: i < wrong ? other : intent,
    score: 0.9,
    ms: 1,
  }));
}

/** The sample report as a failed check: a local base-vs-head comparison over 3 intents, `nFlipped` OrderPizza tests right → wrong. */
export function comparisonReport(nFlipped = 12): Report {
  const r = sampleReport();
  r.mode = "check";
  const base = [...predictionRows("OrderPizza", 40, 0, "CancelOrder"), ...predictionRows("CancelOrder", 40, 0, "OrderPizza"), ...predictionRows(EVIL, 40, 0, "OrderPizza")];
  const head = [...predictionRows("OrderPizza", 40, nFlipped, "CancelOrder"), ...predictionRows("CancelOrder", 40, 3, "OrderPizza"), ...predictionRows(EVIL, 40, 0, "OrderPizza")];
  r.comparison = comparePaired(base, head, { baseRef: "origin/main", engine: "local" });
  r.evaluation = { ...(r.evaluation ?? { threshold: 0.4, testsPerIntent: {}, heldOutBySplit: 0, totalTests: 120, scored: 120 }), subject: "head", engine: "local" };
  r.gate = { passed: false, reasons: ["macro F1 dropped"], checks: [{ name: "significance", threshold: 0.05, value: 0.001, passed: false }] };
  r.status = "failure";
  return r;
}
