// Splits one flow's data into what is uploaded and what is held out: intent tests, tests/*.yml, and the seeded split.
import { normalize } from "../dataset/normalize.js";
import type { FlowData } from "../dataset/types.js";
import type { RemoteIntent } from "./diff.js";
import { splitAgainstCognigy } from "./holdout.js";

export interface TestItem {
  flow: string;
  /** YAML locale key. */
  locale: string;
  text: string;
  /** Intent name; null = out of scope. */
  expected: string | null;
  source: "intent" | "testset" | "split";
  /** Where the utterance is written (repository-relative file, 1-based line). */
  file?: string;
  line?: number;
}

/** The key of a test by its place in the files (as findings name it). */
export function testKey(file: string, line: number): string {
  return `${file}:${line}`;
}

export interface FlowSplit {
  /** Examples to upload: intent name → YAML locale key → texts (held-out split examples removed). */
  uploaded: Map<string, Record<string, string[]>>;
  /** Every held-out utterance of the flow, in a deterministic order (intents by name, locales by key, file order). */
  tests: TestItem[];
  /** Held-out tests per enabled intent over all locales (0 included). */
  testsPerIntent: Record<string, number>;
  /** Examples held out by the split (never uploaded). */
  heldOut: number;
  /** Examples the split picked that Cognigy already has: they stay in training and are not tests (see holdout.ts). */
  keptInCognigy: number;
}

/** What the split needs of a flow's state in Cognigy: per intent (first of a name, as the diff), its sentences per locale. */
export type CognigyState = readonly Pick<RemoteIntent, "name" | "sentences">[];

/** Normalised sentence texts per intent name and YAML locale key (computed on demand). */
function inCognigyLookup(remote: CognigyState): (intent: string, locale: string) => ReadonlySet<string> {
  const byName = new Map<string, Pick<RemoteIntent, "name" | "sentences">>();
  for (const r of remote) if (!byName.has(r.name)) byName.set(r.name, r);
  const cache = new Map<string, Set<string>>();
  return (intent, locale) => {
    const k = `${intent}\u0000${locale}`;
    let set = cache.get(k);
    if (!set) cache.set(k, (set = new Set((byName.get(intent)?.sentences[locale] ?? []).map(normalize))));
    return set;
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Where an enabled intent has no held-out test in a locale (neither in its file nor in tests/*.yml), `split` holds out
 * a seeded share of its examples in that locale, except the ones Cognigy already has (see splitAgainstCognigy): so the
 * split depends on `remote`, the flow as Cognigy holds it now (`[]` for a flow that is empty there). Disabled intents
 * are uploaded whole and not tested.
 */
export function splitFlow(data: FlowData, opts: { split: number; seed: string }, remote: CognigyState): FlowSplit {
  const flowName = data.flow.name;
  const localeKeys = Object.keys(data.flow.locales).sort(cmp);
  const known = new Set(localeKeys);
  const testSetCount = new Map<string, number>();
  for (const t of data.tests) {
    if (t.expect === null || !known.has(t.locale)) continue;
    const k = `${t.expect}\u0000${t.locale}`;
    testSetCount.set(k, (testSetCount.get(k) ?? 0) + 1);
  }
  const uploaded = new Map<string, Record<string, string[]>>();
  const tests: TestItem[] = [];
  const testsPerIntent: Record<string, number> = {};
  let heldOut = 0;
  let keptInCognigy = 0;
  const inCognigy = inCognigyLookup(remote);
  const intents = [...data.intents].sort((a, b) => cmp(a.name, b.name));
  for (const intent of intents) {
    const up: Record<string, string[]> = {};
    if (!uploaded.has(intent.name)) uploaded.set(intent.name, up);
    if (!intent.disabled) testsPerIntent[intent.name] ??= 0;
    for (const key of localeKeys) {
      const examples = intent.examples[key] ?? [];
      const own = (intent.tests[key] ?? []).filter((u) => u.text.trim() !== "");
      if (intent.disabled) {
        up[key] = examples.map((u) => u.text);
        continue;
      }
      for (const u of own) tests.push({ flow: flowName, locale: key, text: u.text, expected: intent.name, source: "intent", file: u.file, line: u.line });
      testsPerIntent[intent.name] += own.length + (testSetCount.get(`${intent.name}\u0000${key}`) ?? 0);
      const hasTests = own.length > 0 || (testSetCount.get(`${intent.name}\u0000${key}`) ?? 0) > 0;
      let held = new Set<number>();
      if (!hasTests) {
        const s = splitAgainstCognigy(examples.map((u) => normalize(u.text)), opts.split, opts.seed, inCognigy(intent.name, key));
        held = s.held;
        keptInCognigy += s.keptInCognigy;
      }
      up[key] = examples.filter((_, i) => !held.has(i)).map((u) => u.text);
      for (const i of [...held].sort((a, b) => a - b)) {
        tests.push({ flow: flowName, locale: key, text: examples[i].text, expected: intent.name, source: "split", file: examples[i].file, line: examples[i].line });
        testsPerIntent[intent.name]++;
        heldOut++;
      }
    }
  }
  const disabled = new Set(data.intents.filter((i) => i.disabled).map((i) => i.name));
  const testSet = data.tests
    .filter((t) => known.has(t.locale) && t.text.trim() !== "" && !(t.expect !== null && disabled.has(t.expect)))
    .map((t, i) => ({ t, i }))
    .sort((a, b) => cmp(a.t.file, b.t.file) || a.t.line - b.t.line || a.i - b.i);
  for (const { t } of testSet) tests.push({ flow: flowName, locale: t.locale, text: t.text, expected: t.expect, source: "testset", file: t.file, line: t.line });
  return { uploaded, tests, testsPerIntent, heldOut, keptInCognigy };
}
