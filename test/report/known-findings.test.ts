// The findings baseline in the reports: new counts, "known (N)", fixed ones, and a change that grows the baseline.
import { describe, expect, it } from "vitest";
import { knownNote, severityTotals } from "../../src/report/format.js";
import { renderPrComment } from "../../src/report/markdown.js";
import type { Report } from "../../src/report/types.js";
import { minimalReport } from "./helpers.js";

const report = (over: Partial<Report> = {}): Report =>
  minimalReport({
    findings: [
      { rule: "duplicate-across", severity: "error", file: "a.yml", line: 3, column: 5, message: "m", known: true },
      { rule: "length", severity: "warning", file: "a.yml", line: 4, column: 5, message: "m" },
    ],
    ...over,
  });

describe("known findings in reports", () => {
  it("counts only new findings and says how many are known", () => {
    expect(severityTotals(report().findings)).toEqual({ error: 0, warning: 1, info: 0 });
    expect(knownNote(report())).toBe("");
    const k = report({ knownFindings: { file: "cognigy-nlu.baseline.json", known: 1, fixed: 2, size: 3 } });
    expect(knownNote(k)).toMatch(/^known \(1\) in cognigy-nlu\.baseline\.json: shown, not counted; 2 known findings fixed/);
  });

  it("calls out a change that grows the baseline in the PR comment", () => {
    const grown = report({ knownFindings: { file: "cognigy-nlu.baseline.json", known: 1, fixed: 0, size: 4, base: { ref: "abc1234", size: 3, added: 1, removed: 0 } } });
    expect(knownNote(grown)).toContain("this change grows the baseline by 1 finding (3 on the base branch → 4)");
    const body = renderPrComment(grown);
    expect(body).toContain("grows the baseline by 1 finding");
    expect(body).toContain("0 errors");
  });
});
