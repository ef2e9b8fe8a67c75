import { describe, expect, it } from "vitest";
import { COMMENT_MAX_CHARS, renderPrComment, renderReportMd, renderSummary, stickyMarker, SUMMARY_MAX_BYTES, TRUNCATED_NOTE } from "../../src/report/markdown.js";
import { Redactor } from "../../src/report/redact.js";
import { bigReport, sampleReport } from "./helpers.js";

const noPii = () => new Redactor({ maskPii: (s) => s });

describe("renderSummary", () => {
  it("starts with the verdict: icon, mode, macro F1 with its delta, gate and every reason", () => {
    const r = sampleReport();
    const md = renderSummary(r, { redactor: noPii() });
    const lines = md.split("\n");
    expect(lines[0]).toMatch(/^### ❌ /);
    expect(lines[0]).toContain("`release`");
    expect(lines[0]).toContain(`macro F1 **${r.metrics!.macroF1.toFixed(4)}**`);
    const delta = r.metrics!.macroF1 - r.baselineMetrics!.macroF1;
    expect(lines[0]).toContain(`(−${Math.abs(delta).toFixed(4)} vs baseline)`);
    expect(lines[0]).toContain("gate **failed**");
    for (const reason of r.gate!.reasons) expect(md).toContain(`- ${reason}`);
  });

  it("shows a passing run with ✅ and no baseline columns when there is no baseline", () => {
    const r = sampleReport();
    r.status = "success";
    r.gate = { passed: true, reasons: [], checks: [] };
    delete r.baselineMetrics;
    const md = renderSummary(r, { redactor: noPii() });
    expect(md.split("\n")[0]).toMatch(/^### ✅ \*\*Passed\*\*/);
    expect(md).not.toContain("vs baseline");
    expect(md).toContain("| Metric | Value |\n");
  });

  it("has every section in order, with plan, metric deltas, worst-first intents, confusions, chart, findings, requests, timings", () => {
    const r = sampleReport();
    const md = renderSummary(r, { redactor: noPii() });
    const order = ["#### Plan", "#### Metrics", "#### Per intent", "confusions", "```mermaid", "#### Findings", "#### Requests", "#### Timings"];
    const at = order.map((h) => md.indexOf(h));
    expect(at.every((i) => i > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(md).toContain("| **Total** | **1** | **1** | **1** | **5** | **1** | **550** |");
    const acc = r.metrics!.accuracy;
    const bAcc = r.baselineMetrics!.accuracy;
    expect(md).toContain(`| Accuracy | **${acc.toFixed(4)}** | ${bAcc.toFixed(4)} | **−${(bAcc - acc).toFixed(4)} ▼** |`);
    // worst first: Refund (lowest F1) is the first intent row
    const intents = md.slice(md.indexOf("#### Per intent"), md.indexOf("confusions"));
    const firstRow = intents.split("\n").find((l) => l.startsWith("| ") && !l.startsWith("| Intent") && !l.startsWith("| ---"));
    expect(firstRow).toMatch(/^\| Refund \| 0\.4000 \| 0\.5000 \| \*\*0\.4444\*\*/);
    expect(md).toContain("xychart-beta");
    expect(md).toMatch(/bar \[0\.444, /);
    expect(md).toContain("`training-data/main/intents/refund.yml:9`");
    expect(md).toContain("**187** requests · 4 retries");
    expect(md).toContain("| train | ✅ success | 1 min 42 s |");
  });

  it("collapses tables longer than 15 rows, open when detailsCollapsed is false", () => {
    const r = bigReport(40);
    const md = renderSummary(r, { redactor: noPii() });
    expect(md).toMatch(/<details><summary>40 intents, worst first: /);
    const open = renderSummary(r, { redactor: noPii(), detailsCollapsed: false });
    expect(open).toMatch(/<details open><summary>40 intents/);
  });

  it("escapes table-breaking text, HTML and @-mentions in intent names and utterances", () => {
    const r = sampleReport();
    r.metrics!.perIntent["Bad|<script>alert(1)</script> @octocat"] = { precision: 0, recall: 0, f1: 0, support: 1 };
    r.metrics!.confusions[0].examples = ["pipe | and <img src=x onerror=alert(1)> and `code` @admin"];
    const md = renderSummary(r, { redactor: noPii() });
    expect(md).not.toContain("<script>");
    expect(md).not.toContain("<img");
    expect(md).not.toMatch(/@octocat|@admin/);
    expect(md).toContain("Bad\\|&lt;script&gt;alert(1)&lt;/script&gt; @\u200boctocat");
    // every table row still has the right number of cells
    const row = md.split("\n").find((l) => l.startsWith("| Bad"))!;
    expect(row.split(/(?<!\\)\|/).length - 2).toBe(6);
  });

  it("stays under 1 MiB for 5,000 intents and says it was truncated", () => {
    const r = bigReport(5000);
    expect(Buffer.byteLength(renderReportMd(r, { redactor: noPii() }))).toBeGreaterThan(1024 * 1024);
    const md = renderSummary(r, { redactor: noPii() });
    expect(Buffer.byteLength(md, "utf8")).toBeLessThanOrEqual(SUMMARY_MAX_BYTES);
    expect(Buffer.byteLength(md, "utf8")).toBeLessThan(1024 * 1024);
    expect(md).toContain(TRUNCATED_NOTE);
    expect(md.split("\n")[0]).toMatch(/^### ❌/);
    // the worst intents are still there
    expect(md).toContain("#### Per intent");
  });

  it("honours a small maxBytes by dropping whole sections from the end, keeping the verdict", () => {
    const r = sampleReport();
    const md = renderSummary(r, { redactor: noPii(), maxBytes: 3000 });
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(3000);
    expect(md.split("\n")[0]).toMatch(/^### ❌/);
    expect(md).toContain(TRUNCATED_NOTE);
    expect(md).not.toContain("#### Timings");
    const tiny = renderSummary({ ...r, summary: "x".repeat(10_000) }, { redactor: noPii(), maxBytes: 1000 });
    expect(Buffer.byteLength(tiny)).toBeLessThanOrEqual(1000);
    expect(tiny).toContain(TRUNCATED_NOTE);
  });

  it("renderReportMd is the uncapped summary: every intent of a big report", () => {
    const r = bigReport(5000);
    const md = renderReportMd(r, { redactor: noPii() });
    expect(md).not.toContain(TRUNCATED_NOTE);
    for (const name of Object.keys(r.metrics!.perIntent)) expect(md).toContain(`| ${name.replace(/_/g, "\\_")} |`);
    const small = sampleReport();
    expect(renderReportMd(small, { redactor: noPii() })).toBe(renderSummary(small, { redactor: noPii() }));
  });

  it("renders a report without metrics, plan or findings", () => {
    const md = renderSummary(
      { version: 1, tool: { name: "cognigy-nlu", version: "1.0.0" }, status: "success", mode: "validate", startedAt: "2025-01-01T00:00:00Z", summary: "ok", findings: [], timings: [] },
      { redactor: noPii() },
    );
    expect(md.split("\n")[0]).toBe("### ✅ **Passed** · mode `validate`");
    expect(md).toContain("No findings.");
  });
});

describe("evaluation and plan notes", () => {
  it("says why evaluation was skipped and lists unmanaged intents, in markdown and HTML", async () => {
    const { renderHtml } = await import("../../src/report/html.js");
    const r = sampleReport();
    delete r.metrics;
    r.evaluation = { threshold: 0.4, testsPerIntent: {}, heldOutBySplit: 0, totalTests: 0, scored: 0, skipped: "no API key (fork PR)" };
    r.plan!.flows[0].unmanagedIntents = ["LegacyA", "LegacyB"];
    const md = renderSummary(r, { redactor: noPii() });
    expect(md).toContain("#### Metrics\n\n- Evaluation skipped: no API key (fork PR)");
    expect(md).toContain("- Main: 2 intents in Cognigy that no file owns (left alone): LegacyA, LegacyB");
    const html = renderHtml(r, { redactor: noPii() });
    expect(html).toContain("<li>Evaluation skipped: no API key (fork PR)</li>");
    expect(html).toContain("2 intents in Cognigy that no file owns");
  });
});

describe("renderPrComment", () => {
  it("starts with the sticky marker and is compact", () => {
    const r = sampleReport();
    const c = renderPrComment(r, { redactor: noPii(), stickyId: "Main", runUrl: "https://github.com/o/r/actions/runs/42" });
    expect(c.startsWith(`${stickyMarker("Main")}\n### ❌`)).toBe(true);
    expect(c).toContain("**Plan:** intents +1 created · 1 updated · −1 deleted; sentences +5 added · −1 removed; 550 unchanged (2 flows).");
    expect(c).toContain("#### Worst 5 of 15 intents");
    expect(c).toContain("**Findings:** 2 errors · 4 warnings · 2 info");
    expect(c).toContain("[workflow run](https://github.com/o/r/actions/runs/42)");
    expect(c).not.toContain("```mermaid");
    const worst = c.slice(c.indexOf("#### Worst"));
    expect(worst.split("\n").filter((l) => /^\| [A-Z]\w+ \| \d/.test(l))).toHaveLength(5);
  });

  it("stays under GitHub's 65,536-character limit with 5,000 intents and keeps the marker", () => {
    const r = bigReport(5000);
    r.summary = "s".repeat(200_000);
    const c = renderPrComment(r, { redactor: noPii(), stickyId: "Main" });
    expect(c.length).toBeLessThan(65_536);
    expect(c.length).toBeLessThanOrEqual(COMMENT_MAX_CHARS);
    expect(c.startsWith(stickyMarker("Main"))).toBe(true);
    expect(c).toContain("#### Worst 5 of 5,000 intents");
    // a tighter cap drops sections from the end, keeps the marker and says so
    const small = renderPrComment(r, { redactor: noPii(), stickyId: "Main", maxChars: 2500 });
    expect(small.length).toBeLessThanOrEqual(2500);
    expect(small.startsWith(stickyMarker("Main"))).toBe(true);
    expect(small).toContain(TRUNCATED_NOTE);
  });

  it("stickyMarker is a well-formed hidden comment for any id", () => {
    expect(stickyMarker("Main")).toBe("<!-- cognigy-nlu:sticky:Main -->");
    const evil = stickyMarker("a --> <script> b");
    expect(evil.startsWith("<!-- ")).toBe(true);
    expect(evil.indexOf("-->")).toBe(evil.length - 3);
    expect(evil).not.toContain("<script");
    expect(stickyMarker("")).toBe("<!-- cognigy-nlu:sticky:default -->");
  });
});
