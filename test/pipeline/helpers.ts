// Test helpers: hand-made datasets (no YAML loader needed) and small generated bots.
import type { Config } from "../../src/config/schema.js";
import { configSchema } from "../../src/config/schema.js";
import type { Dataset, FlowData, IntentDoc, TestCase, Utterance } from "../../src/dataset/types.js";
import type { Emulator } from "../../src/emulator/index.js";

const at = { file: "x.yml", line: 1, column: 1 };
let nextLine = 1;

/** An utterance at its own line (findings point at file:line). */
export function utt(text: string, locale = "en-US", file = "training-data/main/intents/extra.yml"): Utterance {
  return { file, line: ++nextLine, column: 5, text, locale };
}

export function intent(name: string, examples: Record<string, string[]>, tests: Record<string, string[]> = {}, over: Partial<IntentDoc> = {}): IntentDoc {
  const file = `training-data/main/intents/${name}.yml`;
  const map = (m: Record<string, string[]>) => Object.fromEntries(Object.entries(m).map(([l, ts]) => [l, ts.map((t) => utt(t, l, file))]));
  return { ...at, file, name, tags: [], disabled: false, reject: false, examples: map(examples), tests: map(tests), ...over };
}

export function config(over: Record<string, unknown> = {}): Config {
  return configSchema.parse({
    cognigy: { baseUrl: "http://127.0.0.1:9", project: "Test Bot", rateLimit: 0 },
    flows: [{ name: "Main", dir: "training-data/main", locales: { "en-US": "en-US" }, defaultLocale: "en-US" }],
    ...over,
  });
}

export function flowData(cfg: Config, intents: IntentDoc[], tests: TestCase[] = [], i = 0): FlowData {
  return { flow: cfg.flows[i], dir: `/tmp/${cfg.flows[i].dir}`, intents, tests, files: [] };
}

export function dataset(cfg: Config, intents: IntentDoc[], tests: TestCase[] = []): Dataset {
  return { root: "/tmp", flows: [flowData(cfg, intents, tests)], findings: [] };
}

export function testCase(text: string, expect: string | null, locale = "en-US"): TestCase {
  return { file: "training-data/main/tests/set.yml", line: ++nextLine, column: 3, text, expect, locale };
}

/** A small, well separated bot: `n` intents with `k` examples and `t` tests each, plus out-of-scope tests. */
export function smallBot(n = 4, k = 8, t = 3): { intents: IntentDoc[]; tests: TestCase[] } {
  const topics = [
    ["pizza", "order", "large", "pepperoni", "margherita", "slice", "crust", "cheese"],
    ["weather", "rain", "sunny", "forecast", "temperature", "cloudy", "storm", "snow"],
    ["flight", "airport", "boarding", "ticket", "plane", "departure", "gate", "luggage"],
    ["music", "song", "playlist", "album", "guitar", "concert", "band", "lyrics"],
    ["bank", "account", "balance", "transfer", "deposit", "credit", "loan", "savings"],
    ["doctor", "appointment", "clinic", "medicine", "nurse", "hospital", "fever", "checkup"],
  ];
  const frames = ["tell me about the {a} and {b}", "i need help with {a} {b}", "what is the {a} for {b}", "{a} {b} please", "can you check {a} with {b}", "show me {a} or {b}", "is there any {a} {b}", "my {a} needs {b}", "about {a} and the {b}", "quick question on {a} {b}", "find {a} near {b}", "i love {a} and {b}"];
  const intents: IntentDoc[] = [];
  for (let i = 0; i < n; i++) {
    const w = topics[i % topics.length];
    const gen = (j: number) => frames[j % frames.length].replace("{a}", w[j % w.length]).replace("{b}", w[(j * 3 + 1) % w.length]);
    intents.push(intent(`Intent${String.fromCharCode(65 + i)}`, { "en-US": Array.from({ length: k }, (_, j) => gen(j)) }, { "en-US": Array.from({ length: t }, (_, j) => `${w[(j + 2) % w.length]} ${w[(j + 5) % w.length]} question`) }));
  }
  return { intents, tests: [testCase("zebra xylophone quantum", null), testCase("purple elephant dancing", null)] };
}

const WRITE = /^(POST|PATCH|PUT|DELETE)$/;

/** The writes the emulator received since request number `from`, as "METHOD path" (exports and NLU scores left out: they write nothing). */
export function writesSince(emu: Emulator, from: number): string[] {
  return emu.requestLog
    .slice(from)
    .filter((e) => WRITE.test(e.method) && !/\/(export|scores)(\?|$)/.test(e.path))
    .map((e) => `${e.method} ${e.path}`);
}
