// GitHub-flavoured markdown renderers: the job summary (≤ 1 MiB), report.md (uncapped) and the sticky PR comment (≤ 65,536 chars).
import type { Finding } from "../checks/types.js";
import type { DriftResult } from "../pipeline/drift/compare.js";
import { escapeMarkdown } from "../text/untrusted.js";
import { driftChangeCount, driftMarkdown } from "./drift-markdown.js";
import {
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
  planNotes,
  resolveBaseline,
  knownNote,
  severityTotals,
  topRoutes,
  VERDICT_ICON,
  VERDICT_LABEL,
  verdictOf,
  flowSentenceCounts,
} from "./format.js";
import { thresholdsText } from "./thresholds.js";
import { alphaOf, comparisonLead, comparisonNote, comparisonRows, signedDelta, significanceText } from "./comparison.js";
import { Redactor } from "./redact.js";
import type { FlippedUtterance, Report } from "./types.js";

/** GitHub's job summary limit is 1 MiB per step; keep a margin for whatever else the step appends. */
export const SUMMARY_MAX_BYTES = 1024 * 1024 - 16 * 1024;
/** GitHub rejects comment bodies over 65,536 characters. */
export const COMMENT_MAX_CHARS = 65_536 - 536;
/** Tables longer than this go into a collapsed <details> section. */
export const DETAILS_ROWS = 15;
export const TRUNCATED_NOTE = "truncated — the full report has every row";
/** Where the full report is when the caller does not say (a local run: the files beside report.md). */
const DEFAULT_FULL_REPORT = "report.md, report.html and report.json in the output folder";

export interface MarkdownOptions {
  /** Applied to every piece of text written (default: PII masking only). */
  redactor?: Redactor;
  /** Metrics to compare with (default: report.baselineMetrics). */
  baseline?: BaselineInput;
  /** Size cap in UTF-8 bytes (summary default: 1 MiB minus a margin). */
  maxBytes?: number;
  /** The uploaded report artifact's URL (a zip holding report.html), linked from the verdict. Only when uploaded. */
  htmlLink?: string;
  /** Markdown naming where the full report is, for the truncation note (default: the files of the output folder). */
  fullReport?: string;
  /** Link to the workflow run. */
  runUrl?: string;
  /** Long tables start collapsed (default true). */
  detailsCollapsed?: boolean;
}

export interface CommentOptions extends Omit<MarkdownOptions, "maxBytes"> {
  /** What the sticky marker identifies (a flow name or any stable id); default "default". */
  stickyId?: string;
  /** Size cap in characters (default 65,000). */
  maxChars?: number;
}

interface Part {
  text: string;
  /** True when rows were left out to fit. */
  cut: boolean;
}

/** A section rendered with at most `limit` rows in its long tables; undefined when it has nothing to say. */
type Section = (limit: number) => Part | undefined;

interface Ctx {
  report: Report;
  r: Redactor;
  base?: BaselineMetrics;
  collapsed: boolean;
  htmlLink?: string;
  runUrl?: string;
  fullReport: string;
}

function ctxOf(report: Report, opts: MarkdownOptions): Ctx {
  return {
    report,
    r: opts.redactor ?? new Redactor(),
    base: resolveBaseline(report, opts.baseline),
    collapsed: opts.detailsCollapsed ?? true,
    htmlLink: opts.htmlLink,
    runUrl: opts.runUrl,
    fullReport: opts.fullReport ?? (opts.htmlLink ? `the [report artifact](${linkTarget(opts.htmlLink)}) (report.html, report.md, report.json)` : DEFAULT_FULL_REPORT),
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// public API

/** The hidden marker that identifies our sticky PR comment (one per PR and id). */
export function stickyMarker(id: string): string {
  const safe = id.replace(/[^A-Za-z0-9._:/@+-]+/g, "-").replace(/-{2,}/g, "-") || "default";
  return `<!-- cognigy-nlu:sticky:${safe} -->`;
}

/** The job summary: verdict first, every section, capped at maxBytes (UTF-8) with a truncation note. */
export function renderSummary(report: Report, opts: MarkdownOptions = {}): string {
  const ctx = ctxOf(report, opts);
  const max = opts.maxBytes ?? SUMMARY_MAX_BYTES;
  return ctx.r.redactSecrets(fitUnder(fullSections(ctx), max, (s) => Buffer.byteLength(s, "utf8"), ctx.fullReport));
}

/** report.md: the same content as the summary, never truncated. */
export function renderReportMd(report: Report, opts: Omit<MarkdownOptions, "maxBytes"> = {}): string {
  const ctx = ctxOf(report, opts);
  return ctx.r.redactSecrets(fitUnder(fullSections(ctx), Number.POSITIVE_INFINITY, (s) => s.length, ctx.fullReport));
}

/** The sticky PR comment body: marker, verdict, plan counts, metrics, worst intents, findings counts; < 65,536 chars. */
export function renderPrComment(report: Report, opts: CommentOptions = {}): string {
  const ctx = ctxOf(report, opts);
  const max = opts.maxChars ?? COMMENT_MAX_CHARS;
  const marker = stickyMarker(opts.stickyId ?? "default");
  const sections: Section[] = [
    (limit) => {
      const v = verdictSection(ctx)(limit)!;
      return { text: `${marker}\n${v.text}`, cut: v.cut };
    },
    planLine(ctx),
    comparisonSection(ctx, { intents: 5, flipped: 10 }),
    metricsSection(ctx),
    gateSection(ctx),
    worstIntentsSection(ctx, 5),
    findingCountsSection(ctx),
    confusionsSection(ctx, 5, true),
    footerSection(ctx),
  ];
  // the marker is the first line of the verdict, which fitUnder() always keeps whole or cuts by lines after it
  return ctx.r.redactSecrets(fitUnder(sections, max, (s) => s.length, ctx.fullReport));
}

// ---------------------------------------------------------------------------------------------------------------------
// fitting under a size cap

const ROW_LIMITS = [Number.POSITIVE_INFINITY, 1000, 200, 50, 15, 5];

function truncationNote(fullReport: string): string {
  return `\n\n---\n> ⚠️ **${TRUNCATED_NOTE}:** ${fullReport}.\n`;
}

/**
 * The sections with their long tables shortened until the text fits; then whole sections dropped from the end; then the
 * verdict cut by whole blocks (truncateMarkdown). Every cut keeps the markdown whole: no table row, `<details>` or code
 * fence is left open, and the note says where the full report is.
 */
function fitUnder(sections: Section[], max: number, measure: (s: string) => number, fullReport: string): string {
  const note = truncationNote(fullReport);
  let parts: Part[] = [];
  for (const limit of ROW_LIMITS) {
    parts = sections.map((s) => s(limit)).filter((p): p is Part => p !== undefined && p.text.length > 0);
    const cut = parts.some((p) => p.cut);
    const text = join(parts) + (cut ? note : "");
    if (measure(text) <= max) return text;
  }
  // still too big: drop whole sections from the end (the verdict stays)
  for (;;) {
    const text = join(parts) + note;
    if (measure(text) <= max) return text;
    if (parts.length <= 1) break;
    parts.pop();
  }
  // a verdict alone over the cap (a pathological summary string)
  return truncateMarkdown(join(parts), max, { note, measure, cut: true });
}

/**
 * Cuts markdown to fit `max` (as `measure` counts) at a block boundary — never inside a table, a list item's line or a
 * code fence — closes the `<details>` left open, and appends `note`. The first line (a sticky marker, a heading) is kept
 * whole when it fits alone; a single line longer than the room is cut between characters at a safe point.
 */
export function truncateMarkdown(text: string, max: number, opts: { note?: string; measure?: (s: string) => number; cut?: boolean } = {}): string {
  const measure = opts.measure ?? ((s: string) => s.length);
  const note = opts.note ?? truncationNote(DEFAULT_FULL_REPORT);
  // `cut`: the caller already left content out, so the note is due even when the rest fits
  if (!opts.cut && measure(text) <= max) return text;
  const lines = text.split("\n");
  let fence = false;
  let open = 0;
  let best: string | undefined;
  let prefix = "";
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    prefix += (i ? "\n" : "") + line;
    if (/^\s*```/.test(line)) fence = !fence;
    open += (line.match(/<details[\s>]/g) ?? []).length - (line.match(/<\/details>/g) ?? []).length;
    open = Math.max(0, open);
    const next = lines[i + 1];
    // a boundary: outside a fence, and not between two table rows
    const inTable = /^\s*\|/.test(line) && next !== undefined && /^\s*\|/.test(next);
    if (fence || inTable) continue;
    const candidate = `${prefix.trimEnd()}${"\n\n</details>".repeat(open)}\n${note}`;
    if (measure(candidate) > max) break;
    best = candidate;
  }
  if (best !== undefined) return best;
  // not even the first line fits: cut it, leaving no half escape or entity and no lone surrogate
  const room = max - measure(`\n${note}`);
  let head = lines[0] ?? "";
  let lo = 0;
  let hi = head.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (measure(head.slice(0, mid)) <= room) lo = mid;
    else hi = mid - 1;
  }
  head = head.slice(0, lo).replace(/[\uD800-\uDBFF]$/, "").replace(/&[#\w]*$/, "").replace(/\\+$/, "");
  return `${head}\n${note}`;
}

function join(parts: Part[]): string {
  return `${parts.map((p) => p.text.trimEnd()).join("\n\n")}\n`;
}

// ---------------------------------------------------------------------------------------------------------------------
// escaping

/** Redacted, single-line text that cannot break a table, start HTML, or @-mention anyone. */
function md(ctx: Ctx, s: string | undefined, max = 200): string {
  if (!s) return "";
  return escapeMd(clip(ctx.r.redact(String(s)).replace(/\s+/g, " ").trim(), max));
}

function escapeMd(text: string): string {
  return escapeMarkdown(text);
}

function code(ctx: Ctx, s: string, max = 120): string {
  const text = clip(ctx.r.redact(s).replace(/\s+/g, " "), max).replace(/`/g, "'");
  return `\`${text.replace(/\|/g, "\\|")}\``;
}

function table(head: string[], rows: string[][], align?: ("l" | "r")[]): string {
  const sep = head.map((_, i) => (align?.[i] === "r" ? "---:" : "---"));
  return [head, sep, ...rows].map((r) => `| ${r.join(" | ")} |`).join("\n");
}

function details(ctx: Ctx, summary: string, body: string, rows: number): string {
  if (rows <= DETAILS_ROWS) return body;
  return `<details${ctx.collapsed ? "" : " open"}><summary>${summary}</summary>\n\n${body}\n\n</details>`;
}

function deltaCell(current: number | undefined, base: number | undefined): string {
  const d = fmtDelta(current, base);
  if (d === undefined) return "–";
  const s = deltaSign(current, base);
  return s > 0 ? `${d} ▲` : s < 0 ? `**${d} ▼**` : d;
}

function moreRow(cols: number, hidden: number, what: string): string[] {
  const cells = new Array<string>(cols).fill("");
  cells[0] = `_… ${fmtInt(hidden)} more ${what} — ${TRUNCATED_NOTE}_`;
  return cells;
}

// ---------------------------------------------------------------------------------------------------------------------
// sections

function fullSections(ctx: Ctx): Section[] {
  return [
    verdictSection(ctx),
    planSection(ctx),
    driftSection(ctx),
    comparisonSection(ctx, { intents: Number.POSITIVE_INFINITY, flipped: 50 }),
    metricsSection(ctx),
    gateSection(ctx),
    perIntentSection(ctx),
    confusionsSection(ctx, 10, false),
    chartSection(ctx),
    findingsSection(ctx),
    runSection(ctx),
    requestsSection(ctx),
    timingsSection(ctx),
    footerSection(ctx),
  ];
}

function verdictSection(ctx: Ctx): Section {
  return () => {
    const { report } = ctx;
    const v = verdictOf(report);
    const bits = [`${VERDICT_ICON[v]} **${VERDICT_LABEL[v]}**`, `mode \`${report.mode}\``];
    const m = report.metrics;
    const c = report.comparison;
    if (m && !c) {
      const d = fmtDelta(m.macroF1, ctx.base?.macroF1);
      bits.push(`macro F1 **${fmt(m.macroF1)}**${d ? ` (${d} vs baseline)` : ""}`);
    }
    if (report.gate) bits.push(`gate **${report.gate.passed ? "passed" : "failed"}**`);
    const lines = [`### ${bits.join(" · ")}`];
    if (c) {
      const lead = comparisonLead(c, alphaOf(report));
      lines.push([`**${lead.headline}**`, ...lead.intents.map((i) => `${md(ctx, i.name, 60)} ${i.delta}`)].join(" · "));
    }
    const note = comparisonNote(report);
    if (note) lines.push(`_${md(ctx, note, 600)}_`);
    const thresholds = thresholdsText(report);
    if (thresholds) lines.push(`${report.thresholds?.proposed.some((c) => c.loosens) ? "⚠️ " : ""}${md(ctx, thresholds, 600)}`);
    for (const reason of report.gate?.reasons ?? []) lines.push(`- ${md(ctx, reason, 400)}`);
    for (const w of (report.gate?.warnings ?? []).slice(0, 10)) lines.push(`- ⚠️ ${md(ctx, w, 400)}`);
    if (report.summary) lines.push("", md(ctx, report.summary, 2000));
    if (report.error) lines.push("", `> **Failed in step \`${md(ctx, report.error.step, 60)}\`:** ${md(ctx, report.error.message, 2000)}`);
    const links: string[] = [];
    if (ctx.htmlLink) links.push(`[report artifact](${linkTarget(ctx.htmlLink)}) (a zip: report.html with charts, report.md, report.json)`);
    if (ctx.runUrl) links.push(`[workflow run](${linkTarget(ctx.runUrl)})`);
    if (links.length) lines.push("", links.join(" · "));
    return { text: lines.join("\n"), cut: false };
  };
}

function linkTarget(url: string): string {
  return url.replace(/[\s()<>]/g, encodeURIComponent);
}

function planSection(ctx: Ctx): Section {
  return (limit) => {
    const plan = ctx.report.plan;
    if (!plan) return undefined;
    const head = ["Flow", "Intents created", "updated", "deleted", "Sentences added", "removed", "Unchanged"];
    const align: ("l" | "r")[] = ["l", "r", "r", "r", "r", "r", "r"];
    const shown = plan.flows.slice(0, limit);
    const rows = shown.map((f) => [
      md(ctx, f.flow, 80),
      fmtInt(f.createIntents.length),
      fmtInt(f.updateIntents.length),
      fmtInt(f.deleteIntents.length),
      fmtInt(flowSentenceCounts(f).add),
      fmtInt(flowSentenceCounts(f).remove),
      fmtInt(f.unchanged),
    ]);
    const cut = plan.flows.length > shown.length;
    if (cut) rows.push(moreRow(head.length, plan.flows.length - shown.length, "flows"));
    const t = plan.totals;
    if (plan.flows.length > 1 || cut) {
      rows.push(["**Total**", ...[t.createIntents, t.updateIntents, t.deleteIntents, t.addSentences, t.removeSentences, t.unchanged].map((n) => `**${fmtInt(n)}**`)]);
    }
    const lead = plan.empty ? "No changes: Cognigy already matches the files." : "";
    const body = details(ctx, `Plan — ${fmtInt(plan.flows.length)} flows`, table(head, rows, align), rows.length);
    const notes = planNotes(ctx.report, { listsSentences: false })
      .slice(0, limit)
      .map((n) => `- ${md(ctx, n, 400)}`)
      .join("\n");
    return { text: `#### Plan\n\n${lead ? `${lead}\n\n` : ""}${body}${notes ? `\n\n${notes}` : ""}`, cut };
  };
}

function isDrift(d: unknown): d is DriftResult {
  const x = d as Partial<DriftResult> | null;
  return typeof x === "object" && x !== null && typeof x.clean === "boolean" && Array.isArray(x.flows) && typeof x.totals === "object";
}

/** report.drift (check and backup modes): what was changed in Cognigy and not in git, with the drift module's table. */
function driftSection(ctx: Ctx): Section {
  return (limit) => {
    const drift = ctx.report.drift;
    if (!isDrift(drift)) return undefined;
    const text = driftMarkdown(drift, { maxRows: limit, heading: "Drift (changed in Cognigy, not in git)", headingLevel: 4 });
    return { text, cut: driftChangeCount(drift) > limit };
  };
}

/** One line of plan totals (PR comment). */
function planLine(ctx: Ctx): Section {
  return () => {
    const plan = ctx.report.plan;
    if (!plan) return undefined;
    const t = plan.totals;
    if (plan.empty) return { text: "**Plan:** no changes.", cut: false };
    return {
      text: `**Plan:** intents +${fmtInt(t.createIntents)} created · ${fmtInt(t.updateIntents)} updated · −${fmtInt(t.deleteIntents)} deleted; sentences +${fmtInt(t.addSentences)} added · −${fmtInt(t.removeSentences)} removed; ${fmtInt(t.unchanged)} unchanged (${fmtInt(plan.flows.length)} flow${plan.flows.length === 1 ? "" : "s"}).`,
      cut: false,
    };
  };
}

function metricsSection(ctx: Ctx): Section {
  return () => {
    const m = ctx.report.metrics;
    const notes = evaluationNotes(ctx.report).map((n) => `- ${md(ctx, n, 400)}`);
    if (!m) return notes.length ? { text: `#### Metrics\n\n${notes.join("\n")}`, cut: false } : undefined;
    const rows = metricRows(m, ctx.base);
    const withBase = ctx.base !== undefined;
    const head = withBase ? ["Metric", "Value", "Baseline", "Δ"] : ["Metric", "Value"];
    const body = rows.map((r) => (withBase ? [r.label, `**${fmt(r.value)}**`, fmt(r.base), deltaCell(r.value, r.base)] : [r.label, `**${fmt(r.value)}**`]));
    const extra = [`${fmtInt(m.total)} test utterances`];
    if (m.outOfScope) extra.push(`${fmtInt(m.outOfScope.support)} out of scope (threshold ${m.outOfScope.threshold})`);
    if (m.latencyMs) extra.push(`latency p50 ${fmtMs(m.latencyMs.p50)} · p95 ${fmtMs(m.latencyMs.p95)}`);
    if (m.shard) extra.push(`shard ${md(ctx, m.shard, 20)}`);
    const tail = notes.length ? `\n\n${notes.join("\n")}` : "";
    return { text: `#### Metrics\n\n${table(head, body, withBase ? ["l", "r", "r", "r"] : ["l", "r"])}\n\n${extra.join(" · ")}${tail}`, cut: false };
  };
}

/** The gate: every rule with its required threshold, the value and the result. */
function gateSection(ctx: Ctx): Section {
  return () => {
    const rows = gateRows(ctx.report.gate);
    if (rows.length === 0) return undefined;
    const passed = ctx.report.gate?.passed;
    const body = rows.map((g) => [md(ctx, g.label, 80), g.required, `**${g.value}**`, g.passed ? "✅ pass" : "❌ fail"]);
    return { text: `#### Gate — ${passed ? "passed" : "failed"}\n\n${table(["Rule", "Required", "Value", "Result"], body, ["l", "r", "r", "l"])}`, cut: false };
  };
}

function flippedLine(ctx: Ctx, f: FlippedUtterance, multiFlow: boolean): string {
  const name = (n: string | null) => (n === null ? "(none)" : md(ctx, n, 60));
  const where = multiFlow ? `${md(ctx, f.flow, 40)} · ` : "";
  return `- “${md(ctx, f.text, 120)}” — ${where}${md(ctx, f.locale, 20)} · expected ${f.expected === null ? "(out of scope)" : md(ctx, f.expected, 60)}: ${name(f.base)} → ${name(f.head)}`;
}

/** Base vs head: per-intent F1 deltas, the significance, the flipped utterances (masked). */
function comparisonSection(ctx: Ctx, n: { intents: number; flipped: number }): Section {
  return (limit) => {
    const c = ctx.report.comparison;
    if (!c) return undefined;
    const all = comparisonRows(c);
    const shown = all.slice(0, Math.min(n.intents, limit));
    const hidden = all.length - shown.length;
    const body = shown.map((r) => [md(ctx, r.name, 200), fmt(r.base), `**${fmt(r.head)}**`, r.delta < -0.0005 ? `**${signedDelta(r.delta, 3)} ▼**` : r.delta > 0.0005 ? `${signedDelta(r.delta, 3)} ▲` : signedDelta(r.delta, 3), fmtInt(r.support)]);
    if (hidden > 0) body.push(moreRow(5, hidden, "intents"));
    const head = [`Intent`, `Base F1`, `Head F1`, `Δ F1`, `Tests`];
    const parts = [`#### Base vs head${c.base.engine === "local" ? " (local estimate)" : ""}`, "", md(ctx, significanceText(c), 600), "", details(ctx, `${fmtInt(all.length)} intents, biggest loss first`, table(head, body, ["l", "r", "r", "r", "r"]), shown.length)];
    const multi = new Set([...c.flipped.toWrong, ...c.flipped.toRight].map((f) => f.flow)).size > 1;
    let cut = hidden > 0;
    for (const [title, list] of [
      ["Right → wrong", c.flipped.toWrong],
      ["Wrong → right", c.flipped.toRight],
    ] as const) {
      if (!list.length) continue;
      const k = Math.min(n.flipped, limit, list.length);
      const lines = list.slice(0, k).map((f) => flippedLine(ctx, f, multi));
      if (list.length > k) {
        lines.push(`- _… ${fmtInt(list.length - k)} more — ${TRUNCATED_NOTE}_`);
        cut = true;
      }
      parts.push("", `<details${ctx.collapsed && list.length > 5 ? "" : " open"}><summary>${title}: ${fmtInt(list.length)} utterance${list.length === 1 ? "" : "s"}</summary>\n\n${lines.join("\n")}\n\n</details>`);
    }
    return { text: parts.join("\n"), cut };
  };
}

function intentTable(ctx: Ctx, rows: IntentRow[], hidden: number): string {
  const withBase = ctx.base !== undefined;
  const head = ["Intent", "Precision", "Recall", "F1", "Support", ...(withBase ? ["Δ F1"] : [])];
  const body = rows.map((row) => [
    md(ctx, row.name, 200),
    fmt(row.m.precision),
    fmt(row.m.recall),
    `**${fmt(row.m.f1)}**`,
    fmtInt(row.m.support),
    ...(withBase ? [row.baseF1 === undefined ? "new" : deltaCell(row.m.f1, row.baseF1)] : []),
  ]);
  if (hidden > 0) body.push(moreRow(head.length, hidden, "intents"));
  return table(head, body, ["l", "r", "r", "r", "r", "r"]);
}

function perIntentSection(ctx: Ctx): Section {
  return (limit) => {
    const m = ctx.report.metrics;
    if (!m) return undefined;
    const all = intentRows(m, ctx.base);
    if (all.length === 0) return undefined;
    const shown = all.slice(0, limit);
    const hidden = all.length - shown.length;
    const worst = all
      .slice(0, 3)
      .map((r) => `${md(ctx, r.name, 40)} ${fmt(r.m.f1)}`)
      .join(", ");
    const body = details(ctx, `${fmtInt(all.length)} intents, worst first: ${worst}`, intentTable(ctx, shown, hidden), shown.length);
    return { text: `#### Per intent (worst F1 first)\n\n${body}`, cut: hidden > 0 };
  };
}

function worstIntentsSection(ctx: Ctx, n: number): Section {
  return () => {
    const m = ctx.report.metrics;
    if (!m) return undefined;
    const all = intentRows(m, ctx.base);
    if (all.length === 0) return undefined;
    return { text: `#### Worst ${Math.min(n, all.length)} of ${fmtInt(all.length)} intents\n\n${intentTable(ctx, all.slice(0, n), 0)}`, cut: false };
  };
}

function confusionsSection(ctx: Ctx, n: number, collapse: boolean): Section {
  return (limit) => {
    const list = ctx.report.metrics?.confusions ?? [];
    if (list.length === 0) return undefined;
    const shown = list.slice(0, Math.min(n, limit));
    const rows = shown.map((c) => [
      md(ctx, c.expected, 60),
      md(ctx, c.predicted, 60),
      fmtInt(c.count),
      c.examples
        .slice(0, 3)
        .map((e) => `“${md(ctx, e, 80)}”`)
        .join("<br>"),
    ]);
    const t = table(["Expected", "Predicted as", "Count", "Examples"], rows, ["l", "l", "r", "l"]);
    const title = `Top ${shown.length} confusions`;
    if (collapse) return { text: `<details><summary>${title}</summary>\n\n${t}\n\n</details>`, cut: false };
    return { text: `#### ${title}\n\n${t}`, cut: false };
  };
}

/** Mermaid labels: letters, digits and a few safe marks only. */
function mermaidLabel(ctx: Ctx, s: string): string {
  const t = clip(ctx.r.redact(s), 22).replace(/[^\p{L}\p{N} ._-]/gu, "_");
  return `"${t}"`;
}

function chartSection(ctx: Ctx): Section {
  return () => {
    const m = ctx.report.metrics;
    if (!m) return undefined;
    const rows = intentRows(m, ctx.base).slice(0, 15);
    if (rows.length === 0) return undefined;
    const lines = [
      "```mermaid",
      "xychart-beta",
      `  title "F1 of the ${rows.length} worst intents${ctx.base ? " (line: baseline)" : ""}"`,
      `  x-axis [${rows.map((r) => mermaidLabel(ctx, r.name)).join(", ")}]`,
      '  y-axis "F1" 0 --> 1',
      `  bar [${rows.map((r) => r.m.f1.toFixed(3)).join(", ")}]`,
    ];
    if (ctx.base && rows.every((r) => isNum(r.baseF1))) lines.push(`  line [${rows.map((r) => (r.baseF1 as number).toFixed(3)).join(", ")}]`);
    lines.push("```");
    return { text: lines.join("\n"), cut: false };
  };
}

function findingLine(ctx: Ctx, f: Finding): string {
  return `  - ${severityIcon(f.severity)} ${code(ctx, location(f))} ${md(ctx, f.message, 300)}`;
}

function severityIcon(s: string): string {
  return s === "error" ? "❌" : s === "warning" ? "⚠️" : "ℹ️";
}

const FINDINGS_PER_RULE = 3;

function findingsSection(ctx: Ctx): Section {
  return (limit) => {
    const findings = ctx.report.findings ?? [];
    const t = severityTotals(findings);
    if (findings.length === 0) return { text: "#### Findings\n\nNo findings.", cut: false };
    const groups = findingsByRule(findings);
    const shownGroups = groups.slice(0, limit);
    const counts = table(
      ["Rule", "Errors", "Warnings", "Info"],
      shownGroups.map((g) => [`\`${g.rule}\``, fmtInt(g.counts.error), fmtInt(g.counts.warning), fmtInt(g.counts.info)]),
      ["l", "r", "r", "r"],
    );
    const list: string[] = [];
    for (const g of shownGroups) {
      list.push(`- **${g.rule}** (${fmtInt(g.items.length)})`);
      for (const f of g.items.slice(0, FINDINGS_PER_RULE)) list.push(findingLine(ctx, f));
      if (g.items.length > FINDINGS_PER_RULE) list.push(`  - _… and ${fmtInt(g.items.length - FINDINGS_PER_RULE)} more_`);
    }
    const cut = groups.length > shownGroups.length;
    const known = knownNote(ctx.report);
    const head = `#### Findings — ${fmtInt(t.error)} errors, ${fmtInt(t.warning)} warnings, ${fmtInt(t.info)} info${known ? `\n\n${md(ctx, known, 600)}` : ""}`;
    const listBlock = details(ctx, `First ${FINDINGS_PER_RULE} findings of each rule`, list.join("\n"), list.length);
    return { text: `${head}\n\n${counts}\n\n${listBlock}`, cut };
  };
}

/** Finding counts only (PR comment). */
function findingCountsSection(ctx: Ctx): Section {
  return (limit) => {
    const findings = ctx.report.findings ?? [];
    const t = severityTotals(findings);
    const known = knownNote(ctx.report);
    const head = `**Findings:** ${fmtInt(t.error)} errors · ${fmtInt(t.warning)} warnings · ${fmtInt(t.info)} info${known ? ` · ${md(ctx, known, 600)}` : ""}`;
    if (findings.length === 0) return { text: head, cut: false };
    const groups = findingsByRule(findings);
    const shown = groups.slice(0, limit);
    const rows = shown.map((g) => [`\`${g.rule}\``, fmtInt(g.counts.error), fmtInt(g.counts.warning), fmtInt(g.counts.info), findingLineShort(ctx, g.items[0])]);
    const t2 = table(["Rule", "Errors", "Warnings", "Info", "First"], rows, ["l", "r", "r", "r", "l"]);
    return { text: `${head}\n\n<details><summary>By rule</summary>\n\n${t2}\n\n</details>`, cut: groups.length > shown.length };
  };
}

function findingLineShort(ctx: Ctx, f: Finding | undefined): string {
  return f ? `${code(ctx, location(f), 80)} ${md(ctx, f.message, 120)}` : "";
}

function runSection(ctx: Ctx): Section {
  return () => {
    const { sync, training, promotion } = ctx.report;
    const lines: string[] = [];
    if (sync) {
      const b = sync.backup ? `; backup ${sync.backup.kind} ${code(ctx, sync.backup.name ?? sync.backup.id ?? sync.backup.path ?? "", 60)}` : "";
      lines.push(`- **Sync:** ${sync.applied ? "applied" : "not applied"} (${sync.strategy}), ${fmtInt(sync.writeCalls)} write calls${b}`);
    }
    if (training) {
      const secs = training.tasks.reduce((a, t) => a + (isNum(t.seconds) ? t.seconds : 0), 0);
      const th = training.threshold ? `; thresholds ${training.threshold.lower}/${training.threshold.upper}` : "";
      lines.push(`- **Training:** ${training.mode}, ${fmtInt(training.tasks.length)} tasks, ${fmtMs(secs * 1000)} total${th}`);
    }
    if (promotion) {
      let p = promotion.promoted ? `promoted as snapshot ${code(ctx, promotion.snapshotName ?? promotion.snapshotId ?? "?", 60)}` : "not promoted";
      if (promotion.endpoints?.length) p += `; ${fmtInt(promotion.endpoints.length)} endpoints updated`;
      if (promotion.rolledBack) p += "; rolled back to the pre-sync backup";
      lines.push(`- **Promotion:** ${p}`);
    }
    if (lines.length === 0) return undefined;
    return { text: `#### Sync, training and promotion\n\n${lines.join("\n")}`, cut: false };
  };
}

function requestsSection(ctx: Ctx): Section {
  return () => {
    const q = ctx.report.requests;
    if (!q) return undefined;
    const head = `#### Requests\n\n**${fmtInt(q.total)}** requests · ${fmtInt(q.retries)} retries · ${fmtMs(q.waitedMs)} waited for the rate limit or Retry-After`;
    const routes = topRoutes(q, 5);
    if (routes.length === 0) return { text: head, cut: false };
    const t = table(
      ["Route", "Calls", "Errors", "Avg time"],
      routes.map((r) => [code(ctx, r.route, 80), fmtInt(r.count), fmtInt(r.errors), fmtMs(r.avgMs)]),
      ["l", "r", "r", "r"],
    );
    return { text: `${head}\n\n${t}`, cut: false };
  };
}

function timingsSection(ctx: Ctx): Section {
  return (limit) => {
    const t = ctx.report.timings ?? [];
    if (t.length === 0) return undefined;
    const shown = t.slice(0, limit);
    const icon = (o: string) => (o === "success" ? "✅" : o === "failure" ? "❌" : "⏭️");
    const rows = shown.map((s) => [md(ctx, s.step, 60), `${icon(s.outcome)} ${s.outcome}`, fmtMs(s.ms)]);
    if (t.length > shown.length) rows.push(moreRow(3, t.length - shown.length, "steps"));
    const total = t.reduce((a, s) => a + (isNum(s.ms) ? s.ms : 0), 0);
    rows.push(["**Total**", "", `**${fmtMs(total)}**`]);
    return { text: `#### Timings\n\n${details(ctx, "Timings per step", table(["Step", "Outcome", "Time"], rows, ["l", "l", "r"]), rows.length)}`, cut: t.length > shown.length };
  };
}

function footerSection(ctx: Ctx): Section {
  return () => {
    const { report } = ctx;
    const bits = [`${report.tool?.name ?? "cognigy-nlu"} ${md(ctx, report.tool?.version ?? "", 30)}`];
    if (report.commit) bits.push(`commit \`${ctx.r.redactSecrets(report.commit).slice(0, 12).replace(/`/g, "")}\``);
    if (report.startedAt) bits.push(`started ${escapeMd(clip(ctx.r.redactSecrets(report.startedAt), 40))}`);
    if (ctx.runUrl) bits.push(`[run](${linkTarget(ctx.runUrl)})`);
    return { text: `<sub>${bits.join(" · ")}</sub>`, cut: false };
  };
}
