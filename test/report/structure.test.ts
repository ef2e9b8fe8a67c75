// report.md and the PR comment: the gate table, truncation that keeps the markdown whole at any cap, honest notes on
// where the full report is, and plan notes that only count unlisted sentences where sentences are listed.
import { describe, expect, it } from "vitest";
import { summaryMarkdown } from "../../src/action/summary.js";
import { renderHtml } from "../../src/report/html.js";
import { renderPrComment, renderReportMd, renderSummary, stickyMarker, truncateMarkdown } from "../../src/report/markdown.js";
import { Redactor } from "../../src/report/redact.js";
import type { Report } from "../../src/report/types.js";
import { bigReport, sampleReport } from "./helpers.js";

/** Every structural promise a cut must keep; returns the broken ones. */
function structureProblems(md: string): string[] {
  const problems: string[] = [];
  const opened = (md.match(/<details[\s>]/g) ?? []).length;
  const closed = (md.match(/<\/details>/g) ?? []).length;
  if (opened !== closed) problems.push(`<details> ${opened} opened, ${closed} closed`);
  if ((md.match(/^\s*```/gm) ?? []).length % 2) problems.push("an unclosed code fence");
  // tables: every row ends with a pipe and has the header's column count
  const lines = md.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].startsWith("|")) continue;
    if (!lines[i].trimEnd().endsWith("|")) problems.push(`a cut table row: ${lines[i].slice(0, 60)}`);
    const start = i > 0 && lines[i - 1].startsWith("|") ? undefined : i;
    if (start !== undefined) {
      const cols = (l: string) => l.split(/(?<!\\)\|/).length;
      let j = i;
      while (j < lines.length && lines[j].startsWith("|")) {
        if (cols(lines[j]) !== cols(lines[i])) problems.push(`a row with another column count: ${lines[j].slice(0, 60)}`);
        j++;
      }
    }
  }
  return problems;
}

describe("the gate table", () => {
  it("report.md and the PR comment list every rule with its threshold, value and result", () => {
    const r = sampleReport();
    for (const md of [renderReportMd(r), renderPrComment(r)]) {
      const at = md.indexOf("#### Gate — failed");
      expect(at).toBeGreaterThan(0);
      const rows = md.slice(at).split("\n").slice(2, 4 + r.gate!.checks.length);
      expect(rows[0]).toBe("| Rule | Required | Value | Result |");
      expect(rows.slice(2)).toEqual([
        "| macro F1 | ≥ 0.8500 | **0.8380** | ❌ fail |",
        "| macro precision | ≥ 0.8000 | **0.8485** | ✅ pass |",
        "| lowest intent F1 | ≥ 0.5000 | **0.4444** | ❌ fail |",
        "| macro F1 drop vs baseline | ≤ 0.0200 | **0.0191** | ❌ fail |",
        "| fewest tests of an intent | ≥ 3 | **8** | ✅ pass |",
      ]);
    }
  });

  it("the HTML gate table names the same rules", () => {
    const html = renderHtml(sampleReport());
    expect(html).toContain('<td>lowest intent F1</td><td class="n">≥ 0.5000</td><td class="n">0.4444</td><td><span class="down">failed</span></td>');
  });
});

describe("truncation keeps the markdown whole", () => {
  const big = bigReport(3000);
  const full = renderPrComment(big, { stickyId: "check", maxChars: Number.POSITIVE_INFINITY });
  it.each([60_000, 20_000, 8_000, 3_000, 1_200, 400])("the PR comment at %i characters: under the cap, marker once, structure intact", (cap) => {
    const marker = stickyMarker("check");
    const c = renderPrComment(big, { stickyId: "check", maxChars: cap });
    expect(c.length).toBeLessThanOrEqual(cap);
    expect(c.startsWith(`${marker}\n`)).toBe(true);
    expect(c.split(marker)).toHaveLength(2);
    expect(structureProblems(c)).toEqual([]);
    if (full.length > cap) expect(c).toContain("truncated");
  });

  it.each([200_000, 30_000, 5_000, 900])("the summary at %i bytes: under the cap, structure intact", (cap) => {
    const s = renderSummary(big, { maxBytes: cap });
    expect(Buffer.byteLength(s)).toBeLessThanOrEqual(cap);
    expect(structureProblems(s)).toEqual([]);
  });

  it("a verdict longer than the cap is cut between blocks, then inside its first line without half an entity", () => {
    const r = sampleReport();
    r.summary = `${"a & b < c | d ".repeat(3000)}`;
    const s = renderSummary(r, { maxBytes: 2000 });
    expect(Buffer.byteLength(s)).toBeLessThanOrEqual(2000);
    expect(s.split("\n")[0]).toMatch(/^### ❌ \*\*Failed\*\*/);
    expect(s).not.toMatch(/&[a-z]*\n/);
    expect(structureProblems(s)).toEqual([]);
  });

  it("truncateMarkdown closes an open <details>, never cuts a table, and keeps the first line", () => {
    const rows = Array.from({ length: 200 }, (_, i) => `| row ${i} | ${"x".repeat(40)} |`).join("\n");
    const md = `<!-- marker -->\n### Title\n\n<details><summary>Rows</summary>\n\n| a | b |\n| --- | --- |\n${rows}\n\n</details>\n\n#### After\n\ntext\n`;
    for (const cap of [5000, 2000, 300, 120]) {
      const cut = truncateMarkdown(md, cap, { note: "\n> truncated\n" });
      expect(cut.length).toBeLessThanOrEqual(cap);
      expect(cut.startsWith("<!-- marker -->\n")).toBe(true);
      expect(structureProblems(cut)).toEqual([]);
      expect(cut.endsWith("> truncated\n")).toBe(true);
    }
    expect(truncateMarkdown("short", 100)).toBe("short");
  });
});

describe("where the full report is", () => {
  it("with the artifact uploaded, the verdict links it as what it is (a zip with report.html)", () => {
    const md = renderSummary(sampleReport(), { htmlLink: "https://github.com/a/b/actions/runs/1/artifacts/9" });
    expect(md).toContain("[report artifact](https://github.com/a/b/actions/runs/1/artifacts/9) (a zip: report.html with charts, report.md, report.json)");
    expect(md).not.toContain("HTML report with charts](");
  });

  it("with the upload skipped, nothing claims the artifact holds the report; the truncation note names the files", () => {
    const md = summaryMarkdown(bigReport(4000), { redactor: new Redactor(), artifactName: "cognigy-nlu-report", artifactSkipped: "not on a GitHub runner", outDir: "cognigy-nlu-report" });
    expect(md).not.toMatch(/in the .{0,40}artifact/);
    expect(md).toContain("_No report artifact was uploaded (not on a GitHub runner): report.html, report.md and report.json were written in `cognigy-nlu-report` on the runner only._");
    const small = summaryMarkdown(bigReport(4000), { redactor: new Redactor(), artifactName: "x", outDir: "out" });
    expect(small.length).toBeGreaterThan(0);
    const truncated = renderSummary(bigReport(4000), { maxBytes: 50_000, fullReport: "report.md and report.html in `out` on the runner (no artifact was uploaded)" });
    expect(truncated).toContain("> ⚠️ **truncated — the full report has every row:** report.md and report.html in `out` on the runner (no artifact was uploaded).");
  });
});

describe("sentence changes not listed", () => {
  const withOmitted = (): Report => {
    const r = sampleReport();
    r.plan!.flows[0].omitted = { addSentences: 337, removeSentences: 0 };
    return r;
  };
  it("report.md lists no sentences, so it never says how many it did not list", () => {
    expect(renderReportMd(withOmitted())).not.toMatch(/sentence changes not listed/);
    expect(renderPrComment(withOmitted())).not.toMatch(/not listed/);
  });
  it("the HTML, which lists sentence changes, says how many more there are", () => {
    const r = withOmitted();
    r.plan!.flows[0].addSentences = [{ intent: "Refund", locale: "en-US", text: "money back please" }];
    expect(renderHtml(r)).toMatch(/337 sentence changes not listed/);
  });
});
