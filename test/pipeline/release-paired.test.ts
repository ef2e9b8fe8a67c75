// release keeps its gate, and uses the paired test when the baseline report's predictions cover the same utterances.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CognigyClient } from "../../src/cognigy/client.js";
import type { RunConfig } from "../../src/config/options.js";
import { type Emulator, startEmulator } from "../../src/emulator/index.js";
import { RecordingLogger } from "../../src/logger.js";
import { runRelease } from "../../src/pipeline/run.js";
import { config, dataset, smallBot, utt } from "./helpers.js";

const KEY = "paired-test-key-51c0d2";
const open: Emulator[] = [];
afterEach(async () => {
  while (open.length) await open.pop()?.close();
});

async function setup() {
  const cfg = config({ checks: { minExamples: { error: 1, warning: 1 } }, gate: { macroF1: 0.5, macroPrecision: 0.5, minIntentF1: 0, minTestsPerIntent: 1 } });
  const emu = await startEmulator({ port: 0, apiKey: KEY, seed: cfg, rateLimit: 0, taskDelayMs: 10 });
  open.push(emu);
  cfg.cognigy.baseUrl = emu.url;
  const client = new CognigyClient({ baseUrl: emu.url, apiKey: KEY, rateLimit: 0, maxRetries: 2, baseBackoffMs: 1, maxBackoffMs: 5, sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 15))) });
  const out = mkdtempSync(join(tmpdir(), "cnlu-paired-"));
  const run: RunConfig = { config: cfg, configPath: join(out, "cognigy-nlu.yml"), root: out, apiKey: KEY, out, format: "text", commit: "abcdef1234567890", dryRun: false, force: false, debug: false };
  const bot = smallBot();
  return { run, out, ds: dataset(cfg, bot.intents, bot.tests), deps: { client, logger: new RecordingLogger() } };
}

describe("release with a baseline report", () => {
  it("pairs with the baseline's predictions when they cover this run's utterances, else keeps the unpaired rule", async () => {
    const c = await setup();
    const first = await runRelease(c.run, { ...c.deps, dataset: c.ds });
    expect(first.status).toBe("success");
    expect(first.comparison).toBeUndefined();
    const baseline = join(c.out, "baseline.json");
    writeFileSync(baseline, JSON.stringify({ ...first, commit: "1111111" }));

    const second = await runRelease({ ...c.run, baseline }, { ...c.deps, dataset: c.ds });
    expect(second.status).toBe("success");
    expect(second.comparison).toMatchObject({ base: { ref: "1111111", engine: "cognigy" }, excluded: 0 });
    expect(second.comparison?.head.metrics.total).toBe(first.predictions?.length);
    expect(second.gate?.checks.map((x) => x.name)).toContain("significance");
    expect(second.gate?.checks.map((x) => x.name)).not.toContain("maxRegression.perIntent");

    // a new test the baseline never scored: not the same utterances, so the unpaired rule applies
    const edited = structuredClone(c.ds);
    edited.flows[0].intents[1].tests["en-US"].push(utt("rain forecast tomorrow maybe"));
    const third = await runRelease({ ...c.run, baseline }, { ...c.deps, dataset: edited });
    expect(third.comparison).toBeUndefined();
    expect(third.gate?.checks.map((x) => x.name)).toContain("maxRegression.perIntent");
  }, 60_000);
});
