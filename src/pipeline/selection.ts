// check.maxRequests: which tests a PR check scores when scoring them all would cost more requests than allowed. All tests
// of the intents the PR touches, then of the intents the local model confuses with them, then a stratified sample of
// the rest, up to the budget; the interval of the comparison is widened for what was not scored.
import type { FlowDiff } from "./diff.js";
import { unitHash } from "./holdout.js";
import type { TestItem } from "./testset.js";
import { grouped } from "../text/number.js";

/** `flow \0 intent`: intents are named per flow. */
export function intentKey(flow: string, intent: string | null): string {
  return `${flow}\u0000${intent ?? ""}`;
}

/** The intents a flow's diff touches: created, updated, deleted, or with sentences added or removed. */
export function touchedIntents(flow: string, diff: Pick<FlowDiff, "intents">): Set<string> {
  const out = new Set<string>();
  for (const i of diff.intents) {
    const changed = i.action !== "keep" || Object.values(i.add).some((t) => t.length > 0) || Object.values(i.remove).some((t) => t.length > 0);
    if (changed) out.add(intentKey(flow, i.name));
  }
  return out;
}

/**
 * Intents a model confuses with the touched ones: for each test, when expected and predicted differ and one of them is
 * touched, the other one. `predicted` is the local model's top label per test (null = none).
 */
export function confusedWith(tests: readonly TestItem[], predicted: readonly (string | null)[], touched: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  tests.forEach((t, i) => {
    const p = predicted[i];
    if (p === undefined || p === t.expected) return;
    const e = intentKey(t.flow, t.expected);
    const q = intentKey(t.flow, p);
    if (touched.has(e) && p !== null && !touched.has(q)) out.add(q);
    if (p !== null && touched.has(q) && t.expected !== null && !touched.has(e)) out.add(e);
  });
  return out;
}

/**
 * A stratified sample of `n` items (strata: flow, locale, expected intent), proportional to the strata's sizes: items are
 * ranked by their position inside their stratum (seeded hash order), so every stratum gets its share before any gets more.
 */
export function stratifiedTake(items: readonly TestItem[], n: number, seed: string): TestItem[] {
  if (n >= items.length) return [...items];
  if (n <= 0) return [];
  const groups = new Map<string, { i: number; h: number }[]>();
  items.forEach((t, i) => {
    const l = `${t.flow}\u0000${t.locale}\u0000${t.expected ?? ""}`;
    let g = groups.get(l);
    if (!g) groups.set(l, (g = []));
    g.push({ i, h: unitHash(seed, `${l}\u0000${t.text}`) });
  });
  const ranked: { i: number; pos: number; h: number }[] = [];
  for (const g of groups.values()) {
    g.sort((a, b) => a.h - b.h || a.i - b.i);
    g.forEach((x, j) => {
      ranked.push({ i: x.i, pos: (j + 0.5) / g.length, h: x.h });
    });
  }
  ranked.sort((a, b) => a.pos - b.pos || a.h - b.h || a.i - b.i);
  const keep = new Set(ranked.slice(0, n).map((x) => x.i));
  return items.filter((_, i) => keep.has(i));
}

export interface BudgetSelection {
  items: TestItem[];
  selection: { total: number; evaluated: number; how: string };
  /** The share of the tests scored, per part (1 when all were): for widening the interval. */
  fraction: number;
}

function plural(n: number, w: string): string {
  return `${grouped(n)} ${w}${n === 1 ? "" : "s"}`;
}

/**
 * Picks the tests within `maxRequests` (0 = all) when each costs `models` requests (2: base and head). Keeps the input
 * order. `confused` may be computed lazily: it is only asked for when not every test fits.
 */
export function selectWithinBudget(
  items: readonly TestItem[],
  opts: { maxRequests: number; models: number; touched: ReadonlySet<string>; confused?: () => ReadonlySet<string>; seed: string },
): BudgetSelection {
  const total = items.length;
  const budget = opts.maxRequests > 0 ? Math.floor(opts.maxRequests / Math.max(1, opts.models)) : Number.POSITIVE_INFINITY;
  const per = opts.models === 1 ? "1 model" : `${opts.models} models`;
  if (total <= budget) {
    return { items: [...items], fraction: 1, selection: { total, evaluated: total, how: `all ${plural(total, "test")} (within check.maxRequests ${opts.maxRequests || "unlimited"}, ${per})` } };
  }
  const touched = items.filter((t) => opts.touched.has(intentKey(t.flow, t.expected)));
  const confusedSet = opts.confused?.() ?? new Set<string>();
  const confused = items.filter((t) => !opts.touched.has(intentKey(t.flow, t.expected)) && confusedSet.has(intentKey(t.flow, t.expected)));
  const must = new Set<TestItem>([...touched, ...confused]);
  const rest = items.filter((t) => !must.has(t));
  const touchedIntentCount = new Set(touched.map((t) => intentKey(t.flow, t.expected))).size;
  const confusedIntentCount = new Set(confused.map((t) => intentKey(t.flow, t.expected))).size;
  let picked: Set<TestItem>;
  let how: string;
  const limitText = `check.maxRequests ${opts.maxRequests}, ${per}`;
  if (must.size > budget) {
    // even the touched intents do not fit: sample them (touched first), stratified
    const t = stratifiedTake(touched, Math.min(touched.length, budget), opts.seed);
    const c = stratifiedTake(confused, budget - t.length, opts.seed);
    picked = new Set([...t, ...c]);
    how = `a stratified sample of ${plural(t.length + c.length, "test")} of the ${plural(touchedIntentCount, "intent")} the PR touches${confusedIntentCount ? ` and ${plural(confusedIntentCount, "intent")} confused with them` : ""}; none of the other ${plural(rest.length, "test")} (${limitText})`;
  } else {
    const sample = stratifiedTake(rest, budget - must.size, opts.seed);
    picked = new Set([...must, ...sample]);
    const share = rest.length ? (100 * sample.length) / rest.length : 100;
    how = `all ${plural(touched.length, "test")} of the ${plural(touchedIntentCount, "intent")} the PR touches${confused.length ? `, all ${plural(confused.length, "test")} of ${plural(confusedIntentCount, "intent")} the local model confuses with them` : ""}, and a stratified ${share < 10 ? share.toFixed(1) : share.toFixed(0)}% sample of the other ${plural(rest.length, "test")} (${limitText})`;
  }
  const out = items.filter((t) => picked.has(t));
  return { items: out, fraction: out.length / total, selection: { total, evaluated: out.length, how } };
}
