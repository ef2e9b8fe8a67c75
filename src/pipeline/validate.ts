// The validate step of check / release: loads the dataset and runs every check (no network).
import { runChecks } from "../checks/index.js";
import type { Finding } from "../checks/types.js";
import type { RunConfig } from "../config/options.js";
import { loadDataset } from "../dataset/load.js";
import type { Dataset } from "../dataset/types.js";
import type { KnownFindings } from "../report/types.js";
import { applyBaseline, tryReadBaseBaseline } from "./findings-baseline.js";
import { testKey } from "./testset.js";

export interface ValidateResult {
  dataset: Dataset;
  /** Loader and check findings, most severe first; those in the findings baseline carry `known: true`. */
  findings: Finding[];
  /** New (not known) errors and warnings. */
  errors: number;
  warnings: number;
  /** How the findings baseline applied (absent without a baseline file). */
  known?: KnownFindings;
  /** Why the baseline file was not compared with the base's (`baselineBaseRef` could not be read). */
  baseUnread?: string;
  /** Errors that stop a sync (every error except the ones the pipeline neutralises, see NON_BLOCKING_RULES). */
  blocking: number;
  /** Tests named by test-leakage findings (`file:line`): evaluation leaves them out. */
  leakedTests: Set<string>;
}

/**
 * Error rules that do not stop check / release: the pipeline handles them itself. A leaked test (equal or near-equal
 * to a training example) is left out of the evaluation, so it cannot inflate the metrics; the finding stays in the
 * report (and `cognigy-nlu validate` still fails on it).
 */
export const NON_BLOCKING_RULES: ReadonlySet<string> = new Set(["test-leakage"]);

const RANK = { error: 0, warning: 1, info: 2 } as const;

function key(f: Finding): string {
  return `${f.rule}\u0000${f.file}\u0000${f.line}\u0000${f.column}\u0000${f.message}`;
}

export async function validateData(run: RunConfig, given?: Dataset): Promise<ValidateResult> {
  const dataset = given ?? (await loadDataset({ config: run.config, root: run.root }));
  const seen = new Set<string>();
  const findings: Finding[] = [];
  // runChecks already holds the loader's findings (yaml, schema…) with the configured severities applied: adding
  // dataset.findings again would bring back their default severity (or a finding switched off).
  for (const f of runChecks(dataset, run.config.checks, run.config.limits)) {
    const k = key(f);
    if (seen.has(k)) continue;
    seen.add(k);
    findings.push(f);
  }
  findings.sort((a, b) => RANK[a.severity] - RANK[b.severity] || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || a.column - b.column);
  const read = run.baselineBaseRef ? await tryReadBaseBaseline(run, run.baselineBaseRef) : undefined;
  const b = applyBaseline(run, findings, dataset, read && !("error" in read) ? read : undefined);
  const fresh = b.findings.filter((f) => !f.known);
  const errors = fresh.filter((f) => f.severity === "error");
  return {
    dataset,
    findings: b.findings,
    ...(b.known ? { known: b.known } : {}),
    ...(read && "error" in read ? { baseUnread: `the findings baseline was not compared with ${read.ref}: ${read.error}` } : {}),
    errors: errors.length,
    warnings: fresh.filter((f) => f.severity === "warning").length,
    blocking: errors.filter((f) => !NON_BLOCKING_RULES.has(f.rule)).length,
    leakedTests: new Set(findings.filter((f) => f.rule === "test-leakage" && f.severity !== "info").map((f) => testKey(f.file, f.line))),
  };
}
