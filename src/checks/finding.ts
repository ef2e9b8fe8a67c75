// Building findings and applying the configured severities (checks.rules, checks.pii) to them.
import { type ChecksConfig, DEFAULT_SEVERITY, type RuleId, type Severity } from "../config/schema.js";
import { type Finding, type Location, SEVERITY_RANK } from "./types.js";

/** A finding at `at` with the rule's default severity (or `severity`). */
export function finding(
  rule: RuleId,
  at: Location,
  message: string,
  extra: { hint?: string; severity?: Severity; related?: Location[]; intent?: string; locale?: string } = {},
): Finding {
  const f: Finding = { rule, severity: extra.severity ?? DEFAULT_SEVERITY[rule], file: at.file, line: at.line, column: at.column, message };
  if (extra.hint) f.hint = extra.hint;
  // Only the place: callers pass their items (which carry raw, unmasked texts).
  if (extra.related?.length) f.related = extra.related.map((r) => ({ file: r.file, line: r.line, column: r.column }));
  if (extra.intent !== undefined) f.intent = extra.intent;
  if (extra.locale !== undefined) f.locale = extra.locale;
  return f;
}

/** Applies checks.rules (and the checks.pii shorthand) to findings: new severities, `off` drops them. */
export function applySeverities(findings: Finding[], checks: Pick<ChecksConfig, "rules" | "pii">): Finding[] {
  const out: Finding[] = [];
  for (const f of findings) {
    let sev: Severity | "off" | undefined = checks.rules?.[f.rule];
    if (sev === undefined && f.rule === "pii" && checks.pii !== undefined) sev = checks.pii;
    if (sev === "off") continue;
    out.push(sev === undefined || sev === f.severity ? f : { ...f, severity: sev });
  }
  return out;
}

/** Orders findings by file, line, column, then severity and rule (stable for equal keys). */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
    a.line - b.line ||
    a.column - b.column ||
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
    (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0)
  );
}
