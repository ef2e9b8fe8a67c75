// runChecks: every check of every flow over a loaded Dataset, configured severities applied, sorted by place.
import type { ChecksConfig, LimitsConfig } from "../config/schema.js";
import type { Dataset } from "../dataset/types.js";
import { exampleCounts, imbalance } from "./counts.js";
import { duplicateIntents, exactDuplicates } from "./duplicates.js";
import { applySeverities, compareFindings } from "./finding.js";
import { testLeakage } from "./leakage.js";
import { DEFAULT_LIMITS, limitFindings } from "./limits.js";
import { localeCoverage } from "./locales.js";
import { LARGE_SEARCH_LIMITS, NEAR_DUPLICATE_LIMITS, nearDuplicates } from "./near-duplicates.js";
import { piiFindings } from "./pii.js";
import { textFindings } from "./text.js";
import { missingTests, unknownIntents } from "./tests.js";
import type { Finding } from "./types.js";
import { viewOf } from "./view.js";

export type { Finding } from "./types.js";

/** True when a rule is switched off by `checks.rules` (so its work can be skipped). */
function off(checks: ChecksConfig, rule: keyof NonNullable<ChecksConfig["rules"]>): boolean {
  return checks.rules?.[rule] === "off";
}

/**
 * All findings for a dataset: the loader's (yaml, schema) plus every check, with `checks.rules` /
 * `checks.pii` severities applied, sorted by file, line, column; `limits` = Cognigy's caps (limits: section). Pure: no I/O.
 */
export function runChecks(dataset: Dataset, checks: ChecksConfig, limits: LimitsConfig = DEFAULT_LIMITS): Finding[] {
  const all: Finding[] = [...dataset.findings];
  const add = (fs: Finding[]) => {
    for (const f of fs) all.push(f);
  };
  // The near-equal searches skip texts well over the length max: those are `length` errors already, and each costs
  // search time quadratic in its length (exact duplicates and exact leaks still cover them). The cap is on the
  // normalised text in UTF-16 units, hence twice the max (in code points): a text within the max is skipped only if
  // normalisation (NFKC) more than doubles it.
  const maxLength = checks.length === "off" ? NEAR_DUPLICATE_LIMITS.maxLength : Math.min(NEAR_DUPLICATE_LIMITS.maxLength, 2 * checks.length.max);
  for (const flow of dataset.flows) {
    const view = viewOf(flow);
    if (!off(checks, "duplicate-intent")) add(duplicateIntents(view));
    if (!(off(checks, "duplicate-within") && off(checks, "duplicate-across"))) add(exactDuplicates(view));
    if (checks.nearDuplicate !== "off" && !(off(checks, "near-duplicate-within") && off(checks, "near-duplicate-across")))
      add(nearDuplicates(view, checks.nearDuplicate, { ...LARGE_SEARCH_LIMITS, maxLength }));
    if (!off(checks, "test-leakage")) add(testLeakage(view, checks.leakage, maxLength));
    if (!off(checks, "min-examples") || !off(checks, "max-examples")) add(exampleCounts(view, checks));
    if (!off(checks, "imbalance")) add(imbalance(view, checks.maxImbalance));
    if (!off(checks, "missing-tests")) add(missingTests(view));
    if (!off(checks, "unknown-intent")) add(unknownIntents(view));
    add(textFindings(view, checks.length));
    if (checks.pii !== "off" && !off(checks, "pii")) add(piiFindings(view));
    if (!off(checks, "locale-coverage")) add(localeCoverage(view));
    if (!(off(checks, "flow-limit") && off(checks, "intent-limit"))) add(limitFindings(view, limits));
  }
  return applySeverities(all, checks).sort(compareFindings);
}
