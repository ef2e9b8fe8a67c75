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
  /** Other places involved (e.g. the other copy of a duplicate; a near-duplicate group's other members). */
  related?: RelatedLocation[];
  /**
   * The normalised, PII-masked text the finding is about, when it is about one example (a near-duplicate group: its
   * centre). With `related[].text` it keys a group by its members (the findings baseline).
   */
  text?: string;
  /** Intent and locale the finding is about, when it is about one. */
  intent?: string;
  locale?: string;
  /** In the findings baseline (cognigy-nlu.baseline.json): shown as known, not counted for failing. */
  known?: boolean;
}

/** A place involved in a finding, with its normalised, PII-masked text when the finding groups texts. */
export interface RelatedLocation extends Location {
  text?: string;
}

export const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
