// Benchmark: a full release of CLINC150 (10 flows, one per domain: within Cognigy's per-flow caps) on the emulator (rate limit off): requests and wall time per step, macro F1,
// and the time the run's requests need under Cognigy's 1,000 requests / 5 min (the client's budget replayed on a
// virtual clock) against the bound that limit sets.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RequestBudget } from "../src/cognigy/budget.js";
import { CognigyClient } from "../src/cognigy/client.js";
import { resolveRunConfig } from "../src/config/options.js";
import { startEmulator } from "../src/emulator/index.js";
import { silentLogger } from "../src/logger.js";
import { runRelease, runSync } from "../src/pipeline/run.js";
import { writeClincDomains } from "./clinc150.js";
import { clinc150 } from "./datasets.js";

const LIMIT = 1000;
const WINDOW_S = 300;

/**
 * Replays the run's requests (in order, each taking its measured time) through the client's own RequestBudget
 * (LIMIT per WINDOW_S) on a virtual clock: how long the run would take with the budget holding it under Cognigy's limit.
 */
async function simulateUnderLimit(durationsMs: number[]): Promise<number> {
  let t = 0;
  const budget = new RequestBudget({
    limit: LIMIT,
    windowMs: WINDOW_S * 1000,
    now: () => t,
    sleep: async (ms) => {
      t += ms;
    },
  });
  for (const d of durationsMs) {
    await budget.acquire();
    t += d;
  }
  return t / 1000;
}

export async function bench(): Promise<void> {
  if (!clinc150()) return;
  const dir = mkdtempSync(join(tmpdir(), "cnlu-bench-pipeline-"));
  try {
    const layout = writeClincDomains(dir, { oosTests: true });
    console.log(`CLINC150 by domain: ${layout.flows} flows, ${layout.intents} intents, ${layout.examples} examples, ${layout.tests} tests`);
    const apiKey = "bench-pipeline-key-0123456789";
    const run = resolveRunConfig({ config: join(dir, "cognigy-nlu.yml"), out: join(dir, "out"), commit: "bench000" }, { COGNIGY_API_KEY: apiKey }, dir);
    run.config.evaluate.concurrency = 8;
    // CLINC150 itself files 2 sentences under two intents each (duplicate-across errors): a release would rightly
    // refuse it, so the benchmark downgrades that rule to a warning.
    run.config.checks.rules = { ...run.config.checks.rules, "duplicate-across": "warning" };
    const emu = await startEmulator({ port: 0, apiKey, seed: run.config, rateLimit: 0, taskDelayMs: 50, maxLogEntries: 100_000 });
    try {
      run.config.cognigy.baseUrl = emu.url;
      run.config.cognigy.rateLimit = 0;
      const client = new CognigyClient({ baseUrl: emu.url, apiKey, rateLimit: 0, logger: silentLogger });
      const perStep: { step: string; from: number }[] = [];
      const t0 = performance.now();
      const report = await runRelease(run, { client, logger: silentLogger, onStep: (step) => perStep.push({ step, from: client.stats().total }) });
      const wall = (performance.now() - t0) / 1000;
      const total = client.stats().total;
      console.log(`CLINC150 release (rate limit off): ${report.status}, ${report.summary}`);
      console.log(`  ${report.metrics?.total ?? 0} test utterances, macro F1 ${report.metrics?.macroF1.toFixed(4)}, accuracy ${report.metrics?.accuracy.toFixed(4)}, OOS recall ${report.metrics?.outOfScope?.recall.toFixed(3) ?? "–"}`);
      console.log(`  step        requests   wall s`);
      for (const [i, s] of perStep.entries()) {
        const req = (perStep[i + 1]?.from ?? total) - s.from;
        const ms = report.timings.find((t) => t.step === s.step)?.ms ?? 0;
        console.log(`  ${s.step.padEnd(10)} ${String(req).padStart(9)} ${(ms / 1000).toFixed(2).padStart(8)}`);
      }
      console.log(`  total      ${String(total).padStart(9)} ${wall.toFixed(2).padStart(8)}`);

      // the 1,000 / 5 min limit: replay the run's requests (measured durations, in order) through the window
      const durations = emu.requestLog.filter((e) => !e.path.includes("/__emulator")).map((e) => e.ms);
      const needed = await simulateUnderLimit(durations);
      const bound = (durations.length / LIMIT) * WINDOW_S;
      console.log(`under ${LIMIT} requests / 5 min: ${durations.length} requests take ${needed.toFixed(0)} s through the client's budget; the limit's bound is ${bound.toFixed(0)} s (requests/1000×300) → ratio ${(needed / bound).toFixed(3)} (target ≤ 1.10)`);

      // first sync: batch vs import (sync only, fresh projects)
      const emu2 = await startEmulator({ port: 0, apiKey, seed: { ...run.config, cognigy: { ...run.config.cognigy, project: "Import Bot" } }, rateLimit: 0, taskDelayMs: 50 });
      try {
        const sync = async (strategy: "batch" | "import", project: string) => {
          const c = new CognigyClient({ baseUrl: emu2.url, apiKey, rateLimit: 0, logger: silentLogger });
          const cfg = structuredClone(run.config);
          cfg.cognigy.baseUrl = emu2.url;
          cfg.cognigy.project = project;
          cfg.sync.strategy = strategy;
          const t = performance.now();
          const r = await runSync({ ...run, config: cfg }, { client: c, logger: silentLogger });
          return { r, requests: c.stats().total, s: (performance.now() - t) / 1000 };
        };
        const imp = await sync("import", "Import Bot");
        const syncReq = (perStep.find((s) => s.step === "sync") ? (perStep[perStep.findIndex((s) => s.step === "sync") + 1]?.from ?? total) - (perStep.find((s) => s.step === "sync")?.from ?? 0) : 0);
        console.log(`first sync of ${report.plan?.totals.addSentences} sentences: batch ${syncReq} requests (${report.sync?.writeCalls} writes); import ${imp.requests} requests incl. validate+plan (${imp.r.sync?.writeCalls} writes) in ${imp.s.toFixed(2)} s`);
      } finally {
        await emu2.close();
      }
    } finally {
      await emu.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
