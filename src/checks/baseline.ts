// The findings baseline (pure): stable keys for findings (rule + intent + locale + normalised texts, never line numbers),
// the baseline file's entries, and which findings of a run are known (in the baseline) and which are new.
import { createHash } from "node:crypto";
import { normalize } from "../dataset/normalize.js";
import type { Dataset } from "../dataset/types.js";
import { findPii } from "./pii.js";
import type { Finding, Location } from "./types.js";

/** One baseline entry: a finding's stable key parts and how many findings share them. */
export interface BaselineEntry {
  rule: string;
  intent?: string;
  locale?: string;
  /** Normalised texts of the utterances involved (the finding's own and its related ones), sorted; PII as a hash. */
  texts?: string[];
  /** For findings about no utterance (a file, an intent's counts): the file and the message with numbers blanked. */
  about?: string;
  count: number;
}

export interface BaselineFile {
  version: 1;
  /** What wrote it, for people reading the file. */
  note: string;
  findings: BaselineEntry[];
}

export interface BaselineMatch {
  /** The findings with `known: true` on those the baseline holds. */
  findings: Finding[];
  known: number;
  /** Baseline entries (counted) that no finding matched any more: fixed. */
  fixed: number;
}

const at = (l: Location) => `${l.file}\u0000${l.line}\u0000${l.column}`;

/** Every utterance's normalised text by place (file, line, column), for turning a finding's places into texts. */
export function textsByPlace(dataset: Dataset): Map<string, string> {
  const m = new Map<string, string>();
  for (const flow of dataset.flows) {
    for (const i of flow.intents)
      for (const lists of [i.examples, i.tests]) for (const list of Object.values(lists)) for (const u of list) m.set(at(u), u.text);
    for (const t of flow.tests) m.set(at(t), t.text);
  }
  return m;
}

/** A text as the baseline stores it: normalised; a hash when it holds personal data (the file must not copy it). */
function stored(text: string): string {
  if (findPii(text).length === 0) return normalize(text);
  return `sha256:${createHash("sha256").update(normalize(text)).digest("hex").slice(0, 16)}`;
}

/** The stable parts of a finding: what the baseline keys it by. */
export function keyParts(f: Finding, texts: ReadonlyMap<string, string>): Omit<BaselineEntry, "count"> {
  const e: Omit<BaselineEntry, "count"> = { rule: f.rule };
  if (f.intent !== undefined) e.intent = f.intent;
  if (f.locale !== undefined) e.locale = f.locale;
  const own = texts.get(at(f));
  if (own !== undefined) {
    const all = [own, ...(f.related ?? []).map((r) => texts.get(at(r))).filter((t): t is string => t !== undefined)].map(stored);
    e.texts = [...new Set(all)].sort();
  } else {
    // about no utterance: the file (not the line) and the message with its numbers blanked ("has 3 examples" → "has # examples")
    e.about = `${f.file}: ${f.message.replace(/\d+(?:[.,]\d+)*/g, "#")}`;
  }
  return e;
}

function keyOf(e: Omit<BaselineEntry, "count">): string {
  return JSON.stringify([e.rule, e.intent ?? "", e.locale ?? "", e.texts ?? [], e.about ?? ""]);
}

function compareEntries(a: BaselineEntry, b: BaselineEntry): number {
  const ka = keyOf(a);
  const kb = keyOf(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** The baseline file for a run's findings: one entry per key with its count, sorted. */
export function baselineOf(findings: readonly Finding[], dataset: Dataset): BaselineFile {
  const texts = textsByPlace(dataset);
  const byKey = new Map<string, BaselineEntry>();
  for (const f of findings) {
    const parts = keyParts(f, texts);
    const k = keyOf(parts);
    const e = byKey.get(k);
    if (e) e.count++;
    else byKey.set(k, { ...parts, count: 1 });
  }
  return {
    version: 1,
    note: "Known findings of the training data (cognigy-nlu validate --update-baseline): only new findings fail a check. Keys are rule + intent + locale + normalised texts.",
    findings: [...byKey.values()].sort(compareEntries),
  };
}

/** The file's text: pretty JSON, sorted, a final newline (stable diffs). */
export function renderBaseline(b: BaselineFile): string {
  return `${JSON.stringify(b, null, 2)}\n`;
}

/** Parses a baseline file's text; undefined when it is not one. */
export function parseBaseline(text: string): BaselineFile | undefined {
  try {
    const b = JSON.parse(text) as Partial<BaselineFile>;
    if (!b || !Array.isArray(b.findings)) return undefined;
    const findings = b.findings.filter((e): e is BaselineEntry => !!e && typeof e.rule === "string").map((e) => ({ ...e, count: Number.isInteger(e.count) && e.count > 0 ? e.count : 1 }));
    return { version: 1, note: typeof b.note === "string" ? b.note : "", findings };
  } catch {
    return undefined;
  }
}

/** Total findings a baseline holds (entries × counts). */
export function baselineSize(b: BaselineFile | undefined): number {
  return (b?.findings ?? []).reduce((n, e) => n + e.count, 0);
}

/** Marks the findings the baseline holds as known (each entry covers `count` findings); counts what it no longer matches. */
export function matchBaseline(findings: readonly Finding[], dataset: Dataset, baseline: BaselineFile): BaselineMatch {
  const texts = textsByPlace(dataset);
  const left = new Map<string, number>();
  for (const e of baseline.findings) left.set(keyOf(e), (left.get(keyOf(e)) ?? 0) + e.count);
  let known = 0;
  const out = findings.map((f) => {
    const k = keyOf(keyParts(f, texts));
    const n = left.get(k) ?? 0;
    if (n <= 0) return f;
    left.set(k, n - 1);
    known++;
    return { ...f, known: true };
  });
  let fixed = 0;
  for (const n of left.values()) fixed += n;
  return { findings: out, known, fixed };
}

/** Keys in `head` that `base` does not have (with counts): how much a change grows the baseline. */
export function baselineGrowth(base: BaselineFile | undefined, head: BaselineFile | undefined): { added: number; removed: number } {
  const count = (b: BaselineFile | undefined) => {
    const m = new Map<string, number>();
    for (const e of b?.findings ?? []) m.set(keyOf(e), (m.get(keyOf(e)) ?? 0) + e.count);
    return m;
  };
  const a = count(base);
  const h = count(head);
  let added = 0;
  let removed = 0;
  for (const [k, n] of h) added += Math.max(0, n - (a.get(k) ?? 0));
  for (const [k, n] of a) removed += Math.max(0, n - (h.get(k) ?? 0));
  return { added, removed };
}
