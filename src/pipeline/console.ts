// Terminal text for the CLI (pure): the plan table, the metrics table, the gate verdict — short and readable.
import type { GateResult, Metrics, Plan, Report, TrainingResult } from "../report/types.js";
import { flowSentenceCounts } from "../report/format.js";
import { maskData as d } from "../text/untrusted.js";

// Data fields (intent names, sentences, finding messages) are PII-masked here, where they become text; the figures
// and ids around them are the tool's own and never masked. The logger escapes workflow commands and removes secrets.

const MAX_SENTENCE_LINES = 12;

function clip(s: string, max = 70): string {
  const cps = Array.from(s);
  return cps.length <= max ? s : `${cps.slice(0, max - 1).join("")}…`;
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + " ".repeat(n - s.length);
}

function padStart(s: string, n: number): string {
  return s.length >= n ? s : " ".repeat(n - s.length) + s;
}

/** The plan as a table: intent changes, then sentence changes (capped), per flow. */
export function planLines(plan: Plan): string[] {
  const out: string[] = [];
  for (const f of plan.flows) {
    const { add: adds, remove: removes } = flowSentenceCounts(f);
    out.push(
      `flow ${f.flow}: intents +${f.createIntents.length} ~${f.updateIntents.length} −${f.deleteIntents.length} · sentences +${adds} −${removes} · ${f.unchanged} unchanged`,
    );
    const rows: [string, string, string, string][] = [];
    for (const i of f.createIntents) rows.push(["+", "intent", d(i.intent), ""]);
    for (const i of f.updateIntents) rows.push(["~", "intent", d(i.intent), Object.keys(i.fields ?? {}).join(", ")]);
    for (const i of f.deleteIntents) rows.push(["−", "intent", d(i.intent), ""]);
    const sentences = [...f.addSentences.map((s) => ["+", s] as const), ...f.removeSentences.map((s) => ["−", s] as const)];
    const created = new Set(f.createIntents.map((i) => i.intent));
    // a created intent's sentences are summarised on its row instead of listed
    const perCreated = new Map<string, number>();
    const listed = sentences.filter(([sign, s]) => {
      if (sign === "+" && created.has(s.intent)) {
        perCreated.set(s.intent, (perCreated.get(s.intent) ?? 0) + 1);
        return false;
      }
      return true;
    });
    for (const [k, i] of f.createIntents.entries()) if (perCreated.has(i.intent)) rows[k][3] = `${perCreated.get(i.intent)} sentences`;
    if (f.createIntents.length > 5) {
      // a first sync: one line for all the new intents
      const total = [...perCreated.values()].reduce((a, b) => a + b, 0) + (f.omitted?.addSentences ?? 0);
      const names = f.createIntents.map((i) => d(i.intent));
      rows.splice(0, f.createIntents.length, ["+", "intents", `${names.length} new`, `${clip(names.join(", "), 60)} (${total} sentences)`]);
    }
    for (const [sign, s] of listed.slice(0, MAX_SENTENCE_LINES)) rows.push([sign, d(s.locale), d(s.intent), `"${clip(d(s.text))}"${s.heldOut ? " (held-out test)" : ""}`]);
    const w1 = Math.max(6, ...rows.map((r) => r[1].length));
    const w2 = Math.min(28, Math.max(6, ...rows.map((r) => r[2].length)));
    const shownRows = rows.length > 24 ? rows.slice(0, 24) : rows;
    for (const r of shownRows) out.push(`  ${r[0]} ${pad(r[1], w1)} ${pad(r[2], w2)} ${r[3]}`.trimEnd());
    const omittedListed = f.omitted ? f.omitted.removeSentences + (f.createIntents.length > 5 ? 0 : f.omitted.addSentences) : 0;
    const hidden = rows.length - shownRows.length + Math.max(0, listed.length - MAX_SENTENCE_LINES) + omittedListed;
    if (hidden > 0) out.push(`  … ${hidden} more change${hidden === 1 ? "" : "s"} (see plan.json)`);
    if (f.unmanagedIntents?.length) out.push(`  left alone (not owned by the repository): ${clip(d(f.unmanagedIntents.join(", ")), 100)}`);
    if (f.heldOutRemovals)
      out.push(`  ${f.heldOutRemovals} of the removals are held-out tests (tests: in the files, still trained in Cognigy): expected, so the evaluation is fair; not counted against sync.maxDeletions`);
  }
  if (plan.empty) out.push("nothing to change: Cognigy matches the files");
  return out;
}

/** Headline metrics, the worst intents and the top confusions. */
export function metricsLines(m: Metrics, opts: { baseline?: Pick<Metrics, "macroF1">; worst?: number } = {}): string[] {
  const f = (n: number) => n.toFixed(3);
  const delta = opts.baseline ? ` (baseline ${f(opts.baseline.macroF1)}, ${m.macroF1 - opts.baseline.macroF1 >= 0 ? "+" : "−"}${Math.abs(m.macroF1 - opts.baseline.macroF1).toFixed(3)})` : "";
  const out = [
    `${m.total} test utterances${m.shard ? ` (shard ${m.shard})` : ""}: accuracy ${f(m.accuracy)} · macro F1 ${f(m.macroF1)}${delta} · macro P ${f(m.macroPrecision)} · macro R ${f(m.macroRecall)}`,
  ];
  const extra: string[] = [];
  if (m.outOfScope) extra.push(`out of scope P ${f(m.outOfScope.precision)} R ${f(m.outOfScope.recall)} (n=${m.outOfScope.support}, threshold ${m.outOfScope.threshold})`);
  extra.push(`latency p50 ${Math.round(m.latencyMs.p50)} ms, p95 ${Math.round(m.latencyMs.p95)} ms`);
  out.push(extra.join(" · "));
  const worst = Object.entries(m.perIntent)
    .sort((a, b) => a[1].f1 - b[1].f1 || (a[0] < b[0] ? -1 : 1))
    .slice(0, opts.worst ?? 5);
  if (worst.length) {
    const w = Math.min(28, Math.max(6, ...worst.map(([n]) => d(n).length)));
    out.push(`  ${pad("intent", w)}     F1      P      R    n`);
    for (const [name, im] of worst) {
      out.push(`  ${pad(clip(d(name), w), w)}  ${padStart(f(im.f1), 5)}  ${padStart(f(im.precision), 5)}  ${padStart(f(im.recall), 5)}  ${padStart(String(im.support), 3)}`);
    }
    if (Object.keys(m.perIntent).length > worst.length) out.push(`  (the ${worst.length} weakest of ${Object.keys(m.perIntent).length} intents)`);
  }
  for (const c of m.confusions.slice(0, 3)) out.push(`  confused ${d(c.expected ?? "")} → ${d(c.predicted ?? "")} ×${c.count}${c.examples[0] ? `: "${clip(d(c.examples[0]), 50)}"` : ""}`);
  return out;
}

export function gateLines(g: GateResult): string[] {
  const warn = g.warnings ?? [];
  const warnings = [...warn.slice(0, 10).map((w) => `  ! ${w}`), ...(warn.length > 10 ? [`  … ${warn.length - 10} more warnings in report.json`] : [])];
  if (g.passed) return [`gate: PASSED (${g.checks.length} checks${warn.length ? `, ${warn.length} warning${warn.length === 1 ? "" : "s"}` : ""})`, ...warnings];
  return [`gate: FAILED`, ...g.reasons.slice(0, 15).map((r) => `  ✗ ${r}`), ...(g.reasons.length > 15 ? [`  … ${g.reasons.length - 15} more in report.json`] : []), ...warnings];
}

export function trainingLines(t: TrainingResult): string[] {
  return t.tasks.map((x) => `trained ${x.flow} ${x.locale}: ${x.status} in ${x.seconds.toFixed(1)} s (task ${x.taskId})`);
}

/** The end of a run whose steps were logged: the one-line verdict. */
export function summaryLines(r: Report): string[] {
  return [`${r.status === "failure" ? "✗" : r.status === "not evaluated" ? "!" : "✓"} ${r.summary}`];
}

/** The whole result block (for reports whose steps were not logged, e.g. report merge): metrics, gate, promotion, summary. */
export function resultLines(r: Report): string[] {
  const out: string[] = [];
  if (r.metrics) out.push(...metricsLines(r.metrics, { baseline: r.baselineMetrics }));
  else if (r.evaluation?.skipped) out.push(`evaluation skipped: ${r.evaluation.skipped}`);
  if (r.evaluation?.excluded) out.push(`(${r.evaluation.excluded.count} tests left out: ${r.evaluation.excluded.reason})`);
  if (r.gate) out.push(...gateLines(r.gate));
  if (r.promotion?.promoted && r.promotion.snapshotName) out.push(`promoted: snapshot ${r.promotion.snapshotName}`);
  if (r.promotion?.rolledBack) out.push(`rolled back: restored ${r.promotion.snapshotName ?? "the backup snapshot"}`);
  out.push(`${r.status === "failure" ? "✗" : r.status === "not evaluated" ? "!" : "✓"} ${r.summary}`);
  return out;
}

/** The errors of a failed validation (first few), for the terminal. */
export function findingLines(r: Report, max = 10): string[] {
  const errors = r.findings.filter((f) => f.severity === "error");
  const out = errors.slice(0, max).map((f) => `  ${f.file}${f.line ? `:${f.line}` : ""}: ${f.rule}: ${d(f.message)}`);
  if (errors.length > max) out.push(`  … ${errors.length - max} more errors (cognigy-nlu validate lists them all)`);
  return out;
}
