// Cognigy intent exports (JSON, one list per locale) ↔ our intent YAML files: stable file names, round-trip safe.
import { createHash } from "node:crypto";
import { Document } from "yaml";
import type { ExportedIntent } from "../cognigy/types.js";
import type { IntentDoc } from "./types.js";

export interface IntentYamlFile {
  /** File name inside intents/ (e.g. order_pizza.yml): stable for a given intent name, unique case-insensitively. */
  file: string;
  /** The intent's name. */
  name: string;
  /** The YAML text. */
  text: string;
}

const FOLD: Record<string, string> = { ß: "ss", æ: "ae", œ: "oe", ø: "o", ł: "l", đ: "d", þ: "th" };
const RESERVED = new Set(["con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9", "lpt1", "lpt2", "lpt3"]);

/** The file stem for an intent name: ASCII snake_case, safe on every file system ("OrderPizza" → "order_pizza"). */
export function fileStem(name: string): string {
  let s = name
    .replace(/[ßæœøłđþ]/gi, (c) => FOLD[c.toLowerCase()] ?? c)
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/[^A-Za-z0-9_-]+/g, "_")
    .replace(/_+/g, "_")
    .replace(/^[_-]+|[_-]+$/g, "")
    .toLowerCase()
    .slice(0, 80)
    .replace(/[_-]+$/, "");
  if (!s) s = "intent";
  if (RESERVED.has(s)) s += "_";
  return s;
}

/**
 * File names for a set of intent names: `fileStem(name).yml`, and when two names share a stem (case-insensitively)
 * every one but the first in sorted order gets a short hash of its exact name, so names never depend on what else exists
 * beyond that collision. Returns name → file.
 */
export function fileNames(names: Iterable<string>): Map<string, string> {
  const out = new Map<string, string>();
  const taken = new Set<string>();
  for (const name of [...new Set(names)].sort()) {
    const stem = fileStem(name);
    let file = `${stem}.yml`;
    if (taken.has(file.toLowerCase())) {
      const hash = createHash("sha256").update(name).digest("hex");
      file = `${stem}-${hash.slice(0, 6)}.yml`;
      for (let n = 2; taken.has(file.toLowerCase()); n++) file = `${stem}-${hash.slice(0, 6)}-${n}.yml`;
    }
    taken.add(file.toLowerCase());
    out.set(name, file);
  }
  return out;
}

/**
 * Intent exports (per YAML locale key) → one YAML file per intent. Name, description, tags, isDisabled,
 * isRejectIntent and exampleSentences are kept; other export fields (rules, condition, …) have no YAML form.
 * Examples are a plain list when the only locale is the default one, else a map locale → list.
 */
export function exportToYaml(byLocale: Record<string, ExportedIntent[]>, opts: { defaultLocale: string; schema?: string }): IntentYamlFile[] {
  const locales = Object.keys(byLocale).sort((a, b) => (a === opts.defaultLocale ? -1 : b === opts.defaultLocale ? 1 : a < b ? -1 : a > b ? 1 : 0));
  const merged = new Map<string, { meta: ExportedIntent; examples: Map<string, string[]> }>();
  for (const locale of locales)
    for (const intent of byLocale[locale]) {
      let m = merged.get(intent.name);
      if (!m) merged.set(intent.name, (m = { meta: intent, examples: new Map() }));
      m.examples.set(locale, [...(m.examples.get(locale) ?? []), ...(intent.exampleSentences ?? [])]);
    }
  const names = fileNames(merged.keys());
  const files: IntentYamlFile[] = [];
  for (const [name, { meta, examples }] of [...merged].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    const obj: Record<string, unknown> = { intent: name };
    if (meta.description) obj.description = meta.description;
    if (meta.tags?.length) obj.tags = [...meta.tags];
    if (meta.isDisabled) obj.disabled = true;
    if (meta.isRejectIntent) obj.reject = true;
    const onlyDefault = examples.size === 1 && examples.has(opts.defaultLocale);
    obj.examples = onlyDefault ? examples.get(opts.defaultLocale) : Object.fromEntries(examples);
    const header = opts.schema ? `# yaml-language-server: $schema=${opts.schema}\n` : "";
    files.push({ file: names.get(name)!, name, text: header + new Document(obj).toString({ lineWidth: 0 }) });
  }
  return files;
}

/** One intent's YAML data for one locale → the export/import JSON form. */
export function yamlToExport(intent: IntentDoc, locale: string): ExportedIntent {
  const out: ExportedIntent = {
    name: intent.name,
    exampleSentences: (intent.examples[locale] ?? []).map((u) => u.text),
    tags: [...intent.tags],
    isDisabled: intent.disabled,
    isRejectIntent: intent.reject,
  };
  if (intent.description !== undefined) out.description = intent.description;
  return out;
}
