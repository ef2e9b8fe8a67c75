// The run's final verdict: step and gate failures, plus findings at or above the fail-on severity.
import type { Finding } from "../checks/types.js";
import type { Report } from "../report/types.js";

export type FailOn = "error" | "warning" | "never";

export interface Verdict {
  failed: boolean;
  /** One line for core.setFailed. */
  reason?: string;
}

/** New findings of a severity: the ones in the findings baseline (known) do not count. */
function count(findings: readonly Finding[], sev: Finding["severity"]): number {
  return findings.filter((f) => f.severity === sev && !f.known).length;
}

/**
 * Decides pass/fail. A failed step or gate always fails; findings fail per fail-on (never: findings alone never fail).
 * A validation stopped by error findings counts as findings, so fail-on decides it too.
 */
export function decideVerdict(report: Report, failOn: FailOn): Verdict {
  const errors = count(report.findings, "error");
  const warnings = count(report.findings, "warning");
  const byFindings = report.error?.step === "validate" && errors > 0;
  if (report.error && !byFindings) return { failed: true, reason: `${report.error.step} failed: ${report.error.message}` };
  if (report.status === "not evaluated" && !report.evaluation?.unevaluatedAllowed) {
    return { failed: true, reason: `not evaluated: ${report.evaluation?.skipped ?? "nothing could be scored"} (check.allowUnevaluated: true lets this pass)` };
  }
  if (report.gate && !report.gate.passed) {
    const why = report.gate.reasons[0] ?? "a threshold was not met";
    const more = report.gate.reasons.length > 1 ? ` (+${report.gate.reasons.length - 1} more)` : "";
    return { failed: true, reason: `gate failed: ${why}${more}` };
  }
  if (failOn !== "never" && errors > 0) return { failed: true, reason: `${errors} error finding${errors === 1 ? "" : "s"} in the training data` };
  if (failOn === "warning" && warnings > 0) return { failed: true, reason: `${warnings} warning finding${warnings === 1 ? "" : "s"} (fail-on: warning)` };
  // A failure the pipeline reported for another reason than findings (e.g. drift with fail-on-drift).
  if (report.status === "failure" && !byFindings) return { failed: true, reason: report.summary || "the run failed" };
  return { failed: false };
}

/**
 * The report as the Action judged it, so that the summary, comment, webhook and report.json tell the same verdict as
 * the exit status: fail-on may fail a run the pipeline passed (warnings), or pass one it failed on findings (never).
 */
export function applyVerdict(report: Report, verdict: Verdict, failOn: FailOn): Report {
  if (verdict.failed && report.status !== "failure") {
    return { ...report, status: "failure", summary: `${report.summary.replace(/^(\w+) passed/, "$1 failed")}; ${verdict.reason}` };
  }
  if (!verdict.failed && report.status === "failure") {
    return { ...report, status: "success", summary: `${report.summary.replace(/^(\w+) failed/, "$1 passed")} (findings do not fail the run: fail-on ${failOn})` };
  }
  return report;
}
