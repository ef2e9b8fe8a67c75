// Drift (pure): the plan diff read backwards — what the live flow has that git does not, and vice versa, with edits paired.
import type { FlowDiff } from "../diff.js";

/** A sentence edited in Cognigy: git has `from`, the live flow has `to`. */
export interface EditedSentence {
  intent: string;
  locale: string;
  from: string;
  to: string;
  similarity: number;
}

export interface DriftSentence {
  intent: string;
  locale: string;
  text: string;
}

export interface FlowDrift {
  flow: string;
  /** Intents in Cognigy that no file defines (created in the UI), with their sentence count. */
  addedIntents: { intent: string; sentences: number; owned: boolean }[];
  /** Intents a file defines that are missing in Cognigy (deleted in the UI, or never synced). */
  removedIntents: { intent: string }[];
  /** Intent fields that differ: `live` is Cognigy's value, `git` the file's. */
  changedIntents: { intent: string; fields: Record<string, { live: unknown; git: unknown }> }[];
  /** Sentences in Cognigy and not in git. */
  addedSentences: DriftSentence[];
  /** Sentences in git and not in Cognigy. */
  removedSentences: DriftSentence[];
  /** A removed + an added sentence in the same intent and locale with similarity ≥ the edit threshold. */
  editedSentences: EditedSentence[];
}

export interface DriftTotals {
  addedIntents: number;
  removedIntents: number;
  changedIntents: number;
  addedSentences: number;
  removedSentences: number;
  editedSentences: number;
}

export interface DriftResult {
  /** True when the live flows match the repository. */
  clean: boolean;
  flows: FlowDrift[];
  totals: DriftTotals;
  /** Similarity at which a removed + added pair counts as one edit. */
  editThreshold: number;
}

/** The default similarity for pairing a removed and an added sentence as an edit. */
export const EDIT_SIMILARITY = 0.8;

/**
 * Pairs removed (git) and added (live) texts of one intent × locale as edits: the most similar pairs first, each text
 * used once, only pairs at or above the threshold. Returns the pairs and the leftovers, in input order.
 */
export function pairEdits(
  removed: readonly string[],
  added: readonly string[],
  similarity: (a: string, b: string) => number,
  threshold: number,
): { pairs: { from: string; to: string; similarity: number }[]; removed: string[]; added: string[] } {
  const cands: { i: number; j: number; s: number }[] = [];
  for (let i = 0; i < removed.length; i++) {
    for (let j = 0; j < added.length; j++) {
      const s = similarity(removed[i] as string, added[j] as string);
      if (s >= threshold) cands.push({ i, j, s });
    }
  }
  cands.sort((a, b) => b.s - a.s || a.i - b.i || a.j - b.j);
  const usedI = new Set<number>();
  const usedJ = new Set<number>();
  const pairs: { i: number; from: string; to: string; similarity: number }[] = [];
  for (const c of cands) {
    if (usedI.has(c.i) || usedJ.has(c.j)) continue;
    usedI.add(c.i);
    usedJ.add(c.j);
    pairs.push({ i: c.i, from: removed[c.i] as string, to: added[c.j] as string, similarity: Math.round(c.s * 1000) / 1000 });
  }
  pairs.sort((a, b) => a.i - b.i);
  return {
    pairs: pairs.map(({ from, to, similarity: s }) => ({ from, to, similarity: s })),
    removed: removed.filter((_, i) => !usedI.has(i)),
    added: added.filter((_, j) => !usedJ.has(j)),
  };
}

/**
 * One flow's drift from its plan diff (desired = git, remote = Cognigy). The diff must have been computed with
 * `prune: true` so that every intent only Cognigy has shows up (as a delete); `unmanaged` names are counted too.
 */
export function flowDrift(
  flow: string,
  diff: FlowDiff,
  opts: { similarity: (a: string, b: string) => number; threshold?: number; owned?: (intent: string) => boolean },
): FlowDrift {
  const threshold = opts.threshold ?? EDIT_SIMILARITY;
  const out: FlowDrift = { flow, addedIntents: [], removedIntents: [], changedIntents: [], addedSentences: [], removedSentences: [], editedSentences: [] };
  for (const i of diff.intents) {
    if (i.action === "delete") {
      out.addedIntents.push({ intent: i.name, sentences: i.sentenceCount ?? 0, owned: opts.owned?.(i.name) ?? false });
      continue;
    }
    if (i.action === "create") out.removedIntents.push({ intent: i.name });
    if (i.action === "update" && i.fields) {
      const fields: Record<string, { live: unknown; git: unknown }> = {};
      for (const [k, v] of Object.entries(i.fields)) fields[k] = { live: v.from, git: v.to };
      out.changedIntents.push({ intent: i.name, fields });
    }
    if (i.action === "create") continue; // its sentences are all "missing" with the intent
    const locales = [...new Set([...Object.keys(i.add), ...Object.keys(i.remove)])].sort();
    for (const locale of locales) {
      const gitOnly = i.add[locale] ?? [];
      const liveOnly = i.remove[locale] ?? [];
      const p = pairEdits(gitOnly, liveOnly, opts.similarity, threshold);
      for (const e of p.pairs) out.editedSentences.push({ intent: i.name, locale, ...e });
      for (const t of p.removed) out.removedSentences.push({ intent: i.name, locale, text: t });
      for (const t of p.added) out.addedSentences.push({ intent: i.name, locale, text: t });
    }
  }
  for (const name of diff.unmanaged) out.addedIntents.push({ intent: name, sentences: 0, owned: false });
  out.addedIntents.sort((a, b) => (a.intent < b.intent ? -1 : a.intent > b.intent ? 1 : 0));
  return out;
}

export function driftTotals(flows: readonly FlowDrift[]): DriftTotals {
  const t: DriftTotals = { addedIntents: 0, removedIntents: 0, changedIntents: 0, addedSentences: 0, removedSentences: 0, editedSentences: 0 };
  for (const f of flows) {
    t.addedIntents += f.addedIntents.length;
    t.removedIntents += f.removedIntents.length;
    t.changedIntents += f.changedIntents.length;
    t.addedSentences += f.addedSentences.length;
    t.removedSentences += f.removedSentences.length;
    t.editedSentences += f.editedSentences.length;
  }
  return t;
}

export function driftResult(flows: FlowDrift[], threshold = EDIT_SIMILARITY): DriftResult {
  const totals = driftTotals(flows);
  return { clean: Object.values(totals).every((n) => n === 0), flows, totals, editThreshold: threshold };
}
