// Benchmark: the adoption path on CLINC150 (README "Adopt an existing bot") against the emulator, in process:
// init (project from Cognigy) → pull --holdout 0.2 → validate --update-baseline → release (removes the held-out tests,
// retrains, evaluates) → plan (empty). Reported as seconds and as a ratio against a from-scratch release of the same
// bot measured in the same run. Layout within Cognigy's caps: the first 5 CLINC150 domains (75 intents, 9,000
// sentences: a flow holds at most 10,000), from ../shared/datasets/clinc150/domains.json.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runChecks } from "../src/checks/index.js";
import { CognigyClient } from "../src/cognigy/client.js";
import { describeProject, renderConfig } from "../src/commands/init.js";
import { loadConfig } from "../src/config/load.js";
import type { RunConfig } from "../src/config/options.js";
import { loadDataset } from "../src/dataset/load.js";
import { startEmulator } from "../src/emulator/index.js";
import { silentLogger } from "../src/logger.js";
import { writeBaselineFile } from "../src/pipeline/findings-baseline.js";
import { planFlows } from "../src/pipeline/plan.js";
import { pullFlows } from "../src/pipeline/pull.js";
import { runRelease } from "../src/pipeline/run.js";

const here = fileURLToPath(new URL(".", import.meta.url));
const DATASETS = process.env.DATASETS ?? join(here, "..", "..", "shared", "datasets");
const KEY = "bench-adopt-key-7a1c";
const DOMAINS = 5;

function writeSeed(dir: string): { intents: number; sentences: number } {
  const data = JSON.parse(readFileSync(join(DATASETS, "clinc150", "data_full.json"), "utf8")) as Record<string, [string, string][]>;
  const domains = JSON.parse(readFileSync(join(DATASETS, "clinc150", "domains.json"), "utf8")) as Record<string, string[]>;
  const keep = new Set(Object.keys(domains).sort().slice(0, DOMAINS).flatMap((d) => domains[d] ?? []));
  const byIntent = new Map<string, string[]>();
  for (const [t, i] of [...data.train, ...data.val]) if (keep.has(i)) byIntent.set(i, [...(byIntent.get(i) ?? []), t]);
  const tests = new Map<string, string[]>();
  for (const [t, i] of data.test) if (keep.has(i)) tests.set(i, [...(tests.get(i) ?? []), t]);
  const flow = join(dir, "training-data", "main", "intents");
  mkdirSync(flow, { recursive: true });
  let sentences = 0;
  for (const [i, list] of byIntent) {
    sentences += list.length;
    // the seed's tests stay in the seed folder (never uploaded): the live bot has every example and no tests
    const ts = (tests.get(i) ?? []).map((t) => `  - ${JSON.stringify(t)}\n`).join("");
    writeFileSync(join(flow, `${i}.yml`), `intent: ${i}\nexamples:\n${list.map((t) => `  - ${JSON.stringify(t)}\n`).join("")}${ts ? `tests:\n${ts}` : ""}`);
  }
  writeFileSync(
    join(dir, "cognigy-nlu.yml"),
    "cognigy:\n  baseUrl: http://127.0.0.1:9\n  project: Adopted Bot\nflows:\n  - name: Main\n    dir: training-data/main\n    locales: { en-US: en-US }\n    defaultLocale: en-US\nchecks:\n  rules: { duplicate-across: warning }\nevaluate:\n  split: 0\ngate:\n  macroF1: 0\n  macroPrecision: 0\n  minIntentF1: 0\n  minTestsPerIntent: 0\n",
  );
  return { intents: byIntent.size, sentences };
}

function runFor(root: string, url: string): RunConfig {
  const { config, path } = loadConfig(join(root, "cognigy-nlu.yml"), root);
  config.cognigy.baseUrl = url;
  config.cognigy.rateLimit = 0;
  return { config, configPath: path, root, apiKey: KEY, out: join(root, "out"), format: "text", dryRun: false, force: false, debug: false, commit: "bench000" };
}

export async function bench(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), "bench-adopt-"));
  const seed = join(tmp, "seed");
  const repo = join(tmp, "repo");
  mkdirSync(repo);
  const size = writeSeed(seed);
  const emu = await startEmulator({ port: 0, apiKey: KEY, seed: runFor(seed, "http://127.0.0.1:9").config, rateLimit: 0, taskDelayMs: 5, logRequests: false });
  try {
    const deps = { logger: silentLogger };
    let t = performance.now();
    const fresh = await runRelease(runFor(seed, emu.url), deps);
    const baseline = (performance.now() - t) / 1000;
    if (fresh.status !== "success") throw new Error(`seeding release failed: ${fresh.summary}`);
    const steps: [string, number][] = [];
    const time = async <T>(name: string, fn: () => Promise<T> | T): Promise<T> => {
      const t0 = performance.now();
      const r = await fn();
      steps.push([name, (performance.now() - t0) / 1000]);
      return r;
    };
    const client = new CognigyClient({ baseUrl: emu.url, apiKey: KEY, rateLimit: 0 });
    t = performance.now();
    await time("init", async () => {
      const d = await describeProject(client, { project: "Adopted Bot", flows: [] });
      writeFileSync(join(repo, "cognigy-nlu.yml"), renderConfig(emu.url, d.project.name, d.flows).replace(/minTestsPerIntent: 3/, "minTestsPerIntent: 1"));
    });
    const pulled = await time("pull --holdout 0.2", () => pullFlows(runFor(repo, emu.url), { client, logger: silentLogger }, { holdout: 0.2 }));
    await time("validate --update-baseline", () => {
      const run = runFor(repo, emu.url);
      const ds = loadDataset({ config: run.config, root: repo });
      return writeBaselineFile(join(repo, "cognigy-nlu.baseline.json"), runChecks(ds, run.config.checks), ds);
    });
    const rel = await time("release", () => runRelease(runFor(repo, emu.url), deps));
    const plan = await time("plan", () => {
      const run = runFor(repo, emu.url);
      return planFlows(run, { client, logger: silentLogger }, { dataset: loadDataset({ config: run.config, root: repo }) });
    });
    const total = (performance.now() - t) / 1000;
    const held = pulled.flows.reduce((n, f) => n + f.heldOut, 0);
    console.log(`CLINC150, ${DOMAINS} domains: ${size.intents} intents, ${size.sentences} sentences; ${held} moved to tests`);
    for (const [name, s] of steps) console.log(`  ${name.padEnd(28)} ${s.toFixed(2)} s`);
    console.log(`  release ${rel.status}: ${rel.metrics?.total ?? 0} tests, macro F1 ${rel.metrics?.macroF1.toFixed(3) ?? "–"}; plan afterwards ${plan.plan.empty ? "empty" : "NOT empty"}`);
    console.log(`adoption path ${total.toFixed(2)} s = ${(total / baseline).toFixed(2)}× a from-scratch release of the same bot (${baseline.toFixed(2)} s, same run)`);
  } finally {
    await emu.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}
