// The comparison in every writer: the lead line first, the local-estimate note, per-intent deltas, flipped utterances
// (PII masked, markup escaped), HTML bars, the Action outputs.
import { describe, expect, it } from "vitest";
import { computeOutputs } from "../../src/action/outputs.js";
import { comparePaired } from "../../src/pipeline/compare.js";
import { comparisonLead, pEquals, significanceText } from "../../src/report/comparison.js";
import { renderHtml } from "../../src/report/html.js";
import { COMMENT_MAX_CHARS, renderPrComment, renderReportMd, renderSummary } from "../../src/report/markdown.js";
import { comparisonReport, EMAIL, predictionRows, sampleReport } from "./helpers.js";

describe("comparison rendering", () => {
  it("the lead line: macro F1 base → head, the delta and its significance, the intents that lost most", () => {
    const r = comparisonReport();
    const lead = comparisonLead(r.comparison!, 0.05);
    expect(lead.headline).toMatch(/^macro F1 1\.000 → 0\.\d{3} \(−0\.\d{3}, significant\)$/);
    expect(lead.intents.map((i) => i.name)).toEqual(["OrderPizza", "CancelOrder"]);
    expect(lead.intents[0].delta).toMatch(/^−0\.\d\d$/);
    const small = comparisonReport(2);
    expect(comparisonLead(small.comparison!, 0.05).headline).toMatch(/not significant, p = 0\.\d+\)$/);
  });

  it("the summary and the comment lead with the comparison, then say it is a local estimate", () => {
    const r = comparisonReport();
    for (const text of [renderSummary(r), renderPrComment(r), renderReportMd(r)]) {
      const lines = text.split("\n").filter((l) => l && !l.startsWith("<!--"));
      expect(lines[0]).toMatch(/^### ❌ \*\*Failed\*\*/);
      expect(lines[0]).not.toMatch(/macro F1/); // the comparison says it, once
      expect(lines[1]).toMatch(/^\*\*macro F1 1\.000 → 0\.\d{3} \(−0\.\d{3}, significant\)\*\* · OrderPizza −0\.\d\d · CancelOrder −0\.\d\d$/);
      expect(lines[2]).toMatch(/^_Estimate from a local model, not Cognigy's: .*origin\/main.*120 test utterances/);
      expect(text).toContain("Right → wrong: 15 utterances");
      expect(text).toMatch(/McNemar exact p (= 0\.\d|&lt; 0\.0001) on 15 flipped/); // markdown escapes "<"
      expect(text).not.toContain(EMAIL);
      expect(text).not.toContain("<script>");
      expect(text).not.toMatch(/(^|[^\u200b])@team/);
    }
  });

  it("the HTML report shows base vs head F1 bars and the flipped utterances, masked and escaped", () => {
    const r = comparisonReport();
    const html = renderHtml(r);
    expect(html).toMatch(/<p class="lead" data-macro-f1-delta="-0\.\d+"/);
    expect(html).toContain("Estimate from a local model, not Cognigy&#39;s");
    const section = html.slice(html.indexOf('<section class="comparison">'));
    expect(section).toMatch(/<g class="bar" data-intent="OrderPizza" data-f1="0\.\d+">/);
    expect(section).toMatch(/<title>OrderPizza: F1 0\.\d+, baseline 1\.0+<\/title>/);
    expect(section).toContain('data-flipped="toWrong" data-count="15"');
    expect(section).toContain('data-comparison="macroF1"');
    expect(html).not.toContain(EMAIL);
    expect(html).not.toContain("<script>");
  });

  it("the HTML of a check without a release baseline: the KPI cards point to base vs head, none says 'no baseline'", () => {
    const r = comparisonReport();
    delete r.baselineMetrics;
    const html = renderHtml(r);
    expect(html).not.toContain("no baseline");
    expect(html).toContain('<section class="comparison"><h2 id="base-vs-head">');
    expect(html.match(/<a class="muted" href="#base-vs-head">base vs head below<\/a>/g)).toHaveLength(2); // accuracy, macro F1
    delete r.comparison;
    expect(renderHtml(r)).toContain("no baseline"); // a release with nothing to compare with still says so
  });

  it("a comment with thousands of flipped utterances stays under GitHub's limit", () => {
    const r = sampleReport();
    const base = predictionRows("A", 6000, 0, "B");
    const head = predictionRows("A", 6000, 5000, "B").map((x, i) => ({ ...x, text: `${x.text} ${"long text ".repeat(20)}${i}` }));
    r.comparison = comparePaired(base.map((x, i) => ({ ...x, text: head[i].text })), head, { baseRef: "abc", engine: "cognigy" });
    const body = renderPrComment(r);
    expect(body.length).toBeLessThanOrEqual(COMMENT_MAX_CHARS);
    expect(body).toContain("4,990 more");
    expect(body).toMatch(/Cognigy: the deployed model \(abc\)/);
  });

  it("Action outputs: macro-f1-delta and evaluation-engine", () => {
    const r = comparisonReport();
    const o = computeOutputs(r, { status: "failure", reportPath: "report.json" });
    expect(o["macro-f1-delta"]).toMatch(/^-0\.\d{4}$/);
    expect(Number(o["macro-f1-delta"])).toBeCloseTo(r.comparison!.delta.macroF1, 4);
    expect(o["evaluation-engine"]).toBe("local");
    const plain = sampleReport();
    delete plain.comparison;
    expect(computeOutputs(plain, { status: "success", reportPath: "r" })).toMatchObject({ "macro-f1-delta": "", "evaluation-engine": "cognigy" });
    delete plain.metrics;
    expect(computeOutputs(plain, { status: "success", reportPath: "r" })["evaluation-engine"]).toBe("");
  });
});

describe("p-values in words", () => {
  it("reads 'p < 0.0001' for tiny values and 'p = …' otherwise, never 'p = < 0.0001'", () => {
    expect(pEquals(1e-9)).toBe("p < 0.0001");
    expect(pEquals(0.0031)).toBe("p = 0.0031");
    expect(pEquals(0.5)).toBe("p = 0.50");
    const base = Array.from({ length: 40 }, (_, i) => ({ flow: "Main", locale: "en-US", text: `t${i}`, expected: i % 2 ? "A" : "B", predicted: i % 2 ? "A" : "B", score: 0.9, ms: 1 }));
    const head = base.map((p) => ({ ...p, predicted: p.expected === "A" ? "B" : p.predicted }));
    const text = significanceText(comparePaired(base, head, { baseRef: "main", engine: "local" }));
    expect(text).toMatch(/McNemar exact p < 0\.0001 on 20 flipped/);
    expect(text).not.toMatch(/= </);
  });
});
