// The flat, normalised view of one flow that the checks share: examples and tests per locale, in file order.
import { normalize } from "../dataset/normalize.js";
import type { FlowData } from "../dataset/types.js";
import type { Location } from "./types.js";

export interface Item extends Location {
  text: string;
  /** The text as written, when whitespace cleaning changed it (see cleanWhitespace). */
  raw?: string;
  /** normalize(text) */
  norm: string;
  locale: string;
  /** The intent it belongs to (examples, intent-file tests) or is expected to be (test sets); null = out of scope. */
  intent: string | null;
  /** Position in file order (file, line, column) across the flow: lower = earlier. */
  order: number;
}

export interface FlowView {
  data: FlowData;
  /** Training examples by locale, in file order. */
  examples: Map<string, Item[]>;
  /** Tests (intent files' tests and test sets) by locale, in file order. */
  tests: Map<string, Item[]>;
  /** distinctTexts() results, shared by the checks. */
  cache: Map<string, DistinctTexts>;
}

/** The distinct non-empty normalised texts of a list of items, each with its items (in order). */
export interface DistinctTexts {
  texts: string[];
  members: Item[][];
  byText: Map<string, Item[]>;
}

/** Examples or tests of one locale grouped by normalised text (computed once per view). */
export function distinctTexts(view: FlowView, which: "examples" | "tests", locale: string): DistinctTexts {
  const key = `${which}\u0000${locale}`;
  let d = view.cache.get(key);
  if (!d) {
    const byText = new Map<string, Item[]>();
    for (const item of view[which].get(locale) ?? []) {
      if (item.norm === "") continue;
      const g = byText.get(item.norm);
      if (g) g.push(item);
      else byText.set(item.norm, [item]);
    }
    d = { texts: [...byText.keys()], members: [...byText.values()], byText };
    view.cache.set(key, d);
  }
  return d;
}

function byPlace(a: Location, b: Location): number {
  return (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || a.column - b.column;
}

function push(map: Map<string, Item[]>, item: Item): void {
  const list = map.get(item.locale);
  if (list) list.push(item);
  else map.set(item.locale, [item]);
}

/** Builds the view: every utterance once, normalised once, ordered by place. */
export function viewOf(data: FlowData): FlowView {
  // Sort by (file, line, column) on numbers: a rank per file, then line and column.
  const files = new Set<string>(data.files);
  for (const i of data.intents) files.add(i.file);
  for (const t of data.tests) files.add(t.file);
  const rank = new Map<string, number>();
  for (const f of [...files].sort()) rank.set(f, rank.size);
  const all: Item[] = [];
  const tests = new Set<Item>();
  const make = (u: { text: string; raw?: string; locale: string } & Location, intent: string | null): Item => ({
    text: u.text,
    // always present (undefined when the text was not normalised): one object shape for every item
    raw: u.raw,
    norm: normalize(u.text),
    locale: u.locale,
    intent,
    file: u.file,
    line: u.line,
    column: u.column,
    order: (rank.get(u.file) ?? 0) * 2 ** 32 + u.line * 2 ** 12 + Math.min(u.column, 4095),
  });
  for (const intent of data.intents) {
    for (const list of Object.values(intent.examples)) for (const u of list) all.push(make(u, intent.name));
    for (const list of Object.values(intent.tests))
      for (const u of list) {
        const item = make(u, intent.name);
        tests.add(item);
        all.push(item);
      }
  }
  for (const t of data.tests) {
    const item = make(t, t.expect);
    tests.add(item);
    all.push(item);
  }
  all.sort((a, b) => a.order - b.order || byPlace(a, b));
  const view: FlowView = { data, examples: new Map(), tests: new Map(), cache: new Map() };
  all.forEach((item, i) => {
    item.order = i;
    push(tests.has(item) ? view.tests : view.examples, item);
  });
  return view;
}
