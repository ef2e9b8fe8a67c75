// Harvest selection (pure): which logged user messages become proposed examples, and why the others were dropped.
import { findPii, maskPii } from "../../checks/pii.js";
import { similarPairsBetween } from "../../checks/similarity.js";
import { sanitizeText } from "./sanitize.js";

/** One user message with the intent it is proposed for. */
export interface Candidate {
  text: string;
  /** Intent name. */
  intent: string;
  /** Top-intent score (re-scored for learning sentences). */
  score: number;
  /** YAML locale key. */
  locale: string;
  source: "learning-sentence" | "log" | "analytics";
}

export type DropReason =
  | "empty"
  | "unknown-intent"
  | "low-score"
  | "wrong-intent"
  | "ambiguous"
  | "length"
  | "pii"
  | "duplicate"
  | "near-duplicate"
  | "conflict"
  | "too-few";

export interface ProposedExample {
  text: string;
  score: number;
  /** How many logged messages normalised to this text. */
  count: number;
  source: Candidate["source"];
  /** True when PII was masked in the text (piiMode mask). */
  masked?: boolean;
}

export interface Proposal {
  intent: string;
  locale: string;
  examples: ProposedExample[];
}

export interface SelectOptions {
  minScore: number;
  minPerIntent: number;
  length: { min: number; max: number } | "off";
  /** Similarity at or above which a message counts as a near-duplicate of an example ("off" = exact only). */
  nearDuplicate: number | "off";
  pii: "drop" | "mask";
  normalize: (s: string) => string;
}

/** Existing utterances of the flow (examples and held-out tests): what a proposal must not repeat. */
export interface Known {
  intent: string;
  locale: string;
  text: string;
}

export interface Selection {
  proposals: Proposal[];
  dropped: Partial<Record<DropReason, number>>;
  /** Intents with some new utterances, but fewer than minPerIntent. */
  tooFew: { intent: string; locale: string; count: number }[];
}

function bump(d: Selection["dropped"], r: DropReason, n = 1): void {
  d[r] = (d[r] ?? 0) + n;
}

/**
 * Filters candidates: sanitise, PII (drop or mask), length bounds, score ≥ minScore, known intent; then per locale
 * drop those equal or near-equal to an existing utterance (same intent: duplicate; another intent: conflict), merge
 * equal candidates (keeping the best score) and drop texts claimed by two intents; finally keep intents with at least
 * minPerIntent new utterances. Deterministic output order (intent, locale, then score desc, text).
 */
export function selectCandidates(candidates: readonly Candidate[], known: readonly Known[], intents: ReadonlySet<string>, opts: SelectOptions): Selection {
  const dropped: Selection["dropped"] = {};
  type Kept = ProposedExample & { intent: string; locale: string; key: string };
  const byKey = new Map<string, Kept[]>(); // locale + normalised text → candidates
  for (const c of candidates) {
    let text = sanitizeText(c.text);
    if (!text) {
      bump(dropped, "empty");
      continue;
    }
    if (!intents.has(c.intent)) {
      bump(dropped, "unknown-intent");
      continue;
    }
    if (!(c.score >= opts.minScore)) {
      bump(dropped, "low-score");
      continue;
    }
    let masked = false;
    if (findPii(text).length) {
      if (opts.pii === "drop") {
        bump(dropped, "pii");
        continue;
      }
      text = maskPii(text);
      masked = true;
    }
    if (opts.length !== "off" && (text.length < opts.length.min || text.length > opts.length.max)) {
      bump(dropped, "length");
      continue;
    }
    const norm = opts.normalize(text);
    if (!norm) {
      bump(dropped, "empty");
      continue;
    }
    const k = `${c.locale}\u0000${norm}`;
    let list = byKey.get(k);
    if (!list) byKey.set(k, (list = []));
    const same = list.find((x) => x.intent === c.intent);
    if (same) {
      same.count++; // merged: counted in `count`, not as dropped
      if (c.score > same.score) Object.assign(same, { score: c.score, text, source: c.source, masked });
    } else list.push({ text, score: c.score, count: 1, source: c.source, intent: c.intent, locale: c.locale, key: norm, ...(masked ? { masked } : {}) });
  }

  // A text claimed by two intents is a conflict the model cannot learn: drop every claim.
  const kept: Kept[] = [];
  for (const list of byKey.values()) {
    if (list.length > 1) bump(dropped, "conflict", list.reduce((n, x) => n + x.count, 0));
    else kept.push(list[0] as Kept);
  }

  // Against what the repository already has, per locale.
  const knownBy = new Map<string, { intent: string; key: string }[]>();
  for (const k of known) {
    let l = knownBy.get(k.locale);
    if (!l) knownBy.set(k.locale, (l = []));
    l.push({ intent: k.intent, key: opts.normalize(k.text) });
  }
  const verdict = new Map<Kept, DropReason>();
  const locales = new Set(kept.map((k) => k.locale));
  for (const locale of locales) {
    const mine = kept.filter((k) => k.locale === locale);
    const theirs = knownBy.get(locale) ?? [];
    const exact = new Map<string, Set<string>>();
    for (const t of theirs) {
      let s = exact.get(t.key);
      if (!s) exact.set(t.key, (s = new Set()));
      s.add(t.intent);
    }
    for (const m of mine) {
      const owners = exact.get(m.key);
      if (owners) verdict.set(m, owners.has(m.intent) && owners.size === 1 ? "duplicate" : "conflict");
    }
    if (opts.nearDuplicate !== "off") {
      const rest = mine.filter((m) => !verdict.has(m));
      const pairs = similarPairsBetween(
        rest.map((m) => m.key),
        theirs.map((t) => t.key),
        opts.nearDuplicate,
      );
      for (const p of pairs) {
        const m = rest[p.a] as Kept;
        const t = theirs[p.b] as { intent: string };
        const v: DropReason = t.intent === m.intent ? "near-duplicate" : "conflict";
        if (verdict.get(m) !== "conflict") verdict.set(m, v);
      }
    }
  }
  const survivors: Kept[] = [];
  for (const k of kept) {
    const v = verdict.get(k);
    if (v) bump(dropped, v, k.count);
    else survivors.push(k);
  }

  // Enough per intent × locale?
  const groups = new Map<string, Kept[]>();
  for (const s of survivors) {
    const g = `${s.intent}\u0000${s.locale}`;
    let l = groups.get(g);
    if (!l) groups.set(g, (l = []));
    l.push(s);
  }
  const proposals: Proposal[] = [];
  const tooFew: Selection["tooFew"] = [];
  for (const [g, list] of [...groups].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    const [intent, locale] = g.split("\u0000") as [string, string];
    if (list.length < opts.minPerIntent) {
      tooFew.push({ intent, locale, count: list.length });
      bump(dropped, "too-few", list.reduce((n, x) => n + x.count, 0));
      continue;
    }
    list.sort((a, b) => b.score - a.score || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
    proposals.push({
      intent,
      locale,
      examples: list.map(({ text, score, count, source, masked }) => ({ text, score: Math.round(score * 1000) / 1000, count, source, ...(masked ? { masked } : {}) })),
    });
  }
  return { proposals, dropped, tooFew };
}
