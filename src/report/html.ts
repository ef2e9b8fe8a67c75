// report.html: one self-contained page (inline CSS and SVG, no scripts, no external references) with charts and tables.
import type { Finding } from "../checks/types.js";
import {
  type Verdict,
  type BaselineInput,
  type BaselineMetrics,
  clip,
  deltaSign,
  evaluationNotes,
  findingsByRule,
  fmt,
  fmtDelta,
  fmtInt,
  fmtMs,
  gateRows,
  type IntentRow,
  intentRows,
  isNum,
  location,
  metricRows,
  mostConfused,
  NO_INTENT,
  OUT_OF_SCOPE,
  planNotes,
  resolveBaseline,
  severityTotals,
  topRoutes,
  VERDICT_LABEL,
  verdictOf,
  flowSentenceCounts,
} from "./format.js";
import { thresholdsText } from "./thresholds.js";
import { alphaOf, comparisonLead, comparisonNote, comparisonRows, signedDelta, significanceText } from "./comparison.js";
import { Redactor } from "./redact.js";
import { COLORS, confidenceHistogram, esc, f1Bars, f1BarsNarrow, heatmap } from "./svg.js";
import type { FlippedUtterance, Report } from "./types.js";

export interface HtmlOptions {
  /** Applied to every piece of text written (default: PII masking only). */
  redactor?: Redactor;
  /** Metrics to compare with (default: report.baselineMetrics). */
  baseline?: BaselineInput;
  /** How many intents the F1 chart shows (worst first; the table always has all). Default 40. */
  chartIntents?: number;
  /** How many intents the heatmap shows (most confused first). Default 12. */
  heatmapIntents?: number;
}

interface Ctx {
  report: Report;
  r: Redactor;
  base?: BaselineMetrics;
}

/** Redacted and escaped text. */
function t(ctx: Ctx, s: string | undefined, max = 500): string {
  return s ? esc(clip(ctx.r.redact(String(s)), max)) : "";
}

/** A machine value (time, hash, id): secrets removed, escaped, no PII detection. */
function tm(ctx: Ctx, s: string | undefined): string {
  return s ? esc(ctx.r.redactSecrets(String(s))) : "";
}

function deltaHtml(cur: number | undefined, base: number | undefined): string {
  const d = fmtDelta(cur, base);
  if (d === undefined) return '<span class="muted">–</span>';
  const s = deltaSign(cur, base);
  return `<span class="${s > 0 ? "up" : s < 0 ? "down" : "muted"}">${esc(d)}${s > 0 ? " ▲" : s < 0 ? " ▼" : ""}</span>`;
}

/** The HTML report. Every number shown is also in a data- attribute with full precision, equal to report.json. */
export function renderHtml(report: Report, opts: HtmlOptions = {}): string {
  const ctx: Ctx = { report, r: opts.redactor ?? new Redactor(), base: resolveBaseline(report, opts.baseline) };
  const v = verdictOf(report);
  const title = `cognigy-nlu ${report.mode}: ${VERDICT_LABEL[v].toLowerCase()}`;
  const body = [
    header(ctx, v),
    kpis(ctx),
    comparisonSection(ctx, opts.chartIntents ?? 40),
    chartsSection(ctx, opts.chartIntents ?? 40, opts.heatmapIntents ?? 12),
    planSection(ctx),
    metricsSection(ctx),
    perIntentSection(ctx),
    confusionsSection(ctx),
    findingsSection(ctx),
    runSection(ctx),
    footer(ctx),
  ]
    .filter(Boolean)
    .join("\n");
  const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
  return ctx.r.redactSecrets(page.replace(/<table\b/g, '<div class="tw"><table').replace(/<\/table>/g, "</table></div>"));
}

function header(ctx: Ctx, v: Verdict): string {
  const { report } = ctx;
  const icon = v === "pass" ? "✓" : v === "fail" ? "✗" : v === "unevaluated" ? "!" : "–";
  const word = VERDICT_LABEL[v];
  const bits = [`<span class="pill">${esc(report.mode)}</span>`];
  if (report.gate) bits.push(`<span class="pill ${report.gate.passed ? "ok" : "bad"}">gate ${report.gate.passed ? "passed" : "failed"}</span>`);
  if (report.commit) bits.push(`<span class="pill mono">${tm(ctx, report.commit.slice(0, 12))}</span>`);
  const reasons = [...(report.gate?.reasons ?? []).map((r) => `<li>${t(ctx, r)}</li>`), ...(report.gate?.warnings ?? []).slice(0, 10).map((w) => `<li class="warn">⚠ ${t(ctx, w)}</li>`)].join("");
  let lead = "";
  if (report.comparison) {
    const l = comparisonLead(report.comparison, alphaOf(report));
    const intents = l.intents.map((i) => ` · ${t(ctx, i.name, 80)} <span class="${i.delta.startsWith("−") ? "down" : "up"}">${esc(i.delta)}</span>`).join("");
    lead = `<p class="lead" data-macro-f1-delta="${report.comparison.delta.macroF1}" data-p-value="${report.comparison.significance.pValue}"><strong>${esc(l.headline)}</strong>${intents}</p>`;
  }
  const note = comparisonNote(report);
  if (note) lead += `<p class="engine" data-engine="${esc(report.comparison?.base.engine ?? report.evaluation?.engine ?? "")}">${t(ctx, note, 800)}</p>`;
  const thresholds = thresholdsText(report);
  if (thresholds) lead += `<p class="thresholds" data-proposed="${esc(String(report.thresholds?.proposed.length ?? 0))}">${t(ctx, thresholds, 800)}</p>`;
  const err = report.error ? `<p class="error"><strong>Failed in step ${t(ctx, report.error.step, 60)}:</strong> ${t(ctx, report.error.message, 2000)}</p>` : "";
  return `<header class="verdict ${v}" data-status="${esc(report.status)}" data-verdict="${v}">
<div class="icon">${icon}</div>
<div><h1>${word} <small>cognigy-nlu ${esc(report.mode)}</small></h1>
<p class="pills">${bits.join(" ")}</p>
${lead}${report.summary ? `<p class="summary">${t(ctx, report.summary, 2000)}</p>` : ""}
${reasons ? `<ul class="reasons">${reasons}</ul>` : ""}${err}</div>
</header>`;
}

function kpis(ctx: Ctx): string {
  const m = ctx.report.metrics;
  if (!m) return "";
  // without a release baseline a check still has its base: the comparison below (on the paired utterances, so its
  // figures are not set against these, which count every head test)
  const versus = (r: { key: string; value?: number; base?: number }) =>
    isNum(r.base)
      ? `${deltaHtml(r.value, r.base)} <span class="muted">vs ${fmt(r.base)}</span>`
      : !ctx.report.comparison
        ? '<span class="muted">no baseline</span>'
        : r.key === "accuracy" || r.key === "macroF1"
          ? '<a class="muted" href="#base-vs-head">base vs head below</a>'
          : "";
  const cards = metricRows(m, ctx.base)
    .slice(0, 4)
    .map(
      (r) =>
        `<div class="kpi" data-kpi="${r.key}" data-value="${r.value ?? ""}"><div class="kpi-label">${esc(r.label)}</div><div class="kpi-value">${fmt(r.value)}</div><div class="kpi-delta">${versus(r)}</div></div>`,
    );
  cards.push(`<div class="kpi" data-kpi="total" data-value="${m.total}"><div class="kpi-label">Test utterances</div><div class="kpi-value">${fmtInt(m.total)}</div><div class="kpi-delta muted">${
    m.latencyMs ? `p50 ${fmtMs(m.latencyMs.p50)} · p95 ${fmtMs(m.latencyMs.p95)}` : ""
  }</div></div>`);
  return `<section class="kpis">${cards.join("")}</section>`;
}

function gateThreshold(ctx: Ctx, name: string): number | undefined {
  return ctx.report.gate?.checks?.find((c) => c.name === name)?.threshold;
}

function chartsSection(ctx: Ctx, nBars: number, nHeat: number): string {
  const m = ctx.report.metrics;
  if (!m) return "";
  const rows = intentRows(m, ctx.base);
  const parts: string[] = [];
  if (rows.length > 0) {
    const shown = rows.slice(0, nBars);
    const more = rows.length > shown.length ? `<p class="muted">The ${fmtInt(shown.length)} worst of ${fmtInt(rows.length)} intents; the table below has all of them.</p>` : "";
    const minF1 = gateThreshold(ctx, "minIntentF1");
    const legend = `<p class="legend"><span class="sw" style="background:${COLORS.good}"></span>F1 ≥ 0.8 <span class="sw" style="background:${COLORS.warn}"></span>below 0.8 <span class="sw" style="background:${COLORS.bad}"></span>below ${
      isNum(minF1) ? `minIntentF1 ${minF1}` : "0.5"
    }${ctx.base ? ` <span class="sw" style="background:${COLORS.ghost}"></span>baseline (tick: baseline F1)` : ""}${isNum(minF1) ? " · dashed: gate minimum" : ""}</p>`;
    parts.push(
      `<section><h2>F1 per intent <small>worst first${ctx.base ? ", against the baseline" : ""}</small></h2>${legend}${f1Pair(ctx, shown, minF1)}${more}</section>`,
    );
  }
  const labels = mostConfused(m.confusionMatrix ?? {}, nHeat + 2)
    .filter((l) => l !== OUT_OF_SCOPE && l !== NO_INTENT)
    .slice(0, nHeat);
  const rowsOf = [...labels, ...(hasRow(m.confusionMatrix, OUT_OF_SCOPE) ? [OUT_OF_SCOPE] : [])];
  const colsOf = [...labels, ...(hasColumn(m.confusionMatrix, NO_INTENT) ? [NO_INTENT] : [])];
  const heat =
    labels.length > 0
      ? `<div><h2>Most confused intents <small>top ${labels.length} by confusion mass</small></h2><div class="scroll">${heatmap(m.confusionMatrix, rowsOf, colsOf, {
          label: (s) => ctx.r.redact(s),
        })}</div></div>`
      : "";
  const hist = m.confidence
    ? `<div><h2>Confidence <small>correct vs wrong predictions</small></h2><div class="scroll">${confidenceHistogram(m.confidence)}</div></div>`
    : "";
  if (heat || hist) parts.push(`<section class="grid2">${heat}${hist}</section>`);
  return parts.join("\n");
}

/** The F1 bars twice, CSS shows one: wide (name left of its bar) on a wide screen, narrow (name above it) below 1000 px. */
function f1Pair(ctx: Ctx, rows: IntentRow[], minF1: number | undefined): string {
  const label = (row: IntentRow) => ctx.r.redact(row.name);
  return `<div class="scroll f1-wide">${f1Bars(rows, { label, threshold: minF1 })}</div><div class="f1-narrow">${f1BarsNarrow(rows, { label, threshold: minF1 })}</div>`;
}

function flippedItem(ctx: Ctx, f: FlippedUtterance): string {
  const name = (n: string | null, none: string) => (n === null ? `<span class="muted">${none}</span>` : t(ctx, n, 80));
  return `<li data-expected="${esc(f.expected ?? "")}"><q>${t(ctx, f.text, 300)}</q> <span class="muted">${t(ctx, f.flow, 60)} · ${t(ctx, f.locale, 20)} · expected</span> ${name(f.expected, "(out of scope)")}: ${name(f.base, "(none)")} → ${name(f.head, "(none)")}</li>`;
}

/** Base vs head: F1 bars per intent (base as the ghost bar and tick), the significance, and the flipped utterances. */
function comparisonSection(ctx: Ctx, nBars: number): string {
  const c = ctx.report.comparison;
  if (!c) return "";
  const rows = comparisonRows(c);
  const shown = rows.slice(0, nBars).map((r) => ({
    name: r.name,
    m: c.head.metrics.perIntent[r.name] ?? { precision: 0, recall: 0, f1: 0, support: r.support },
    baseF1: r.base,
  }));
  const more = rows.length > shown.length ? `<p class="muted">The ${fmtInt(shown.length)} intents that lost most of ${fmtInt(rows.length)}.</p>` : "";
  const legend = `<p class="legend"><span class="sw" style="background:${COLORS.ghost}"></span>base F1 (tick) · bar: head F1 · biggest loss first</p>`;
  const base = c.base.engine === "local" ? `local model on ${t(ctx, c.base.ref, 120)}` : `deployed model (${t(ctx, c.base.ref, 120)})`;
  const summary = `<table><thead><tr><th>Metric</th><th class="n">Base</th><th class="n">Head</th><th class="n">Δ</th></tr></thead><tbody>${[
    ["Accuracy", "accuracy", c.base.metrics.accuracy, c.head.metrics.accuracy, c.delta.accuracy],
    ["Macro F1", "macroF1", c.base.metrics.macroF1, c.head.metrics.macroF1, c.delta.macroF1],
  ]
    .map(
      ([label, key, b, h, d]) =>
        `<tr data-comparison="${key}" data-base="${b}" data-head="${h}" data-delta="${d}"><td>${label}</td><td class="n">${fmt(b as number)}</td><td class="n"><b>${fmt(h as number)}</b></td><td class="n"><span class="${(d as number) < 0 ? "down" : (d as number) > 0 ? "up" : "muted"}">${esc(signedDelta(d as number, 3))}</span></td></tr>`,
    )
    .join("")}</tbody></table>`;
  const list = (title: string, key: string, items: FlippedUtterance[]) =>
    items.length
      ? `<details${items.length <= 10 ? " open" : ""} data-flipped="${key}" data-count="${items.length}"><summary>${title}: ${fmtInt(items.length)}</summary><ul class="flipped">${items
          .slice(0, 500)
          .map((f) => flippedItem(ctx, f))
          .join("")}${items.length > 500 ? `<li class="muted">… ${fmtInt(items.length - 500)} more in report.json</li>` : ""}</ul></details>`
      : "";
  return `<section class="comparison"><h2 id="base-vs-head">Base vs head <small>${base} vs this change, the same ${fmtInt(c.head.metrics.total)} utterances</small></h2>
<p class="muted">${t(ctx, significanceText(c), 600)}${c.excluded ? ` · ${fmtInt(c.excluded)} tests excluded from the comparison (the base model was trained on them)` : ""}</p>
${summary}${legend}${f1Pair(ctx, shown, gateThreshold(ctx, "minIntentF1"))}${more}
${list("Right → wrong", "toWrong", c.flipped.toWrong)}${list("Wrong → right", "toRight", c.flipped.toRight)}</section>`;
}

function hasRow(matrix: Record<string, Record<string, number>>, label: string): boolean {
  return Object.values(matrix[label] ?? {}).some((v) => v > 0);
}

function hasColumn(matrix: Record<string, Record<string, number>>, label: string): boolean {
  return Object.values(matrix).some((row) => (row[label] ?? 0) > 0);
}

function planSection(ctx: Ctx): string {
  const plan = ctx.report.plan;
  if (!plan) return "";
  const rows = plan.flows
    .map(
      (f) =>
        `<tr data-flow="${t(ctx, f.flow, 200)}"><td>${t(ctx, f.flow, 200)}</td><td class="n">${f.createIntents.length}</td><td class="n">${f.updateIntents.length}</td><td class="n">${f.deleteIntents.length}</td><td class="n">${flowSentenceCounts(f).add}</td><td class="n">${flowSentenceCounts(f).remove}</td><td class="n">${f.unchanged}</td></tr>`,
    )
    .join("");
  const tt = plan.totals;
  const total = `<tr class="total"><td>Total</td><td class="n">${tt.createIntents}</td><td class="n">${tt.updateIntents}</td><td class="n">${tt.deleteIntents}</td><td class="n">${tt.addSentences}</td><td class="n">${tt.removeSentences}</td><td class="n">${tt.unchanged}</td></tr>`;
  const changes = planChanges(ctx);
  return `<section><h2>Plan${plan.empty ? " <small>no changes</small>" : ""}</h2>
<table><thead><tr><th>Flow</th><th class="n">Intents created</th><th class="n">updated</th><th class="n">deleted</th><th class="n">Sentences added</th><th class="n">removed</th><th class="n">Unchanged</th></tr></thead>
<tbody>${rows}${total}</tbody></table>${notesList(ctx, planNotes(ctx.report, { listsSentences: changes !== "" }))}${changes}</section>`;
}

/** The individual changes, collapsed (capped so a first sync of a huge flow does not make the page unreadable). */
function planChanges(ctx: Ctx): string {
  const plan = ctx.report.plan;
  if (!plan || plan.empty) return "";
  const items: string[] = [];
  const cap = 500;
  for (const f of plan.flows) {
    for (const c of f.createIntents) items.push(`<li><span class="tag add">create</span> ${t(ctx, f.flow, 80)} / <b>${t(ctx, c.intent, 120)}</b></li>`);
    for (const c of f.updateIntents) items.push(`<li><span class="tag upd">update</span> ${t(ctx, f.flow, 80)} / <b>${t(ctx, c.intent, 120)}</b> ${t(ctx, Object.keys(c.fields ?? {}).join(", "), 200)}</li>`);
    for (const c of f.deleteIntents) items.push(`<li><span class="tag del">delete</span> ${t(ctx, f.flow, 80)} / <b>${t(ctx, c.intent, 120)}</b></li>`);
    for (const s of f.addSentences) items.push(`<li><span class="tag add">+</span> <b>${t(ctx, s.intent, 120)}</b> [${t(ctx, s.locale, 20)}] “${t(ctx, s.text, 300)}”</li>`);
    for (const s of f.removeSentences) items.push(`<li><span class="tag del">−</span> <b>${t(ctx, s.intent, 120)}</b> [${t(ctx, s.locale, 20)}] “${t(ctx, s.text, 300)}”</li>`);
  }
  if (items.length === 0) return "";
  const more = items.length > cap ? `<li class="muted">… ${fmtInt(items.length - cap)} more in report.json</li>` : "";
  return `<details><summary>${fmtInt(items.length)} changes</summary><ul class="changes">${items.slice(0, cap).join("")}${more}</ul></details>`;
}

function notesList(ctx: Ctx, notes: string[]): string {
  return notes.length ? `<ul class="notes">${notes.map((n) => `<li>${t(ctx, n, 600)}</li>`).join("")}</ul>` : "";
}

function metricsSection(ctx: Ctx): string {
  const m = ctx.report.metrics;
  const notes = notesList(ctx, evaluationNotes(ctx.report));
  if (!m) return notes ? `<section><h2>Metrics</h2>${notes}</section>` : "";
  const rows = metricRows(m, ctx.base)
    .map(
      (r) =>
        `<tr data-metric="${r.key}" data-value="${r.value ?? ""}"${isNum(r.base) ? ` data-baseline="${r.base}"` : ""}><td>${esc(r.label)}</td><td class="n"><b>${fmt(r.value)}</b></td><td class="n">${fmt(r.base)}</td><td class="n">${deltaHtml(r.value, r.base)}</td></tr>`,
    )
    .join("");
  const extra: string[] = [`${fmtInt(m.total)} test utterances`];
  if (m.outOfScope) extra.push(`${fmtInt(m.outOfScope.support)} out of scope (threshold ${m.outOfScope.threshold})`);
  if (m.shard) extra.push(`shard ${t(ctx, m.shard, 20)}`);
  const gate = gateRows(ctx.report.gate);
  const gateTable = gate.length
    ? `<h3>Gate</h3><table class="gate"><thead><tr><th>Rule</th><th class="n">Required</th><th class="n">Value</th><th>Result</th></tr></thead><tbody>${gate
        .map((g, i) => {
          const c = ctx.report.gate!.checks[i];
          return `<tr data-check="${t(ctx, g.name, 80)}" data-threshold="${c.threshold}" data-value="${c.value ?? ""}"><td>${t(ctx, g.label, 80)}</td><td class="n">${esc(g.required)}</td><td class="n">${esc(g.value)}</td><td>${
            g.passed ? '<span class="up">passed</span>' : '<span class="down">failed</span>'
          }</td></tr>`;
        })
        .join("")}</tbody></table>`
    : "";
  return `<section><h2>Metrics</h2><table><thead><tr><th>Metric</th><th class="n">Value</th><th class="n">Baseline</th><th class="n">Δ</th></tr></thead><tbody>${rows}</tbody></table><p class="muted">${extra.join(" · ")}</p>${notes}${gateTable}</section>`;
}

function perIntentSection(ctx: Ctx): string {
  const m = ctx.report.metrics;
  if (!m) return "";
  const rows = intentRows(m, ctx.base);
  if (rows.length === 0) return "";
  const minF1 = gateThreshold(ctx, "minIntentF1") ?? 0.5;
  const trs = rows
    .map((row) => {
      const name = esc(ctx.r.redact(row.name));
      const cls = row.m.f1 < minF1 ? ' class="low"' : "";
      return `<tr${cls} data-intent="${name}" data-precision="${row.m.precision}" data-recall="${row.m.recall}" data-f1="${row.m.f1}" data-support="${row.m.support}"${
        isNum(row.baseF1) ? ` data-baseline-f1="${row.baseF1}"` : ""
      }><td>${name}</td><td class="n">${fmt(row.m.precision)}</td><td class="n">${fmt(row.m.recall)}</td><td class="n"><b>${fmt(row.m.f1)}</b></td><td class="n">${row.m.support}</td><td class="n">${
        ctx.base ? (isNum(row.baseF1) ? deltaHtml(row.m.f1, row.baseF1) : '<span class="muted">new</span>') : ""
      }</td></tr>`;
    })
    .join("");
  return `<section><h2>Per intent <small>${fmtInt(rows.length)} intents, worst F1 first</small></h2><div class="scroll tall"><table class="sticky"><thead><tr><th>Intent</th><th class="n">Precision</th><th class="n">Recall</th><th class="n">F1</th><th class="n">Support</th><th class="n">${
    ctx.base ? "Δ F1" : ""
  }</th></tr></thead><tbody>${trs}</tbody></table></div></section>`;
}

function confusionsSection(ctx: Ctx): string {
  const list = ctx.report.metrics?.confusions ?? [];
  if (list.length === 0) return "";
  const trs = list
    .slice(0, 50)
    .map(
      (c) =>
        `<tr data-expected="${t(ctx, c.expected, 200)}" data-predicted="${t(ctx, c.predicted, 200)}" data-count="${c.count}"><td>${t(ctx, c.expected, 200)}</td><td>${t(ctx, c.predicted, 200)}</td><td class="n">${c.count}</td><td>${c.examples
          .slice(0, 3)
          .map((e) => `<div class="ex">“${t(ctx, e, 300)}”</div>`)
          .join("")}</td></tr>`,
    )
    .join("");
  return `<section><h2>Top confusions</h2><table class="stack"><thead><tr><th>Expected</th><th>Predicted as</th><th class="n">Count</th><th>Examples</th></tr></thead><tbody>${trs}</tbody></table></section>`;
}

function findingRow(ctx: Ctx, f: Finding): string {
  return `<tr class="sev-${esc(f.severity)}" data-rule="${esc(f.rule)}" data-severity="${esc(f.severity)}"><td><span class="sev ${esc(f.severity)}">${esc(f.severity)}</span></td><td class="mono loc">${t(ctx, location(f), 300).replace(/&#47;/g, "&#47;<wbr>")}</td><td>${t(ctx, f.message, 600)}${f.hint ? `<div class="hint">${t(ctx, f.hint, 300)}</div>` : ""}</td></tr>`;
}

const FINDINGS_PER_RULE_HTML = 200;

function findingsSection(ctx: Ctx): string {
  const findings = ctx.report.findings ?? [];
  const tot = severityTotals(findings);
  if (findings.length === 0) return `<section><h2>Findings</h2><p class="muted">No findings.</p></section>`;
  const groups = findingsByRule(findings);
  const summary = `<table><thead><tr><th>Rule</th><th class="n">Errors</th><th class="n">Warnings</th><th class="n">Info</th></tr></thead><tbody>${groups
    .map(
      (g) =>
        `<tr data-rule="${esc(g.rule)}" data-errors="${g.counts.error}" data-warnings="${g.counts.warning}" data-info="${g.counts.info}"><td class="mono rule">${esc(g.rule)}</td><td class="n">${g.counts.error}</td><td class="n">${g.counts.warning}</td><td class="n">${g.counts.info}</td></tr>`,
    )
    .join("")}</tbody></table>`;
  const lists = groups
    .map((g) => {
      const shown = g.items.slice(0, FINDINGS_PER_RULE_HTML);
      const more = g.items.length > shown.length ? `<p class="muted">… ${fmtInt(g.items.length - shown.length)} more in report.json</p>` : "";
      return `<details${g.counts.error > 0 ? " open" : ""}><summary><span class="mono">${esc(g.rule)}</span> — ${fmtInt(g.items.length)}</summary><table class="findings"><tbody>${shown
        .map((f) => findingRow(ctx, f))
        .join("")}</tbody></table>${more}</details>`;
    })
    .join("");
  return `<section><h2>Findings <small>${fmtInt(tot.error)} errors · ${fmtInt(tot.warning)} warnings · ${fmtInt(tot.info)} info</small></h2>${summary}${lists}</section>`;
}

function runSection(ctx: Ctx): string {
  const { sync, training, promotion, requests, timings } = ctx.report;
  const items: string[] = [];
  if (sync) {
    const b = sync.backup ? `; backup ${esc(sync.backup.kind)} <span class="mono">${t(ctx, sync.backup.name ?? sync.backup.id ?? sync.backup.path ?? "", 120)}</span>` : "";
    items.push(`<li><b>Sync:</b> ${sync.applied ? "applied" : "not applied"} (${esc(sync.strategy)}), ${fmtInt(sync.writeCalls)} write calls${b}</li>`);
  }
  if (training) {
    items.push(
      `<li><b>Training:</b> ${esc(training.mode)}, ${training.tasks
        .map((k) => `${t(ctx, k.flow, 60)} ${t(ctx, k.locale, 20)} ${esc(k.status)} in ${fmtMs(k.seconds * 1000)}`)
        .join("; ")}</li>`,
    );
  }
  if (promotion) {
    let p = promotion.promoted ? `promoted as snapshot <span class="mono">${t(ctx, promotion.snapshotName ?? promotion.snapshotId ?? "?", 120)}</span>` : "not promoted";
    if (promotion.endpoints?.length) p += `; ${promotion.endpoints.length} endpoints updated`;
    if (promotion.rolledBack) p += "; rolled back to the pre-sync backup";
    items.push(`<li><b>Promotion:</b> ${p}</li>`);
  }
  const parts: string[] = [];
  if (items.length) parts.push(`<ul>${items.join("")}</ul>`);
  if (requests) {
    const routes = topRoutes(requests, 10)
      .map(
        (r) =>
          `<tr data-route="${t(ctx, r.route, 200)}" data-count="${r.count}"><td class="mono">${t(ctx, r.route, 200)}</td><td class="n">${r.count}</td><td class="n">${r.errors}</td><td class="n">${fmtMs(r.avgMs)}</td></tr>`,
      )
      .join("");
    parts.push(
      `<h3>Requests</h3><p data-requests="${requests.total}" data-retries="${requests.retries}" data-waited-ms="${requests.waitedMs}"><b>${fmtInt(requests.total)}</b> requests · ${fmtInt(requests.retries)} retries · ${fmtMs(
        requests.waitedMs,
      )} waited</p>${routes ? `<table><thead><tr><th>Route</th><th class="n">Calls</th><th class="n">Errors</th><th class="n">Avg</th></tr></thead><tbody>${routes}</tbody></table>` : ""}`,
    );
  }
  if (timings?.length) {
    const total = timings.reduce((a, s) => a + (isNum(s.ms) ? s.ms : 0), 0);
    const max = Math.max(1, ...timings.map((s) => (isNum(s.ms) ? s.ms : 0)));
    parts.push(
      `<h3>Timings</h3><table><thead><tr><th>Step</th><th>Outcome</th><th class="n">Time</th><th class="bars"></th></tr></thead><tbody>${timings
        .map(
          (s) =>
            `<tr data-step="${t(ctx, s.step, 60)}" data-ms="${s.ms}"><td>${t(ctx, s.step, 60)}</td><td><span class="sev ${s.outcome === "success" ? "ok" : s.outcome === "failure" ? "error" : "info"}">${esc(
              s.outcome,
            )}</span></td><td class="n">${fmtMs(s.ms)}</td><td class="bars"><span class="tbar" style="width:${((100 * (isNum(s.ms) ? s.ms : 0)) / max).toFixed(1)}%"></span></td></tr>`,
        )
        .join("")}<tr class="total"><td>Total</td><td></td><td class="n">${fmtMs(total)}</td><td></td></tr></tbody></table>`,
    );
  }
  if (parts.length === 0) return "";
  return `<section><h2>Run</h2>${parts.join("")}</section>`;
}

function footer(ctx: Ctx): string {
  const { report } = ctx;
  const bits = [`${esc(report.tool?.name ?? "cognigy-nlu")} ${esc(report.tool?.version ?? "")}`];
  if (report.commit) bits.push(`commit <span class="mono">${tm(ctx, report.commit)}</span>`);
  if (report.startedAt) bits.push(`started ${tm(ctx, report.startedAt)}`);
  if (report.finishedAt) bits.push(`finished ${tm(ctx, report.finishedAt)}`);
  return `<footer>${bits.join(" · ")}</footer>`;
}

const CSS = `
*{box-sizing:border-box}
body{margin:0;background:#f6f8fa;color:#1f2328;font:14px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI","Noto Sans",Helvetica,Arial,sans-serif}
main{max-width:1180px;margin:0 auto;padding:24px}
p,li,h1,h2,h3,summary,footer{overflow-wrap:anywhere}
section,header.verdict{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:16px 20px;margin:0 0 16px}
h1{margin:0;font-size:24px}h1 small,h2 small{font-weight:400;color:#656d76;font-size:14px;margin-left:6px}
h2{margin:0 0 12px;font-size:18px}h3{font-size:15px;margin:16px 0 8px}
header.verdict{display:flex;gap:16px;align-items:flex-start;border-left-width:6px}
header.pass{border-left-color:#1a7f37}header.fail{border-left-color:#cf222e}header.skipped{border-left-color:#8c959f}
.icon{font-size:28px;font-weight:700;width:44px;height:44px;border-radius:50%;display:flex;align-items:center;justify-content:center;color:#fff;flex:none}
.pass .icon{background:#1a7f37}.fail .icon{background:#cf222e}.skipped .icon{background:#8c959f}.unevaluated .icon{background:#9a6700}
.pills{margin:6px 0}.pill{display:inline-block;padding:1px 10px;border-radius:999px;background:#eaeef2;font-size:12px;margin-right:4px}
.pill.ok{background:#dafbe1;color:#1a7f37}.pill.bad{background:#ffebe9;color:#cf222e}
.summary{margin:6px 0}.lead{margin:6px 0;font-size:1.1em}.engine{margin:4px 0;font-style:italic;color:#424a53}ul.flipped{padding-left:18px}ul.flipped q{font-style:italic}.reasons{margin:6px 0 0;padding-left:20px;color:#cf222e}.reasons .warn{color:#9a6700}.error{color:#cf222e}
.kpis{display:grid;grid-template-columns:repeat(5,minmax(0,1fr));gap:12px;background:none;border:none;padding:0}
.kpi{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:12px 16px}
.kpi-label{color:#656d76;font-size:12px;text-transform:uppercase;letter-spacing:.04em}.kpi-value{font-size:26px;font-weight:600}
.grid2{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:20px}.grid2>*{min-width:0}
.scroll{overflow-x:auto}.scroll.tall{max-height:640px;overflow-y:auto}
svg.chart{display:block;max-width:100%;height:auto}
svg .label{font-size:12px;fill:#1f2328}svg .axis{font-size:11px;fill:#656d76}svg .value{font-size:12px;fill:#1f2328;font-variant-numeric:tabular-nums}svg .num{font-size:11px;font-weight:600}
svg .up,.up{fill:#1a7f37;color:#1a7f37}svg .down,.down{fill:#cf222e;color:#cf222e}svg .muted,.muted{fill:#656d76;color:#656d76}
.legend{font-size:12px;color:#656d76;margin:0 0 8px}.sw{display:inline-block;width:10px;height:10px;border-radius:2px;margin:0 4px 0 10px;vertical-align:middle}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
.tw{overflow-x:auto;max-width:100%}
th,td{padding:5px 10px;border-bottom:1px solid #eaeef2;text-align:left;vertical-align:top;overflow-wrap:break-word;hyphens:manual}
td{min-width:3.5em}td.n,th.n{white-space:nowrap}
th{font-weight:600;background:#f6f8fa}td.n,th.n{text-align:right}
table.sticky thead th{position:sticky;top:0}
tr.total td{font-weight:600;border-top:2px solid #d0d7de}tr.low td{background:#fff5f5}
.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}td.rule{white-space:nowrap}
.ex{color:#424a53}.hint{color:#656d76;font-size:12px}
.sev{display:inline-block;padding:0 8px;border-radius:999px;font-size:12px;background:#eaeef2}
.sev.error{background:#ffebe9;color:#cf222e}.sev.warning{background:#fff8c5;color:#9a6700}.sev.info{background:#ddf4ff;color:#0969da}.sev.ok{background:#dafbe1;color:#1a7f37}
details{margin:8px 0}summary{cursor:pointer;font-weight:600}
table.findings{table-layout:fixed}table.findings td:nth-child(1){width:90px}table.findings td:nth-child(2){width:36%}td.loc{overflow-wrap:anywhere}
ul.changes{max-height:300px;overflow:auto;margin:6px 0;padding-left:18px}
.tag{display:inline-block;min-width:48px;text-align:center;font-size:11px;border-radius:4px;padding:0 4px;margin-right:4px}
.tag.add{background:#dafbe1}.tag.upd{background:#ddf4ff}.tag.del{background:#ffebe9}
td.bars{width:30%}.tbar{display:inline-block;height:10px;background:#0969da;border-radius:2px;min-width:1px}
ul.notes{color:#424a53;margin:8px 0;padding-left:18px}
footer{color:#656d76;font-size:12px;text-align:center;padding:8px}
.f1-narrow{display:none}
@media (max-width:1000px){.f1-wide{display:none}.f1-narrow{display:block}}
@media (max-width:900px){.grid2{grid-template-columns:1fr}.kpis{grid-template-columns:repeat(2,minmax(0,1fr))}}
@media (max-width:640px){main{padding:8px}section,header.verdict{padding:12px;border-radius:6px}
header.verdict{gap:10px}.icon{width:32px;height:32px;font-size:20px}h1{font-size:20px}.kpi{padding:8px 10px}.kpi-value{font-size:22px}
th,td{padding:4px 6px}
table.stack thead{display:none}table.stack tr{display:grid;grid-template-columns:minmax(min-content,1fr) minmax(min-content,1fr) auto;border-bottom:1px solid #eaeef2}
table.stack td{border:0}table.stack td:nth-child(2)::before{content:"→ ";color:#656d76}table.stack td:nth-child(4){grid-column:1/-1;padding:0 6px 6px}
table.findings{table-layout:auto}table.findings td:nth-child(1),table.findings td:nth-child(2){width:auto}td.loc{overflow-wrap:break-word}}
`;
