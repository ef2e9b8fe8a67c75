// Renamed intents in the paired comparison (pure). The base model cannot predict an intent it never learnt: a test of
// a renamed intent (base predicts the old name) or of a new intent would read as the head's gain and could hide a real
// regression elsewhere. Renames are detected from the examples and mapped; tests of intents the base model cannot
// predict (new intents) are left out of the comparison and counted.
import { normalize } from "../dataset/normalize.js";

/** An intent of the base that the head calls by another name. */
export interface Rename {
  flow: string;
  /** The base's name (absent in head). */
  from: string;
  /** The head's name (absent in base). */
  to: string;
  /** Share of the head intent's examples that were the base intent's (0..1). */
  overlap: number;
}

/** One side's intents of one flow: intent name → its normalised example texts (all locales together). */
export type IntentExamples = Map<string, Set<string>>;

/** The intents one side's model was trained on, by flow × locale key ("flow\u0000locale"). */
export type ModelLabels = Map<string, Set<string>>;

/** Share both sides must hold: more than half. */
export const RENAME_MIN_SHARE = 0.5;

/**
 * The rule: head intent N (absent in the base) is a rename of base intent O (absent in the head) when more than half of
 * N's examples were O's examples in the base AND more than half of O's base examples are N's in the head (normalised
 * texts, all locales together). Both halves make the match one-to-one: a split (O → N1 + N2) maps O to the part that
 * kept most of it, the other part counts as a new intent. Sorted by flow, then base name.
 */
export function detectRenames(flow: string, base: IntentExamples, head: IntentExamples): Rename[] {
  const added = [...head.keys()].filter((n) => !base.has(n) && (head.get(n)?.size ?? 0) > 0);
  const gone = [...base.keys()].filter((o) => !head.has(o) && (base.get(o)?.size ?? 0) > 0);
  const out: Rename[] = [];
  const taken = new Set<string>();
  for (const o of gone.sort()) {
    const ob = base.get(o) as Set<string>;
    let best: Rename | undefined;
    for (const n of added) {
      if (taken.has(n)) continue;
      const nh = head.get(n) as Set<string>;
      let shared = 0;
      for (const t of nh) if (ob.has(t)) shared++;
      const ofHead = shared / nh.size;
      const ofBase = shared / ob.size;
      if (ofHead > RENAME_MIN_SHARE && ofBase > RENAME_MIN_SHARE && (!best || ofHead > best.overlap)) best = { flow, from: o, to: n, overlap: Math.round(ofHead * 1000) / 1000 };
    }
    if (best) {
      taken.add(best.to);
      out.push(best);
    }
  }
  return out;
}

/** IntentExamples from `intent → locale → texts` records (the plan's desired intents, Cognigy's remote intents). */
export function examplesOf(intents: readonly { name: string; texts: Record<string, readonly string[]> }[]): IntentExamples {
  const out: IntentExamples = new Map();
  for (const i of intents) {
    let set = out.get(i.name);
    if (!set) out.set(i.name, (set = new Set()));
    for (const list of Object.values(i.texts)) for (const t of list) set.add(normalize(t));
  }
  return out;
}

/** "flow\u0000locale": the key of ModelLabels. */
export function labelKey(flow: string, locale: string): string {
  return `${flow}\u0000${locale}`;
}
