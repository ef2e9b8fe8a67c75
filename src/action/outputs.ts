// The Action's outputs, computed from the report (pure) and set through core.setOutput.
import type * as core from "@actions/core";
import type { Plan, Report } from "../report/types.js";

export interface ActionOutputs {
  status: string;
  gate: string;
  accuracy: string;
  "macro-f1": string;
  /** head − base macro F1 of the paired comparison (signed, 4 decimals), empty without a comparison. */
  "macro-f1-delta": string;
  /** cognigy or local (the local estimate), empty when nothing was evaluated. */
  "evaluation-engine": string;
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

/** The snapshot a backup run wrote (report.backup.snapshot.id, see BackupSummary in src/pipeline/backup.ts), if any. */
function backupSnapshotId(backup: unknown): string | undefined {
  if (typeof backup !== "object" || backup === null) return undefined;
  const snapshot = (backup as { snapshot?: unknown }).snapshot;
  if (typeof snapshot !== "object" || snapshot === null) return undefined;
  const id = (snapshot as { id?: unknown }).id;
  return typeof id === "string" && id !== "" ? id : undefined;
}

export function computeOutputs(report: Report, opts: { status: string; reportPath: string; artifactId?: number }): ActionOutputs {
  return {
    status: opts.status,
    gate: report.gate ? (report.gate.passed ? "passed" : "failed") : "skipped",
    accuracy: num(report.metrics?.accuracy),
    "macro-f1": num(report.metrics?.macroF1),
    "macro-f1-delta": num(report.comparison?.delta.macroF1),
    "evaluation-engine": report.evaluation?.engine ?? (report.metrics ? "cognigy" : ""),
    "plan-summary": planSummary(report.plan),
    // release: the promoted snapshot; backup mode: the backup's snapshot
    "snapshot-id": report.promotion?.snapshotId ?? backupSnapshotId(report.backup) ?? "",
    "report-path": opts.reportPath,
    "artifact-id": opts.artifactId === undefined ? "" : String(opts.artifactId),
  };
}

/** Sets every output (empty ones too, so later steps can rely on the name), redacted. */
export function setOutputs(c: Pick<typeof core, "setOutput">, outputs: ActionOutputs, redact: (s: string) => string): void {
  for (const [k, v] of Object.entries(outputs)) c.setOutput(k, redact(v));
}
