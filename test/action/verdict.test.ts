// fail-on: the exit status from findings severities, on top of step and gate failures.
import { describe, expect, it } from "vitest";
import type { Finding } from "../../src/checks/types.js";
import { applyVerdict, decideVerdict } from "../../src/action/verdict.js";
import type { Report } from "../../src/report/types.js";
import { minimalReport } from "../report/helpers.js";

const finding = (severity: Finding["severity"]): Finding => ({ severity, rule: "imbalance", file: "a.yml", line: 1, column: 1, message: "m" });
const report = (over: Partial<Report> = {}): Report => minimalReport({ summary: "ok", ...over });

describe("decideVerdict", () => {
  it("passes a clean report", () => {
    expect(decideVerdict(report(), "error")).toEqual({ failed: false });
  });
  it("fails on error findings unless fail-on is never", () => {
    const r = report({ status: "failure", error: { step: "validate", message: "1 error in the training data" }, findings: [finding("error"), finding("warning")] });
    expect(decideVerdict(r, "error")).toEqual({ failed: true, reason: "1 error finding in the training data" });
    expect(decideVerdict(r, "never").failed).toBe(false);
  });
  it("fails on warnings only with fail-on warning", () => {
    const r = report({ findings: [finding("warning"), finding("info")] });
    expect(decideVerdict(r, "error").failed).toBe(false);
    expect(decideVerdict(r, "warning")).toEqual({ failed: true, reason: "1 warning finding (fail-on: warning)" });
  });
  it("always fails a failed gate or step, whatever fail-on says", () => {
    const gate = { passed: false, reasons: ["macro F1 0.70 < 0.85", "x"], checks: [] };
    expect(decideVerdict(report({ status: "failure", gate }), "never")).toEqual({ failed: true, reason: "gate failed: macro F1 0.70 < 0.85 (+1 more)" });
    expect(decideVerdict(report({ status: "failure", error: { step: "train", message: "task 42 failed" } }), "never")).toEqual({ failed: true, reason: "train failed: task 42 failed" });
  });
  it("fails a failed report with no findings to explain it", () => {
    expect(decideVerdict(report({ status: "failure", summary: "drift found" }), "never")).toEqual({ failed: true, reason: "drift found" });
  });
});

describe("applyVerdict", () => {
  it("makes the report tell the Action's verdict", () => {
    const warn = report({ summary: "check passed: plan no changes", findings: [finding("warning")] });
    const failed = applyVerdict(warn, decideVerdict(warn, "warning"), "warning");
    expect(failed.status).toBe("failure");
    expect(failed.summary).toBe("check failed: plan no changes; 1 warning finding (fail-on: warning)");
    const errs = report({ status: "failure", summary: "check failed at validate: 1 error", error: { step: "validate", message: "1 error" }, findings: [finding("error")] });
    const passed = applyVerdict(errs, decideVerdict(errs, "never"), "never");
    expect(passed.status).toBe("success");
    expect(passed.summary).toMatch(/fail-on never/);
    const same = report();
    expect(applyVerdict(same, decideVerdict(same, "error"), "error")).toBe(same);
  });
});

describe("decideVerdict with a findings baseline", () => {
  it("known findings never fail the run; a new one does", () => {
    const known = { ...finding("error"), known: true };
    expect(decideVerdict(report({ findings: [known, { ...finding("warning"), known: true }] }), "warning")).toEqual({ failed: false });
    expect(decideVerdict(report({ findings: [known, finding("error")] }), "error")).toMatchObject({ failed: true, reason: "1 error finding in the training data" });
  });
});
