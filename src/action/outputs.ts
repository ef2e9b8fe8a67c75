// The Action's outputs, computed from the report (pure) and set through core.setOutput.
import type * as core from "@actions/core";
import type { Plan, Report } from "../report/types.js";

export interface ActionOutputs {
  status: string;
  gate: string;
  accuracy: string;
  "macro-f1": string;
  "plan-summary": string;
  "snapshot-id": string;
  "report-path": string;
  "artifact-id": string;
}

const num = (v: number | undefined) => (typeof v === "number" && Number.isFinite(v) ? v.toFixed(4) : "");

/** "+2 intents, ~1 changed, -0 deleted; +14 / -3 sentences" or "no changes". */
export function planSummary(plan: Plan | undefined): string {
  if (!plan) return "";
  if (plan.empty) return "no changes";
  const t = plan.totals;
  return `+${t.createIntents} intents, ~${t.updateIntents} changed, -${t.deleteIntents} deleted; +${t.addSentences} / -${t.removeSentences} sentences`;
}

export function computeOutputs(report: Report, opts: { status: string; reportPath: string; artifactId?: number }): ActionOutputs {
  return {
    status: opts.status,
    gate: report.gate ? (report.gate.passed ? "passed" : "failed") : "skipped",
    accuracy: num(report.metrics?.accuracy),
    "macro-f1": num(report.metrics?.macroF1),
    "plan-summary": planSummary(report.plan),
    "snapshot-id": report.promotion?.snapshotId ?? "",
    "report-path": opts.reportPath,
    "artifact-id": opts.artifactId === undefined ? "" : String(opts.artifactId),
  };
}

/** Sets every output (empty ones too, so later steps can rely on the name), redacted. */
export function setOutputs(c: Pick<typeof core, "setOutput">, outputs: ActionOutputs, redact: (s: string) => string): void {
  for (const [k, v] of Object.entries(outputs)) c.setOutput(k, redact(v));
}
