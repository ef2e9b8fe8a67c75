// One measurement of `npm run bench -- scale`, in its own process (clean RSS): builds a synthetic repo in memory and
// times runChecks over it. argv: UTTERANCES_PER_UNIT UNITS. Prints one JSON line {ms, rssMb, findings, groups, stopped}.
import { runChecks } from "../src/checks/index.js";
import { mulberry32 } from "../src/classifier/index.js";
import { configSchema } from "../src/config/schema.js";
import type { Dataset, FlowData, IntentDoc } from "../src/dataset/types.js";
import { readClinc } from "./clinc150.js";

const per = Number(process.argv[2]);
const units = Number(process.argv[3]);
const d = readClinc();
// a pool of a fifth as many texts as one unit needs: each is drawn about five times, so near-duplicates abound
const everything = [...d.train, ...d.val];
const intentNames = [...new Set(everything.map(([, i]) => i))];
const rnd = mulberry32(42);
const vocab = [...new Set(everything.flatMap(([t]) => t.split(" ")))];
const base: [string, string][] = Array.from({ length: Math.max(100, Math.floor(per / 5)) }, () => everything[Math.floor(rnd() * everything.length)] as [string, string]);
/**
 * A pool utterance with 0–3 words replaced, inserted or dropped (realistic texts with near-duplicates), filed under a
 * random other intent 5% of the time (near-duplicates across intents).
 */
function variant(): [string, string] {
  const [t, own] = base[Math.floor(rnd() * base.length)];
  const intent = rnd() < 0.05 ? intentNames[Math.floor(rnd() * intentNames.length)] : own;
  const w = t.split(" ");
  const edits = Math.floor(rnd() * 4);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(rnd() * w.length);
    const r = rnd();
    if (r < 0.4) w[at] = vocab[Math.floor(rnd() * vocab.length)];
    else if (r < 0.7) w.splice(at, 0, vocab[Math.floor(rnd() * vocab.length)]);
    else if (w.length > 2) w.splice(at, 1);
  }
  return [w.join(" "), intent];
}

const cfg = configSchema.parse({
  cognigy: { baseUrl: "http://127.0.0.1:9", project: "Scale" },
  flows: Array.from({ length: units }, (_, u) => ({ name: `F${u}`, dir: `training-data/f${u}`, locales: { "en-US": "en-US" }, defaultLocale: "en-US" })),
  checks: { minExamples: { error: 1, warning: 1 }, maxImbalance: 1000 },
  // the bench measures the search, not the caps
  limits: { flowSentences: 10_000_000, flowIntents: 1_000_000, intentSentences: 1_000_000 },
});
const flows: FlowData[] = cfg.flows.map((flow, u) => {
  const byIntent = new Map<string, string[]>();
  for (let i = 0; i < per; i++) {
    const [t, intent] = variant();
    byIntent.set(intent, [...(byIntent.get(intent) ?? []), t]);
  }
  const intents: IntentDoc[] = [...byIntent].map(([name, texts]) => {
    const file = `training-data/f${u}/intents/${name}.yml`;
    return { name, file, line: 1, column: 1, tags: [], disabled: false, reject: false, examples: { "en-US": texts.map((text, k) => ({ text, locale: "en-US", file, line: 3 + k, column: 5 })) }, tests: {} };
  });
  return { flow, dir: `/bench/${flow.dir}`, intents, tests: [], files: intents.map((i) => i.file) };
});
const ds: Dataset = { root: "/bench", flows, findings: [] };
const t0 = performance.now();
const f = runChecks(ds, cfg.checks, cfg.limits);
const ms = performance.now() - t0;
const near = f.filter((x) => x.rule.startsWith("near-duplicate") && x.line > 0);
process.stdout.write(
  `${JSON.stringify({
    ms,
    rssMb: process.resourceUsage().maxRSS / 1024,
    findings: f.length,
    across: near.filter((x) => x.rule === "near-duplicate-across").length,
    within: near.filter((x) => x.rule === "near-duplicate-within").length,
    stopped: f.filter((x) => /stopped at its work limit/.test(x.message)).length,
  })}\n`,
);
