// CLINC150 (Larson et al., 2019, https://github.com/clinc/oos-eval, CC BY 3.0) as a cognigy-nlu repository of 10 flows,
// one per domain (the data set's own domains.json): a whole-bot layout that stays within Cognigy's per-flow caps
// (10,000 sentences, 2,500 intents) — 15 intents and 1,800 training sentences per flow instead of 17,936 in one.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_LIMITS } from "../src/checks/limits.js";
import { DATASETS } from "./datasets.js";

/** CLINC150 in the shared data sets folder (bench/datasets.ts: ../shared/datasets or COGNIGY_NLU_DATASETS). */
export const CLINC_DIR = join(DATASETS, "clinc150");

type Pair = [string, string];
export interface Clinc {
  train: Pair[];
  val: Pair[];
  test: Pair[];
  oos_train: Pair[];
  oos_val: Pair[];
  oos_test: Pair[];
}

export function readClinc(): Clinc {
  return JSON.parse(readFileSync(join(CLINC_DIR, "data_full.json"), "utf8")) as Clinc;
}

/** Domain → its 15 intents. */
export function readDomains(): Record<string, string[]> {
  return JSON.parse(readFileSync(join(CLINC_DIR, "domains.json"), "utf8")) as Record<string, string[]>;
}

const q = (s: string) => JSON.stringify(s);

/**
 * The classifier bench's training set: all 150 intents in one flow, as one model must hold them, with the first
 * ⌊10,000 / 150⌋ = 66 train+val examples of each so the flow stays within Cognigy's sentence cap (of 120 each).
 */
export function classifierTrainingSet(d: Pick<Clinc, "train" | "val">, cap = DEFAULT_LIMITS.flowSentences): Map<string, string[]> {
  const all = new Map<string, string[]>();
  for (const [t, l] of [...d.train, ...d.val]) all.set(l, [...(all.get(l) ?? []), t]);
  const per = Math.floor(cap / all.size);
  return new Map([...all].map(([l, list]) => [l, list.slice(0, per)]));
}

export interface DomainLayoutOptions {
  /** Out-of-scope tests (oos_test), dealt round-robin over the flows' tests/out-of-scope.yml. */
  oosTests?: boolean;
  /** Gate thresholds (macro F1 and precision). */
  gate?: number;
  project?: string;
}

/**
 * Writes `dir/cognigy-nlu.yml` and `dir/training-data/<domain>/…`: train+val as examples, test as intent tests.
 * Returns the utterance counts.
 */
export function writeClincDomains(dir: string, opts: DomainLayoutOptions = {}): { examples: number; tests: number; flows: number; intents: number } {
  const d = readClinc();
  const domains = readDomains();
  const ex = new Map<string, string[]>();
  const ts = new Map<string, string[]>();
  for (const [t, i] of [...d.train, ...d.val]) ex.set(i, [...(ex.get(i) ?? []), t]);
  for (const [t, i] of d.test) ts.set(i, [...(ts.get(i) ?? []), t]);
  const names = Object.keys(domains).sort();
  const oos = opts.oosTests ? d.oos_test.map(([t]) => t) : [];
  let examples = 0;
  let tests = 0;
  let intents = 0;
  const caps = DEFAULT_LIMITS;
  names.forEach((domain, k) => {
    const sentences = domains[domain].reduce((n, i) => n + (ex.get(i)?.length ?? 0), 0);
    if (sentences > caps.flowSentences || domains[domain].length > caps.flowIntents)
      throw new Error(`CLINC150 domain ${domain}: ${sentences} sentences in ${domains[domain].length} intents is over Cognigy's caps`);
    const flow = join(dir, "training-data", domain);
    mkdirSync(join(flow, "intents"), { recursive: true });
    mkdirSync(join(flow, "tests"), { recursive: true });
    for (const intent of domains[domain]) {
      const list = ex.get(intent) ?? [];
      const t = ts.get(intent) ?? [];
      examples += list.length;
      tests += t.length;
      intents++;
      writeFileSync(
        join(flow, "intents", `${intent}.yml`),
        `intent: ${intent}\nexamples:\n${list.map((x) => `  - ${q(x)}\n`).join("")}${t.length ? `tests:\n${t.map((x) => `  - ${q(x)}\n`).join("")}` : ""}`,
      );
    }
    const mine = oos.filter((_, i) => i % names.length === k);
    tests += mine.length;
    if (mine.length) writeFileSync(join(flow, "tests", "out-of-scope.yml"), mine.map((x) => `- text: ${q(x)}\n  expect: null\n`).join(""));
  });
  const gate = opts.gate ?? 0.5;
  writeFileSync(
    join(dir, "cognigy-nlu.yml"),
    [
      "cognigy:",
      "  baseUrl: http://127.0.0.1:9",
      `  project: ${opts.project ?? "CLINC150 Bot"}`,
      "flows:",
      ...names.flatMap((n) => [`  - name: ${n}`, `    dir: training-data/${n}`, "    locales: { en-US: en-US }", "    defaultLocale: en-US"]),
      "checks:",
      "  minExamples: { error: 1, warning: 1 }",
      "  maxImbalance: 1000",
      "gate:",
      `  macroF1: ${gate}`,
      `  macroPrecision: ${gate}`,
      "  minIntentF1: 0",
      "  minTestsPerIntent: 1",
      "",
    ].join("\n"),
  );
  return { examples, tests, flows: names.length, intents };
}
