// Check (no timing): every layout the demo, the benchmarks and the acceptance kit send to Cognigy fits Cognigy's
// documented caps (10,000 sentences and 2,500 intents per flow × locale, 2,000 sentences per intent), counted by
// validate's own limits check. The acceptance kit's layouts are read from its scripts (each `dataset DIR ARGS` line),
// written by its make_dataset.py for CLINC150 and HWU64; a script that starts no emulator only validates (it may be
// over: validate then names the cap). Fails when a layout that reaches the emulator is over a cap.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_LIMITS, limitFindings } from "../src/checks/limits.js";
import { viewOf } from "../src/checks/view.js";
import { loadConfig } from "../src/config/load.js";
import { loadDataset } from "../src/dataset/load.js";
import { CLINC_DIR, classifierTrainingSet, readClinc, writeClincDomains } from "./clinc150.js";
import { DATASETS } from "./datasets.js";

const ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));
const ACCEPTANCE = join(ROOT, "..", "shared", "acceptance");

interface Row {
  layout: string;
  reachesCognigy: boolean;
  flows: number;
  maxSentences: number;
  maxIntents: number;
  maxPerIntent: number;
  over: string[];
}

/** The largest flow × locale, the most intents in a flow, the largest intent × locale, and validate's limit findings. */
function measure(layout: string, configPath: string, reachesCognigy: boolean): Row {
  const { config, root } = loadConfig(configPath);
  const ds = loadDataset({ config, root });
  const row: Row = { layout, reachesCognigy, flows: ds.flows.length, maxSentences: 0, maxIntents: 0, maxPerIntent: 0, over: [] };
  for (const data of ds.flows) {
    row.maxIntents = Math.max(row.maxIntents, data.intents.length);
    const view = viewOf(data);
    for (const items of view.examples.values()) {
      row.maxSentences = Math.max(row.maxSentences, new Set(items.map((i) => `${i.intent}\u0000${i.norm}`)).size);
      const per = new Map<string, Set<string>>();
      for (const i of items) per.set(i.intent ?? "", (per.get(i.intent ?? "") ?? new Set()).add(i.norm));
      for (const s of per.values()) row.maxPerIntent = Math.max(row.maxPerIntent, s.size);
    }
    row.over.push(...limitFindings(view, config.limits).map((f) => `${f.file}${f.line ? `:${f.line}` : ""} ${f.message}`));
  }
  return row;
}

/** `dataset DIR ARGS…` lines of one acceptance script, ARGS split as the shell would (quotes kept simple). */
function datasetCalls(script: string): string[][] {
  const out: string[][] = [];
  for (const raw of readFileSync(script, "utf8").split("\n")) {
    const line = raw.replace(/\s+#.*$/, "");
    const m = /(?:^|;\s*)dataset\s+("[^"]*"|\S+)((?:\s+(?:"[^"]*"|[^\s;]+))*)/.exec(line);
    if (!m) continue;
    out.push([...m[2].matchAll(/"([^"]*)"|([^\s"]+)/g)].map((x) => x[1] ?? x[2]));
  }
  return out;
}

export async function bench(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), "bench-layouts-"));
  const rows: Row[] = [];
  try {
    rows.push(measure("demo: the example bot (cognigy-nlu.yml)", join(ROOT, "cognigy-nlu.yml"), true));
    if (existsSync(join(CLINC_DIR, "data_full.json"))) {
      const dir = join(tmp, "clinc-domains");
      writeClincDomains(dir, { oosTests: true });
      rows.push(measure("bench: CLINC150 by domain (pipeline, validate, startup)", join(dir, "cognigy-nlu.yml"), true));
      const set = classifierTrainingSet(readClinc());
      const perFlow = [...set.values()].reduce((n, l) => n + l.length, 0);
      const per = Math.max(...[...set.values()].map((l) => l.length));
      rows.push({ layout: `bench: classifier (CLINC150, ${set.size} intents in one flow)`, reachesCognigy: true, flows: 1, maxSentences: perFlow, maxIntents: set.size, maxPerIntent: per, over: perFlow > DEFAULT_LIMITS.flowSentences ? ["over"] : [] });
    }
    const make = join(ACCEPTANCE, "make_dataset.py");
    const sources: [string, string][] = [
      ["clinc150", "clinc150"],
      ["hwu64", `csv:${join(DATASETS, "hwu64", "train.csv")},${join(DATASETS, "hwu64", "test.csv")}`],
    ];
    if (existsSync(make))
      for (const script of readdirSync(ACCEPTANCE).filter((f) => /^\d\d-/.test(f)).sort()) {
        const text = readFileSync(join(ACCEPTANCE, script), "utf8");
        const reaches = /start_emulator/.test(text);
        datasetCalls(join(ACCEPTANCE, script)).forEach((args, k) => {
          for (const [name, source] of sources) {
            const out = join(tmp, `${script}-${k}-${name}`);
            execFileSync("python3", [make, source, out, ...args], { stdio: "ignore" });
            rows.push(measure(`acceptance ${script} #${k + 1} (${args.join(" ") || "all"}) on ${name}`, join(out, "cognigy-nlu.yml"), reaches));
          }
        });
      }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const { flowSentences, flowIntents, intentSentences } = DEFAULT_LIMITS;
  console.log(`caps: ${flowSentences} sentences and ${flowIntents} intents per flow × locale, ${intentSentences} sentences per intent`);
  console.log("layout | reaches Cognigy | flows | largest flow × locale | most intents | largest intent | verdict");
  const bad: string[] = [];
  for (const r of rows) {
    const verdict = r.over.length === 0 ? "fits" : r.reachesCognigy ? "OVER" : "over (validate only: reported as flow-limit)";
    if (r.over.length && r.reachesCognigy) bad.push(r.layout);
    console.log(`${r.layout} | ${r.reachesCognigy ? "yes" : "no"} | ${r.flows} | ${r.maxSentences} | ${r.maxIntents} | ${r.maxPerIntent} | ${verdict}`);
    if (r.over.length && !r.reachesCognigy) console.log(`  validate: ${r.over[0]}`);
  }
  if (bad.length) throw new Error(`over Cognigy's caps: ${bad.join("; ")}`);
}
