// Benchmark: the requests a PR check makes for a 1-intent change on CLINC150 (45 intents in one flow, 4,500 sentences:
// within Cognigy's 10,000-sentence flow cap), with check.maxRequests off and at its default 600, and what that costs in
// time under the SaaS limit of 1,000 requests / 5 min. Ratios against the unbounded check measured in the same run.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { CognigyClient } from "../src/cognigy/client.js";
import { type RunConfig, resolveRunConfig } from "../src/config/options.js";
import { loadDataset } from "../src/dataset/load.js";
import type { Dataset } from "../src/dataset/types.js";
import { startEmulator } from "../src/emulator/index.js";
import { silentLogger } from "../src/logger.js";
import { runCheck, runRelease } from "../src/pipeline/run.js";

const here = dirname(fileURLToPath(import.meta.url));
const MAKE = process.env.CNLU_MAKE_DATASET ?? resolve(here, "../../shared/acceptance/make_dataset.py");
const INTENTS = 45;
const LIMIT = 1000;
const WINDOW_S = 300;

/** The PR: 5 more examples for one intent (variants of its own examples). */
function oneIntentChange(ds: Dataset): { dataset: Dataset; intent: string } {
  const copy = structuredClone(ds);
  const intent = copy.flows[0].intents.sort((a, b) => (a.name < b.name ? -1 : 1))[0];
  const locale = copy.flows[0].flow.defaultLocale;
  const ex = intent.examples[locale];
  for (let i = 0; i < 5; i++) ex.push({ ...ex[i], text: `${ex[i].text} for me please`, line: 100_000 + i });
  return { dataset: copy, intent: intent.name };
}

export async function bench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "cnlu-bench-prcheck-"));
  try {
    execFileSync("python3", [MAKE, "clinc150", dir, "--intents", String(INTENTS), "--train", "0", "--tests", "0", "--gate", "0.3"], { stdio: "ignore" });
    const apiKey = "bench-prcheck-key-0123456789";
    const base = resolveRunConfig({ config: join(dir, "cognigy-nlu.yml"), out: join(dir, "out"), commit: "bench000" }, { COGNIGY_API_KEY: apiKey }, dir);
    base.config.evaluate.concurrency = 8;
    base.config.checks.rules = { ...base.config.checks.rules, "duplicate-across": "warning", "test-leakage": "warning" };
    const emu = await startEmulator({ port: 0, apiKey, seed: base.config, rateLimit: 0, taskDelayMs: 50, maxLogEntries: 200_000 });
    try {
      base.config.cognigy.baseUrl = emu.url;
      base.config.cognigy.rateLimit = 0;
      const client = () => new CognigyClient({ baseUrl: emu.url, apiKey, rateLimit: 0, logger: silentLogger });
      const ds = loadDataset({ config: base.config, root: dir });
      const sentences = ds.flows[0].intents.reduce((n, i) => n + Object.values(i.examples).reduce((m, l) => m + l.length, 0), 0);
      const rel = await runRelease(base, { client: client(), logger: silentLogger, dataset: ds });
      console.log(`CLINC150, ${INTENTS} intents in one flow (${sentences} examples): release ${rel.status}, ${rel.metrics?.total ?? 0} tests`);
      const pr = oneIntentChange(ds);
      const check = async (maxRequests: number) => {
        const run: RunConfig = { ...base, config: { ...base.config, check: { ...base.config.check, maxRequests } }, check: { pr: 1, runId: `bench-${maxRequests}` } };
        const c = client();
        const mark = emu.requestLog.length;
        const t0 = performance.now();
        const r = await runCheck(run, { client: c, logger: silentLogger, dataset: pr.dataset });
        const s = (performance.now() - t0) / 1000;
        const log = emu.requestLog.slice(mark);
        const scores = log.filter((e) => /\/nlu\/scores/.test(e.path)).length;
        return { r, s, total: log.length, scores };
      };
      const all = await check(0);
      const bounded = await check(600);
      const row = (label: string, x: typeof all) => {
        const underLimit = (x.total / LIMIT) * WINDOW_S;
        console.log(
          `  ${label.padEnd(18)} ${String(x.scores).padStart(7)} ${String(x.total).padStart(8)} ${underLimit.toFixed(0).padStart(9)} s   Δ macro F1 ${x.r.comparison?.delta.macroF1.toFixed(4) ?? "–"} [${x.r.comparison?.significance.macroF1Interval.map((v) => v.toFixed(3)).join(", ") ?? "–"}]  ${x.r.status}`,
        );
      };
      console.log(`PR check of a 1-intent change (${pr.intent}: +5 examples):`);
      console.log(`  maxRequests         scores requests  ≥ at 1000/5min`);
      row("off (all tests)", all);
      row("600 (default)", bounded);
      console.log(`  selection: ${bounded.r.evaluation?.selection?.how ?? "all"}`);
      console.log(`  ratio bounded/all: scoring requests ${(bounded.scores / Math.max(1, all.scores)).toFixed(3)}, all requests ${(bounded.total / Math.max(1, all.total)).toFixed(3)}`);
    } finally {
      await emu.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
