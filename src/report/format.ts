// Shared, output-agnostic helpers for the report renderers: number/delta/time formatting, sorting and grouping.
import type { Finding } from "../checks/types.js";
import { SEVERITY_RANK } from "../checks/types.js";
import type { RequestStats } from "../cognigy/types.js";
import type { FlowPlan, GateResult, IntentMetrics, Metrics, Report } from "./types.js";
import { grouped } from "../text/number.js";

/** The metrics a report is compared with: a previous report's metrics, or report.baselineMetrics. */
export type BaselineMetrics = Pick<Metrics, "accuracy" | "macroF1" | "macroPrecision" | "macroRecall" | "perIntent"> &
  Partial<Pick<Metrics, "weightedF1" | "weightedPrecision" | "weightedRecall" | "outOfScope">>;

/** What callers may hand in as a baseline: the metrics, or a whole earlier report. */
export type BaselineInput = BaselineMetrics | Pick<Report, "metrics">;

export function resolveBaseline(report: Report, given?: BaselineInput): BaselineMetrics | undefined {
  if (given) {
    if ("perIntent" in given && typeof (given as BaselineMetrics).macroF1 === "number") return given as BaselineMetrics;
    if ("metrics" in given && given.metrics) return given.metrics;
  }
  return report.baselineMetrics;
}

export function isNum(n: unknown): n is number {
  return typeof n === "number" && Number.isFinite(n);
}

/** A metric as shown everywhere: 4 decimals, "–" when missing. */
export function fmt(n: number | null | undefined): string {
  return isNum(n) ? n.toFixed(4) : "–";
}

/** "+0.0123" / "−0.0050" / "±0.0000"; undefined when either side is missing. */
export function fmtDelta(current: number | null | undefined, base: number | null | undefined): string | undefined {
  if (!isNum(current) || !isNum(base)) return undefined;
  const d = current - base;
  const r = Number(d.toFixed(4));
  if (r === 0) return "±0.0000";
  return r > 0 ? `+${r.toFixed(4)}` : `−${Math.abs(r).toFixed(4)}`;
}

/** -1, 0 or 1 for the direction of a delta at the shown precision. */
export function deltaSign(current: number | null | undefined, base: number | null | undefined): -1 | 0 | 1 {
  if (!isNum(current) || !isNum(base)) return 0;
  const r = Number((current - base).toFixed(4));
  return r > 0 ? 1 : r < 0 ? -1 : 0;
}

export function fmtMs(ms: number | undefined): string {
  if (!isNum(ms)) return "–";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - m * 60)} s`;
}

export function fmtInt(n: number | undefined): string {
  return isNum(n) ? grouped(Math.round(n)) : "–";
}

export type Verdict = "pass" | "fail" | "skipped" | "unevaluated";

export function verdictOf(report: Report): Verdict {
  if (report.status === "not evaluated") return "unevaluated";
  if (report.status === "failure" || report.gate?.passed === false) return "fail";
  if (report.status === "skipped") return "skipped";
  return "pass";
}

export const VERDICT_ICON: Record<Verdict, string> = { pass: "✅", fail: "❌", skipped: "⏭️", unevaluated: "⚠️" };
export const VERDICT_LABEL: Record<Verdict, string> = { pass: "Passed", fail: "Failed", skipped: "Skipped", unevaluated: "Not evaluated" };

export interface IntentRow {
  name: string;
  m: IntentMetrics;
  baseF1?: number;
}

/** Per-intent rows, worst F1 first (ties: larger support first, then name). */
export function intentRows(metrics: Metrics, baseline?: BaselineMetrics): IntentRow[] {
  return Object.entries(metrics.perIntent)
    .map(([name, m]) => ({ name, m, baseF1: baseline?.perIntent?.[name]?.f1 }))
    .sort((a, b) => a.m.f1 - b.m.f1 || b.m.support - a.m.support || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export interface MetricRow {
  key: string;
  label: string;
  value: number | undefined;
  base: number | undefined;
}

/** The headline metrics in display order (OOS rows only when the report has out-of-scope tests). */
export function metricRows(metrics: Metrics, baseline?: BaselineMetrics): MetricRow[] {
  const rows: MetricRow[] = [
    { key: "accuracy", label: "Accuracy", value: metrics.accuracy, base: baseline?.accuracy },
    { key: "macroF1", label: "Macro F1", value: metrics.macroF1, base: baseline?.macroF1 },
    { key: "macroPrecision", label: "Macro precision", value: metrics.macroPrecision, base: baseline?.macroPrecision },
    { key: "macroRecall", label: "Macro recall", value: metrics.macroRecall, base: baseline?.macroRecall },
    { key: "weightedF1", label: "Weighted F1", value: metrics.weightedF1, base: baseline?.weightedF1 },
  ];
  if (metrics.outOfScope) {
    rows.push({ key: "oosPrecision", label: "Out-of-scope precision", value: metrics.outOfScope.precision, base: baseline?.outOfScope?.precision });
    rows.push({ key: "oosRecall", label: "Out-of-scope recall", value: metrics.outOfScope.recall, base: baseline?.outOfScope?.recall });
  }
  return rows;
}

export interface RuleGroup {
  rule: string;
  counts: { error: number; warning: number; info: number };
  /** Most severe first, then by file and line. */
  items: Finding[];
}

/** Findings grouped by rule; groups with errors first, then by size. */
export function findingsByRule(findings: Finding[]): RuleGroup[] {
  const groups = new Map<string, RuleGroup>();
  for (const f of findings) {
    let g = groups.get(f.rule);
    if (!g) {
      g = { rule: f.rule, counts: { error: 0, warning: 0, info: 0 }, items: [] };
      groups.set(f.rule, g);
    }
    if (f.severity in g.counts) g.counts[f.severity]++;
    g.items.push(f);
  }
  const out = [...groups.values()];
  for (const g of out) {
    g.items.sort((a, b) => (SEVERITY_RANK[a.severity] ?? 9) - (SEVERITY_RANK[b.severity] ?? 9) || cmp(a.file, b.file) || a.line - b.line);
  }
  return out.sort(
    (a, b) => b.counts.error - a.counts.error || b.counts.warning - a.counts.warning || b.items.length - a.items.length || cmp(a.rule, b.rule),
  );
}

/** New findings per severity: the ones in the findings baseline (known) are counted by knownNote instead. */
export function severityTotals(findings: Finding[]): { error: number; warning: number; info: number } {
  const t = { error: 0, warning: 0, info: 0 };
  for (const f of findings) if (f.severity in t && !f.known) t[f.severity]++;
  return t;
}

/** The findings baseline in a sentence or two: known (N), fixed ones, and a change that grows the file (called out). */
export function knownNote(report: Pick<Report, "knownFindings">): string {
  const k = report.knownFindings;
  if (!k) return "";
  const parts = [`known (${fmtInt(k.known)}) in ${k.file}: shown, not counted`];
  if (k.fixed) parts.push(`${fmtInt(k.fixed)} known finding${k.fixed === 1 ? "" : "s"} fixed — the baseline shrinks with \`cognigy-nlu validate --update-baseline\``);
  if (k.base?.added) parts.push(`⚠️ this change grows the baseline by ${fmtInt(k.base.added)} finding${k.base.added === 1 ? "" : "s"} (${fmtInt(k.base.size)} on the base branch → ${fmtInt(k.size)}): new problems accepted as known`);
  else if (k.base?.removed) parts.push(`this change shrinks the baseline by ${fmtInt(k.base.removed)} (${fmtInt(k.base.size)} → ${fmtInt(k.size)})`);
  return parts.join("; ");
}

/** "file:line" (or just the file when the finding is about the whole file). */
export function location(f: { file: string; line: number }): string {
  return f.line > 0 ? `${f.file}:${f.line}` : f.file;
}

export function topRoutes(stats: RequestStats, n: number): { route: string; count: number; errors: number; avgMs: number }[] {
  return Object.entries(stats.byRoute ?? {})
    .map(([route, r]) => ({ route, count: r.count, errors: r.errors, avgMs: r.count > 0 ? r.totalMs / r.count : 0 }))
    .sort((a, b) => b.count - a.count || cmp(a.route, b.route))
    .slice(0, n);
}

/** Confusion-matrix labels for out-of-scope tests and below-threshold predictions. */
export const OUT_OF_SCOPE = "(out of scope)";
export const NO_INTENT = "(none)";

/** True for the matrix cells that are correct predictions (the diagonal, and out-of-scope predicted as nothing). */
export function isCorrectCell(expected: string, predicted: string): boolean {
  return expected === predicted || (expected === OUT_OF_SCOPE && predicted === NO_INTENT);
}

/** The labels with the most off-diagonal confusion mass (row + column), for the heatmap. */
export function mostConfused(matrix: Record<string, Record<string, number>>, n: number): string[] {
  const mass = new Map<string, number>();
  const bump = (k: string, v: number) => mass.set(k, (mass.get(k) ?? 0) + v);
  for (const [expected, row] of Object.entries(matrix)) {
    for (const [predicted, count] of Object.entries(row)) {
      if (isCorrectCell(expected, predicted) || !isNum(count) || count <= 0) continue;
      bump(expected, count);
      bump(predicted, count);
    }
  }
  return [...mass.entries()]
    .sort((a, b) => b[1] - a[1] || cmp(a[0], b[0]))
    .slice(0, n)
    .map(([k]) => k);
}

export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Cuts a string to at most `max` characters (by code point), with an ellipsis. */
export function clip(s: string, max: number): string {
  const cps = Array.from(s);
  return cps.length <= max ? s : `${cps.slice(0, Math.max(1, max - 1)).join("")}…`;
}

/** The intent-change and sentence counts of one flow plan or the totals. */
/** A flow's sentence changes, including the ones left out of the listed changes (plan.omitted). */
export function flowSentenceCounts(f: FlowPlan): { add: number; remove: number } {
  return { add: f.addSentences.length + (f.omitted?.addSentences ?? 0), remove: f.removeSentences.length + (f.omitted?.removeSentences ?? 0) };
}

export function planTotalsLine(t: { createIntents: number; updateIntents: number; deleteIntents: number; addSentences: number; removeSentences: number; unchanged: number }): string {
  return `intents +${t.createIntents} ~${t.updateIntents} −${t.deleteIntents} · sentences +${t.addSentences} −${t.removeSentences} · ${fmtInt(t.unchanged)} unchanged`;
}

/** Plain-text notes on how the metrics were obtained (report.evaluation), for every renderer. */
export function evaluationNotes(report: Report): string[] {
  const e = report.evaluation;
  if (!e) return [];
  const notes: string[] = [];
  if (e.skipped) notes.push(`Evaluation skipped: ${e.skipped}`);
  if (isNum(e.scored) && isNum(e.totalTests) && e.scored !== e.totalTests) notes.push(`scored ${fmtInt(e.scored)} of ${fmtInt(e.totalTests)} test utterances${e.sample ? ` (sample ${fmtInt(e.sample)})` : ""}`);
  if (e.heldOutBySplit) notes.push(`${fmtInt(e.heldOutBySplit)} examples held out by split`);
  if (e.splitKeptInCognigy) notes.push(`${fmtInt(e.splitKeptInCognigy)} examples the split picked were already in Cognigy: kept in training, not tests`);
  if (e.excluded?.count) notes.push(`${fmtInt(e.excluded.count)} tests excluded: ${e.excluded.reason}`);
  if (e.mergedShards?.length) notes.push(`merged shards ${e.mergedShards.join(", ")}`);
  if (e.model === "current") notes.push("evaluated the model currently trained in Cognigy (may predate this change)");
  for (const [locale, l] of Object.entries(e.byLocale ?? {})) notes.push(`${locale}: ${fmtInt(l.total)} utterances, accuracy ${fmt(l.accuracy)}, macro F1 ${fmt(l.macroF1)}`);
  return notes;
}

/** What each gate check means, as a rule a reviewer reads ("macro F1 ≥ 0.85"); unknown checks show their name. */
const GATE_RULES: Record<string, { label: string; op: "≥" | "≤" }> = {
  macroF1: { label: "macro F1", op: "≥" },
  macroPrecision: { label: "macro precision", op: "≥" },
  accuracy: { label: "accuracy", op: "≥" },
  minIntentF1: { label: "lowest intent F1", op: "≥" },
  maxConfusion: { label: "most of an intent's tests taken by one other intent (95% lower bound)", op: "≤" },
  minTestsPerIntent: { label: "fewest tests of an intent", op: "≥" },
  tests: { label: "test utterances scored", op: "≥" },
  maxRegression: { label: "macro F1 drop vs baseline", op: "≤" },
  "maxRegression.macroF1": { label: "macro F1 drop vs baseline", op: "≤" },
  "maxRegression.perIntent": { label: "largest intent F1 drop vs baseline", op: "≤" },
};

export interface GateRow {
  name: string;
  label: string;
  /** "≥ 0.85", "≤ 0.02", or the bare threshold for a check this table does not know. */
  required: string;
  value: string;
  passed: boolean;
}

/** Gate values: counts as integers, ratios with the report's precision. */
export function fmtGateValue(v: number | null | undefined): string {
  return isNum(v) && Number.isInteger(v) ? String(v) : fmt(v);
}

/** The gate's checks as rows: rule, required threshold, value, pass/fail. */
export function gateRows(gate: GateResult | undefined): GateRow[] {
  return (gate?.checks ?? []).map((c) => {
    const rule = GATE_RULES[c.name];
    return { name: c.name, label: rule?.label ?? c.name, required: `${rule ? `${rule.op} ` : ""}${fmtGateValue(c.threshold)}`, value: fmtGateValue(c.value), passed: c.passed };
  });
}

/**
 * Plain-text notes on a plan beyond its counts: unmanaged intents, sentences going with deleted intents, and — only
 * for a renderer that lists sentence changes (`listsSentences`) — how many it could not list.
 */
export function planNotes(report: Report, opts: { listsSentences?: boolean } = {}): string[] {
  const notes: string[] = [];
  for (const f of report.plan?.flows ?? []) {
    if (f.unmanagedIntents?.length) notes.push(`${f.flow}: ${fmtInt(f.unmanagedIntents.length)} intents in Cognigy that no file owns (left alone): ${f.unmanagedIntents.slice(0, 5).join(", ")}${f.unmanagedIntents.length > 5 ? ", …" : ""}`);
    if (f.heldOutRemovals) notes.push(`${f.flow}: ${fmtInt(f.heldOutRemovals)} of the removals are held-out tests still trained in Cognigy (expected after pull --holdout: they leave so the evaluation is fair; not counted against sync.maxDeletions)`);
    if (f.deletedIntentSentences) notes.push(`${f.flow}: ${fmtInt(f.deletedIntentSentences)} sentences go with the deleted intents`);
    if (opts.listsSentences && f.omitted && (f.omitted.addSentences || f.omitted.removeSentences)) notes.push(`${f.flow}: ${fmtInt(f.omitted.addSentences + f.omitted.removeSentences)} sentence changes not listed (counted in the totals)`);
  }
  return notes;
}
