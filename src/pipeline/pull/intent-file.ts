// Intent YAML files edited in place with the yaml Document API (comments, quoting and order kept), and new files rendered.
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { Document, isMap, isScalar, isSeq, parseDocument, type Scalar, YAMLMap, YAMLSeq, type ToStringOptions } from "yaml";

/** An intent as pulled from Cognigy, in the repository's terms. */
export interface PulledIntent {
  name: string;
  description?: string;
  /** Without the cognigy-nlu ownership tag. */
  tags: string[];
  disabled: boolean;
  reject: boolean;
  /** YAML locale key → example texts. */
  examples: Record<string, string[]>;
  /** YAML locale key → held-out test texts (pull --holdout). */
  tests?: Record<string, string[]>;
}

export interface IntentFile {
  /** Absolute path. */
  path: string;
  /** Relative to the repository root, forward slashes. */
  rel: string;
  text: string;
  doc: Document;
  /** The `intent:` value, when the file has one. */
  name?: string;
}

export interface LocaleLayout {
  defaultLocale: string;
  /** YAML locale keys of the flow, in config order. */
  locales: string[];
}

/** Reads every intents/*.yml|yaml file of a flow folder (missing folder = none). Unparsable files are kept with no name. */
export async function readIntentFiles(flowDir: string, root: string): Promise<IntentFile[]> {
  const dir = join(flowDir, "intents");
  if (!existsSync(dir)) return [];
  const names = (await readdir(dir)).filter((n) => /\.ya?ml$/i.test(n)).sort();
  const out: IntentFile[] = [];
  for (const n of names) {
    const path = join(dir, n);
    const text = await readFile(path, "utf8");
    const doc = parseDocument(text, { keepSourceTokens: false, logLevel: "error" });
    const name = doc.errors.length === 0 && isMap(doc.contents) ? doc.get("intent") : undefined;
    out.push({ path, rel: relative(root, path).split(sep).join("/"), text, doc, name: typeof name === "string" ? name : name == null ? undefined : String(name) });
  }
  return out;
}

/** Serialisation options matching the file's own layout (indent width, indented sequences), so untouched lines stay. */
export function layoutOf(text: string): ToStringOptions {
  const indents = [...text.matchAll(/^( +)\S/gm)].map((m) => (m[1] as string).length);
  const indent = indents.length ? Math.min(...indents) : 2;
  const indentSeq = !/^[A-Za-z_][\w-]*:[ \t]*(#.*)?\r?\n- /m.test(text);
  return { lineWidth: 0, minContentWidth: 0, flowCollectionPadding: false, indent: Math.min(Math.max(indent, 2), 8), indentSeq };
}

export function stringify(file: Pick<IntentFile, "doc" | "text">): string {
  return file.doc.toString(layoutOf(file.text));
}

/** A stable file name for an intent: snake_case ASCII ("OrderPizza" → order_pizza). */
export function intentFileBase(name: string): string {
  const s = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/ß/g, "ss")
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, 80);
  return s || "intent";
}

function seqOf(texts: readonly string[], doc: Document): YAMLSeq {
  const seq = new YAMLSeq();
  for (const t of texts) seq.items.push(doc.createNode(t) as Scalar);
  return seq;
}

/** The texts of a sequence node (non-scalars skipped). */
function seqTexts(seq: YAMLSeq): string[] {
  return seq.items.filter(isScalar).map((s) => String((s as Scalar).value));
}

/** The examples (or tests) sequence of one locale, created if asked; converts a plain list to a locale map when another locale is needed. */
function examplesSeq(doc: Document, layout: LocaleLayout, locale: string, create: boolean, field: "examples" | "tests" = "examples"): YAMLSeq | undefined {
  const root = doc.contents as YAMLMap;
  const ex = root.get(field, true) as unknown;
  if (ex === undefined || ex === null || (isScalar(ex) && (ex as Scalar).value === null)) {
    if (!create) return undefined;
    const seq = new YAMLSeq();
    if (layout.locales.length === 1 && locale === layout.defaultLocale) root.set(field, seq);
    else {
      const m = new YAMLMap();
      m.set(doc.createNode(locale), seq);
      root.set(field, m);
    }
    return seq;
  }
  if (isSeq(ex)) {
    if (locale === layout.defaultLocale) return ex as YAMLSeq;
    if (!create) return undefined;
    const m = new YAMLMap();
    m.set(doc.createNode(layout.defaultLocale), ex);
    const seq = new YAMLSeq();
    m.set(doc.createNode(locale), seq);
    root.set(field, m);
    return seq;
  }
  if (isMap(ex)) {
    const m = ex as YAMLMap;
    const got = m.get(locale, true) as unknown;
    if (isSeq(got)) return got as YAMLSeq;
    if (!create) return undefined;
    const seq = new YAMLSeq();
    m.set(doc.createNode(locale), seq);
    return seq;
  }
  return undefined;
}

/** Appends texts to one locale's examples (harvest). */
export function appendExamples(doc: Document, layout: LocaleLayout, locale: string, texts: readonly string[]): void {
  const seq = examplesSeq(doc, layout, locale, true) as YAMLSeq;
  for (const t of texts) seq.items.push(doc.createNode(t) as Scalar);
}

/**
 * Makes one locale's examples equal to `want` (pull): items still wanted stay where they are (with their comments),
 * items Cognigy no longer has are removed (repeats of kept ones stay), new ones are appended. Comparison by `key` (normalised text).
 * Returns the number of added and removed items.
 */
export function setExamples(doc: Document, layout: LocaleLayout, locale: string, want: readonly string[], key: (s: string) => string): { added: number; removed: number } {
  const seq = examplesSeq(doc, layout, locale, want.length > 0);
  if (!seq) return { added: 0, removed: 0 };
  const wanted = new Map<string, string>();
  for (const t of want) if (!wanted.has(key(t))) wanted.set(key(t), t);
  const seen = new Set<string>();
  let removed = 0;
  seq.items = seq.items.filter((it) => {
    if (!isScalar(it)) return true;
    const k = key(String((it as Scalar).value));
    // A repeat the file already has stays (the checks warn about it); only texts Cognigy lacks go.
    if (wanted.has(k)) {
      seen.add(k);
      return true;
    }
    removed++;
    return false;
  });
  let added = 0;
  for (const [k, t] of wanted) {
    if (seen.has(k)) continue;
    seq.items.push(doc.createNode(t) as Scalar);
    added++;
  }
  if (seq.items.length === 0) removeLocale(doc, layout, locale);
  return { added, removed };
}

function removeLocale(doc: Document, layout: LocaleLayout, locale: string): void {
  const root = doc.contents as YAMLMap;
  const ex = root.get("examples", true) as unknown;
  if (isSeq(ex) && locale === layout.defaultLocale) root.delete("examples");
  else if (isMap(ex)) {
    (ex as YAMLMap).delete(locale);
    if ((ex as YAMLMap).items.length === 0) root.delete("examples");
  }
}

/** Every test text of a locale in a parsed intent file. */
export function testsOf(doc: Document, layout: LocaleLayout, locale: string): string[] {
  const seq = examplesSeq(doc, layout, locale, false, "tests");
  return seq ? seqTexts(seq) : [];
}

/** Appends held-out tests to one locale's tests (pull --holdout). */
export function appendTests(doc: Document, layout: LocaleLayout, locale: string, texts: readonly string[]): void {
  if (texts.length === 0) return;
  const seq = examplesSeq(doc, layout, locale, true, "tests") as YAMLSeq;
  for (const t of texts) seq.items.push(doc.createNode(t) as Scalar);
}

/** Every example text of a locale in a parsed intent file. */
export function examplesOf(doc: Document, layout: LocaleLayout, locale: string): string[] {
  const seq = examplesSeq(doc, layout, locale, false);
  return seq ? seqTexts(seq) : [];
}

/** Sets (or removes) the intent-level fields in place: description, tags, disabled, reject. */
export function setIntentFields(doc: Document, intent: PulledIntent): void {
  const root = doc.contents as YAMLMap;
  if (intent.description) root.set("description", intent.description);
  else if (root.has("description")) root.delete("description");
  const tags = root.get("tags", true) as unknown;
  const oldTags = isSeq(tags) ? seqTexts(tags as YAMLSeq) : [];
  if (intent.tags.length === 0) {
    if (root.has("tags") && oldTags.length > 0) root.delete("tags");
  } else if (oldTags.join("\u0000") !== intent.tags.join("\u0000")) {
    const seq = seqOf(intent.tags, doc);
    seq.flow = isSeq(tags) ? Boolean((tags as YAMLSeq).flow) : true;
    root.set("tags", seq);
  }
  for (const [k, v] of [
    ["disabled", intent.disabled],
    ["reject", intent.reject],
  ] as const) {
    if (root.has(k)) {
      const node = root.get(k, true) as unknown;
      if (isScalar(node)) (node as Scalar).value = v;
      else root.set(k, v);
    } else if (v) root.set(k, v);
  }
}

/** A new intent file: the schema comment (when the repository has the schema), then intent, fields and examples. */
export function renderIntentFile(intent: PulledIntent, layout: LocaleLayout, schemaRef?: string): string {
  const doc = new Document({ intent: intent.name });
  const root = doc.contents as YAMLMap;
  if (intent.description) root.set("description", intent.description);
  if (intent.tags.length) {
    const seq = seqOf(intent.tags, doc);
    seq.flow = true;
    root.set("tags", seq);
  }
  if (intent.disabled) root.set("disabled", true);
  if (intent.reject) root.set("reject", true);
  const locales = layout.locales.filter((l) => (intent.examples[l]?.length ?? 0) > 0);
  if (layout.locales.length === 1 && locales.length === 1 && locales[0] === layout.defaultLocale) {
    root.set("examples", seqOf(intent.examples[layout.defaultLocale] ?? [], doc));
  } else if (locales.length) {
    const m = new YAMLMap();
    for (const l of locales) m.set(doc.createNode(l), seqOf(intent.examples[l] ?? [], doc));
    root.set("examples", m);
  }
  const testLocales = layout.locales.filter((l) => (intent.tests?.[l]?.length ?? 0) > 0);
  if (layout.locales.length === 1 && testLocales.length === 1 && testLocales[0] === layout.defaultLocale) {
    root.set("tests", seqOf(intent.tests?.[layout.defaultLocale] ?? [], doc));
  } else if (testLocales.length) {
    const m = new YAMLMap();
    for (const l of testLocales) m.set(doc.createNode(l), seqOf(intent.tests?.[l] ?? [], doc));
    root.set("tests", m);
  }
  if (schemaRef) doc.commentBefore = ` yaml-language-server: $schema=${schemaRef}`;
  return doc.toString({ lineWidth: 0, minContentWidth: 0, flowCollectionPadding: false });
}
