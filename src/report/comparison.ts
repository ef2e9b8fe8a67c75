// The comparison's words, shared by every renderer (summary, comment, report.md, HTML, console): the lead line
// ("macro F1 0.912 → 0.871 (−0.041, significant) · OrderPizza −0.30 · CancelOrder −0.12") and the engine note.
import { fmtInt } from "./format.js";
import type { Comparison, Report } from "./types.js";

/** What the summary says before any intent name (no data text in it). */
export interface ComparisonLead {
  /** "macro F1 0.912 → 0.871 (−0.041, significant)" */
  headline: string;
  /** The intents that moved most (losers first; gainers when none lost), with their F1 delta "−0.30". */
  intents: { name: string; delta: string }[];
  significant: boolean;
}

/** How many intents the lead line names. */
export const LEAD_INTENTS = 3;

/** "−0.041" / "+0.012" / "±0.000" with a real minus sign. */
export function signedDelta(n: number, digits: number): string {
  const s = Math.abs(n).toFixed(digits);
  if (Number(s) === 0) return `±${s}`;
  return n < 0 ? `−${s}` : `+${s}`;
}

/** A p-value for people. */
export function pText(p: number): string {
  if (p < 1e-4) return "< 0.0001";
  return p >= 0.1 ? p.toFixed(2) : p.toPrecision(2);
}

/** "p = 0.003", "p < 0.0001" (never "p = < 0.0001"). */
export function pEquals(p: number): string {
  const t = pText(p);
  return t.startsWith("<") ? `p ${t}` : `p = ${t}`;
}

/** The significance level the gate used (its "significance" check), else 0.05. */
export function alphaOf(report: Pick<Report, "gate">): number {
  return report.gate?.checks?.find((c) => c.name === "significance")?.threshold ?? 0.05;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function comparisonLead(c: Comparison, alpha = 0.05): ComparisonLead {
  const b = c.base.metrics.macroF1;
  const h = c.head.metrics.macroF1;
  const significant = c.significance.pValue < alpha;
  const word = c.delta.macroF1 === 0 && c.flipped.toWrong.length + c.flipped.toRight.length === 0 ? "no change" : significant ? "significant" : `not significant, ${pEquals(c.significance.pValue)}`;
  const headline = `macro F1 ${b.toFixed(3)} → ${h.toFixed(3)} (${signedDelta(c.delta.macroF1, 3)}, ${word})`;
  const moved = Object.entries(c.delta.perIntent).filter(([, d]) => Math.abs(d) >= 0.005);
  const lost = moved.filter(([, d]) => d < 0).sort((x, y) => x[1] - y[1] || cmp(x[0], y[0]));
  const gained = moved.filter(([, d]) => d > 0).sort((x, y) => y[1] - x[1] || cmp(x[0], y[0]));
  const pick = (lost.length ? lost : gained).slice(0, LEAD_INTENTS);
  return { headline, intents: pick.map(([name, d]) => ({ name, delta: signedDelta(d, 2) })), significant };
}

/** How many names a list in a note shows before "and N more". */
const NAMES = 3;

function names(list: readonly string[]): string {
  const shown = list.slice(0, NAMES).join(", ");
  return list.length > NAMES ? `${shown} and ${list.length - NAMES} more` : shown;
}

/**
 * "; renamed intents mapped: OrderPizza → PizzaOrder; 12 tests of new/renamed intents not compared (the base model
 * cannot predict PizzaOrder)" — empty when the comparison has neither.
 */
export function renameText(c: Pick<Comparison, "renamed" | "newIntents">): string {
  let out = "";
  if (c.renamed?.length) out += `; renamed intent${c.renamed.length === 1 ? "" : "s"} mapped: ${names(c.renamed.map((r) => `${r.from} → ${r.to}`))} (the base's predictions of the old name count as the new)`;
  if (c.newIntents) {
    const n = c.newIntents.tests;
    out += `; ${fmtInt(n)} test${n === 1 ? "" : "s"} of new/renamed intents not compared (the base model cannot predict ${names(c.newIntents.intents)}; kept in the head's metrics)`;
  }
  return out;
}

/** Who compared what, in words (no data text): the local estimate always says it is one. */
export function comparisonNote(report: Pick<Report, "comparison" | "evaluation">): string | undefined {
  const c = report.comparison;
  const e = report.evaluation;
  if (c) {
    const n = fmtInt(c.head.metrics.total);
    const excluded = `${c.excluded ? `; ${fmtInt(c.excluded)} test${c.excluded === 1 ? "" : "s"} the base model was trained on left out of the comparison (kept in the head's metrics)` : ""}${renameText(c)}`;
    if (c.base.engine === "local")
      return `Estimate from a local model, not Cognigy's: the local classifier trained on the base (${c.base.ref}) and on this change, scored on the same ${n} test utterances${excluded}.`;
    return `Cognigy: the deployed model (${c.base.ref}) and ${e?.flow ? `the preview model (flow ${e.flow})` : "this change's model"} scored on the same ${n} test utterances${excluded}.`;
  }
  if (e?.engine === "local") return `Estimate from a local model, not Cognigy's${e.noComparison ? `; no comparison: ${e.noComparison}` : ""}.`;
  if (e?.noComparison) return `No comparison: ${e.noComparison}.`;
  return undefined;
}

/** "McNemar exact p = 0.003 on 14 flipped utterances (12 right → wrong, 2 wrong → right); 95% bootstrap interval of the macro F1 delta [−0.062, −0.021]" */
export function significanceText(c: Comparison): string {
  const [lo, hi] = c.significance.macroF1Interval;
  const w = c.flipped.toWrong.length;
  const r = c.flipped.toRight.length;
  return `McNemar exact ${pEquals(c.significance.pValue)} on ${fmtInt(w + r)} flipped utterance${w + r === 1 ? "" : "s"} (${fmtInt(w)} right → wrong, ${fmtInt(r)} wrong → right); 95% paired bootstrap interval of the macro F1 delta [${signedDelta(lo, 3)}, ${signedDelta(hi, 3)}]`;
}

/** Per-intent rows of the comparison, biggest loss first. */
export function comparisonRows(c: Comparison): { name: string; base: number; head: number; delta: number; support: number }[] {
  return Object.entries(c.delta.perIntent)
    .map(([name, delta]) => ({
      name,
      base: c.base.metrics.perIntent[name]?.f1 ?? 0,
      head: c.head.metrics.perIntent[name]?.f1 ?? 0,
      delta,
      support: c.head.metrics.perIntent[name]?.support ?? c.base.metrics.perIntent[name]?.support ?? 0,
    }))
    .sort((a, b) => a.delta - b.delta || cmp(a.name, b.name));
}
