// The thresholds a pull request proposes, in words shared by every renderer (the log, job summary, PR comment,
// report.md, HTML): "Thresholds proposed by this PR, apply after merge: gate.macroF1 0.85 → 0.5 (looser)".
import type { Report, ThresholdChange } from "./types.js";

function value(x: number | boolean | null): string {
  return x === null ? "off" : String(x);
}

/** "gate.macroF1 0.85 → 0.5 (looser)" */
export function thresholdChangeText(c: ThresholdChange): string {
  return `${c.key} ${value(c.base)} → ${value(c.head)}${c.loosens ? " (looser)" : " (stricter)"}`;
}

/**
 * One sentence for the report's thresholds, or undefined when there is nothing to say (the base's thresholds, none
 * changed): the changes proposed (and whether the gate would pass with them), or why the base's were not used.
 */
export function thresholdsText(report: Pick<Report, "thresholds" | "gate">): string | undefined {
  const t = report.thresholds;
  if (!t) return undefined;
  const parts: string[] = [];
  if (t.proposed.length) {
    const whose = t.from === "defaults" ? "the tool's defaults" : `the base's (${t.ref})`;
    let s = `Thresholds proposed by this PR, apply after merge: ${t.proposed.map(thresholdChangeText).join(", ")}; this check used ${whose}`;
    if (t.proposedGatePassed !== undefined && report.gate && t.proposedGatePassed !== report.gate.passed) s += `; with the proposed thresholds the gate would ${t.proposedGatePassed ? "pass" : "fail"}`;
    parts.push(s);
  }
  if (t.note) parts.push(t.note);
  const text = parts.join("; ");
  return text ? `${text[0].toUpperCase()}${text.slice(1)}` : undefined;
}
