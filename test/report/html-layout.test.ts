// report.html in a real browser (headless Chromium) at 360 and 1920 px: no horizontal page overflow, no table cell
// narrower than a word, chart text at a legible size. CI installs Chromium (.ci/run) and this test fails there without it;
// elsewhere, without a browser, it is skipped with a warning that says so.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderHtml } from "../../src/report/html.js";
import { Redactor } from "../../src/report/redact.js";
import type { Report } from "../../src/report/types.js";
import { findChromium, measure } from "./browser.js";
import { bigReport, comparisonReport, sampleReport } from "./helpers.js";

const chromium = findChromium();
if (!chromium) {
  const msg = "report.html layout test: NO CHROMIUM FOUND (set CHROMIUM or install the chromium package) — the 360/1920 px checks did not run";
  if (process.env.CI) throw new Error(`${msg}; CI must install it (.ci/run does)`);
  process.stderr.write(`\n⚠️  ${msg}\n\n`);
}

interface Measured {
  innerWidth: number;
  scrollWidth: number;
  clientWidth: number;
  cells: number;
  brokenWords: string[];
  overflowingCells: string[];
  charts: { label: string; px: number }[];
  comparison: boolean;
  noBaseline: number;
}

/** Runs in the page: what a reader at this width would hit. */
const SCRIPT = `
const out = { innerWidth, scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth, cells: 0, brokenWords: [], overflowingCells: [], charts: [],
  comparison: !!document.querySelector("section.comparison"), noBaseline: [...document.querySelectorAll("main *")].filter((e) => e.getClientRects().length > 0 && [...e.childNodes].some((n) => n.nodeType === 3 && /no baseline/.test(n.textContent))).length };
for (const cell of document.querySelectorAll("td, th")) {
  if (cell.getClientRects().length === 0) continue;
  out.cells++;
  if (cell.scrollWidth > cell.clientWidth + 1) out.overflowingCells.push(cell.textContent.slice(0, 60));
  const walk = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    // a word: letters, digits and the marks names are made of; text may wrap after "/" and "-", as browsers do
    for (const m of n.textContent.matchAll(/[\\p{L}\\p{N}_.]+/gu)) {
      const r = document.createRange();
      r.setStart(n, m.index);
      r.setEnd(n, m.index + m[0].length);
      const lines = new Set([...r.getClientRects()].filter((x) => x.width > 0).map((x) => Math.round(x.top)));
      if (lines.size > 1) out.brokenWords.push(m[0].slice(0, 60));
    }
  }
}
for (const svg of document.querySelectorAll("svg.chart")) {
  const box = svg.getBoundingClientRect();
  if (box.width === 0) continue;
  // the smallest text drawn: every label, axis tick and value, as large as it is on screen after the SVG is scaled
  let min = Infinity;
  for (const text of svg.querySelectorAll("text")) min = Math.min(min, parseFloat(getComputedStyle(text).fontSize));
  if (min === Infinity) continue;
  const px = (min * box.width) / svg.viewBox.baseVal.width;
  out.charts.push({ label: (svg.closest("section")?.querySelector("h2")?.firstChild?.textContent ?? "") + ": " + svg.getAttribute("aria-label"), px: Math.round(px * 10) / 10 });
}
`;

/** A report that pushes the layout: long names and paths, a long unbroken token in the summary, many findings. */
function stressReport(): Report {
  const r = bigReport(60);
  r.summary = `release failed at sync: ${"averyveryverylongtokenwithoutanyspaces".repeat(4)} and more words after it`;
  r.findings = r.findings.slice(0, 40).map((f, i) => ({ ...f, file: `training-data/customer-service/a-rather-deep/folder/structure/intents/billing_and_refunds_${i}.yml` }));
  return r;
}

/** A pull-request check as it comes: base vs head from the paired comparison, no release baseline. */
function checkReport(): Report {
  const r = comparisonReport();
  delete r.baselineMetrics;
  return r;
}

const REPORTS: [string, () => Report][] = [
  ["the sample report", sampleReport],
  ["a stress report (60 long intent names, deep paths)", stressReport],
  ["a check report (base vs head, no baseline)", checkReport],
];

const shots = process.env.REPORT_SCREENSHOTS; // a folder to keep the screenshots in, to look at them

/** The widths each report is measured at: a phone, a full HD screen, and for the check report a tablet in between. */
const widths = (what: string) => (what.startsWith("a check") ? [360, 768, 1920] : [360, 1920]);

describe.skipIf(!chromium)("report.html in headless Chromium", () => {
  for (const [what, make] of REPORTS) {
    for (const width of widths(what)) {
      it(`${what} at ${width} px: no page overflow, no cell narrower than a word, legible charts`, () => {
        const html = renderHtml(make(), { redactor: new Redactor() });
        let screenshot: string | undefined;
        if (shots) {
          mkdirSync(shots, { recursive: true });
          screenshot = join(shots, `${what.split(" ")[1]}-${width}.png`);
        }
        const m = measure(chromium!, html, width, SCRIPT, { height: width < 800 ? 1600 : 1400, screenshot }) as Measured;
        expect(m.innerWidth, "the window really is that wide").toBe(width);
        expect(m.cells).toBeGreaterThan(20);
        expect(m.scrollWidth, "the page scrolls sideways").toBeLessThanOrEqual(m.clientWidth);
        expect(m.brokenWords, `words broken across lines inside table cells: ${m.brokenWords.slice(0, 5).join(" · ")}`).toEqual([]);
        expect(m.overflowingCells, "cells whose content overflows them").toEqual([]);
        expect(m.charts.length).toBeGreaterThan(0);
        for (const c of m.charts) expect(c.px, `${c.label}: chart text at ${c.px} px`).toBeGreaterThanOrEqual(9);
        // a check has its base in the base-vs-head panel: no card beside it may say there is none
        if (m.comparison) expect(m.noBaseline, '"no baseline" shown beside the base-vs-head panel').toBe(0);
      });
    }
  }
});
