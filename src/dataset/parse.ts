// One file's text → an IntentDoc or TestCase[] with file/line/column on everything, plus yaml/schema findings.
import { finding } from "../checks/finding.js";
import { schemaFindings } from "../checks/schema.js";
import { didYouMean } from "../checks/suggest.js";
import type { Finding, Location } from "../checks/types.js";
import type { FlowConfig } from "../config/schema.js";
import { fastIntentFile, fastTestsFile } from "./fast-shape.js";
import { INTENT_KEYS, intentFileSchema, TEST_CASE_KEYS, testsFileSchema } from "./schema.js";
import { entry, isEmpty, type PNode, type Pos, positionAt, toData } from "./tree.js";
import { cleanWhitespace } from "./normalize.js";
import type { IntentDoc, TestCase, Utterance } from "./types.js";
import { parseYaml } from "./yaml.js";

export type FlowLocales = Pick<FlowConfig, "locales" | "defaultLocale">;

interface Ctx {
  file: string;
  flow: FlowLocales;
  findings: Finding[];
}

function loc(c: Ctx, pos: Pos): Location {
  return { file: c.file, line: pos.line, column: pos.column };
}

function validate(c: Ctx, root: PNode, schema: typeof intentFileSchema | typeof testsFileSchema, kind: string, keys: string[]): void {
  const data = toData(root);
  // valid files (nearly all) are checked without loading zod; zod words the findings of the rest
  if (schema === intentFileSchema ? fastIntentFile(data) : fastTestsFile(data)) return;
  const parsed = schema.safeParse(data);
  if (parsed.success) return;
  for (const f of schemaFindings(parsed.error.issues, { file: c.file, data, kind, keysAt: () => keys, locate: (path, opts) => positionAt(root, path, opts) }))
    c.findings.push(f);
}

function checkLocale(c: Ctx, key: string, pos: Pos, what: string): boolean {
  if (Object.hasOwn(c.flow.locales, key)) return true;
  const known = Object.keys(c.flow.locales);
  const dym = didYouMean(key, known);
  c.findings.push(
    finding("schema", loc(c, pos), `${what}: locale '${key}' is not mapped by this flow (it maps ${known.join(", ")})${dym ? `; did you mean '${dym}'?` : ""}`, {
      hint: dym ? `rename it to '${dym}'` : "add the locale under the flow's locales in cognigy-nlu.yml, or fix the key",
      locale: key,
    }),
  );
  return false;
}

/** The string items of a sequence as utterances (other items are left to the schema findings). */
function utteranceList(c: Ctx, seq: PNode, locale: string, into: Utterance[]): void {
  if (seq.type !== "seq") return;
  for (const n of seq.items)
    if (n.type === "scalar" && typeof n.value === "string") {
      const text = cleanWhitespace(n.value);
      into.push(text === n.value ? { text, locale, file: c.file, line: n.pos.line, column: n.pos.column } : { text, raw: n.value, locale, file: c.file, line: n.pos.line, column: n.pos.column });
    }
}

/** `examples` / `tests`: a plain list (the default locale) or a map locale → list. */
function byLocale(c: Ctx, node: PNode | undefined, what: string): Record<string, Utterance[]> {
  const out: Record<string, Utterance[]> = {};
  if (node?.type === "seq") {
    const list: Utterance[] = [];
    utteranceList(c, node, c.flow.defaultLocale, list);
    out[c.flow.defaultLocale] = list;
  } else if (node?.type === "map") {
    for (const p of node.pairs) {
      if (!checkLocale(c, p.key, p.keyPos, what)) continue;
      const list = out[p.key] ?? [];
      utteranceList(c, p.value, p.key, list);
      out[p.key] = list;
    }
  }
  return out;
}

function stringAt(root: PNode, key: string): string | undefined {
  const v = entry(root, key)?.value;
  return v?.type === "scalar" && typeof v.value === "string" ? v.value : undefined;
}

function boolAt(root: PNode, key: string): boolean {
  const v = entry(root, key)?.value;
  return v?.type === "scalar" && v.value === true;
}

function describe(root: PNode): string {
  if (isEmpty(root)) return "the file is empty";
  return root.type === "seq" ? "the file is a list" : "the file is a single value";
}

export interface IntentFileResult {
  /** Undefined when the file has no usable intent name. */
  intent?: IntentDoc;
  findings: Finding[];
}

/** Parses one intent file (intents/*.yml). Never throws on bad input. */
export function parseIntentFile(text: string, file: string, flow: FlowLocales): IntentFileResult {
  const y = parseYaml(text, file);
  if (!y.root) return { findings: y.findings };
  const c: Ctx = { file, flow, findings: y.findings };
  const root = y.root;
  if (root.type !== "map") {
    c.findings.push(
      finding("schema", loc(c, root.pos), `${describe(root)}; an intent file is a map with 'intent:' and 'examples:'`, {
        hint: "start the file with 'intent: <IntentName>' followed by 'examples:' and a list of utterances",
      }),
    );
    return { findings: c.findings };
  }
  validate(c, root, intentFileSchema, "an intent file", INTENT_KEYS);
  const name = stringAt(root, "intent")?.trim();
  if (!name) return { findings: c.findings };
  const tags: string[] = [];
  const tagsAt: Pos[] = [];
  const tagsNode = entry(root, "tags")?.value;
  if (tagsNode?.type === "seq")
    for (const t of tagsNode.items)
      if (t.type === "scalar" && typeof t.value === "string" && t.value) {
        tags.push(t.value);
        tagsAt.push({ line: t.pos.line, column: t.pos.column });
      }
  const description = stringAt(root, "description");
  const intent: IntentDoc = {
    name,
    ...loc(c, entry(root, "intent")?.keyPos ?? root.pos),
    tags,
    disabled: boolAt(root, "disabled"),
    reject: boolAt(root, "reject"),
    examples: byLocale(c, entry(root, "examples")?.value, "examples"),
    tests: byLocale(c, entry(root, "tests")?.value, "tests"),
  };
  if (tags.length) intent.tagsAt = tagsAt;
  if (description !== undefined) {
    intent.description = description;
    intent.descriptionAt = { ...(entry(root, "description")?.value.pos ?? root.pos) };
  }
  return { intent, findings: c.findings };
}

export interface TestsFileResult {
  tests: TestCase[];
  findings: Finding[];
}

/** Parses one test-set file (tests/*.yml): a list of { text, expect, locale? }. Never throws on bad input. */
export function parseTestsFile(text: string, file: string, flow: FlowLocales): TestsFileResult {
  const y = parseYaml(text, file);
  if (!y.root) return { tests: [], findings: y.findings };
  const c: Ctx = { file, flow, findings: y.findings };
  const root = y.root;
  if (isEmpty(root)) return { tests: [], findings: c.findings };
  if (root.type !== "seq") {
    c.findings.push(
      finding("schema", loc(c, root.pos), `a test set is a list of entries, not ${root.type === "map" ? "a map" : "a single value"}`, {
        hint: "write one '- text: …' entry per test, each with 'expect: <IntentName>' (or null for out of scope)",
      }),
    );
    return { tests: [], findings: c.findings };
  }
  validate(c, root, testsFileSchema, "a test set entry", TEST_CASE_KEYS);
  const tests: TestCase[] = [];
  for (const m of root.items) {
    if (m.type !== "map") continue;
    const t = entry(m, "text")?.value;
    if (t?.type !== "scalar" || typeof t.value !== "string") continue;
    const exp = entry(m, "expect");
    if (!exp) continue;
    let expect: string | null;
    if (isEmpty(exp.value)) expect = null;
    else if (exp.value.type === "scalar" && typeof exp.value.value === "string" && exp.value.value.trim()) expect = exp.value.value.trim();
    else continue;
    const expectAt = expect === null ? undefined : { line: exp.value.pos.line, column: exp.value.pos.column };
    let locale = flow.defaultLocale;
    const l = entry(m, "locale");
    if (l) {
      if (l.value.type !== "scalar" || typeof l.value.value !== "string") continue;
      if (!checkLocale(c, l.value.value, l.value.pos, "locale")) continue;
      locale = l.value.value;
    }
    const text = cleanWhitespace(t.value);
    const tc: TestCase = { text, expect, locale, file, line: t.pos.line, column: t.pos.column };
    if (text !== t.value) tc.raw = t.value;
    if (expectAt) tc.expectAt = expectAt;
    tests.push(tc);
  }
  return { tests, findings: c.findings };
}
