// The job summary: verdict first, the notes right under it, the artifact named, under 1 MiB.
import { describe, expect, it } from "vitest";
import { summaryMarkdown } from "../../src/action/summary.js";
import { Redactor } from "../../src/report/redact.js";
import type { Report } from "../../src/report/types.js";
import { minimalReport } from "../report/helpers.js";

const report = (findings: Report["findings"] = []): Report => minimalReport({ findings, timings: [{ step: "validate", ms: 5, outcome: "success" }] });

describe("summaryMarkdown", () => {
  it("puts the verdict first, the notes before the first section, the artifact link last", () => {
    const md = summaryMarkdown(report(), { redactor: new Redactor(), artifactName: "rep", artifactUrl: "https://github.com/a/b/actions/runs/1/artifacts/9", notes: ["Validate only: a fork."] });
    expect(md.split("\n")[0]).toMatch(/Passed/);
    const note = md.indexOf("> Validate only: a fork.");
    expect(note).toBeGreaterThan(0);
    expect(note).toBeLessThan(md.indexOf("\n#### "));
    expect(md.trimEnd().split("\n").at(-1)).toBe(
      "_The full report (report.html with charts, report.md, report.json, audit log) is in the [rep](https://github.com/a/b/actions/runs/1/artifacts/9) artifact (a zip)._",
    );
  });

  it("stays under 1 MiB with a huge report, and redacts the notes", () => {
    const findings = Array.from({ length: 30_000 }, (_, i) => ({ rule: "imbalance" as const, severity: "warning" as const, file: `training-data/main/intents/i${i}.yml`, line: i + 1, column: 1, message: `too many examples in a rather long message number ${i} `.repeat(3) }));
    const r = new Redactor();
    r.addSecret("sekrit-value-123");
    const md = summaryMarkdown(report(findings), { redactor: r, artifactName: "rep", notes: ["token sekrit-value-123"] });
    expect(Buffer.byteLength(md)).toBeLessThan(1024 * 1024);
    expect(md).not.toContain("sekrit-value-123");
    expect(md).toMatch(/No report artifact was uploaded: report\.html, report\.md and report\.json were written only\._/);
    expect(md).not.toMatch(/is in the .*artifact/);
  });
});
