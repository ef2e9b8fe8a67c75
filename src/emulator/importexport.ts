// Intent import / export in the documented JSON and CSV formats (cognigy-api.md §10), and the import modes.
import { parseCsv } from "../dataset/csv.js";
import type { FlowRec, IntentRec, LocaleRec, Store } from "./state.js";

export type ImportMode = "skip" | "overwrite" | "merge";

/** One intent as read from an import file; `extra` holds keys the emulator does not model (round-tripped). */
export interface ImportedIntent {
  name: string;
  exampleSentences: string[];
  props: Partial<Pick<IntentRec, "description" | "condition" | "rules" | "tags" | "isRejectIntent" | "isDisabled" | "confirmationSentences" | "disambiguationSentence" | "childFeatures" | "biasTowardsParentOrChildIntents" | "overrideIntentDefaultRepliesAsExamples" | "analyticsLabel">>;
  parent?: string;
  extra: Record<string, unknown>;
}

const KNOWN = new Set([
  "name",
  "exampleSentences",
  "description",
  "condition",
  "rules",
  "tags",
  "isRejectIntent",
  "isDisabled",
  "confirmationSentences",
  "disambiguationSentence",
  "childFeatures",
  "biasTowardsParentOrChildIntents",
  "overrideIntentDefaultRepliesAsExamples",
  "analyticsLabel",
  "parent",
]);

function strings(v: unknown, what: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new Error(`${what} must be an array`);
  return v.map((x) => {
    if (typeof x === "string") return x;
    if (x && typeof x === "object" && typeof (x as { text?: unknown }).text === "string") return (x as { text: string }).text;
    throw new Error(`${what} must hold strings`);
  });
}

function fromJsonItem(o: unknown, n: number): ImportedIntent {
  if (!o || typeof o !== "object" || Array.isArray(o)) throw new Error(`item ${n + 1} is not an object`);
  const r = o as Record<string, unknown>;
  if (typeof r.name !== "string" || !r.name.trim()) throw new Error(`item ${n + 1} has no name`);
  const it: ImportedIntent = { name: r.name.trim(), exampleSentences: strings(r.exampleSentences, `'${r.name}'.exampleSentences`), props: {}, extra: {} };
  const p = it.props;
  for (const k of ["description", "condition", "disambiguationSentence", "analyticsLabel"] as const) if (typeof r[k] === "string") p[k] = r[k] as string;
  for (const k of ["rules", "tags", "confirmationSentences"] as const) if (r[k] !== undefined) p[k] = strings(r[k], `'${r.name}'.${k}`);
  for (const k of ["isRejectIntent", "isDisabled"] as const) if (typeof r[k] === "boolean") p[k] = r[k] as boolean;
  if (typeof r.childFeatures === "boolean") p.childFeatures = r.childFeatures;
  if (r.biasTowardsParentOrChildIntents === "parents" || r.biasTowardsParentOrChildIntents === "children") p.biasTowardsParentOrChildIntents = r.biasTowardsParentOrChildIntents;
  if (typeof r.overrideIntentDefaultRepliesAsExamples === "string") p.overrideIntentDefaultRepliesAsExamples = r.overrideIntentDefaultRepliesAsExamples || "useFlowSettings";
  if (typeof r.parent === "string" && r.parent) it.parent = r.parent;
  for (const [k, v] of Object.entries(r)) if (!KNOWN.has(k)) it.extra[k] = v;
  return it;
}

/** The intent CSV import detects `,` or `;` as the delimiter (cognigy-api.md §10). */
const CSV_DELIMITERS = [",", ";"] as const;

function fromCsv(text: string): ImportedIntent[] {
  const byName = new Map<string, ImportedIntent>();
  for (const [n, row] of parseCsv(text, CSV_DELIMITERS).entries()) {
    if (row.length < 3) throw new Error(`CSV line ${n + 1} does not have 3 columns (intentName, propertyType, value)`);
    const [name, type, value] = row;
    let it = byName.get(name);
    if (!it) byName.set(name, (it = { name, exampleSentences: [], props: {}, extra: {} }));
    switch (type) {
      case "exampleSentence":
        it.exampleSentences.push(value);
        break;
      case "confirmationSentence":
        (it.props.confirmationSentences ??= []).push(value);
        break;
      case "rules":
        (it.props.rules ??= []).push(value);
        break;
      case "defaultReply":
        it.extra.defaultReply = { type: "text", text: value };
        break;
      default:
        throw new Error(`CSV line ${n + 1}: unknown property type '${type}'`);
    }
  }
  return [...byName.values()];
}

/** Reads an import file (JSON array, or CSV). Throws with a readable reason. */
export function parseIntentFile(text: string, fileName = ""): ImportedIntent[] {
  const body = text.replace(/^\uFEFF/, "");
  const looksJson = /^\s*[[{]/.test(body);
  if (/\.csv$/i.test(fileName) || !looksJson) return fromCsv(body);
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch (e) {
    throw new Error(`the file is not valid JSON (${(e as Error).message})`);
  }
  if (!Array.isArray(data)) throw new Error("the JSON file must hold an array of intents");
  return data.map(fromJsonItem);
}

/**
 * What an import would do to a flow × locale, computed exactly as applyImport applies it (for the caps, checked before it
 * applies): new intents, net new sentences, and the most sentences any one intent would then hold in the locale.
 */
export function importGrowth(
  store: Store,
  flow: FlowRec,
  locale: LocaleRec,
  items: ImportedIntent[],
  mode: ImportMode,
): { intents: number; sentences: number; largest: { name: string; count: number } | null } {
  const byName = new Map(store.intentsOf(flow._id).map((i) => [i.name, i]));
  // intent name → its sentence texts in the locale after the import (only the intents the import touches)
  const after = new Map<string, string[]>();
  const fresh = new Set<string>();
  let intents = 0;
  let sentences = 0;
  for (const it of items) {
    const i = byName.get(it.name);
    const cur = after.get(it.name) ?? (i ? i.sentences.filter((x) => x.localeReference === locale._id).map((x) => x.text) : undefined);
    let next: string[];
    if (!cur) {
      intents++;
      fresh.add(it.name);
      next = [...it.exampleSentences];
    } else if (fresh.has(it.name) || mode === "merge") {
      const have = new Set(cur);
      next = [...cur];
      for (const t of it.exampleSentences)
        if (!have.has(t)) {
          next.push(t);
          have.add(t);
        }
    } else if (mode === "skip") continue;
    else next = [...it.exampleSentences];
    sentences += next.length - (cur?.length ?? 0);
    after.set(it.name, next);
  }
  let largest: { name: string; count: number } | null = null;
  for (const [name, list] of after) if (!largest || list.length > largest.count) largest = { name, count: list.length };
  return { intents, sentences, largest };
}

/** Applies an import to one flow × locale. Intents not in the file are kept. */
export function applyImport(store: Store, flow: FlowRec, locale: LocaleRec, items: ImportedIntent[], mode: ImportMode): { created: number; updated: number; skipped: number } {
  const stats = { created: 0, updated: 0, skipped: 0 };
  const before = fingerprint(store, flow);
  const byName = new Map(store.intentsOf(flow._id).map((i) => [i.name, i]));
  const fresh = new Set<string>();
  const setSentences = (i: IntentRec, texts: string[]) => {
    const pool = i.sentences.filter((x) => x.localeReference === locale._id);
    const others = i.sentences.filter((x) => x.localeReference !== locale._id);
    const kept = texts.map((t) => {
      const at = pool.findIndex((x) => x.text === t);
      return at >= 0 ? pool.splice(at, 1)[0] : store.newSentence(t, locale._id);
    });
    i.sentences = [...others, ...kept];
  };
  for (const it of items) {
    let i = byName.get(it.name);
    if (!i) {
      i = store.newIntent(flow, it.name);
      Object.assign(i, it.props);
      store.intents.set(i._id, i);
      byName.set(it.name, i);
      fresh.add(i._id);
      setSentences(i, it.exampleSentences);
      i.extras[locale._id] = { ...it.extra };
      stats.created++;
      continue;
    }
    if (fresh.has(i._id) || mode === "merge") {
      const have = new Set(i.sentences.filter((x) => x.localeReference === locale._id).map((x) => x.text));
      for (const t of it.exampleSentences) {
        if (!have.has(t)) {
          i.sentences.push(store.newSentence(t, locale._id));
          have.add(t);
        }
      }
      const { rules, tags, confirmationSentences, ...scalars } = it.props;
      Object.assign(i, scalars);
      if (rules) i.rules = [...new Set([...i.rules, ...rules])];
      if (tags) i.tags = [...new Set([...i.tags, ...tags])];
      if (confirmationSentences) i.confirmationSentences = [...new Set([...i.confirmationSentences, ...confirmationSentences])];
      i.extras[locale._id] = { ...(i.extras[locale._id] ?? {}), ...it.extra };
      store.touch(i);
      if (!fresh.has(i._id)) stats.updated++;
      continue;
    }
    if (mode === "skip") {
      stats.skipped++;
      continue;
    }
    Object.assign(i, it.props);
    setSentences(i, it.exampleSentences);
    i.extras[locale._id] = { ...it.extra };
    store.touch(i);
    stats.updated++;
  }
  for (const it of items) {
    const i = byName.get(it.name)!;
    if (it.parent && (fresh.has(i._id) || mode !== "skip")) {
      const p = byName.get(it.parent);
      i.parentIntentId = p && p._id !== i._id ? p._id : null;
    }
  }
  if (fingerprint(store, flow) !== before) store.markChanged(flow);
  return stats;
}

/** What training depends on, to tell whether an import changed anything. */
function fingerprint(store: Store, flow: FlowRec): string {
  return JSON.stringify(
    store.intentsOf(flow._id).map((i) => [i.name, i.isDisabled, i.isRejectIntent, i.parentIntentId, i.childFeatures, i.sentences.map((x) => [x.localeReference, x.text])]),
  );
}

/** The documented JSON export of one flow × locale (one object per intent, creation order). */
export function exportIntents(store: Store, flow: FlowRec, locale: LocaleRec): Record<string, unknown>[] {
  const intents = store.intentsOf(flow._id);
  const names = new Map(intents.map((i) => [i._id, i.name]));
  return intents.map((i) => {
    const extra = i.extras[locale._id] ?? {};
    return {
      name: i.name,
      description: i.description,
      exampleSentences: i.sentences.filter((x) => x.localeReference === locale._id).map((x) => x.text),
      rules: i.rules,
      tags: i.tags,
      condition: i.condition,
      disambiguationSentence: i.disambiguationSentence,
      childFeatures: typeof i.childFeatures === "boolean" ? i.childFeatures : i.childFeatures.length > 0,
      biasTowardsParentOrChildIntents: i.biasTowardsParentOrChildIntents,
      parent: i.parentIntentId ? (names.get(i.parentIntentId) ?? "") : "",
      defaultReply: {},
      entryPoint: "",
      isRejectIntent: i.isRejectIntent,
      isDisabled: i.isDisabled,
      overrideIntentDefaultRepliesAsExamples: i.overrideIntentDefaultRepliesAsExamples === "useFlowSettings" ? "" : i.overrideIntentDefaultRepliesAsExamples,
      confirmationSentences: i.confirmationSentences,
      ...extra,
    };
  });
}

function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The documented CSV export (intentName, propertyType, value; no header). */
export function exportCsv(items: Record<string, unknown>[]): string {
  const lines: string[] = [];
  for (const it of items) {
    const name = String(it.name);
    for (const t of it.exampleSentences as string[]) lines.push([name, "exampleSentence", t].map(csvField).join(","));
    const reply = it.defaultReply as { text?: unknown } | undefined;
    if (reply && typeof reply.text === "string") lines.push([name, "defaultReply", reply.text].map(csvField).join(","));
    for (const t of (it.confirmationSentences as string[]) ?? []) lines.push([name, "confirmationSentence", t].map(csvField).join(","));
    for (const t of (it.rules as string[]) ?? []) lines.push([name, "rules", t].map(csvField).join(","));
  }
  return lines.length ? `${lines.join("\n")}\n` : "";
}
