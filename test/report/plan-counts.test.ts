// The plan tables count the sentence changes a long plan leaves unlisted (plan.omitted), not only the listed ones.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderHtml } from "../../src/report/html.js";
import { renderReportMd } from "../../src/report/markdown.js";
import type { Report } from "../../src/report/types.js";

function reportWithOmitted(): Report {
  const r = JSON.parse(readFileSync(new URL("../fixtures/report/sample-report.json", import.meta.url), "utf8")) as Report;
  const f = r.plan!.flows[0];
  f.omitted = { addSentences: 1234, removeSentences: 56 };
  r.plan!.totals.addSentences = f.addSentences.length + 1234;
  r.plan!.totals.removeSentences = f.removeSentences.length + 56;
  return r;
}

describe("plan counts with unlisted changes", () => {
  it("report.md's flow row shows listed + omitted sentences", () => {
    const r = reportWithOmitted();
    const f = r.plan!.flows[0];
    const md = renderReportMd(r);
    const row = md.split("\n").find((l) => l.startsWith(`| ${f.flow} `));
    expect(row, md).toBeDefined();
    expect(row).toContain(`| ${(f.addSentences.length + 1234).toLocaleString("en-US")} |`);
    expect(row).toContain(`| ${f.removeSentences.length + 56} |`);
  });

  it("report.html's flow row shows listed + omitted sentences", () => {
    const r = reportWithOmitted();
    const f = r.plan!.flows[0];
    const html = renderHtml(r);
    const row = html.split("<tr").find((l) => l.includes(`data-flow="${f.flow}"`));
    expect(row).toBeDefined();
    expect(row).toContain(`<td class="n">${f.addSentences.length + 1234}</td><td class="n">${f.removeSentences.length + 56}</td>`);
  });
});
