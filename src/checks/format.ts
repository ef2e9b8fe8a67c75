// Findings as text (grouped by file), as GitHub workflow annotations, and the one-line total. Pure string builders.
import type { Severity } from "../config/schema.js";
import type { Dataset } from "../dataset/types.js";
import { escapeCommandData, escapeCommandProperty } from "../text/untrusted.js";
import { compareFindings } from "./finding.js";
import { type Finding, SEVERITY_RANK } from "./types.js";
import { grouped } from "../text/number.js";

export interface Totals {
  /** New findings (not in the findings baseline) per severity. */
  errors: number;
  warnings: number;
  infos: number;
  /** Findings the baseline holds (shown as known, not counted above). */
  known: number;
  /** Files read. */
  files: number;
  /** Examples and tests. */
  utterances: number;
  intents: number;
}

export function totalsOf(findings: Finding[], dataset: Dataset): Totals {
  const t: Totals = { errors: 0, warnings: 0, infos: 0, known: 0, files: 0, utterances: 0, intents: 0 };
  for (const f of findings) {
    if (f.known) t.known++;
    else if (f.severity === "error") t.errors++;
    else if (f.severity === "warning") t.warnings++;
    else t.infos++;
  }
  const files = new Set<string>();
  for (const flow of dataset.flows) {
    for (const f of flow.files) files.add(f);
    t.intents += flow.intents.length;
    t.utterances += flow.tests.length;
    for (const i of flow.intents) {
      for (const l of Object.values(i.examples)) t.utterances += l.length;
      for (const l of Object.values(i.tests)) t.utterances += l.length;
    }
  }
  t.files = files.size;
  return t;
}

function count(n: number, one: string, many = `${one}s`): string {
  return `${grouped(n)} ${n === 1 ? one : many}`;
}

/** `validate: 2 errors, 5 warnings, 1 info in 14 files (1,234 utterances, 12 intents)` */
export function summaryLine(t: Totals, label = "validate"): string {
  const known = t.known ? `, known (${grouped(t.known)})` : "";
  return `${label}: ${count(t.errors, "error")}, ${count(t.warnings, "warning")}, ${count(t.infos, "info", "info")}${known} in ${count(t.files, "file")} (${count(t.utterances, "utterance")}, ${count(t.intents, "intent")})`;
}

/** "known (76): 2 duplicate-across, 74 test-leakage" — the baseline's findings of a run by rule, or "" when none. */
export function knownLine(findings: readonly Finding[]): string {
  const byRule = new Map<string, number>();
  for (const f of findings) if (f.known) byRule.set(f.rule, (byRule.get(f.rule) ?? 0) + 1);
  if (byRule.size === 0) return "";
  const n = [...byRule.values()].reduce((a, b) => a + b, 0);
  return `known (${grouped(n)}): ${[...byRule].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([r, c]) => `${c} ${r}`).join(", ")}`;
}

function place(f: Finding): string {
  return f.line > 0 ? `${f.file}:${f.line}:${f.column || 1}` : f.file;
}

/** One line per finding, `file:line:col severity rule message (hint)`, grouped by file (blank line between files), then the total. */
export function formatText(findings: Finding[], totals: Totals, label = "validate"): string {
  const sorted = findings.filter((f) => !f.known).sort(compareFindings);
  const lines: string[] = [];
  let file: string | undefined;
  for (const f of sorted) {
    if (file !== undefined && f.file !== file) lines.push("");
    file = f.file;
    lines.push(`${place(f)} ${f.severity} ${f.rule} ${oneLine(f.message)}${f.hint ? ` (${oneLine(f.hint)})` : ""}`);
  }
  if (lines.length) lines.push("");
  const known = knownLine(findings);
  if (known) lines.push(`${known} (in the findings baseline; not listed)`);
  lines.push(summaryLine(totals, label));
  return `${lines.join("\n")}\n`;
}

function oneLine(s: string): string {
  return s.replace(/[\r\n]+/g, " ");
}

/** GitHub's escaping for the message part of a workflow command. */
export function escapeData(s: string): string {
  return escapeCommandData(s);
}

/** GitHub's escaping for a property value (file=…, title=…) of a workflow command. */
export function escapeProperty(s: string): string {
  return escapeCommandProperty(s);
}

const COMMAND: Record<Severity, string> = { error: "error", warning: "warning", info: "notice" };

/** One workflow annotation command for a finding. */
export function annotation(f: Finding): string {
  const props = [`file=${escapeProperty(f.file)}`];
  if (f.line > 0) {
    props.push(`line=${f.line}`);
    if (f.column > 0) props.push(`col=${f.column}`);
  }
  props.push(`title=${escapeProperty(f.rule)}`);
  return `::${COMMAND[f.severity]} ${props.join(",")}::${escapeData(f.hint ? `${f.message} (${f.hint})` : f.message)}`;
}

/**
 * Workflow annotations, most important first (errors, warnings, notices; by place within each), at most
 * `perSeverity` of each (GitHub shows 10 per type per step), then a note for the rest and the total line.
 */
export function formatGithub(findings: Finding[], totals: Totals, opts: { perSeverity?: number; label?: string } = {}): string {
  const limit = opts.perSeverity ?? 10;
  const sorted = findings.filter((f) => !f.known).sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || compareFindings(a, b));
  const lines: string[] = [];
  const shown: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  const hidden: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of sorted) {
    if (shown[f.severity] < limit) {
      shown[f.severity]++;
      lines.push(annotation(f));
    } else hidden[f.severity]++;
  }
  const rest = (["error", "warning", "info"] as const).filter((s) => hidden[s] > 0).map((s) => `${hidden[s]} more ${s === "info" ? "info" : `${s}${hidden[s] === 1 ? "" : "s"}`}`);
  if (rest.length) lines.push(`(${rest.join(", ")} not annotated; run 'cognigy-nlu validate' for the full list)`);
  const known = knownLine(findings);
  if (known) lines.push(`${known} (in the findings baseline; not annotated)`);
  lines.push(summaryLine(totals, opts.label));
  return `${lines.join("\n")}\n`;
}
