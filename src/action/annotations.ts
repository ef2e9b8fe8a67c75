// Inline annotations from findings: most important first, within GitHub's per-step limits, the rest counted in one notice.
import type * as core from "@actions/core";
import type { Finding } from "../checks/types.js";
import { RULE_IDS, type Severity } from "../config/schema.js";

/** GitHub shows at most this many annotations of each level per step. */
export const MAX_PER_LEVEL = 10;

export type AnnotationLevel = "error" | "warning" | "notice";

export interface Annotation {
  level: AnnotationLevel;
  message: string;
  properties: core.AnnotationProperties;
}

const LEVEL: Record<Severity, AnnotationLevel> = { error: "error", warning: "warning", info: "notice" };
const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
const RULE_ORDER = new Map<string, number>(RULE_IDS.map((r, i) => [r, i]));

/** Most important first: severity, then rule (RULE_IDS order: broken files before style), then file and line. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
    (RULE_ORDER.get(a.rule) ?? 99) - (RULE_ORDER.get(b.rule) ?? 99) ||
    (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
    a.line - b.line ||
    a.column - b.column
  );
}

export interface AnnotationPlan {
  annotations: Annotation[];
  /** Findings not annotated (over the limits): counted in a notice pointing to the report artifact. */
  omitted: number;
}

/**
 * Chooses the annotations to emit. `used` counts the annotations the step emits for other reasons (per level); one
 * notice is kept for the "N more findings" line when anything is left out.
 */
export function planAnnotations(
  findings: readonly Finding[],
  opts: { redact?: (s: string) => string; used?: Partial<Record<AnnotationLevel, number>>; maxPerLevel?: number } = {},
): AnnotationPlan {
  const redact = opts.redact ?? ((s: string) => s);
  const max = opts.maxPerLevel ?? MAX_PER_LEVEL;
  const sorted = [...findings].sort(compareFindings);
  const errors = sorted.filter((f) => f.severity === "error").length;
  const warnings = sorted.filter((f) => f.severity === "warning").length;
  const infos = sorted.length - errors - warnings;
  const room = (l: AnnotationLevel) => Math.max(0, max - (opts.used?.[l] ?? 0));
  // Room for "N more" is needed when anything overflows; then one notice slot less for info findings.
  const overflow = errors > room("error") || warnings > room("warning") || infos > room("notice");
  const limit: Record<AnnotationLevel, number> = { error: room("error"), warning: room("warning"), notice: Math.max(0, room("notice") - (overflow ? 1 : 0)) };
  const used: Record<AnnotationLevel, number> = { error: 0, warning: 0, notice: 0 };
  const annotations: Annotation[] = [];
  let omitted = 0;
  for (const f of sorted) {
    const level = LEVEL[f.severity];
    if (used[level] >= limit[level]) {
      omitted++;
      continue;
    }
    used[level]++;
    annotations.push(toAnnotation(f, level, redact));
  }
  return { annotations, omitted };
}

function toAnnotation(f: Finding, level: AnnotationLevel, redact: (s: string) => string): Annotation {
  const properties: core.AnnotationProperties = { title: `cognigy-nlu ${f.rule}` };
  if (f.file) properties.file = f.file;
  if (f.file && f.line > 0) {
    properties.startLine = f.line;
    if (f.column > 0) properties.startColumn = f.column;
  }
  const where = f.intent ? ` [${f.intent}${f.locale ? ` / ${f.locale}` : ""}]` : "";
  const hint = f.hint ? `\nFix: ${f.hint}` : "";
  return { level, message: redact(`${f.message}${where}${hint}`), properties };
}

export type CoreAnnotate = Pick<typeof core, "error" | "warning" | "notice">;

/** Emits the planned annotations and, when some were left out, one notice counting them. Returns the notices emitted. */
export function emitAnnotations(c: CoreAnnotate, plan: AnnotationPlan): number {
  let notices = 0;
  for (const a of plan.annotations) {
    c[a.level](a.message, a.properties);
    if (a.level === "notice") notices++;
  }
  if (plan.omitted > 0) {
    c.notice(`${plan.omitted} more finding${plan.omitted === 1 ? "" : "s"} in the report artifact (report.json / report.html)`, { title: "cognigy-nlu" });
    notices++;
  }
  return notices;
}
