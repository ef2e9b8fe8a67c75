// Harvest outputs (pure): the unified-diff patch over the intent files and the pull-request body markdown.
import { parseDocument } from "yaml";
import { markdownCell } from "../../text/untrusted.js";
import type { FlowConfig } from "../../config/schema.js";
import { appendExamples, layoutOf } from "../pull/intent-file.js";
import type { DropReason, Proposal } from "./select.js";
import { unifiedDiff } from "./unified-diff.js";

export interface FileProposal extends Proposal {
  flow: string;
  /** The intent's file, relative to the repository root. */
  file: string;
}

/** The new text of each touched file (examples appended per locale, comments kept) and the patch over all of them. */
export function buildPatch(
  proposals: readonly FileProposal[],
  read: (file: string) => string,
  flows: ReadonlyMap<string, FlowConfig>,
): { patch: string; files: { file: string; text: string }[] } {
  const byFile = new Map<string, FileProposal[]>();
  for (const p of proposals) {
    let l = byFile.get(p.file);
    if (!l) byFile.set(p.file, (l = []));
    l.push(p);
  }
  const files: { file: string; text: string }[] = [];
  const diffs: string[] = [];
  for (const file of [...byFile.keys()].sort()) {
    const list = byFile.get(file) ?? [];
    const flow = flows.get(list[0]?.flow ?? "") as FlowConfig;
    const layout = { defaultLocale: flow.defaultLocale, locales: Object.keys(flow.locales) };
    const old = read(file);
    const doc = parseDocument(old, { logLevel: "error" });
    for (const p of list) appendExamples(doc, layout, p.locale, p.examples.map((e) => e.text));
    const text = doc.toString(layoutOf(old));
    files.push({ file, text });
    diffs.push(unifiedDiff(file, old, text));
  }
  return { patch: diffs.join(""), files };
}

const REASONS: Record<DropReason, string> = {
  empty: "empty after clean-up",
  "unknown-intent": "intent not in the repository",
  "low-score": "top score below the minimum",
  "wrong-intent": "re-scored to another flow's intent",
  ambiguous: "top two intents too close (margin)",
  length: "outside the length bounds",
  pii: "contained PII",
  duplicate: "already an example or test",
  "near-duplicate": "near-duplicate of an example",
  conflict: "equal or near-equal to another intent's utterance",
  "too-few": "intent had fewer new utterances than the minimum",
};

/** Chat-log text in markdown: PII masked, escaped (no mention, link, image or HTML can come from a user message). */
function cell(s: string): string {
  return markdownCell(s, 500);
}

/** The pull-request body: what is proposed, with scores, and what was dropped and why (counts only). */
export function prBody(input: {
  proposals: readonly FileProposal[];
  dropped: Partial<Record<DropReason | "out-of-range", number>>;
  tooFew: readonly { intent: string; locale: string; count: number }[];
  read: Record<string, number>;
  minScore: number;
  minPerIntent: number;
  range?: string;
  pii: "drop" | "mask";
}): string {
  const total = input.proposals.reduce((n, p) => n + p.examples.length, 0);
  const lines: string[] = [
    `## Harvested training examples: ${total} new example(s) for ${input.proposals.length} intent(s)`,
    "",
    `Read ${Object.entries(input.read)
      .map(([k, n]) => `${n} ${k}`)
      .join(" and ")}${input.range ? ` (${input.range})` : ""}. Kept user messages whose top intent scored at least ${input.minScore}, ` +
      `${input.pii === "drop" ? "dropped every message with PII" : "masked PII"}, and proposed intents with at least ${input.minPerIntent} new utterances.`,
    "",
    "Review each example: it becomes training data once this is merged and released. Apply with `git apply harvest.patch`.",
    "",
  ];
  for (const p of input.proposals) {
    lines.push(`### ${cell(p.intent)} (${cell(p.locale)}) — ${p.examples.length} new`, "", `\`${p.file}\``, "", "| example | score | seen | source |", "|---|---:|---:|---|");
    for (const e of p.examples) lines.push(`| ${cell(e.text)} | ${e.score.toFixed(3)} | ${e.count} | ${cell(e.source)}${e.masked ? " (PII masked)" : ""} |`);
    lines.push("");
  }
  const dropped = Object.entries(input.dropped).filter(([, n]) => (n ?? 0) > 0);
  if (dropped.length) {
    lines.push("<details><summary>Dropped</summary>", "", "| reason | messages |", "|---|---:|");
    for (const [k, n] of dropped) lines.push(`| ${k === "out-of-range" ? "outside the date range" : REASONS[k as DropReason]} | ${n} |`);
    if (input.tooFew.length) lines.push("", `Too few new utterances: ${input.tooFew.map((t) => `${cell(t.intent)} (${t.locale}: ${t.count})`).join(", ")}`);
    lines.push("", "</details>", "");
  }
  if (total === 0) lines.push("Nothing to propose this time.", "");
  return lines.join("\n");
}
