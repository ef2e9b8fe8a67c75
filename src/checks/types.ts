// The Finding every check returns: one problem at one place, with a fix hint.
import type { RuleId, Severity } from "../config/schema.js";

export interface Location {
  /** Path relative to the repository root, with forward slashes. */
  file: string;
  /** 1-based; 0 when the problem is about the whole file. */
  line: number;
  /** 1-based; 0 when unknown. */
  column: number;
}

export interface Finding extends Location {
  rule: RuleId;
  severity: Severity;
  /** One sentence; never contains PII in the clear (mask it with maskPii). */
  message: string;
  /** What to do about it. */
  hint?: string;
  /** Other places involved (e.g. the other copy of a duplicate). */
  related?: Location[];
  /** Intent and locale the finding is about, when it is about one. */
  intent?: string;
  locale?: string;
  /** In the findings baseline (cognigy-nlu.baseline.json): shown as known, not counted for failing. */
  known?: boolean;
}

export const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
