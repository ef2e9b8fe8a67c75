// The real-data slices vendored in test/fixtures/datasets (CLINC150 CC BY 3.0, HWU64 CC BY 4.0; licences and
// attribution beside them): read from the repository, so the real-data tests run on every clone and in CI.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseCsv } from "../src/dataset/csv.js";

const DIR = fileURLToPath(new URL("./fixtures/datasets/", import.meta.url));

export type Row = [text: string, intent: string];

export interface ClincSlice {
  train: Row[];
  val: Row[];
  test: Row[];
  oos_test: Row[];
}

/** The CLINC150 slice: 25 intents whole, 12 training examples + 3 tests of every other intent, 200 out-of-scope tests. */
export function clincSlice(): ClincSlice {
  return JSON.parse(readFileSync(join(DIR, "clinc150", "slice.json"), "utf8")) as ClincSlice;
}

/** The HWU64 slice: 15 training rows and 3 test rows of each of the 64 intents. */
export function hwuSlice(): { train: Row[]; test: Row[] } {
  const rows = (f: string) => parseCsv(readFileSync(join(DIR, "hwu64", f), "utf8"), ",").slice(1).map(([text, intent]) => [text, intent] as Row);
  return { train: rows("train.csv"), test: rows("test.csv") };
}

/** Writes rows as a cognigy-nlu repository (one flow Main, en-US; one file per intent with its tests), as the acceptance kit does. */
export function writeRepository(out: string, train: Row[], test: Row[], project = "Acceptance Bot"): { intents: number; examples: number } {
  const by = new Map<string, string[]>();
  const tests = new Map<string, string[]>();
  for (const [t, i] of train) by.set(i, [...(by.get(i) ?? []), t]);
  for (const [t, i] of test) tests.set(i, [...(tests.get(i) ?? []), t]);
  const dir = join(out, "training-data", "main", "intents");
  mkdirSync(dir, { recursive: true });
  const q = (s: string) => JSON.stringify(s);
  for (const [intent, ex] of by) {
    const ts = tests.get(intent) ?? [];
    writeFileSync(join(dir, `${intent}.yml`), `intent: ${intent}\nexamples:\n${ex.map((t) => `  - ${q(t)}\n`).join("")}${ts.length ? `tests:\n${ts.map((t) => `  - ${q(t)}\n`).join("")}` : ""}`);
  }
  writeFileSync(
    join(out, "cognigy-nlu.yml"),
    `cognigy:\n  baseUrl: http://127.0.0.1:9\n  project: ${project}\nflows:\n  - name: Main\n    dir: training-data/main\n    locales: { en-US: en-US }\n    defaultLocale: en-US\nchecks:\n  minExamples: { error: 1, warning: 1 }\n  maxImbalance: 1000\ngate:\n  macroF1: 0.5\n  macroPrecision: 0.5\n  minIntentF1: 0\n  minTestsPerIntent: 1\n`,
  );
  return { intents: by.size, examples: train.length };
}
