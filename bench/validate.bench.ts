// Benchmark: validate with every check on CLINC150 (23.7k utterances) and a 100k synthetic set; near-duplicates vs all-pairs.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runChecks } from "../src/checks/index.js";
import { similarPairs, similarPairsBrute } from "../src/checks/similarity.js";
import { loadConfig } from "../src/config/load.js";
import { loadDataset } from "../src/dataset/load.js";
import { normalize } from "../src/dataset/normalize.js";
import { writeClincDomains } from "./clinc150.js";
import { clinc150 } from "./datasets.js";
import { difflibPairs, lengthFilteredPairs } from "./near-duplicate-baselines.js";

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, "..");
/** CLINC150 (CC BY 3.0) data_full.json, found by bench(). */
let CLINC = "";

type Pair = [string, string];

const q = (s: string) => JSON.stringify(s);

function writeConfig(dir: string): void {
  writeFileSync(
    join(dir, "cognigy-nlu.yml"),
    [
      "cognigy:",
      "  baseUrl: http://127.0.0.1:9",
      "  project: Bench Bot",
      "flows:",
      "  - name: Main",
      "    dir: training-data/main",
      "    locales: { en-US: en-US }",
      "    defaultLocale: en-US",
      "checks:",
      "  minExamples: { error: 1, warning: 1 }",
      "  maxImbalance: 1000",
      "",
    ].join("\n"),
  );
}

/**
 * A synthetic set with CLINC150's word statistics: intent i speaks a mix of two CLINC intents' bigram chains
 * (plus 10% jumps through the global chain), so utterances look real, vary, and include natural near-duplicates.
 */
function writeSynthetic(dir: string, intents: number, per: number): number {
  const d = JSON.parse(readFileSync(CLINC, "utf8")) as Record<string, Pair[]>;
  let seed = 12345;
  const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const chains = new Map<string, Map<string, string[]>>();
  const global = new Map<string, string[]>();
  const add = (m: Map<string, string[]>, a: string, b: string) => {
    const l = m.get(a);
    if (l) l.push(b);
    else m.set(a, [b]);
  };
  for (const [t, i] of [...d.train, ...d.val]) {
    let m = chains.get(i);
    if (!m) chains.set(i, (m = new Map()));
    const w = ["<s>", ...normalize(t).split(" "), "</s>"];
    for (let k = 0; k + 1 < w.length; k++) {
      add(m, w[k], w[k + 1]);
      add(global, w[k], w[k + 1]);
    }
  }
  const names = [...chains.keys()];
  const flow = join(dir, "training-data", "main");
  mkdirSync(join(flow, "intents"), { recursive: true });
  let n = 0;
  for (let i = 0; i < intents; i++) {
    const main = chains.get(names[i % names.length])!;
    const other = chains.get(names[(i * 7 + 3) % names.length])!;
    const list: string[] = [];
    while (list.length < per) {
      const words: string[] = [];
      let w = "<s>";
      while (words.length < 20) {
        const r = rnd();
        const next = (r < 0.1 ? global : r < 0.35 ? other : main).get(w) ?? main.get(w) ?? global.get(w) ?? ["</s>"];
        w = next[Math.floor(rnd() * next.length)];
        if (w === "</s>") break;
        words.push(w);
      }
      if (words.length) list.push(words.join(" "));
    }
    const tests = list.splice(0, Math.floor(per / 10));
    n += list.length + tests.length;
    writeFileSync(join(flow, "intents", `intent_${i}.yml`), `intent: intent_${i}\nexamples:\n${list.map((t) => `  - ${q(t)}\n`).join("")}tests:\n${tests.map((t) => `  - ${q(t)}\n`).join("")}`);
  }
  writeConfig(dir);
  return n;
}

function ms(t0: number): string {
  return `${(performance.now() - t0).toFixed(0)} ms`;
}

function inProcess(dir: string): { ms: number; findings: number; stopped: number; rssMb: number } {
  const t0 = performance.now();
  const { config, root } = loadConfig(join(dir, "cognigy-nlu.yml"));
  const ds = loadDataset({ config, root });
  const f = runChecks(ds, config.checks);
  const stopped = f.filter((x) => x.message.includes("stopped early")).length;
  return { ms: performance.now() - t0, findings: f.length, stopped, rssMb: process.resourceUsage().maxRSS / 1024 };
}

/** Runs the bundled CLI as a user would (cold node start included); returns wall ms and the child's peak RSS. */
function cli(dir: string): { ms: number; rc: number | null; rssMb: number } | undefined {
  const cliPath = join(repo, "dist", "cli.js");
  if (!existsSync(cliPath)) return undefined;
  const wrapper = join(dir, "measure.mjs");
  writeFileSync(
    wrapper,
    `process.argv[1] = ${q(cliPath)};\nprocess.on("exit", () => process.stderr.write("maxrss=" + process.resourceUsage().maxRSS + "\\n"));\nawait import(${q(`file://${cliPath}`)});\n`,
  );
  // Plain run for the time (exactly what a user runs), wrapped run for the memory.
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [cliPath, "validate", "--format", "json"], { cwd: dir, encoding: "utf8", maxBuffer: 1 << 30 });
  const wall = performance.now() - t0;
  const m = spawnSync(process.execPath, [wrapper, "validate", "--format", "json"], { cwd: dir, encoding: "utf8", maxBuffer: 1 << 30 });
  const rss = Number(/maxrss=(\d+)/.exec(m.stderr)?.[1] ?? 0) / 1024;
  return { ms: wall, rc: r.status, rssMb: rss };
}

export async function bench(): Promise<void> {
  const found = clinc150();
  if (!found) return;
  CLINC = found;
  const work = mkdtempSync(join(tmpdir(), "cnlu-bench-"));
  try {
    console.log("data: CLINC150 (Larson et al., 2019, https://github.com/clinc/oos-eval), licensed CC BY 3.0");

    const clinc = join(work, "clinc");
    // the whole bot as 10 flows, one per domain (one flow of 17,936 sentences is over Cognigy's cap)
    const layout = writeClincDomains(clinc, { oosTests: true });
    const n = layout.examples + layout.tests;
    const cold = inProcess(clinc);
    const warm = inProcess(clinc);
    console.log(`CLINC150 ${n.toLocaleString("en-US")} utterances in ${layout.flows} flows (one per domain), every check on:`);
    console.log(`  in-process load+checks: first ${cold.ms.toFixed(0)} ms, warm ${warm.ms.toFixed(0)} ms, ${warm.findings} findings`);
    const runs = [cli(clinc), cli(clinc), cli(clinc)].filter((r) => r !== undefined);
    if (runs.length) {
      const sorted = runs.map((r) => r.ms).sort((a, b) => a - b);
      const med = sorted[Math.floor(sorted.length / 2)];
      console.log(`  node dist/cli.js validate --format json (cold start included): median ${med.toFixed(0)} ms of ${runs.length} (target < 1000 ms) exit ${runs[0].rc}, peak RSS ${runs[0].rssMb.toFixed(0)} MB`);
    } else console.log("  (dist/cli.js missing: run npm run build to time the bundled CLI)");

    const synth = join(work, "synthetic");
    const sn = writeSynthetic(synth, 500, 200);
    const s1 = inProcess(synth);
    const sc = cli(synth);
    console.log(`synthetic ${sn.toLocaleString("en-US")} utterances (500 intents, CLINC150 bigram statistics):`);
    console.log(`  in-process ${s1.ms.toFixed(0)} ms, ${s1.findings} findings${s1.stopped ? ` (${s1.stopped} checks stopped early!)` : " (every check complete)"}${sc ? `; CLI ${sc.ms.toFixed(0)} ms (target < 3000 ms), peak RSS ${sc.rssMb.toFixed(0)} MB (target < 500 MB)` : ""}`);

    // Near-duplicates: the filtered join against the straightforward all-pairs loop on a 2,000-utterance slice.
    const d = JSON.parse(readFileSync(CLINC, "utf8")) as Record<string, Pair[]>;
    const slice = [...new Set([...d.train, ...d.val].map(([t]) => normalize(t)))].slice(0, 2000);
    let t0 = performance.now();
    const fast = similarPairs(slice, 0.85);
    const fastMs = performance.now() - t0;
    t0 = performance.now();
    const brute = similarPairsBrute(slice, 0.85);
    const bruteMs = performance.now() - t0;
    const same = JSON.stringify(fast) === JSON.stringify(brute);
    console.log(`near-duplicates on ${slice.length} CLINC150 utterances (t = 0.85):`);
    console.log(`  all-pairs ${bruteMs.toFixed(0)} ms, ${brute.length} pairs; filtered ${fastMs.toFixed(1)} ms, ${fast.length} pairs; ${(bruteMs / fastMs).toFixed(0)}× faster; identical: ${same}`);
    // the fair baseline (length-filtered all-pairs, same kernel) and the seeds' method (difflib ratio), same slice
    t0 = performance.now();
    const fair = lengthFilteredPairs(slice, 0.85);
    const fairMs = performance.now() - t0;
    t0 = performance.now();
    const seeds = difflibPairs(slice, 0.85);
    const seedsMs = performance.now() - t0;
    console.log(`  fair baseline (length-filtered all-pairs, same Levenshtein kernel) ${fairMs.toFixed(0)} ms, identical: ${JSON.stringify(fair) === JSON.stringify(brute)}; filtered join ${(fairMs / fastMs).toFixed(1)}× faster`);
    console.log(`  seeds' method (difflib SequenceMatcher ratio ≥ 0.85, all pairs, TS port) ${seedsMs.toFixed(0)} ms, ${seeds.length} pairs; filtered join ${(seedsMs / fastMs).toFixed(0)}× faster`);
    const all = [...new Set([...d.train, ...d.val].map(([t]) => normalize(t)))];
    t0 = performance.now();
    const allPairs = similarPairs(all, 0.85);
    console.log(`  all ${all.length.toLocaleString("en-US")} distinct CLINC150 training texts: ${ms(t0)}, ${allPairs.length} pairs (all-pairs would compare ${((all.length * (all.length - 1)) / 2 / 1e6).toFixed(0)} M pairs)`);
    // A 1 MB utterance (the test in test/checks/run-checks.test.ts checks what is found; here how long it takes), as a
    // ratio against one linear pass over the same text (normalising it) measured now: near 1 would be linear.
    const huge = join(work, "huge");
    const big = "pizza ".repeat(Math.floor((1024 * 1024) / 6));
    mkdirSync(join(huge, "training-data", "main", "intents"), { recursive: true });
    writeFileSync(join(huge, "training-data", "main", "intents", "a.yml"), `intent: a\nexamples:\n  - short one here\n  - ${big}\n  - ${big}x\ntests:\n  - ${big}\n`);
    writeFileSync(join(huge, "training-data", "main", "intents", "b.yml"), `intent: b\nexamples:\n  - another one here\n  - ${big}\n`);
    writeConfig(huge);
    inProcess(huge);
    const hugeRun = inProcess(huge);
    t0 = performance.now();
    for (let i = 0; i < 5; i++) normalize(big + String(i));
    const passMs = (performance.now() - t0) / 5;
    console.log(`1 MB utterance (4 copies in 2 files): load + every check ${hugeRun.ms.toFixed(0)} ms, ${hugeRun.findings} findings = ${(hugeRun.ms / passMs).toFixed(1)}× one normalise pass over it (${passMs.toFixed(1)} ms)`);
    const mem = process.memoryUsage();
    console.log(`memory (bench process): rss ${(mem.rss / 2 ** 20).toFixed(0)} MB, heap used ${(mem.heapUsed / 2 ** 20).toFixed(0)} MB, peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
