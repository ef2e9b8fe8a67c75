// Inline SVG charts for report.html: per-intent F1 bars vs baseline, confusion heatmap, confidence histogram. No external refs.
import { clip, fmt, fmtDelta, type IntentRow, isCorrectCell, isNum } from "./format.js";

/** Escapes text for HTML/SVG text and attribute values ("/" too, so no URL-like "//" can appear in the page). */
export function esc(s: string): string {
  return s.replace(/[&<>"'/]/g, (c) => `&#${c.charCodeAt(0)};`);
}

const n1 = (x: number) => (Math.round(x * 10) / 10).toString();

export const COLORS = {
  bad: "#cf222e",
  warn: "#bf8700",
  good: "#1a7f37",
  ghost: "#d0d7de",
  ink: "#1f2328",
  muted: "#656d76",
  grid: "#eaeef2",
  correct: "#2da44e",
  wrong: "#cf222e",
};

/** The smallest text in the charts (axis ticks, counts: 11 px in the page's CSS) and the least size it may be shown at. */
const SMALLEST_FONT_PX = 11;
const LEGIBLE_PX = 9;

/** How narrow a chart drawn `width` wide may be scaled before its smallest text drops below LEGIBLE_PX. */
function minWidth(width: number): number {
  return Math.ceil((width * LEGIBLE_PX) / SMALLEST_FONT_PX);
}

export function f1Color(f1: number, minIntentF1 = 0.5): string {
  return f1 < minIntentF1 ? COLORS.bad : f1 < 0.8 ? COLORS.warn : COLORS.good;
}

export interface BarsOptions {
  /** Label text already redacted (not yet escaped). */
  label: (row: IntentRow) => string;
  /** Draws a dashed threshold line (the gate's minIntentF1). */
  threshold?: number;
  width?: number;
}

/** Horizontal F1 bars, one per intent, with the baseline as a ghost bar and a tick. */
export function f1Bars(rows: IntentRow[], opts: BarsOptions): string {
  const width = opts.width ?? 1100;
  const labelW = 230;
  const valueW = 150;
  const top = 28;
  const rowH = 22;
  const plotW = width - labelW - valueW;
  const height = top + rows.length * rowH + 10;
  const x = (v: number) => labelW + Math.max(0, Math.min(1, v)) * plotW;
  const out: string[] = [];
  out.push(`<svg class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="F1 per intent, worst first, against the baseline">`);
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    out.push(`<line x1="${n1(x(t))}" y1="${top - 6}" x2="${n1(x(t))}" y2="${height - 6}" stroke="${COLORS.grid}"/>`);
    out.push(`<text x="${n1(x(t))}" y="${top - 12}" text-anchor="middle" class="axis">${t.toFixed(2)}</text>`);
  }
  if (isNum(opts.threshold)) {
    const tx = n1(x(opts.threshold));
    out.push(`<line x1="${tx}" y1="${top - 6}" x2="${tx}" y2="${height - 6}" stroke="${COLORS.bad}" stroke-dasharray="4 3"/>`);
  }
  rows.forEach((row, i) => {
    const y = top + i * rowH;
    const name = opts.label(row);
    const d = fmtDelta(row.m.f1, row.baseF1);
    out.push(`<g class="bar" data-intent="${esc(name)}" data-f1="${row.m.f1}">`);
    out.push(`<title>${esc(name)}: F1 ${fmt(row.m.f1)}${isNum(row.baseF1) ? `, baseline ${fmt(row.baseF1)}` : ""}</title>`);
    out.push(`<text x="${labelW - 8}" y="${y + 15}" text-anchor="end" class="label">${esc(clip(name, 30))}</text>`);
    if (isNum(row.baseF1)) out.push(`<rect x="${labelW}" y="${y + 2}" width="${n1(x(row.baseF1) - labelW)}" height="${rowH - 4}" fill="${COLORS.ghost}" opacity="0.7"/>`);
    out.push(`<rect x="${labelW}" y="${y + 5}" width="${n1(Math.max(1, x(row.m.f1) - labelW))}" height="${rowH - 10}" rx="2" fill="${f1Color(row.m.f1, opts.threshold)}"/>`);
    if (isNum(row.baseF1)) {
      const bx = n1(x(row.baseF1));
      out.push(`<line x1="${bx}" y1="${y + 1}" x2="${bx}" y2="${y + rowH - 1}" stroke="${COLORS.ink}" stroke-width="2"/>`);
    }
    const dClass = d === undefined ? "" : d.startsWith("+") ? "up" : d.startsWith("−") ? "down" : "";
    out.push(
      `<text x="${width - valueW + 8}" y="${y + 15}" class="value">${fmt(row.m.f1)}${d ? ` <tspan class="${dClass}">${esc(d)}</tspan>` : isNum(row.baseF1) ? "" : ' <tspan class="muted">new</tspan>'}</text>`,
    );
    out.push("</g>");
  });
  out.push("</svg>");
  return out.join("");
}

/**
 * The same F1 bars for a phone-width screen: the intent's name on its own line above its bar, the value at the right,
 * so that the text stays legible when the page is 360 px wide (the wide chart would be scaled to a third).
 */
export function f1BarsNarrow(rows: IntentRow[], opts: BarsOptions): string {
  const width = 340;
  const valueW = 92;
  const top = 22;
  const rowH = 36;
  const plotW = width - valueW;
  const height = top + rows.length * rowH + 6;
  const x = (v: number) => Math.max(0, Math.min(1, v)) * plotW;
  const out: string[] = [];
  out.push(`<svg class="chart narrow" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="F1 per intent, worst first">`);
  for (const t of [0, 0.5, 1]) {
    out.push(`<line x1="${n1(Math.max(1, Math.min(plotW - 1, x(t))))}" y1="${top - 4}" x2="${n1(Math.max(1, Math.min(plotW - 1, x(t))))}" y2="${height - 4}" stroke="${COLORS.grid}"/>`);
    out.push(`<text x="${n1(x(t))}" y="${top - 8}" text-anchor="${t === 0 ? "start" : t === 1 ? "end" : "middle"}" class="axis">${t.toFixed(1)}</text>`);
  }
  if (isNum(opts.threshold)) out.push(`<line x1="${n1(x(opts.threshold))}" y1="${top - 4}" x2="${n1(x(opts.threshold))}" y2="${height - 4}" stroke="${COLORS.bad}" stroke-dasharray="4 3"/>`);
  rows.forEach((row, i) => {
    const y = top + i * rowH;
    const name = opts.label(row);
    const d = fmtDelta(row.m.f1, row.baseF1);
    out.push(`<g class="bar-narrow"><title>${esc(name)}: F1 ${fmt(row.m.f1)}${isNum(row.baseF1) ? `, baseline ${fmt(row.baseF1)}` : ""}</title>`);
    out.push(`<text x="0" y="${y + 12}" class="label">${esc(clip(name, 42))}</text>`);
    if (isNum(row.baseF1)) out.push(`<rect x="0" y="${y + 16}" width="${n1(x(row.baseF1))}" height="14" fill="${COLORS.ghost}" opacity="0.7"/>`);
    out.push(`<rect x="0" y="${y + 19}" width="${n1(Math.max(1, x(row.m.f1)))}" height="8" rx="2" fill="${f1Color(row.m.f1, opts.threshold)}"/>`);
    const dClass = d === undefined ? "" : d.startsWith("+") ? "up" : d.startsWith("−") ? "down" : "";
    out.push(`<text x="${width}" y="${y + 28}" text-anchor="end" class="value">${fmt(row.m.f1)}${d ? ` <tspan class="${dClass}">${esc(d)}</tspan>` : ""}</text>`);
    out.push("</g>");
  });
  out.push("</svg>");
  return out.join("");
}

export interface HeatmapOptions {
  label: (name: string) => string;
}

/**
 * A confusion heatmap (rows: expected, columns: predicted; the shared labels first so the diagonal lines up, then
 * "(out of scope)" as an extra row and "(none)" as an extra column). Correct cells blue, confusions red.
 */
export function heatmap(matrix: Record<string, Record<string, number>>, rows: string[], cols: string[], opts: HeatmapOptions): string {
  const cell = 34;
  const left = 170;
  const top = 130;
  const right = 90;
  const width = left + cols.length * cell + right;
  const height = top + rows.length * cell + 30;
  let maxOff = 0;
  let maxDiag = 0;
  for (const e of rows) {
    for (const p of cols) {
      const v = matrix[e]?.[p] ?? 0;
      if (isCorrectCell(e, p)) maxDiag = Math.max(maxDiag, v);
      else maxOff = Math.max(maxOff, v);
    }
  }
  const out: string[] = [];
  // not scaled so far that its smallest text drops below 9 px: a narrow screen scrolls it sideways
  out.push(`<svg class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" style="min-width:${minWidth(width)}px" role="img" aria-label="Confusion heatmap of the most confused intents">`);
  cols.forEach((p, j) => {
    const cx = left + j * cell + cell / 2;
    const name = opts.label(p);
    out.push(`<text transform="translate(${n1(cx + 4)},${top - 8}) rotate(-50)" class="label"><title>${esc(name)}</title>${esc(clip(name, 20))}</text>`);
  });
  rows.forEach((e, i) => {
    const y = top + i * cell;
    const name = opts.label(e);
    out.push(`<text x="${left - 8}" y="${y + cell / 2 + 4}" text-anchor="end" class="label"><title>${esc(name)}</title>${esc(clip(name, 24))}</text>`);
    cols.forEach((p, j) => {
      const v = matrix[e]?.[p] ?? 0;
      const diag = isCorrectCell(e, p);
      const max = diag ? maxDiag : maxOff;
      const a = v > 0 && max > 0 ? 0.15 + 0.85 * (v / max) : 0;
      const fill = v === 0 ? "#f6f8fa" : diag ? `rgba(9,105,218,${a.toFixed(3)})` : `rgba(207,34,46,${a.toFixed(3)})`;
      const x = left + j * cell;
      const pname = opts.label(p);
      out.push(
        `<g class="cell" data-expected="${esc(name)}" data-predicted="${esc(pname)}" data-count="${v}"><title>${esc(name)} → ${esc(pname)}: ${v}</title><rect x="${x}" y="${y}" width="${cell - 2}" height="${cell - 2}" rx="3" fill="${fill}"/>`,
      );
      if (v > 0) out.push(`<text x="${x + (cell - 2) / 2}" y="${y + cell / 2 + 3}" text-anchor="middle" class="num" fill="${a > 0.55 ? "#fff" : COLORS.ink}">${v}</text>`);
      out.push("</g>");
    });
  });
  out.push(`<text x="${left}" y="${height - 8}" class="axis">rows: expected · columns: predicted · blue: correct · red: confused</text>`);
  out.push("</svg>");
  return out.join("");
}

/** Grouped bars: correct vs wrong predictions per confidence bin (10 bins over [0, 1]). */
export function confidenceHistogram(conf: { correct: number[]; wrong: number[] }): string {
  const bins = Math.max(conf.correct.length, conf.wrong.length, 1);
  const width = 520;
  const height = 260;
  const left = 44;
  const right = 10;
  const top = 30;
  const bottom = 40;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const max = Math.max(1, ...conf.correct.filter(isNum), ...conf.wrong.filter(isNum));
  const step = niceStep(max);
  const yMax = Math.ceil(max / step) * step;
  const y = (v: number) => top + plotH - (v / yMax) * plotH;
  const bw = plotW / bins;
  const out: string[] = [];
  out.push(`<svg class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" style="min-width:${minWidth(width)}px" role="img" aria-label="Confidence of correct and wrong predictions">`);
  for (let v = 0; v <= yMax; v += step) {
    out.push(`<line x1="${left}" y1="${n1(y(v))}" x2="${width - right}" y2="${n1(y(v))}" stroke="${COLORS.grid}"/>`);
    out.push(`<text x="${left - 6}" y="${n1(y(v) + 4)}" text-anchor="end" class="axis">${v}</text>`);
  }
  for (let i = 0; i < bins; i++) {
    const x0 = left + i * bw;
    const c = conf.correct[i] ?? 0;
    const w = conf.wrong[i] ?? 0;
    const barW = (bw - 6) / 2;
    out.push(`<g class="bin" data-bin="${i}" data-correct="${c}" data-wrong="${w}"><title>${(i / bins).toFixed(1)}–${((i + 1) / bins).toFixed(1)}: ${c} correct, ${w} wrong</title>`);
    out.push(`<rect x="${n1(x0 + 3)}" y="${n1(y(c))}" width="${n1(barW)}" height="${n1(y(0) - y(c))}" fill="${COLORS.correct}"/>`);
    out.push(`<rect x="${n1(x0 + 3 + barW)}" y="${n1(y(w))}" width="${n1(barW)}" height="${n1(y(0) - y(w))}" fill="${COLORS.wrong}"/>`);
    out.push("</g>");
    out.push(`<text x="${n1(x0)}" y="${top + plotH + 16}" text-anchor="middle" class="axis">${(i / bins).toFixed(1)}</text>`);
  }
  out.push(`<text x="${width - right}" y="${top + plotH + 16}" text-anchor="end" class="axis">1.0</text>`);
  out.push(`<text x="${left + plotW / 2}" y="${height - 6}" text-anchor="middle" class="axis">confidence of the top prediction</text>`);
  out.push(`<rect x="${left + 4}" y="8" width="12" height="12" fill="${COLORS.correct}"/><text x="${left + 20}" y="18" class="axis">correct</text>`);
  out.push(`<rect x="${left + 84}" y="8" width="12" height="12" fill="${COLORS.wrong}"/><text x="${left + 100}" y="18" class="axis">wrong</text>`);
  out.push("</svg>");
  return out.join("");
}

function niceStep(max: number): number {
  const raw = max / 5;
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return Math.max(1, (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p || 1);
}
