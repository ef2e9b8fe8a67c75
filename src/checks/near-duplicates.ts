// Near-duplicates as groups: texts ≥ nearDuplicate similar to one centre text (spanning intents: warning; one intent: info).
import { finding } from "./finding.js";
import { maskPii } from "./pii.js";
import { quote } from "./show.js";
import { type JoinLimits, MAX_JOIN_LENGTH, similarJoin } from "./similarity.js";
import type { Finding, RelatedLocation } from "./types.js";
import { distinctTexts, type FlowView, type Item } from "./view.js";
import { grouped } from "../text/number.js";

/** Bounds of the test-leakage join (tests × examples), and the length cap runChecks lowers to twice the `length` max. */
export const NEAR_DUPLICATE_LIMITS: Required<JoinLimits> = { maxPairs: 20_000, maxCandidates: 50_000_000, maxLength: MAX_JOIN_LENGTH };
/**
 * Bounds of the near-duplicate search, applied only past SEARCH_ALL_UP_TO examples in one flow × locale (below it the
 * search is exact, whatever it costs): for pathological data the check says what it did not search instead of running
 * for minutes.
 */
export const LARGE_SEARCH_LIMITS: Required<JoinLimits> = { maxPairs: 1_000_000, maxCandidates: 200_000_000, maxLength: MAX_JOIN_LENGTH };
/** Up to this many examples in one flow × locale, the search never stops early. */
export const SEARCH_ALL_UP_TO = 100_000;
/** Findings (groups) listed per flow and locale; the rest are counted exactly, per rule, in closing findings. */
export const MAX_NEAR_DUPLICATE_FINDINGS = 10_000;
/** Member texts quoted in a group's message (all of them are in `related`). */
const QUOTED = 2;

/** The first occurrence of a text in each intent (repeats inside an intent are duplicate-within's job). */
function firstPerIntent(items: Item[]): Item[] {
  if (items.length === 1) return items;
  const seen = new Set<string | null>();
  return items.filter((i) => !seen.has(i.intent) && seen.add(i.intent));
}

/** A group of distinct texts (indices): a centre and the members ≥ threshold similar to it, with their similarity. */
export interface TextGroup {
  centre: number;
  members: { text: number; similarity: number }[];
}

/** A binary max-heap of (key, tie) → id, smaller tie first among equal keys. */
class MaxHeap {
  private readonly keys: number[] = [];
  private readonly ties: number[] = [];
  private readonly ids: number[] = [];
  get size(): number {
    return this.ids.length;
  }
  private above(i: number, j: number): boolean {
    return this.keys[i] > this.keys[j] || (this.keys[i] === this.keys[j] && this.ties[i] < this.ties[j]);
  }
  private swap(i: number, j: number): void {
    for (const a of [this.keys, this.ties, this.ids]) [a[i], a[j]] = [a[j], a[i]];
  }
  push(key: number, tie: number, id: number): void {
    this.keys.push(key);
    this.ties.push(tie);
    this.ids.push(id);
    let i = this.ids.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.above(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }
  pop(): { key: number; id: number } {
    const top = { key: this.keys[0], id: this.ids[0] };
    const last = this.ids.length - 1;
    this.swap(0, last);
    this.keys.pop();
    this.ties.pop();
    this.ids.pop();
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < this.ids.length && this.above(l, m)) m = l;
      if (r < this.ids.length && this.above(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
    return top;
  }
}

/**
 * Groups the texts of a similarity graph around centres, without chaining: every member is within the threshold of its
 * group's centre (an edge of the graph). Greedy: the text with the most ungrouped neighbours (earliest `rank` on ties)
 * becomes a centre and takes them. A text whose neighbours all went to other groups before it could take any becomes the
 * centre of its own group with those neighbours (they then appear in two groups): every text with a near-duplicate is
 * in a group, and every group can be judged by reading its centre.
 */
export function groupTexts(count: number, pairs: readonly { a: number; b: number; similarity: number }[], rank: (text: number) => number): TextGroup[] {
  const degree = new Int32Array(count);
  for (const p of pairs) {
    degree[p.a]++;
    degree[p.b]++;
  }
  const start = new Int32Array(count + 1);
  for (let i = 0; i < count; i++) start[i + 1] = start[i] + degree[i];
  const fill = start.slice(0, count);
  const nbr = new Int32Array(start[count]);
  const sim = new Float64Array(start[count]);
  for (const p of pairs) {
    nbr[fill[p.a]] = p.b;
    sim[fill[p.a]++] = p.similarity;
    nbr[fill[p.b]] = p.a;
    sim[fill[p.b]++] = p.similarity;
  }
  const taken = new Uint8Array(count);
  const free = Int32Array.from(degree); // ungrouped neighbours
  const heap = new MaxHeap();
  for (let i = 0; i < count; i++) if (degree[i] > 0) heap.push(degree[i], rank(i), i);
  const groups: TextGroup[] = [];
  const leftovers: number[] = [];
  while (heap.size) {
    const { key, id } = heap.pop();
    if (taken[id]) continue;
    if (key !== free[id]) {
      if (free[id] > 0) heap.push(free[id], rank(id), id);
      else leftovers.push(id);
      continue;
    }
    const members: TextGroup["members"] = [];
    taken[id] = 1;
    for (let e = start[id]; e < start[id + 1]; e++) {
      const m = nbr[e];
      if (taken[m]) continue;
      taken[m] = 1;
      members.push({ text: m, similarity: sim[e] });
    }
    // the centre and its new members leave every neighbour's count of ungrouped neighbours
    for (const g of [id, ...members.map((m) => m.text)]) for (let e = start[g]; e < start[g + 1]; e++) free[nbr[e]]--;
    groups.push({ centre: id, members });
  }
  for (const id of leftovers) {
    if (taken[id]) continue;
    taken[id] = 1;
    const members: TextGroup["members"] = [];
    for (let e = start[id]; e < start[id + 1]; e++) members.push({ text: nbr[e], similarity: sim[e] });
    groups.push({ centre: id, members });
  }
  return groups;
}

function percent(s: number): string {
  return `${Math.floor(s * 100)}%`;
}

function plural(n: number, word: string): string {
  return `${grouped(n)} ${word}${n === 1 ? "" : "s"}`;
}

interface Built {
  finding: Finding;
  size: number;
  order: number;
}

/**
 * Near-duplicate groups per flow and locale (see groupTexts): one finding per group at the centre's first example, every
 * other member example (first per intent) in `related` with its normalised, PII-masked text (the centre's in `text`),
 * saying how many intents the group spans. A group within one intent is `near-duplicate-within`, one spanning intents
 * `near-duplicate-across`. At most MAX_NEAR_DUPLICATE_FINDINGS are listed per flow × locale, biggest first, each rule
 * getting its share (half, plus what the other does not use); the rest are counted exactly in one closing finding per
 * rule. Past SEARCH_ALL_UP_TO examples the search may stop (limits), and a finding says which texts it did not compare.
 * Exact repeats are the duplicates check's job; texts over `limits.maxLength` are not searched (MAX_JOIN_LENGTH).
 */
export function nearDuplicates(
  view: FlowView,
  threshold: number,
  limits: JoinLimits = LARGE_SEARCH_LIMITS,
  opts: { searchAllUpTo?: number; maxFindings?: number } = {},
): Finding[] {
  const searchAllUpTo = opts.searchAllUpTo ?? SEARCH_ALL_UP_TO;
  const out: Finding[] = [];
  const masked = new Map<string, string>();
  const maskOf = (norm: string) => {
    let m = masked.get(norm);
    if (m === undefined) masked.set(norm, (m = maskPii(norm)));
    return m;
  };
  for (const locale of view.examples.keys()) {
    const { texts, members } = distinctTexts(view, "examples", locale);
    const utterances = view.examples.get(locale)?.length ?? 0;
    const join = similarJoin(texts, threshold, utterances <= searchAllUpTo ? { maxLength: limits.maxLength } : limits);
    const firsts = (t: number) => firstPerIntent(members[t]);
    const groups = groupTexts(texts.length, join.pairs, (t) => members[t][0].order);
    const built: { across: Built[]; within: Built[] } = { across: [], within: [] };
    for (const g of groups) {
      const centreItems = firsts(g.centre);
      const at = centreItems[0];
      const intents = new Set<string | null>();
      const related: RelatedLocation[] = [];
      for (const i of centreItems) intents.add(i.intent);
      for (const i of centreItems.slice(1)) related.push({ file: i.file, line: i.line, column: i.column, text: maskOf(i.norm) });
      const sorted = [...g.members].sort((x, y) => members[x.text][0].order - members[y.text][0].order);
      for (const m of sorted)
        for (const i of firsts(m.text)) {
          intents.add(i.intent);
          related.push({ file: i.file, line: i.line, column: i.column, text: maskOf(i.norm) });
        }
      const lowest = Math.min(...g.members.map((m) => m.similarity));
      const others = sorted
        .slice(0, QUOTED)
        .map((m) => quote(members[m.text][0].text))
        .join(", ");
      const more = sorted.length > QUOTED ? ` and ${plural(sorted.length - QUOTED, "more")}` : "";
      const size = g.members.length + 1;
      const names = [...intents].filter((x): x is string => x !== null).sort();
      let f: Finding;
      if (intents.size > 1) {
        const shown = names.slice(0, 5).map((n) => `'${n}'`).join(", ") + (names.length > 5 ? `, …` : "");
        f = finding(
          "near-duplicate-across",
          at,
          `${quote(at.text)} and ${plural(size - 1, "near-identical text")} (${others}${more}; ≥ ${percent(lowest)} similar to it) span ${intents.size} intents: ${shown}`,
          { hint: "one decision for the group: keep each phrasing in the intent it really means, reword or drop the rest", intent: at.intent ?? undefined, locale },
        );
      } else {
        f = finding(
          "near-duplicate-within",
          at,
          `${quote(at.text)} and ${plural(size - 1, "near-identical text")} (${others}${more}; ≥ ${percent(lowest)} similar to it) in 1 intent${at.intent ? ` '${at.intent}'` : ""}`,
          { hint: "near-repeats add little: keep one or two, replace the rest with varied phrasings", intent: at.intent ?? undefined, locale },
        );
      }
      if (related.length) f.related = related;
      f.text = maskOf(at.norm);
      (intents.size > 1 ? built.across : built.within).push({ finding: f, size, order: at.order });
    }
    // Keep the biggest groups when there are too many to list; each rule gets half the cap plus what the other leaves.
    const cap = opts.maxFindings ?? MAX_NEAR_DUPLICATE_FINDINGS;
    const half = Math.floor(cap / 2);
    const acrossShare = Math.min(built.across.length, Math.max(half, cap - built.within.length));
    const withinShare = Math.min(built.within.length, cap - acrossShare);
    for (const [rule, list, share] of [
      ["near-duplicate-across", built.across, acrossShare],
      ["near-duplicate-within", built.within, withinShare],
    ] as const) {
      list.sort((x, y) => y.size - x.size || x.order - y.order);
      for (const b of list.slice(0, share)) out.push(b.finding);
      const rest = list.length - share;
      if (rest > 0) {
        const first = list[share].finding;
        out.push(
          finding(rule, { file: first.file, line: 0, column: 0 }, `${plural(rest, "more near-duplicate group")} ${rule === "near-duplicate-across" ? "spanning intents" : "within one intent"} in ${locale} are not listed (${plural(list.length, "group")} in all)`, {
            hint: "fix the listed groups first, then re-run validate",
            locale,
          }),
        );
      }
    }
    if (join.stopped) {
      const s = join.stopped;
      out.push(
        finding(
          "near-duplicate-across",
          { file: view.data.files[0] ?? view.data.flow.dir, line: 0, column: 0 },
          `the near-duplicate search of ${locale} (${grouped(utterances)} examples, over ${grouped(searchAllUpTo)}) stopped at its work limit: the ${plural(s.unsearched, "distinct text")} of ${s.fromLength}+ characters (of ${grouped(s.joinable)}) were not compared with each other`,
          { hint: "split the flow, or vary the examples: most of these phrasings teach the model the same thing", locale },
        ),
      );
    }
  }
  return out;
}
