// The drift table for job summaries and report.md: counts per flow, then every change (PII masked, capped).
import { markdownCell } from "../text/untrusted.js";
import type { DriftResult } from "../pipeline/drift/compare.js";

/** Data (names, sentences from Cognigy and git) in a table cell: PII masked, markdown escaped (src/text). */
function cell(s: unknown): string {
  return markdownCell(s);
}

/** Markdown: a verdict line, a totals table per flow and a change table (at most `maxRows` rows, with a note). */
export function driftMarkdown(drift: DriftResult, opts: { maxRows?: number; heading?: string; headingLevel?: number } = {}): string {
  const max = opts.maxRows ?? 100;
  const lines: string[] = [`${"#".repeat(opts.headingLevel ?? 3)} ${opts.heading ?? "Drift: Cognigy vs git"}`, ""];
  if (drift.clean) {
    lines.push("No drift: the live flows match the repository.", "");
    return lines.join("\n");
  }
  const t = drift.totals;
  lines.push(
    `Changed in Cognigy and not in git: ${t.addedSentences} sentence(s) added, ${t.removedSentences} removed, ${t.editedSentences} edited; ` +
      `${t.addedIntents} intent(s) added, ${t.removedIntents} missing, ${t.changedIntents} with changed fields.`,
    "",
    "| flow | intents added | intents missing | intents changed | sentences added | sentences removed | sentences edited |",
    "|---|---:|---:|---:|---:|---:|---:|",
  );
  for (const f of drift.flows) {
    lines.push(
      `| ${cell(f.flow)} | ${f.addedIntents.length} | ${f.removedIntents.length} | ${f.changedIntents.length} | ${f.addedSentences.length} | ${f.removedSentences.length} | ${f.editedSentences.length} |`,
    );
  }
  const rows: string[] = [];
  // one row per change: driftChangeCount counts them
  for (const f of drift.flows) {
    for (const i of f.addedIntents) rows.push(`| ${cell(f.flow)} | ${cell(i.intent)} | | intent added in Cognigy | ${i.sentences} sentence(s) |`);
    for (const i of f.removedIntents) rows.push(`| ${cell(f.flow)} | ${cell(i.intent)} | | intent missing in Cognigy | |`);
    for (const i of f.changedIntents)
      for (const [k, v] of Object.entries(i.fields)) rows.push(`| ${cell(f.flow)} | ${cell(i.intent)} | | ${cell(k)} changed | git ${cell(v.git)} → live ${cell(v.live)} |`);
    for (const s of f.editedSentences) rows.push(`| ${cell(f.flow)} | ${cell(s.intent)} | ${cell(s.locale)} | edited | ${cell(s.from)} → ${cell(s.to)} |`);
    for (const s of f.addedSentences) rows.push(`| ${cell(f.flow)} | ${cell(s.intent)} | ${cell(s.locale)} | added | ${cell(s.text)} |`);
    for (const s of f.removedSentences) rows.push(`| ${cell(f.flow)} | ${cell(s.intent)} | ${cell(s.locale)} | removed | ${cell(s.text)} |`);
  }
  lines.push("", "| flow | intent | locale | change | text |", "|---|---|---|---|---|", ...rows.slice(0, max));
  if (rows.length > max) lines.push("", `… ${rows.length - max} more change(s) in report.json (drift).`);
  lines.push("");
  return lines.join("\n");
}

/** How many change rows driftMarkdown lists in all (before `maxRows`). */
export function driftChangeCount(drift: DriftResult): number {
  let n = 0;
  for (const f of drift.flows) {
    n += f.addedIntents.length + f.removedIntents.length + f.editedSentences.length + f.addedSentences.length + f.removedSentences.length;
    for (const i of f.changedIntents) n += Object.keys(i.fields).length;
  }
  return n;
}
