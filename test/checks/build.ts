// Test helper: an in-memory Dataset from a compact description (files and lines as a loader would give them).
import { checksSchema, type ChecksConfig, type FlowConfig } from "../../src/config/schema.js";
import type { Dataset, IntentDoc, TestCase, Utterance } from "../../src/dataset/types.js";

type Lists = string[] | Record<string, string[]>;
export interface IntentSpec {
  examples?: Lists;
  tests?: Lists;
  disabled?: boolean;
  file?: string;
}

export function flow(locales: string[] = ["en-US"]): FlowConfig {
  return { name: "Main", dir: "training-data/main", locales: Object.fromEntries(locales.map((l) => [l, l])), defaultLocale: locales[0], prune: false };
}

export function checks(overrides: Partial<ChecksConfig> = {}): ChecksConfig {
  return { ...checksSchema.parse({}), ...overrides };
}

/** Intents in order; each file's examples start on line 3, one per line, then its tests. */
export function dataset(intents: Record<string, IntentSpec | string[]>, tests: Omit<TestCase, "file" | "line" | "column" | "locale">[] & { locale?: string }[] = [], locales = ["en-US"]): Dataset {
  const f = flow(locales);
  const docs: IntentDoc[] = [];
  for (const [name, raw] of Object.entries(intents)) {
    const spec: IntentSpec = Array.isArray(raw) ? { examples: raw } : raw;
    const file = spec.file ?? `training-data/main/intents/${name}.yml`;
    let line = 3;
    const lists = (l: Lists | undefined) => {
      const out: Record<string, Utterance[]> = {};
      if (!l) return out;
      const m = Array.isArray(l) ? { [f.defaultLocale]: l } : l;
      for (const [loc, texts] of Object.entries(m)) out[loc] = texts.map((text) => ({ text, locale: loc, file, line: line++, column: 5 }));
      return out;
    };
    const examples = lists(spec.examples);
    line++;
    docs.push({ name, file, line: 1, column: 1, tags: [], disabled: spec.disabled ?? false, reject: false, examples, tests: lists(spec.tests) });
  }
  const cases: TestCase[] = tests.map((t, i) => ({ text: t.text, expect: t.expect, locale: (t as { locale?: string }).locale ?? f.defaultLocale, file: "training-data/main/tests/set.yml", line: 1 + 2 * i, column: 9 }));
  return { root: "/repo", flows: [{ flow: f, dir: "/repo/training-data/main", intents: docs, tests: cases, files: docs.map((d) => d.file) }], findings: [] };
}
