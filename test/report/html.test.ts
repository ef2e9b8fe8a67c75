import { describe, expect, it } from "vitest";
import { renderHtml } from "../../src/report/html.js";
import { Redactor } from "../../src/report/redact.js";
import { bigReport, sampleReport } from "./helpers.js";

const noPii = () => new Redactor({ maskPii: (s) => s });

function unescapeHtml(s: string): string {
  return s.replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n)));
}

/** Every element's data- attributes, for the rows that carry `key`. */
function rowsWith(html: string, tag: string, key: string): Record<string, string>[] {
  const out: Record<string, string>[] = [];
  const re = new RegExp(`<${tag}\\b([^>]*\\bdata-${key}="[^"]*"[^>]*)>`, "g");
  for (const m of html.matchAll(re)) {
    const attrs: Record<string, string> = {};
    for (const a of m[1].matchAll(/data-([a-z0-9-]+)="([^"]*)"/g)) attrs[a[1]] = unescapeHtml(a[2]);
    out.push(attrs);
  }
  return out;
}

describe("renderHtml", () => {
  it("is one self-contained page: no URLs, no scripts, no external resources", () => {
    const r = sampleReport();
    r.metrics!.confusions[0].examples.push("see https://evil.example/x.js and //cdn.example/y");
    r.findings[0].message = "load <script src='https://evil.example/a.js'></script>";
    const html = renderHtml(r, { redactor: noPii() });
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toContain("//");
    expect(html).not.toMatch(/<(script|link|img|iframe|object|embed|base)\b/i);
    expect(html).not.toMatch(/<[a-z][^>]*\s(src|href|xlink:href|action)\s*=/i);
    expect(html).not.toMatch(/url\(|@import/i);
    expect(html).toContain("<svg");
    expect(html).toContain("<style>");
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
  });

  it("shows per-intent numbers equal to report.json (data attributes and cells)", () => {
    const r = sampleReport();
    const html = renderHtml(r, { redactor: noPii() });
    const rows = rowsWith(html, "tr", "intent");
    expect(rows).toHaveLength(Object.keys(r.metrics!.perIntent).length);
    for (const row of rows) {
      const m = r.metrics!.perIntent[row.intent];
      expect(m, row.intent).toBeDefined();
      expect(Number(row.f1)).toBe(m.f1);
      expect(Number(row.precision)).toBe(m.precision);
      expect(Number(row.recall)).toBe(m.recall);
      expect(Number(row.support)).toBe(m.support);
      expect(Number(row["baseline-f1"])).toBe(r.baselineMetrics!.perIntent[row.intent].f1);
    }
    // worst first
    const f1s = rows.map((x) => Number(x.f1));
    expect([...f1s].sort((a, b) => a - b)).toEqual(f1s);
    // the visible cells show the same values
    const refund = html.match(/<tr[^>]*data-intent="Refund"[^>]*>(.*?)<\/tr>/)![1];
    const cells = [...refund.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((c) => c[1].replace(/<[^>]+>/g, ""));
    expect(cells.slice(0, 5)).toEqual(["Refund", "0.4000", "0.5000", "0.4444", "8"]);
    // the chart bars carry the same F1
    for (const bar of rowsWith(html, "g", "f1")) expect(Number(bar.f1)).toBe(r.metrics!.perIntent[bar.intent].f1);
  });

  it("shows headline metrics, the confusion heatmap and the confidence histogram from report.json", () => {
    const r = sampleReport();
    const m = r.metrics!;
    const html = renderHtml(r, { redactor: noPii() });
    const metrics = Object.fromEntries(rowsWith(html, "tr", "metric").map((x) => [x.metric, x]));
    expect(Number(metrics.accuracy.value)).toBe(m.accuracy);
    expect(Number(metrics.macroF1.value)).toBe(m.macroF1);
    expect(Number(metrics.macroF1.baseline)).toBe(r.baselineMetrics!.macroF1);
    expect(Number(metrics.macroPrecision.value)).toBe(m.macroPrecision);
    expect(Number(metrics.macroRecall.value)).toBe(m.macroRecall);
    expect(Number(metrics.weightedF1.value)).toBe(m.weightedF1);
    expect(Number(metrics.oosPrecision.value)).toBe(m.outOfScope!.precision);
    expect(Number(metrics.oosRecall.value)).toBe(m.outOfScope!.recall);
    const cells = rowsWith(html, "g", "count");
    expect(cells.length).toBeGreaterThan(12 * 12 - 1);
    for (const c of cells) expect(Number(c.count)).toBe(m.confusionMatrix[c.expected]?.[c.predicted] ?? 0);
    // the most confused pair is in the heatmap
    expect(cells.some((c) => c.expected === "TalkToHuman" && c.predicted === "Complaint" && c.count === "4")).toBe(true);
    const bins = rowsWith(html, "g", "bin");
    expect(bins.map((b) => Number(b.correct))).toEqual(m.confidence!.correct);
    expect(bins.map((b) => Number(b.wrong))).toEqual(m.confidence!.wrong);
    const confusions = rowsWith(html, "tr", "expected");
    expect(confusions.map((c) => [c.expected, c.predicted, Number(c.count)])).toEqual(m.confusions.map((c) => [c.expected, c.predicted, c.count]));
  });

  it("escapes intent names and utterances so no markup can be injected", () => {
    const r = sampleReport();
    const evil = `<script>alert("x")</script><img src=x onerror=alert(1)>`;
    r.metrics!.perIntent[evil] = { precision: 0.1, recall: 0.2, f1: 0.1333, support: 3 };
    r.metrics!.confusionMatrix[evil] = { [evil]: 1, Refund: 5 };
    r.metrics!.confusions.unshift({ expected: evil, predicted: "Refund", count: 5, examples: [`"><svg onload=alert(1)>`] });
    r.findings[0].message = `</td></tr></table><script>alert(2)</script>`;
    r.plan!.flows[0].flow = `Main"><b onmouseover=alert(3)>`;
    const html = renderHtml(r, { redactor: noPii() });
    expect(html).not.toMatch(/<script|<img|<svg onload|<b onmouseover|<\/td><\/tr><\/table><script/i);
    expect(html).toContain("&#60;script&#62;alert(&#34;x&#34;)&#60;&#47;script&#62;");
    // the escaped name round-trips through the data attribute
    const row = rowsWith(html, "tr", "intent").find((x) => x.intent === evil);
    expect(row && Number(row.f1)).toBe(0.1333);
  });

  it("renders a big report (5,000 intents) with every intent in the table and a bounded chart", () => {
    const r = bigReport(5000);
    const html = renderHtml(r, { redactor: noPii() });
    expect(rowsWith(html, "tr", "intent")).toHaveLength(5000);
    expect(rowsWith(html, "g", "f1")).toHaveLength(40);
    expect(html).toContain("The 40 worst of 5,000 intents");
  });

  it("renders without metrics", () => {
    const html = renderHtml(
      { version: 1, tool: { name: "cognigy-nlu", version: "1" }, status: "skipped", mode: "backup", startedAt: "2025-01-01T00:00:00Z", summary: "nothing", findings: [], timings: [] },
      { redactor: noPii() },
    );
    expect(html).toContain('data-verdict="skipped"');
    expect(html).not.toContain("<svg");
  });
});
